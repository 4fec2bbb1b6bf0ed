"""Passwords (argon2id) and the check of a second person's credential given at the counter.

Parameters are OWASP's minimum for argon2id (19 MiB, 2 iterations, 1 lane). A hash made with
other parameters still verifies; ``needs_rehash`` tells the login to upgrade it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, PermissionDenied, RuleViolation
from db.models import User

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 6


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"密码至少{MIN_PASSWORD_LENGTH}位", f"password shorter than {MIN_PASSWORD_LENGTH}"
        )
    return HASHER.hash(password)


def password_matches(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` is the user's; a missing or malformed hash never matches."""
    if not stored_hash or not isinstance(password, str):
        return False
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Credential:
    """A user identifying themselves at the counter (approver, finance receiver, signer)."""

    user_id: int
    password: str


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
    """The person behind ``credential``, checked: active, one of ``roles``, password right,
    and not ``not_user`` (nobody confirms their own operation)."""
    user = session.execute(
        select(User.id, User.display_name, User.role, User.active, User.password_hash).where(
            User.id == credential.user_id
        )
    ).first()

    def refused(error: PermissionDenied | RuleViolation, problem: str):  # type: ignore[no-untyped-def]
        from app.services import audit

        error.security_event = audit.Event(  # type: ignore[attr-defined]
            "credential_refused",
            not_user,
            data={"confirmer": credential.user_id, "as": what, "problem": problem},
        )
        return error

    if user is None or not user.active:
        raise refused(
            RuleViolation(f"{what}不存在或已停用", f"user {credential.user_id} invalid"), "inactive"
        )
    if not_user is not None and user.id == not_user:
        raise refused(PermissionDenied(f"{what}不能是本人", "self-confirmation"), "self")
    if user.role not in roles:
        raise refused(
            PermissionDenied(f"{what}无此权限", f"role {user.role} not in {sorted(roles)}"), "role"
        )
    if not password_matches(user.password_hash, credential.password):
        raise refused(
            PermissionDenied(f"{what}密码错误", f"wrong password for user {user.id}"), "password"
        )
    return Confirmed(user.id, user.display_name, user.role)
