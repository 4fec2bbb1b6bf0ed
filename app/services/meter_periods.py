"""An account's meter periods: the gas ledger of the meter bound now, since its replacement (换表).

A meter replacement restarts the purchase count (the new meter's first card write carries count
1), so "the transaction at purchase count N" is only decidable within one meter's period. The
period of the current meter starts after the account's newest meter replacement that was not
reversed (its ``meter_replacement`` transaction's id; 0 when the first meter is still bound).
Every reader of ``meter_replacements`` goes through ``live_replacements`` (a reversed
replacement never counts).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, ScalarSelect, bindparam, func, select
from sqlalchemy.orm import Session

from app.vocabulary import ImportBatchStatus, TransactionKind
from db.engine import connection_of
from db.models import Card
from db.tables import (
    accounts,
    audit_log,
    import_batches,
    imported_accounts,
    imported_cards,
    meter_replacements,
    meters,
    transactions,
)

_reversing = transactions.alias("reversing")


def reversed_transaction_ids() -> ColumnElement[bool]:
    """``transactions.id`` of rows undone by a reversal (撤销)."""
    return select(_reversing.c.reverses_id).where(
        _reversing.c.kind == TransactionKind.REVERSAL, _reversing.c.reverses_id.is_not(None)
    )


def live_replacements() -> ColumnElement[bool]:
    """The condition on ``meter_replacements`` that leaves out reversed replacements."""
    return meter_replacements.c.transaction_id.not_in(reversed_transaction_ids())


def period_start(account_id: ColumnElement[int]) -> ScalarSelect[int]:
    """The id of the transaction that began the account's current meter period (0: none)."""
    return (
        select(func.coalesce(func.max(meter_replacements.c.transaction_id), 0))
        .where(meter_replacements.c.account_id == account_id, live_replacements())
        .scalar_subquery()
    )


def in_current_period(account_id: ColumnElement[int]) -> ColumnElement[bool]:
    """``transactions`` rows of the account's current meter period (after its replacement)."""
    return transactions.c.id > period_start(account_id)


_CURRENT = (
    select(meter_replacements)
    .where(
        meter_replacements.c.account_id == bindparam("account_id"),
        meter_replacements.c.transaction_id <= bindparam("as_of"),
        live_replacements(),
    )
    .order_by(meter_replacements.c.transaction_id.desc())
    .limit(1)
)
_NOW = 2**31 - 1  # "as of" every transaction so far (the largest INTEGER id)


def current_replacement(session: Session, account_id: int, as_of: int = _NOW):  # type: ignore[no-untyped-def]
    """The replacement that bound the account's current meter (None: its first meter); with
    ``as_of``, the one current when that transaction was made."""
    params = {"account_id": account_id, "as_of": as_of}
    return connection_of(session).execute(_CURRENT, params).first()


_voids = transactions.alias("voids")
_CARRIED = (
    select(func.coalesce(func.sum(transactions.c.volume), 0))
    .where(
        transactions.c.account_id == bindparam("account_id"),
        transactions.c.id > bindparam("since"),
        transactions.c.id <= bindparam("as_of"),
        transactions.c.kind == TransactionKind.CARRY_OVER,
        # a carry-over whose card write did not land was voided: it is still owed
        transactions.c.id.not_in(
            select(_voids.c.reverses_id).where(
                _voids.c.kind == TransactionKind.VOID, _voids.c.reverses_id.is_not(None)
            )
        ),
    )
    .scalar_subquery()
)


def carry_over_remaining(session: Session, account_id: int, as_of: int = _NOW) -> int:
    """Carried-over gas of the current meter not yet written to a card (0.01 m³); with
    ``as_of``, what remained right after that transaction (its receipt prints it)."""
    replacement = current_replacement(session, account_id, as_of)
    if replacement is None:
        return 0
    params = {"account_id": account_id, "since": replacement.transaction_id, "as_of": as_of}
    written = connection_of(session).execute(select(_CARRIED), params)
    return replacement.carry_over_volume - int(written.scalar_one())


