"""Four-eyes approvals, login with lockout, the idle lock, user administration and the logged
full view of a customer's identity (who may do what: ``permissions``).

Every rule here holds at the service layer: the UI only mirrors it. A refusal that matters for
security is noted on its unit of work (``audit.refused``), which logs it in a transaction of its
own after rolling the refused operation back, so nothing else is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.money import format_volume
from app.domain.privacy import mask_id, mask_phone
from app.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from app.policy import load_policy, save_setting, store_setting
from app.services import audit
from app.services.actor import Actor, resolve_actor
from app.services.boundary import (
    NOTE_LENGTH,
    AccountNo,
    DisplayName,
    Password,
    Reason,
    Text,
    Username,
    require_text,
    service,
)
from app.services.credentials import (
    HASHER,
    LOGIN_FAILED,
    LOGIN_OK,
    LOGIN_REFUSED,
    check_user_password,
    dummy_verify,
    failure_event,
    failures_left,
    hash_password,
    lock_user_row,
    minutes_left,
    next_lockout_minutes,
    password_matches,
)
from app.services.locks import account_by_no
from app.services.permissions import allowed, require_permission
from app.services.setup import add_user
from app.vocabulary import CustomerKind, Role
from db.models import Customer, Setting, User

# ---------------------------------------------------------------- four-eyes approvals


@dataclass(frozen=True)
class ApprovalInput:
    """A second person approving at this counter with their own password; ``reason`` is their
    written account (required above the second threshold)."""

    approver_id: int
    reason: Annotated[str, Text("审批意见", NOTE_LENGTH)] | None = None
    password: Password | None = None


@dataclass(frozen=True)
class Approved:
    approver_id: int
    role: str
    reason: str | None


Requirement = tuple[frozenset[str], ...]  # one approver per slot, with one of the slot's roles


def required_approvals(
    session: Session, volume: int, *, meter_replacement: str | None = None
) -> tuple[Requirement, bool]:
    """Refund/supplement approvers by volume (DOMAIN.md, thresholds from the hall's settings):
    every one needs the administrator; above the second threshold also team leader and
    department manager with a written reason; above the third, department manager, finance and
    the vice president. Returns the slots and whether reasons are required.

    ``meter_replacement``: the customer kind of a meter replacement (换表), whose carry-over
    ``volume`` needs other approvers (CARDS-IN-THE-FIELD.md): a residential one above
    ``replacement_team_leader_volume`` a team leader; a commercial one above
    ``replacement_commercial_volume`` a department manager and the operations manager (分管副总)
    with written reasons; none below."""
    policy = load_policy(session)
    if meter_replacement is not None:
        if meter_replacement == CustomerKind.COMMERCIAL:
            if abs(volume) > policy.replacement_commercial_volume:
                managers = (Role.DEPARTMENT_MANAGER, Role.VICE_PRESIDENT)
                return tuple(frozenset({r}) for r in managers), True
        elif abs(volume) > policy.replacement_team_leader_volume:
            return (frozenset({Role.TEAM_LEADER}),), False
        return (), False
    admin = frozenset({Role.ADMINISTRATOR})
    if abs(volume) > policy.approval_third_level_volume:
        third = (Role.DEPARTMENT_MANAGER, Role.FINANCE, Role.VICE_PRESIDENT)
        return (admin, *(frozenset({r}) for r in third)), True
    if abs(volume) > policy.approval_second_level_volume:
        return (admin, frozenset({Role.TEAM_LEADER}), frozenset({Role.DEPARTMENT_MANAGER})), True
    return (admin,), False


def _refused(
    session: Session, on_duty, message: str, detail: str, **data: object
) -> PermissionDenied:  # type: ignore[no-untyped-def]
    event = audit.Event(
        "approval_refused",
        on_duty.user_id,
        on_duty.counter_id,
        on_duty.hall_id,
        data={"detail": detail, **data},
    )
    return audit.refused(session, PermissionDenied(message, detail), event)


def check_approvals(
    session: Session,
    on_duty,  # type: ignore[no-untyped-def]
    approvals: Sequence[ApprovalInput],
    required: Requirement,
    *,
    reasons_required: bool = False,
    what: str = "此业务",
) -> tuple[Approved, ...]:
    """Each approval: another active user, right password, a role filling one required slot,
    nobody twice; every slot filled. Refusals are security events."""
    approvals = tuple(approvals or ())
    names = "、".join("/".join(Role(r).label for r in sorted(slot)) for slot in required)
    if len(approvals) < len(required):
        raise _refused(
            session,
            on_duty,
            f"{what}需要以下人员审批：{names}",
            f"{len(approvals)} of {len(required)} approvals",
        )
    # everything that needs no password is refused before any password is checked: each check
    # costs an argon2 hash and counts toward that approver's lockout
    if len(approvals) > len(required):
        raise _refused(
            session,
            on_duty,
            f"{what}只需要{len(required)}位审批人：{names}",
            f"{len(approvals)} approvals for {len(required)} slots",
        )
    ids = [a.approver_id for a in approvals]
    if len(set(ids)) != len(ids):
        raise _refused(session, on_duty, "同一审批人不能审批两次", f"duplicate approver in {ids}")
    if on_duty.user_id in ids:
        raise _refused(
            session, on_duty, "不能审批自己办理的业务", "self-approval", approver=on_duty.user_id
        )
    checked: list[tuple[ApprovalInput, str]] = []
    for approval in approvals:
        # one failure counter and lockout for every password check (login, approvals ...)
        user = check_user_password(
            session,
            approval.approver_id,
            approval.password or "",
            who="审批人",
            counter_id=on_duty.counter_id,
            acting=on_duty.user_id,
            purpose=what,
        )
        if reasons_required and not (approval.reason or "").strip():
            raise _refused(
                session,
                on_duty,
                f"请审批人{user.display_name}填写书面审批意见",
                "written reason missing",
                approver=user.id,
            )
        checked.append((approval, user.role))
    for order in itertools.permutations(range(len(checked)), len(required)):
        if all(checked[i][1] in slot for i, slot in zip(order, required, strict=True)):
            return tuple(
                Approved(a.approver_id, role, (a.reason or "").strip() or None)
                for a, role in checked
            )
    roles = "、".join(Role.label_of(role) for _, role in checked)
    raise _refused(
        session,
        on_duty,
        f"审批人岗位不符：需要{names}，实际为{roles}",
        f"roles {[r for _, r in checked]} do not fill {[sorted(s) for s in required]}",
    )


def approvals_for_volume(
    session: Session,
    volume: int,
    *,
    meter_replacement: str | None = None,
    at_least: Requirement = (),
) -> tuple[Requirement, bool]:
    """``required_approvals`` of ``volume``, or ``at_least`` (with written reasons) when the
    volume needs nobody: a reversal always needs someone."""
    required, reasons = required_approvals(session, volume, meter_replacement=meter_replacement)
    if not required and at_least:
        return at_least, True
    return required, reasons


# one team leader (or a department manager) with a written reason: a fee waiver, a reversal
TEAM_LEADER: Requirement = (frozenset({Role.TEAM_LEADER, Role.DEPARTMENT_MANAGER}),)


def check_volume_approvals(
    session: Session,
    on_duty,
    approvals: Sequence[ApprovalInput],
    volume: int,
    what: str,  # type: ignore[no-untyped-def]
    *,
    meter_replacement: str | None = None,
    at_least: Requirement = (),
) -> tuple[Approved, ...]:
    """The approvals a refund/supplement (or, with ``meter_replacement``, a meter replacement's
    carry-over) of ``volume`` needs, checked (``approvals_for_volume``)."""
    required, reasons = approvals_for_volume(
        session, volume, meter_replacement=meter_replacement, at_least=at_least
    )
    if not required:  # e.g. a small carry-over: nobody approves, whatever was typed
        return ()
    # named by its volume when the volume asked for them
    label = what if required is at_least else f"{what}{format_volume(abs(volume))}立方米"
    return check_approvals(
        session, on_duty, approvals, required, reasons_required=reasons, what=label
    )


# ---------------------------------------------------------------- login and lockout


@dataclass(frozen=True)
class LoggedIn:
    user_id: int
    username: str
    display_name: str
    role: str
    # a password an administrator set (new user, reset): the user chooses their own before the
    # counter opens (the login window asks twice, then ``change_password``)
    must_change_password: bool = False


def locked_until(session: Session, ctx: Context, user_id: int) -> dt.datetime | None:
    """When the user's current lockout ends, or None when the user is not locked out."""
    from app.services.credentials import locked_until as until

    return until(session, ctx.now(), user_id)


BAD_LOGIN = "用户名或密码错误"


class LoginRefused(PermissionDenied):
    """A login refused with ``BAD_LOGIN`` for a user who exists, with what only that user's
    own lock screen may be told (``unlock_counter``): the wrong passwords left before the
    lockout (``tries_left``, with the lockout's ``lockout_minutes``), or when the lockout
    that refused it ends (``until``). The login window never says either: unknown names never
    lock, so it would tell which names exist."""

    def __init__(
        self,
        dev_message: str,
        user_id: int,
        *,
        tries_left: int | None = None,
        lockout_minutes: int | None = None,
        until: dt.datetime | None = None,
    ):
        super().__init__(BAD_LOGIN, dev_message)
        self.user_id = user_id
        self.tries_left = tries_left
        self.lockout_minutes = lockout_minutes
        self.until = until


@service
def login(
    ctx: Context, username: Username, password: Password, counter_id: int | None = None
) -> LoggedIn:
    """Check a user's password at a counter. Failures here and at every other password check
    (approvals, confirmations) count per user over the window; after ``login_max_failures`` the
    user is locked out, each lockout of the day twice as long as the one before, up to
    ``max_lockout_minutes``.

    An unknown, disabled or locked-out user and a wrong password get the same answer after the same
    argon2 work; the log keeps the real reason, never the text typed for an unknown user name
    (it is often a password typed into the wrong field)."""
    username = (username or "").strip() if isinstance(username, str) else ""
    if not username or not isinstance(password, str):
        raise InvalidInput("请输入用户名和密码", "empty login")
    with ctx.unit_of_work() as session:
        now = ctx.now()
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            dummy_verify(password)
            audit.record(
                session,
                ctx,
                audit.Event(LOGIN_FAILED, None, counter_id, data={"username": "unknown user"}),
            )
            session.commit()
            raise PermissionDenied(BAD_LOGIN, "unknown user")
        # parallel logins of one user (several counters) one after the other: the lockout
        # check and the failure count below see every try committed before this one
        lock_user_row(session, user.id)
        until = locked_until(session, ctx, user.id)
        if until is not None:
            dummy_verify(password)  # no oracle: a locked user's password is not looked at
            event = audit.Event(
                LOGIN_REFUSED,
                user.id,
                counter_id,
                data={"until": until.isoformat(), "minutes_left": minutes_left(until, now)},
            )
            audit.record(session, ctx, event)
            session.commit()
            # BAD_LOGIN, not "locked": unknown users never lock, so a distinct answer would
            # tell that the name exists; the log (and the supervisor) know the reason
            raise LoginRefused(f"locked until {until}", user.id, until=until)
        if not user.active:
            dummy_verify(password)
            audit.record(
                session,
                ctx,
                audit.Event(LOGIN_REFUSED, user.id, counter_id, data={"disabled": True}),
            )
            session.commit()
            raise PermissionDenied(BAD_LOGIN, f"user {user.id} disabled")
        if not password_matches(user.password_hash, password):
            left = failures_left(session, now, user.id) - 1  # after this one
            minutes = next_lockout_minutes(session, now, user.id)
            failed, lockout = failure_event(session, now, user.id, counter_id, LOGIN_FAILED)
            audit.record(session, ctx, failed)
            if lockout is not None:
                audit.record(session, ctx, lockout)
            session.commit()
            detail = f"wrong password for user {user.id}"
            if lockout is not None:
                until = dt.datetime.fromisoformat(str(lockout.data["until"]))
                raise LoginRefused(detail, user.id, until=until)
            raise LoginRefused(detail, user.id, tries_left=left, lockout_minutes=minutes)
        audit.record(session, ctx, audit.Event(LOGIN_OK, user.id, counter_id))
        if _needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        session.commit()
        return LoggedIn(
            user.id,
            user.username,
            user.display_name,
            user.role,
            must_change_password=user.id in password_change_due(session),
        )


def _needs_rehash(stored: str | None) -> bool:
    """A hash made with weaker parameters than today's is replaced at the next login."""
    return bool(stored) and HASHER.check_needs_rehash(stored)  # type: ignore[arg-type]


# ---------------------------------------------------------------- idle lock


@dataclass
class IdleLock:
    """The counter locks itself after ``minutes`` without input (the UI calls ``touch`` on
    every key press and ``is_locked`` on a timer); only the same clerk or a supervisor unlocks."""

    user_id: int
    minutes: int
    last_input: dt.datetime
    locked: bool = False

    def touch(self, now: dt.datetime) -> None:
        if not self.is_locked(now):
            self.last_input = now

    def is_locked(self, now: dt.datetime) -> bool:
        if not self.locked and now - self.last_input >= dt.timedelta(minutes=self.minutes):
            self.locked = True
        return self.locked


@service
def idle_lock_for(ctx: Context, user: LoggedIn) -> IdleLock:
    with ctx.reading() as session:
        minutes = load_policy(session).idle_lock_minutes
    return IdleLock(user.user_id, minutes, ctx.now())


@service
def unlock_counter(
    ctx: Context, lock: IdleLock, counter_id: int, username: Username, password: Password
) -> LoggedIn:
    """Unlock an idle-locked counter: the same clerk, or a team leader/manager/administrator.

    A wrong password counts towards that user's lockout like any failed login. The locked
    clerk's own name (shown on the lock screen already) is told the tries left before the
    lockout, or the hall's clock time the lockout ends; any other name gets the login's answer.
    """
    try:
        person = login(ctx, username, password, counter_id)
    except LoginRefused as refused:
        if refused.user_id != lock.user_id:
            raise
        raise PermissionDenied(_own_refusal(ctx, refused), str(refused)) from refused
    if person.user_id != lock.user_id and not allowed(person.role, "unlock_any_counter"):
        audit.record_alone(
            ctx,
            audit.Event(
                "unlock_refused", person.user_id, counter_id, data={"locked_user": lock.user_id}
            ),
        )
        raise PermissionDenied("只有本人或班长可以解锁", f"user {person.user_id} may not unlock")
    audit.record_alone(
        ctx,
        audit.Event(
            "counter_unlocked", person.user_id, counter_id, data={"locked_user": lock.user_id}
        ),
    )
    lock.locked = False
    lock.last_input = ctx.now()
    return person


def _own_refusal(ctx: Context, refused: LoginRefused) -> str:
    """What the locked clerk reads after a refused unlock (Chinese)."""
    if refused.until is not None:
        at = ctx.local(refused.until)
        return f"密码错误次数过多，已锁定至 {at:%H:%M}，请到时再试或请班长解锁"
    if refused.tries_left is not None:
        return (
            f"密码错误，还可再试 {refused.tries_left} 次，再错将锁定 {refused.lockout_minutes} 分钟"
        )
    return BAD_LOGIN


# ---------------------------------------------------------------- users

# The users whose password an administrator set and who have not chosen their own since: one
# settings row (JSON list of user ids), chained by the audit log like every setting. Not a
# ``users`` column: the chain holds every user row's figures, and a new column would make each
# existing user differ from what was chained before the upgrade.
PASSWORD_CHANGE_DUE = "password_change_due"


def password_change_due(session: Session, *, lock: bool = False) -> set[int]:
    """The ids of users who must change their password at the next login."""
    row = session.get(Setting, PASSWORD_CHANGE_DUE, with_for_update=lock)
    if row is None:
        return set()
    try:
        return {int(user_id) for user_id in json.loads(row.value)}
    except (TypeError, ValueError) as error:
        raise InvalidInput("密码更改标记格式不正确", str(error)) from error


def _mark_change_due(session: Session, user_id: int, due: bool) -> None:
    users = password_change_due(session, lock=True)
    if (user_id in users) == due:
        return
    users = users | {user_id} if due else users - {user_id}
    store_setting(session, PASSWORD_CHANGE_DUE, json.dumps(sorted(users)))


@dataclass(frozen=True)
class AdminActor:
    """An administrator acting outside a counter (user management, settings)."""

    user_id: int


def _admin(session: Session, actor: AdminActor, operation: str) -> User:
    """The acting administrator's row; anyone else is refused (PermissionDenied, audited)."""
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise PermissionDenied("操作员不存在或已停用", f"user {actor.user_id} invalid")
    require_permission(session, user.id, None, user.role, operation)
    return user


require_administrator = _admin


@service
def create_first_administrator(
    ctx: Context, username: Username, display_name: DisplayName, password: Password
) -> int:
    """First run: the hall's first user, an administrator. Refused once any user exists."""
    with ctx.reading() as session:
        if session.scalar(select(func.count(User.id))):
            raise Conflict("系统已有用户，不能再次初始化管理员", "users exist")
    user_id = add_user(ctx, username, display_name, Role.ADMINISTRATOR, password=password)
    audit.record_alone(ctx, audit.Event("user_created", user_id, data={"role": Role.ADMINISTRATOR}))
    return user_id


@service
def create_user(
    ctx: Context,
    actor: AdminActor,
    username: Username,
    display_name: DisplayName,
    role: str,
    password: Password,
) -> int:
    with ctx.reading() as session:
        _admin(session, actor, "manage_users")
    user_id = add_user(ctx, username, display_name, role, password=password)
    with ctx.unit_of_work() as session:
        # the administrator knows this password: the new user chooses their own at first login
        _mark_change_due(session, user_id, True)
        event = audit.Event("user_created", actor.user_id, data={"user": user_id, "role": role})
        audit.record(session, ctx, event)
        session.commit()
    return user_id


@service
def change_password(
    ctx: Context, user_id: int, old_password: Password, new_password: Password
) -> None:
    """A user changes their own password (the old one proves it is them)."""
    new_hash = hash_password(new_password)
    with ctx.unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise NotFound("用户不存在或已停用", f"user {user_id}")
        # counted toward the lockout like every other password check
        check_user_password(
            session,
            user_id,
            old_password,
            who="",
            acting=user_id,
            purpose="password change",
            wrong="原密码错误",
        )
        if password_matches(user.password_hash, new_password):
            raise InvalidInput("新密码不能与原密码相同", "same password")
        user.password_hash = new_hash
        _mark_change_due(session, user_id, False)
        audit.record(session, ctx, audit.Event("password_changed", user_id))
        session.commit()


@service
def reset_password(ctx: Context, actor: AdminActor, user_id: int, new_password: Password) -> None:
    """An administrator sets a user's password; the user must change it at the next login."""
    new_hash = hash_password(new_password)
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_users")
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("用户不存在", f"user {user_id}")
        user.password_hash = new_hash
        _mark_change_due(session, user_id, True)  # forced to choose their own at next login
        audit.record(
            session, ctx, audit.Event("password_reset", actor.user_id, data={"user": user_id})
        )
        session.commit()


@service
def set_user_active(ctx: Context, actor: AdminActor, user_id: int, active: bool) -> None:
    """Disable (or enable again) a user. Users are never deleted: history keeps their name."""
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_users")
        if user_id == actor.user_id and not active:
            raise InvalidInput("不能停用自己", "self-disable")
        found = session.execute(
            update(User).where(User.id == user_id).values(active=active).returning(User.id)
        ).first()
        if found is None:
            raise NotFound("用户不存在", f"user {user_id}")
        kind = "user_enabled" if active else "user_disabled"
        audit.record(session, ctx, audit.Event(kind, actor.user_id, data={"user": user_id}))
        session.commit()


@service
def change_setting(ctx: Context, actor: AdminActor, key: str, value: object) -> None:
    """Change one hall setting (limits, thresholds, fees): administrators only, audited with the
    old and the new value."""
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_settings")
        old = session.get(Setting, key)
        before = old.value if old is not None else None
        save_setting(session, key, value)
        event = audit.Event(
            "setting_changed", actor.user_id, data={"key": key, "old": before, "new": value}
        )
        audit.record(session, ctx, event)
        session.commit()


# ---------------------------------------------------------------- identity (privacy)


@dataclass(frozen=True)
class Identity:
    name: str
    id_number: str
    phone: str | None


def masked(identity: Identity) -> Identity:
    return dataclasses.replace(
        identity, id_number=mask_id(identity.id_number), phone=mask_phone(identity.phone)
    )


@service
def reveal_identity(ctx: Context, actor: Actor, account_no: AccountNo, reason: Reason) -> Identity:
    """The owner's full ID and phone number, for roles that need them; every view is logged."""

    reason = require_text(reason, "查看原因")
    with ctx.unit_of_work() as session:
        on_duty = resolve_actor(session, actor)
        require_permission(
            session, on_duty.user_id, on_duty.counter_id, on_duty.role, "view_identity"
        )
        account = account_by_no(session, account_no)
        customer = session.get(Customer, account.customer_id)
        event = audit.Event(
            "identity_viewed",
            on_duty.user_id,
            on_duty.counter_id,
            on_duty.hall_id,
            ref=f"accounts:{account.id}",
            data={"reason": reason},
        )
        audit.record(session, ctx, event)
        session.commit()
        return Identity(customer.name, customer.id_number, customer.phone)
