"""Passwords (argon2id) and every check of a user's password: login, unlock, approvals, fee
waivers, over/short sign-off, finance confirmation.

Parameters are OWASP's minimum for argon2id (19 MiB, 2 iterations, 1 lane). A hash made with
other parameters still verifies; ``needs_rehash`` tells the login to upgrade it.

All checks share ONE failure counter per user (issue 11, item 12): a wrong password anywhere
counts toward the same lockout, and a locked-out user can neither log in nor approve. Every
check does the same argon2 work whether the user exists, is disabled, locked or simply typed
the wrong password (a dummy verify), so the answer's timing tells nothing about the user name.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, PermissionDenied, RuleViolation
from app.policy import load_policy
from app.services import audit
from app.services.boundary import Password
from db.models import User
from db.tables import audit_log, users

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 6

# audit kinds of the one failure counter
LOGIN_OK = "login_ok"
LOGIN_FAILED = "login_failed"  # a wrong password at the login or the unlock screen
CREDENTIAL_FAILED = "credential_failed"  # a wrong password given as approver or confirmer
LOCKOUT = "lockout"  # the failure that reached the limit; data: until, minutes
LOGIN_REFUSED = "login_refused"
FAILURE_KINDS = (LOGIN_FAILED, CREDENTIAL_FAILED)

log_table = audit_log


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"密码至少{MIN_PASSWORD_LENGTH}位", f"password shorter than {MIN_PASSWORD_LENGTH}"
        )
    return HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` is the user's; a missing or malformed hash never matches."""
    # the dummy hash is made by the first check of any kind, not by the first check of an
    # unknown or locked user: its one-off argon2 cost would tell those apart
    _dummy_hash()
    if not stored_hash or not isinstance(password, str):
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash("gasdesk: no such user")


def dummy_verify(password: object) -> None:
    """The argon2 work of one real check, for a user that does not exist, is disabled or is
    locked out: the answer takes as long as for a wrong password."""
    password_matches(_dummy_hash(), password if isinstance(password, str) else "")


def minutes_left(until: dt.datetime, now: dt.datetime) -> int:
    """Whole minutes a lockout has left, rounded up (a 5-minute lockout says 5, not 6, and the
    last seconds still say 1): logged with every refusal of a locked-out user, whom the clerk's
    answer does not tell apart from a wrong password."""
    return max(1, math.ceil((until - now).total_seconds() / 60))


def session_now(session: Session) -> dt.datetime:
    """The context's clock for a session opened by ``Context.unit_of_work``/``reading``."""
    ctx = session.info.get("context")
    return ctx.now() if ctx is not None else dt.datetime.now(dt.UTC)


def _events(session: Session, user_id: int, kinds: Sequence[str], since: dt.datetime):  # type: ignore[no-untyped-def]
    return (
        session.connection()
        .execute(
            select(log_table.c.kind, log_table.c.at, log_table.c.data)
            .where(
                log_table.c.user_id == user_id,
                log_table.c.kind.in_(kinds),
                log_table.c.at >= since,
            )
            .order_by(log_table.c.seq)
        )
        .all()
    )


def locked_until(session: Session, now: dt.datetime, user_id: int) -> dt.datetime | None:
    """When the user's current lockout ends, or None when the user is not locked out."""
    rows = _events(session, user_id, (LOCKOUT,), now - dt.timedelta(days=1))
    if not rows:
        return None
    until = dt.datetime.fromisoformat(json.loads(rows[-1].data)["until"])
    return until if until > now else None


def failures_left(session: Session, now: dt.datetime, user_id: int) -> int:
    """Wrong passwords the user may still type before the next one starts a lockout, counting
    the failures since the last success or lockout inside ``login_window_minutes``."""
    policy = load_policy(session)
    window = now - dt.timedelta(minutes=policy.login_window_minutes)
    rows = _events(session, user_id, (LOGIN_OK, LOCKOUT, *FAILURE_KINDS), window)
    failures = 0
    for row in rows:  # failures since the last success or lockout, inside the window
        failures = failures + 1 if row.kind in FAILURE_KINDS else 0
    return max(0, policy.login_max_failures - failures)


def next_lockout_minutes(session: Session, now: dt.datetime, user_id: int) -> int:
    """How long the user's next lockout lasts: each lockout of a day doubles the one before,
    up to ``max_lockout_minutes``."""
    policy = load_policy(session)
    earlier = len(_events(session, user_id, (LOCKOUT,), now - dt.timedelta(days=1)))
    return min(policy.lockout_minutes * 2 ** min(earlier, 30), policy.max_lockout_minutes)


