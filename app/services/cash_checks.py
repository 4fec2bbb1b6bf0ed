"""Where the cash is, always a sum of rows: a shift's drawer (its movements and cash
transactions) and a hall's safe (its safe movements); and the refusal to pay out more than
either holds."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.errors import RuleViolation
from app.services.locks import require_locked
from app.vocabulary import PaymentMethod
from db.tables import movements, transactions


def drawer_cash_of(shift_id) -> ColumnElement[int]:  # type: ignore[no-untyped-def]
    """Cash that should be in the drawer of ``shift_id`` (a value or a column, for wider reads
    such as the sale's): its movements plus its cash transactions."""
    moved = select(func.coalesce(func.sum(movements.c.drawer_fen), 0)).where(
        movements.c.shift_id == shift_id
    )
    taken = select(func.coalesce(func.sum(transactions.c.amount_fen), 0)).where(
        transactions.c.shift_id == shift_id,
        transactions.c.payment_method == PaymentMethod.CASH,
    )
    return moved.scalar_subquery() + taken.scalar_subquery()


def drawer_cash(session: Session, shift_id: int) -> int:
    """Cash that should be in the shift's drawer: its movements plus its cash transactions."""
    return int(session.connection().execute(select(drawer_cash_of(shift_id))).scalar_one())


def safe_cash(session: Session, hall_id: int) -> int:
    """Cash that should be in the hall's safe: the sum of its safe movements."""
    query = select(func.coalesce(func.sum(movements.c.safe_fen), 0)).where(
        movements.c.hall_id == hall_id
    )
    return int(session.connection().execute(query).scalar_one())


# the lock that guards each place, what it holds, the refusal, the developer's name for it
_PLACES: tuple[tuple[str, Callable[[Session, int], int], str, str], ...] = (
    (
        "shift",
        drawer_cash,
        "钱箱现金不足，不能付出这笔现金（可先现金存入或改用非现金方式）",
        "drawer of shift",
    ),
    ("hall", safe_cash, "保险柜现金不足，不能付出这笔现金", "safe of hall"),
)


def refuse_negative_cash(
    session: Session, *, shift_id: int | None = None, hall_id: int | None = None
) -> None:
    """After a movement took cash out of a drawer or the safe: refuse it if the records now say
    the drawer or the safe holds less than nothing. Every cash movement and every cash
    transaction paying out goes through here, under the lock of that drawer (its shift) or safe
    (its hall), so two withdrawals cannot both spend the same balance. The message never gives
    the drawer's figure (the count at close is blind)."""
    for (lock, held, message, place), key in zip(_PLACES, (shift_id, hall_id), strict=True):
        if key is None:
            continue
        require_locked(session, lock, key)
        left = held(session, key)
        if left < 0:
            raise RuleViolation(message, f"{place} {key} would hold {left}")
