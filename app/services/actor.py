"""Who acts at a counter: the logged-in user (``Actor``) and, resolved inside a unit of work, the
user on duty there (``OnDuty``: role, counter, hall, open shift)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.errors import NotFound, RuleViolation
from app.services.permissions import require_permission
from db.engine import connection_of
from db.tables import counters, halls, shifts, users


@dataclass(frozen=True)
class Actor:
    """The logged-in user working at a counter."""

    user_id: int
    counter_id: int


@dataclass(frozen=True)
class OnDuty:
    """The actor as resolved in the database: who, in which role, at which counter of which
    hall, in which open shift (None before the clerk opens one)."""

    user_id: int
    role: str
    counter_id: int
    hall_id: int
    hall_code: str
    shift_id: int | None = None


# the columns ``on_duty_in`` reads, for wider reads that find the actor too (the sale's)
ON_DUTY_COLUMNS = (
    users.c.active,
    users.c.role,
    counters.c.hall_id,
    halls.c.code,
    shifts.c.id.label("shift_id"),
)


def on_duty_joined(users_side):  # type: ignore[no-untyped-def]
    """``users_side`` (a FROM holding ``users``) outer-joined to the counter ``:counter_id``,
    its hall and the user's open shift there: the FROM of ``ON_DUTY_COLUMNS``."""
    return (
        users_side.outerjoin(counters, counters.c.id == bindparam("counter_id"))
        .outerjoin(halls, halls.c.id == counters.c.hall_id)
        .outerjoin(
            shifts,
            (shifts.c.clerk_id == users.c.id)
            & (shifts.c.counter_id == counters.c.id)
            & shifts.c.closed_at.is_(None),
        )
    )


_ON_DUTY = (
    select(*ON_DUTY_COLUMNS)
    .select_from(on_duty_joined(users))
    .where(users.c.id == bindparam("user_id"))
)

NO_SHIFT_MESSAGE = "请先开班（交接班 → 开班）再办理业务"


def resolve_actor(session: Session, actor: Actor, operation: str | None = None) -> OnDuty:
    """Who is acting where; with ``operation``, refused unless the actor's role may do it."""
    row = (
        connection_of(session)
        .execute(_ON_DUTY, {"user_id": actor.user_id, "counter_id": actor.counter_id})
        .first()
    )
    return on_duty_in(session, actor, row, operation)


def on_duty_in(session: Session, actor: Actor, row, operation: str | None) -> OnDuty:  # type: ignore[no-untyped-def]
    """The actor as a read of ``ON_DUTY_COLUMNS`` (outer-joined to the user) found them."""
    if row is None or row.role is None:
        raise RuleViolation("操作员不存在或已停用", f"user {actor.user_id} not found")
    if row.hall_id is None:
        raise NotFound("柜台不存在", f"counter {actor.counter_id} not found")
    if not row.active:
        raise RuleViolation("操作员不存在或已停用", f"user {actor.user_id} disabled")
    if operation is not None:
        require_permission(session, actor.user_id, actor.counter_id, row.role, operation)
    return OnDuty(actor.user_id, row.role, actor.counter_id, row.hall_id, row.code, row.shift_id)


def require_shift(on_duty: OnDuty) -> int:
    """The actor's open shift at this counter: no counter transaction happens outside one."""
    if on_duty.shift_id is None:
        raise RuleViolation(
            NO_SHIFT_MESSAGE, f"user {on_duty.user_id} has no open shift at {on_duty.counter_id}"
        )
    return on_duty.shift_id
