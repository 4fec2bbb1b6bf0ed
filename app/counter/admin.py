"""The administrator's front door (管理): users, hall settings, the working-day calendar, the
receipt notice lines and the price list, plus every user's own password change.

``AdminDesk`` has one method per screen action, each one service call; the services refuse
anyone but the administrator (``PermissionDenied``), whatever the screens show. No Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.context import Context
from app.services import administration, security
from app.services.administration import CalendarView, Fee, SettingView, UserRow
from app.services.permissions import allowed
from app.services.security import AdminActor, LoggedIn
from app.vocabulary import CalendarDay, Role

if TYPE_CHECKING:
    from app.counter.session import CounterSession


@dataclass(frozen=True)
class UserAdded:
    """A user the administrator added (they choose their own password at first login)."""

    user_id: int
    username: str


class AdminDesk:
    """What the logged-in user may do at the 管理 menu; ``AdminDesk(ctx, user)``."""

    def __init__(self, ctx: Context, user: LoggedIn):
        self.ctx = ctx
        self.user = user
        self.actor = AdminActor(user.user_id)

    @classmethod
    def of(cls, session: CounterSession) -> AdminDesk:
        """The desk of the user logged in at this counter."""
        return cls(session.ctx, session.user)

    @property
    def administers(self) -> bool:
        """Whether the 管理 screens are for this user (the services decide again)."""
        return allowed(self.user.role, "manage_users")

    # ------------------------------------------------------------ own password (any role)

    def change_own_password(self, old_password: str, new_password: str) -> None:
        security.change_password(self.ctx, self.user.user_id, old_password, new_password)

    # ------------------------------------------------------------ users

    def users(self) -> tuple[UserRow, ...]:
        return administration.list_users(self.ctx, self.actor)

    def add_user(self, username: str, display_name: str, role: Role, password: str) -> UserAdded:
        user_id = security.create_user(self.ctx, self.actor, username, display_name, role, password)
        return UserAdded(user_id, username.strip())

    def set_user_active(self, user_id: int, active: bool) -> None:
        security.set_user_active(self.ctx, self.actor, user_id, active)

    def reset_password(self, user_id: int, new_password: str) -> None:
        security.reset_password(self.ctx, self.actor, user_id, new_password)

    # ------------------------------------------------------------ hall settings

    def settings(self) -> tuple[SettingView, ...]:
        return administration.hall_settings(self.ctx, self.actor)

    def save_settings(self, values: Mapping[str, int]) -> tuple[str, ...]:
        """All or nothing; returns the keys that changed."""
        return administration.change_settings(self.ctx, self.actor, dict(values))

    def calendar(self) -> CalendarView:
        return administration.work_calendar(self.ctx, self.actor)

    def mark_day(self, day: dt.date, kind: CalendarDay | str | None) -> CalendarView:
        """``kind``: a holiday, a make-up workday, or None (an ordinary day again)."""
        return administration.mark_calendar_day(self.ctx, self.actor, day, kind)

    def notices(self) -> tuple[str, ...]:
        return administration.receipt_notices(self.ctx, self.actor)

    def save_notices(self, lines: Sequence[str]) -> tuple[str, ...]:
        return administration.change_receipt_notices(self.ctx, self.actor, tuple(lines))

    # ------------------------------------------------------------ price list

    def price_list(self) -> tuple[Fee, ...]:
        return administration.price_list(self.ctx)

    def save_price_list(self, fees: Sequence[Fee]) -> tuple[Fee, ...]:
        return administration.change_price_list(self.ctx, self.actor, tuple(fees))
