"""An account the go-live import brought from the old system, written as the importer writes it
(plain rows through one unit of work): customer, card account, meter, card, the batch, what the
batch created and the card's figures as the old system had them, and the ladder year's usage.
For tests of what follows an import (the card's takeover, sales after it)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import func, select

from app.domain.identity import make_resident_id
from app.domain.pricing import ladder_year_start
from app.vocabulary import (
    AccountKind,
    AccountStatus,
    CardStatus,
    CustomerKind,
    IdType,
    ImportBatchKind,
    ImportBatchStatus,
    MeterStatus,
    Role,
)
from db.models import (
    Account,
    Card,
    Customer,
    Hall,
    ImportBatch,
    ImportedAccount,
    ImportedCard,
    Meter,
    OpeningUsage,
    Tariff,
    User,
)

_numbers = itertools.count(1)


@dataclass(frozen=True)
class ImportedCardAccount:
    """What the fixture wrote: the ids and numbers a test goes on with."""

    account_no: str
    account_id: int
    card_id: int
    serial: str
    maker: str
    meter_no: str
    batch_id: int
    imported_card_id: int


def imported_card_account(  # type: ignore[no-untyped-def]
    ctx,
    *,
    account_no: str,
    serial: str,
    maker: str,
    count: int,
    gas_on_card: int,
    status: CardStatus = CardStatus.ACTIVE,
    usage: int = 0,
    recorded_serial: str | None = None,
) -> ImportedCardAccount:
    """One card account as an import batch (completed) writes it: the account's purchase count
    and the imported card's are ``count``, ``gas_on_card`` (0.01 m³) not yet in the meter,
    ``usage`` (0.01 m³) bought in this ladder year before GasDesk. ``recorded_serial``: the
    number the old system recorded for the card when it differs from the card's own."""
    n = next(_numbers)
    now = ctx.now()
    recorded = recorded_serial or serial
    with ctx.unit_of_work() as s:
        hall_id = s.scalar(select(func.min(Hall.id)))
        admin_id = s.scalar(select(User.id).where(User.role == Role.ADMINISTRATOR).limit(1))
        batch = ImportBatch(
            batch_no=f"IMP-TEST-{n:04d}-{account_no}",
            kind=ImportBatchKind.IMPORT,
            status=ImportBatchStatus.COMPLETED,
            content_hash=f"{n:064d}",
            files="[]",
            options="{}",
            accounts_total=1,
            accounts_done=1,
            started_by=admin_id,
            started_at=now,
            finished_at=now,
        )
        customer = Customer(
            kind=CustomerKind.RESIDENTIAL,
            name=f"旧系统用户{n}",
            id_type=IdType.RESIDENT_ID,
            id_number=make_resident_id(
                "310105", dt.date(1960, 1, 1) + dt.timedelta(days=n), n % 1000
            ),
            phone=None,
            address=f"旧城路{n}号",
            household_size=3,
            search_text="",
            created_at=now,
        )
        s.add_all([batch, customer])
        s.flush()
        account = Account(
            account_no=account_no,
            hall_id=hall_id,
            customer_id=customer.id,
            status=AccountStatus.ACTIVE,
            kind=AccountKind.CARD,
            purchase_count=count,
            opened_at=now - dt.timedelta(days=3650),
        )
        s.add(account)
        s.flush()
        meter_no = f"OLD{n:07d}"
        card = Card(
            serial=recorded,
            account_id=account.id,
            status=status,
            maker=maker,
            issued_at=now - dt.timedelta(days=3650),
        )
        imported = ImportedCard(
            batch_id=batch.id,
            account_no=account_no,
            serial=recorded,
            maker=maker,
            status=status,
            purchase_count=count,
            gas_on_card=gas_on_card,
            cumulative_purchased=None,
        )
        s.add_all(
            [
                Meter(
                    meter_no=meter_no,
                    model="G2.5",
                    initial_reading=0,
                    account_id=account.id,
                    status=MeterStatus.ACTIVE,
                    installed_at=now - dt.timedelta(days=3650),
                ),
                card,
                imported,
                ImportedAccount(
                    batch_id=batch.id, account_no=account_no, customer_created=True, source_row=2
                ),
            ]
        )
        if usage:
            start_month = s.scalar(
                select(Tariff.ladder_start_month)
                .where(Tariff.customer_class == CustomerKind.RESIDENTIAL)
                .order_by(Tariff.effective_from.desc())
                .limit(1)
            )
            s.add(
                OpeningUsage(
                    batch_id=batch.id,
                    account_no=account_no,
                    ladder_year=ladder_year_start(ctx.today(), start_month),
                    volume=usage,
                )
            )
        s.flush()
        made = ImportedCardAccount(
            account_no, account.id, card.id, recorded, maker, meter_no, batch.id, imported.id
        )
        s.commit()
    return made
