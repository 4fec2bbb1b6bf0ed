"""The live purchase quote: the tier split of what the clerk types, priced as the sale prices
it (``app.domain.pricing.price_sale`` on the tariff in force, this household, this ladder year's
usage); the sale itself is priced again by the service inside its transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.counter.cards import CardAtCounter
from app.domain.pricing import Segment, price_sale, total_amount, total_volume
from app.services.queries import TierUsage


@dataclass(frozen=True)
class Quote:
    segments: tuple[Segment, ...]
    volume: int
    amount_fen: int

    def change_for(self, tendered_fen: int) -> int:
        """找零 for the cash handed over; negative: what is still short."""
        return tendered_fen - self.amount_fen


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
        account, usage = self.card.account, self.usage
        if account is None or usage is None or not (volume or amount_fen):
            return None
        segments = price_sale(
            usage.rule,
            account.household_size,
            usage.total_used,
            volume=volume or None,
            amount_fen=None if volume else amount_fen,
            step=self.sale_step,
        )
        return Quote(segments, total_volume(segments), total_amount(segments))
