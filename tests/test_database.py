"""The database itself: pragmas, migrations matching the models, append-only money rows."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from db import migrate
from db.engine import AppendOnlyViolation
from db.models import APPEND_ONLY_TABLES, Base, CounterTransaction, TransactionSegment
from tests.support import PASSWORD, buy, m3, open_customer, terminals


def test_sqlite_pragmas_on_every_connection(tmp_path):
    from db.engine import open_database

    db = open_database(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    for _ in range(3):  # several pooled connections, each configured
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    db.dispose()


def test_migrations_match_the_models(database):
    def include(obj, name, type_, reflected, compare_to):
        # the search index lives outside the models on purpose (db/guards.py)
        return not (name or "").startswith(("customer_search", "ix_customers_search"))

    with database.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": include, "compare_type": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_go_down_and_up_again(database):
    migrate.downgrade(database, "base")
    assert migrate.current_revision(database) is None
    migrate.upgrade(database)
    assert migrate.current_revision(database) == migrate.head_revision()


def test_foreign_keys_are_enforced(ctx):
    with ctx.unit_of_work() as s, pytest.raises(DatabaseError):
        s.execute(
            text(
                "INSERT INTO cards (serial, account_id, status, issued_at) VALUES ('X', 999, 'active', '2026-01-01')"
            )
        )
        s.flush()


def test_money_rows_cannot_be_changed_through_the_orm(hall):
    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(10))
    with hall.ctx.unit_of_work() as s:
        txn = s.scalar(select(CounterTransaction).where(CounterTransaction.kind == "purchase"))
        txn.amount_fen = 1
        with pytest.raises(AppendOnlyViolation):
            s.flush()
    with hall.ctx.unit_of_work() as s:
        segment = s.scalar(select(TransactionSegment))
        s.delete(segment)
        with pytest.raises(AppendOnlyViolation):
            s.flush()


@pytest.mark.parametrize("table", sorted(APPEND_ONLY_TABLES))
def test_money_rows_cannot_be_changed_in_sql(hall, table):
    _every_kind_of_row(hall)
    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with hall.ctx.unit_of_work() as s, pytest.raises(DatabaseError) as error:
            s.execute(text(statement))
        assert "append-only" in str(error.value)


def _every_kind_of_row(hall):
    """A purchase, a refund, a transfer and a card write: a row in every append-only table."""
    import datetime as dt
    import uuid

    from app.services.accounts import ContractInput, TransferRequest, transfer
    from app.services.sales import RefundRequest, refund
    from app.services.security import ApprovalInput
    from tests.support import customer_input, unloaded

    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(10))
    refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(
            uuid.uuid4(),
            unloaded(sale),
            "退气",
            (ApprovalInput(hall.users["admin"], password=PASSWORD),),
        ),
    )
    transfer(
        hall.ctx,
        hall.clerk,
        TransferRequest(
            uuid.uuid4(),
            account.account_no,
            customer_input("新户主"),
            ContractInput("HT-X1", dt.date(2026, 3, 1)),
            m3(1),
        ),
    )
    from app.services.card_writes import complete_card_write
    from app.services.sales import PurchaseRequest, purchase

    request = PurchaseRequest(uuid.uuid4(), account.card_serial, m3(5), writes_card=True)
    complete_card_write(
        hall.ctx, hall.clerk, purchase(hall.ctx, hall.clerk, request).transaction_id
    )
    import tempfile

    from app.counter.receipts import print_receipt
    from app.devices.printer import printer_from_config
    from app.services.card_keys import remember_card_key

    # a maker's card returns a new key after a write (format v1 cards never do)
    assert remember_card_key(hall.ctx, "gasdesk", account.card_serial, "k-after-write")
    with tempfile.TemporaryDirectory() as spool:
        printer = printer_from_config({"type": "file", "path": f"{spool}/receipt.bin"})
        assert print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id).printed
    from app.domain.cash import count_of
    from app.services.shifts import (
        CloseShiftRequest,
        CountRequest,
        HandoverRequest,
        close_shift,
        count_drawer,
        hand_over,
    )

    hand_over(
        hall.ctx,
        hall.clerk,
        HandoverRequest(uuid.uuid4(), count_of(10000), hall.credential("zhaomin")),
    )
    count_drawer(hall.ctx, hall.clerk, CountRequest(uuid.uuid4(), count_of(100), terminals()))
    close_shift(
        hall.ctx,
        hall.clerk,
        CloseShiftRequest(uuid.uuid4(), "点错了", hall.credential("zhoujie")),
    )
    _life_cycle_rows(hall, account.account_no, sale.transaction_id)
    _import_rows(hall, account.account_no)
    with hall.ctx.unit_of_work() as s:
        for table in APPEND_ONLY_TABLES:
            assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0, table


def _life_cycle_rows(hall, account_no: str, transaction_id: int) -> None:
    """One row in each meter life-cycle table (0010), written as plain rows: what is tested
    here is that the database refuses to change them, whoever wrote them."""
    import datetime as dt
    import uuid

    from db.models import (
        Account,
        AccountLimit,
        Inspection,
        Meter,
        MeterReplacement,
        SaleOverride,
        ToolCard,
        ToolCardReturn,
        User,
    )

    now = dt.datetime.now(dt.UTC)
    with hall.ctx.unit_of_work() as s:
        account = s.scalar(select(Account).where(Account.account_no == account_no))
        user_id = s.scalar(select(User.id).limit(1))
        counter_id = s.scalar(select(CounterTransaction.counter_id).limit(1))
        meter = s.scalar(select(Meter).where(Meter.account_id == account.id))
        spare = Meter(meter_no="T-SPARE-1", model="G2.5", initial_reading=0)
        tool = ToolCard(
            request_id=uuid.uuid4(),
            serial="TOOL-1",
            maker="gasdesk",
            kind="check",
            meter_no=meter.meter_no,
            account_id=account.id,
            technician="王师傅",
            reason="检查",
            issued_by=user_id,
            counter_id=counter_id,
            issued_at=now,
        )
        s.add_all([spare, tool])
        s.flush()
        back = ToolCardReturn(tool_card_id=tool.id, received_by=user_id, returned_at=now, used=True)
        s.add(back)
        s.flush()
        s.add_all(
            [
                MeterReplacement(
                    transaction_id=transaction_id,
                    account_id=account.id,
                    old_meter_id=meter.id,
                    new_meter_id=spare.id,
                    technician="王师傅",
                    final_reading=0,
                    old_initial_reading=0,
                    bought_volume=0,
                    used_volume=0,
                    carry_over_volume=0,
                    overdrawn_volume=0,
                    customer_at_fault=False,
                    meter_fee_fen=0,
                    card_fee_fen=0,
                    tool_card_return_id=back.id,
                    created_at=now,
                ),
                Inspection(
                    request_id=uuid.uuid4(),
                    account_id=account.id,
                    inspected_on=now.date(),
                    result="passed",
                    inspector="李工",
                    source="counter",
                    recorded_by=user_id,
                    recorded_at=now,
                ),
                AccountLimit(
                    account_id=account.id, volume=100, reason="核定", set_by=user_id, set_at=now
                ),
                SaleOverride(
                    transaction_id=transaction_id,
                    kind="purchase_limit",
                    approver_id=user_id,
                    reason="特批",
                    detail="剩余限购0立方米",
                    created_at=now,
                ),
            ]
        )
        s.commit()


def _import_rows(hall, account_no: str) -> None:
    """One row in each append-only table of the go-live import (0011), written as plain rows."""
    import datetime as dt
    import uuid

    from db.models import (
        Account,
        Card,
        CardTakeover,
        ImportBatch,
        ImportedAccount,
        ImportedCard,
        OpeningEntry,
        OpeningUsage,
        User,
    )

    now = dt.datetime.now(dt.UTC)
    with hall.ctx.unit_of_work() as s:
        account = s.scalar(select(Account).where(Account.account_no == account_no))
        card = s.scalar(select(Card).where(Card.account_id == account.id))
        user_id = s.scalar(select(User.id).limit(1))
        counter_id = s.scalar(select(CounterTransaction.counter_id).limit(1))
        batch = ImportBatch(
            batch_no="IMP-TEST-1",
            kind="import",
            status="completed",
            content_hash="0" * 64,
            files="[]",
            options="{}",
            accounts_total=1,
            accounts_done=1,
            started_by=user_id,
            started_at=now,
        )
        s.add(batch)
        s.flush()
        imported = ImportedCard(
            batch_id=batch.id,
            account_no=account_no,
            serial=card.serial,
            maker="gasdesk",
            status="active",
            purchase_count=1,
            gas_on_card=0,
        )
        s.add(imported)
        s.flush()
        s.add_all(
            [
                ImportedAccount(
                    batch_id=batch.id,
                    account_no=account_no,
                    customer_created=False,
                    source_row=2,
                    meter_no=None,
                    cumulative_purchased=None,
                ),
                OpeningUsage(
                    batch_id=batch.id,
                    account_no=account_no,
                    ladder_year=dt.date(2026, 1, 1),
                    volume=100,
                ),
                OpeningEntry(
                    batch_id=batch.id,
                    account_no=account_no,
                    kind="balance",
                    amount_fen=100,
                    paid_fen=0,
                    as_of=now.date(),
                ),
                CardTakeover(
                    request_id=uuid.uuid4(),
                    card_id=card.id,
                    imported_card_id=imported.id,
                    account_id=account.id,
                    read_count=1,
                    read_gas=0,
                    imported_count=1,
                    imported_gas=0,
                    matched=True,
                    operator_id=user_id,
                    counter_id=counter_id,
                    created_at=now,
                ),
            ]
        )
        s.commit()


def test_append_only_tables_are_the_money_and_evidence_tables():
    assert set(APPEND_ONLY_TABLES) == {
        "counter_transactions",
        "transaction_segments",
        "approvals",
        "ownership_changes",
        "card_writes",
        "card_write_outcomes",
        "print_jobs",
        "print_attempts",
        "shift_counts",
        "cash_movements",
        "audit_log",
        "tariffs",
        "tariff_tiers",
        "card_keys",
        "meter_replacements",
        "tool_cards",
        "tool_card_returns",
        "inspections",
        "account_limits",
        "sale_overrides",
        "imported_accounts",
        "imported_cards",
        "opening_usage",
        "opening_entries",
        "card_takeovers",
    }


def test_no_update_or_delete_of_money_rows_in_the_code():
    """No statement in app/ or db/ updates or deletes an append-only table."""
    import pathlib
    import re

    names = "|".join(
        [
            "CounterTransaction",
            "TransactionSegment",
            "Approval",
            "OwnershipChange",
            "ShiftCount",
            "CashMovement",
            *APPEND_ONLY_TABLES,
        ]
    )
    pattern = re.compile(rf"(update|delete)\(\s*({names})\b|(UPDATE|DELETE FROM)\s+({names})\b")
    offenders = [
        str(path)
        for root in ("app", "db")
        for path in pathlib.Path(root).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8")) and "guards.py" not in path.name
    ]
    assert offenders == []
