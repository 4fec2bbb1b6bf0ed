"""The live purchase quote: the tier split of what the clerk types, priced as the sale prices
it (``app.domain.pricing.price_sale`` on the tariff in force, this household, this ladder year's
usage); the sale itself is priced again by the service inside its transaction.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from app.counter.cards import CardAtCounter
from app.domain.money import format_money, format_volume
from app.domain.pricing import Segment, price_sale, total_amount, total_volume
from app.policy import HallPolicy
from app.services.queries import TierUsage
from app.vocabulary import TransactionKind

# the usual purchase is the median of the account's recent purchases, once it has this many
USUAL_AFTER = 3


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
    confirm_amount_fen: int  # HallPolicy.confirm_purchase_amount_fen
    usual_factor: int  # HallPolicy.confirm_usual_factor

    @classmethod
    def of(cls, card: CardAtCounter, policy: HallPolicy) -> PurchaseStart:
        return cls(
            card, policy.sale_step, policy.confirm_purchase_amount_fen, policy.confirm_usual_factor
        )

    @property
    def usual_amount_fen(self) -> int | None:
        """The account's usual purchase (median of its recent ones), None while too few."""
        account = self.card.account
        if account is None:
            return None
        amounts = [
            entry.amount_fen
            for entry in account.recent
            if entry.kind == TransactionKind.PURCHASE and entry.amount_fen > 0
        ]
        return int(statistics.median(amounts)) if len(amounts) >= USUAL_AFTER else None

    def second_look(self, quote: Quote) -> str | None:
        """Why this sale is shown once more before it commits (Chinese), or None: above the
        hall's confirmation amount, or far above what this account usually buys."""
        usual = self.usual_amount_fen
        if quote.amount_fen > self.confirm_amount_fen:
            why = f"金额超过{format_money(self.confirm_amount_fen)}元"
        elif usual is not None and quote.amount_fen > usual * self.usual_factor:
            why = f"远高于该户平时购气（约{format_money(usual)}元）"
        else:
            return None
        return (
            f"大额购气：{format_volume(quote.volume)} m³，{format_money(quote.amount_fen)} 元，"
            f"{why}。请与客户核对后再次确认"
        )

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
