"""The tariffs screen's front door (管理 → 气价管理): an administrator's desk over the tariff
versions, with the 调价 preview and the price change.

``TariffDesk.for_counter(session)`` (or ``TariffDesk.open(ctx, user_id)``) reads the versions
and is refused to anyone but an administrator, so a clerk never gets a desk to open the screen
with. It reads the database: call it off the GUI thread. ``preview`` is pure (the versions were
read when the desk opened), so the screen may call it on every keystroke; ``supersede`` writes
and reads again: off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from app.context import Context
from app.services import tariff_admin
from app.services.security import AdminActor
from app.services.tariff_admin import (
    ClassTariffs,
    PriceChange,
    PricePreview,
    TariffOverview,
    TariffVersion,
    TypicalPurchase,
)

if TYPE_CHECKING:
    from app.counter.session import CounterSession


class TariffDesk:
    """One administrator's view of the tariffs, kept current by its own price changes."""

    def __init__(self, ctx: Context, actor: AdminActor, overview: TariffOverview):
        self.ctx = ctx
        self.actor = actor
        self.overview = overview

    @classmethod
    def open(cls, ctx: Context, user_id: int) -> TariffDesk:
        """The desk of ``user_id``; PermissionDenied (logged) for anyone but an administrator."""
        actor = AdminActor(user_id)
        return cls(ctx, actor, tariff_admin.tariff_overview(ctx, actor))

    @classmethod
    def for_counter(cls, session: CounterSession) -> TariffDesk:
        """The desk of the user logged in at this counter (the 管理 menu)."""
        return cls.open(session.ctx, session.user.user_id)

    @property
    def today(self) -> dt.date:
        """The business date the versions were read on (a change takes effect after it)."""
        return self.overview.today

    def versions(self, customer_class: str) -> ClassTariffs:
        return self.overview.of(customer_class)

    def preview(self, change: PriceChange, typical: TypicalPurchase) -> PricePreview:
        """The typical purchase under today's version and under ``change`` (InvalidInput with
        the ladder's fault while the form is incomplete). Reads nothing."""
        rule = tariff_admin.rule_of(change)
        current = self.overview.of(change.customer_class).current
        return tariff_admin.compare_prices(
            current, tariff_admin.version_name(change), rule, typical
        )

    def supersede(self, change: PriceChange) -> TariffVersion:
        """Publish ``change`` (the one call of 确认调价), then read the versions again."""
        version = tariff_admin.supersede_tariff(self.ctx, self.actor, change)
        self.overview = tariff_admin.tariff_overview(self.ctx, self.actor)
        return version
