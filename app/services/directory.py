"""Small read-only look-ups the counter's forms need: an approver by user name, a transaction by
its receipt number, and which roles must approve a refund/supplement of a given volume.

Nothing here checks a password or decides an approval: ``security.check_approvals`` does that
when the operation itself runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.context import Context
from app.errors import NotFound
from app.services.boundary import ReceiptNo, Username, service
from app.services.security import Requirement, required_approvals
from app.vocabulary import Role
from db.tables import transactions, users

NO_SUCH_USER = 0  # never a user's id (ids start at 1)


@service
def user_id_by_username(ctx: Context, username: Username) -> int:
    """The id of the user with this login name, active or not; ``NO_SUCH_USER`` for a name
    nobody has. An unknown name is not told apart here: the password check that follows
    answers "用户名或密码错误" for it, after the same work as for a wrong password."""
    name = (username or "").strip() if isinstance(username, str) else ""
    with ctx.reading() as session:
        user_id = (
            session.connection()
            .execute(select(users.c.id).where(users.c.username == name))
            .scalar()
        )
    return NO_SUCH_USER if user_id is None else user_id


@service
def transaction_id_by_receipt(ctx: Context, receipt_no: ReceiptNo) -> int:
    """The counter transaction that printed this receipt number."""
    number = (receipt_no or "").strip()
    with ctx.reading() as session:
        txn_id = (
            session.connection()
            .execute(select(transactions.c.id).where(transactions.c.receipt_no == number))
            .scalar()
        )
    if txn_id is None:
        raise NotFound("没有这张凭证", f"receipt {number!r} not found")
    return txn_id


@dataclass(frozen=True)
class ApprovalSlots:
    """Who must approve: one Chinese role label per approver (e.g. "班长"), and whether each
    must write a reason."""

    labels: tuple[str, ...]
    reasons_required: bool
    roles: tuple[tuple[Role, ...], ...] = ()  # per approver, the roles that may approve


@service
def approval_slots(
    ctx: Context, volume: int, meter_replacement: str | None = None
) -> ApprovalSlots:
    """The approvers a refund/supplement of ``volume`` needs under the hall's thresholds (with
    ``meter_replacement``, the customer kind: a meter replacement's carry-over of ``volume``)."""
    with ctx.reading() as session:
        slots, reasons = required_approvals(session, volume, meter_replacement=meter_replacement)
    return slots_of(slots, reasons)


def slots_of(slots: Requirement, reasons_required: bool) -> ApprovalSlots:
    """A requirement (per approver, the roles that may approve) as the screen shows it."""
    roles = tuple(tuple(Role(role) for role in sorted(slot)) for slot in slots)
    labels = tuple("/".join(role.label for role in slot) for slot in roles)
    return ApprovalSlots(labels, reasons_required, roles)