def failure_event(
    session: Session,
    now: dt.datetime,
    user_id: int,
    counter_id: int | None,
    kind: str,
    data: dict[str, object] | None = None,
) -> tuple[audit.Event, audit.Event | None]:
    """The audit event of one failed check and, when it reaches ``login_max_failures`` inside
    the window, the lockout it starts. Each lockout of a day doubles the one before, up to
    ``max_lockout_minutes``, so nobody can shut a colleague out for a whole day by guessing.
    Counted exactly only when the caller holds ``lock_user_row`` (the login does)."""
    failed = audit.Event(kind, user_id, counter_id, data=dict(data or {}))
    if failures_left(session, now, user_id) > 1:  # this one is not the last allowed
        return failed, None
    minutes = next_lockout_minutes(session, now, user_id)
    until = now + dt.timedelta(minutes=minutes)
    lockout = audit.Event(
        LOCKOUT, user_id, counter_id, data={"until": until.isoformat(), "minutes": minutes}
    )
    return failed, lockout


def lock_user_row(session: Session, user_id: int) -> None:
    """``SELECT ... FOR UPDATE`` on the user's row (PostgreSQL; SQLite has one writer anyway):
    under READ COMMITTED the failures counted after it include every one committed before.

    Lock order: taken only in a login's own transaction, which holds no shift, hall, safe or
    account lock (app/services/locks.py) and takes none after it, so it cannot close a cycle
    with the operations' locks."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(
            select(users.c.id).where(users.c.id == user_id).with_for_update()
        )


def _security_event(failed: audit.Event, lockout: audit.Event | None) -> audit.Event:
    """One event for a refusal logged after the rollback: the lockout itself when this failure
    started one (it carries the failure's data, and resets the count like a lockout does)."""
    if lockout is None:
        return failed
    return audit.Event(
        LOCKOUT,
        lockout.user_id,
        lockout.counter_id,
        data={**lockout.data, "failed": failed.kind, **failed.data},
    )


def check_user_password(
    session: Session,
    user_id: int | None,
    password: object,
    *,
    who: str,
    counter_id: int | None = None,
    acting: int | None = None,
    purpose: str,
    wrong: str | None = None,
) -> User:
    """The active user ``user_id`` whose password is ``password``, checked inside the caller's
    transaction (an approval, a confirmation). Refused with one message for an unknown or
    disabled or locked-out user and a wrong password, after the same argon2 work (a locked-out
    user's password is not looked at; the log keeps the real reason). A wrong password is
    counted toward the user's lockout: the refusal notes its event on the unit of work, which
    logs after rolling the operation back."""
    now = session_now(session)
    wrong = wrong or f"{who}用户名或密码错误"
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    base = {"as": purpose, "acting": acting}
    if user is None or not user.active:
        dummy_verify(password)
        error = PermissionDenied(wrong, f"{who}: user {user_id!r} unknown or disabled")
        event = audit.Event(
            "credential_refused",
            acting,
            counter_id,
            data={**base, "problem": "unknown user" if user is None else "disabled"},
        )
        raise audit.refused(session, error, event)
    until = locked_until(session, now, user.id)
    if until is not None:
        dummy_verify(password)
        # the same answer as a wrong password: a distinct one would tell that the name exists
        error = PermissionDenied(wrong, f"user {user.id} locked {until}")
        event = audit.Event(
            "credential_refused",
            acting,
            counter_id,
            data={
                **base,
                "confirmer": user.id,
                "problem": "locked out",
                "until": until.isoformat(),
                "minutes_left": minutes_left(until, now),
            },
        )
        raise audit.refused(session, error, event)
    if not password_matches(user.password_hash, password):  # type: ignore[arg-type]
        failed, lockout = failure_event(
            session, now, user.id, counter_id, CREDENTIAL_FAILED, {**base}
        )
        error = PermissionDenied(wrong, f"wrong password for user {user.id}")
        raise audit.refused(session, error, _security_event(failed, lockout))
    return user


@dataclass(frozen=True)
class Credential:
    """A user identifying themselves at the counter (approver, finance receiver, signer)."""

    user_id: int
    password: Password  # taken exactly as typed, bounded in length


@dataclass(frozen=True)
class Confirmed:
    user_id: int
    display_name: str
    role: str


def confirm_credential(
    session: Session,
    credential: Credential,
    *,
    roles: Collection[str],
    not_user: int | None = None,
    what: str = "确认人",
) -> Confirmed:
    """The person behind ``credential``, checked: active, not locked out, password right, one
    of ``roles``, and not ``not_user`` (nobody confirms their own operation). The password is
    checked before the role, so a refusal never tells a stranger what role a user has."""

    def refused(error: PermissionDenied | RuleViolation, problem: str):  # type: ignore[no-untyped-def]
        event = audit.Event(
            "credential_refused",
            not_user,
            data={"confirmer": credential.user_id, "as": what, "problem": problem},
        )
        return audit.refused(session, error, event)

    if not_user is not None and credential.user_id == not_user:
        raise refused(PermissionDenied(f"{what}不能是本人", "self-confirmation"), "self")
    user = check_user_password(
        session, credential.user_id, credential.password, who=what, acting=not_user, purpose=what
    )
    if user.role not in roles:
        raise refused(
            PermissionDenied(f"{what}无此权限", f"role {user.role} not in {sorted(roles)}"), "role"
        )
    return Confirmed(user.id, user.display_name, user.role)