_PERIOD_SUM = select(func.coalesce(func.sum(transactions.c.volume), 0)).where(
    transactions.c.account_id == bindparam("account_id"),
    in_current_period(bindparam("account_id")),
)


def meter_credit(session: Session, account_id: int) -> int:
    """Gas the current meter is owed so far (0.01 m³): everything put on the account's cards
    in its period net of refunds and voids, plus carried-over gas not yet written (paid for on
    the old meter), plus what the old system sold for it (``opening_credit``). Gas used beyond
    it is overdrawn (换表, 销户)."""
    total = connection_of(session).execute(_PERIOD_SUM, {"account_id": account_id}).scalar_one()
    return (
        int(total) + carry_over_remaining(session, account_id) + opening_credit(session, account_id)
    )


_STANDING = import_batches.c.status != ImportBatchStatus.ROLLED_BACK
_IMPORTED_PURCHASE = (
    select(imported_accounts.c.cumulative_purchased)
    .join(import_batches, import_batches.c.id == imported_accounts.c.batch_id)
    .join(accounts, accounts.c.account_no == imported_accounts.c.account_no)
    .where(accounts.c.id == bindparam("account_id"), _STANDING)
    .order_by(imported_accounts.c.id.desc())
    .limit(1)
)


# the same record, while the meter it came with is still bound to the account
_OPENING_CREDIT = _IMPORTED_PURCHASE.join(
    meters,
    (meters.c.account_id == accounts.c.id) & (meters.c.meter_no == imported_accounts.c.meter_no),
)


def opening_credit(session: Session, account_id: int) -> int:
    """Gas the old system sold for the meter the account was imported with (0.01 m³; the
    import's ``cumulative_purchased``), while that meter is still the account's: a closing or a
    meter replacement settles it like gas GasDesk sold. 0 for an account never imported, or
    once its imported meter was replaced (the replacement settled it)."""
    found = connection_of(session).execute(_OPENING_CREDIT, {"account_id": account_id}).scalar()
    return int(found or 0)


def imported_purchase(session: Session, account_id: int) -> int:
    """All the gas the old system sold the account (the import's ``cumulative_purchased``),
    whichever meter it went to: what unused old gas (left in the meter, or carried over to a
    new one at 换表) is at most."""
    found = connection_of(session).execute(_IMPORTED_PURCHASE, {"account_id": account_id})
    return int(found.scalar() or 0)


_IMPORTED_GAS = (
    select(imported_cards.c.gas_on_card)
    .join(import_batches, import_batches.c.id == imported_cards.c.batch_id)
    .join(accounts, accounts.c.account_no == imported_cards.c.account_no)
    .where(
        accounts.c.id == bindparam("account_id"),
        imported_cards.c.purchase_count == bindparam("count"),
        _STANDING,
    )
    .order_by(imported_cards.c.id.desc())
    .limit(1)
)


def imported_gas_on_card(session: Session, account_id: int, count: int) -> int | None:
    """The gas the old system left on the account's card holding purchase count ``count``, not
    yet in the meter (the import's ``gas_on_card``); None when no imported card had that
    count."""
    found = (
        connection_of(session)
        .execute(_IMPORTED_GAS, {"account_id": account_id, "count": count})
        .scalar()
    )
    return None if found is None else int(found)


def card_before(session: Session, row) -> tuple[Card | None, bool]:  # type: ignore[no-untyped-def]
    """The card the account had before replacement ``row`` (the one its reversal makes the
    account's card again) and whether it still exists as that card: a maker's card formatted
    and issued again for the new meter is gone."""
    card = session.scalar(
        select(Card)
        .where(Card.account_id == row.account_id, Card.id < (row.new_card_id or 0))
        .order_by(Card.id.desc())
        .limit(1)
    )
    if card is None or card.status != "retired":
        return card, False
    formatted = session.scalar(
        select(func.count())
        .select_from(audit_log)
        .where(
            audit_log.c.kind == "card_formatted",
            audit_log.c.ref == f"card:{card.serial}",
            audit_log.c.at >= row.created_at,
        )
    )
    return card, not formatted
