"""The live purchase quote: the tier split of what the clerk types, by the domain's pricing.

The account's tier usage (``AccountView.tier_usage``) already carries this household's
breakpoints for the ladder year, so the ladder is priced with no further adjustment. The same
functions price the sale in ``app.services.sales``; the quote only shows it before the commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.counter.cards import CardAtCounter
from app.domain.pricing import (
    Segment,
    TariffRule,
    Tier,
    price_volume,
    total_amount,
    total_volume,
    volume_for_amount,
)
from app.errors import InvalidInput
from app.services.queries import TierUsage


@dataclass(frozen=True)
class Quote:
    segments: tuple[Segment, ...]
    volume: int
    amount_fen: int


@dataclass(frozen=True)
class PurchaseStart:
    """What the purchase dialog needs, read once when it opens: the card and the sale step."""

    card: CardAtCounter
    sale_step: int

    @property
    def usage(self) -> TierUsage | None:
        account = self.card.account
        return account.tier_usage if account is not None else None

    def quote(self, volume: int | None, amount_fen: int | None) -> Quote | None:
        """The tier split for a volume or an amount, or None (nothing typed, no ladder)."""
        usage = self.usage
        if usage is None:
            return None
        ladder = TariffRule(tiers=tuple(Tier(t.upper, t.price_fen) for t in usage.tiers))
        if volume:
            segments = price_volume(ladder, 0, usage.total_used, volume)
        elif amount_fen:
            segments = volume_for_amount(ladder, 0, usage.total_used, amount_fen, self.sale_step)
            if not segments:
                raise InvalidInput("金额不足以购买最小售气量", "amount below one step")
        else:
            return None
        return Quote(tuple(segments), total_volume(segments), total_amount(segments))
