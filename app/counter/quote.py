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
from app.services.limits import AccountLimits
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
    limits: AccountLimits | None = None  # 限购 and 安检 of the card's account

    @classmethod
    def of(
        cls, card: CardAtCounter, policy: HallPolicy, limits: AccountLimits | None = None
    ) -> PurchaseStart:
        return cls(
            card,
            policy.sale_step,
            policy.confirm_purchase_amount_fen,
            policy.confirm_usual_factor,
            limits,
        )

    def limit_line(self, quote: Quote | None) -> tuple[str, bool]:
        """The purchase limit as the dialog shows it while the clerk types (Chinese), and
        whether this quote is above what remains (the sale then needs a team leader)."""
        if self.limits is None or self.limits.limit.limit is None:
            return "不限购", False
        limit = self.limits.limit
        remaining = limit.remaining or 0
        head = (
            f"{'本户' if limit.own else ''}限购 {format_volume(limit.limit or 0)} m³"
            f"（{limit.window_months}个月，自{limit.window_from.isoformat()}起），"
        )
        if quote is None:
            return f"{head}本期剩余可购 {format_volume(remaining)} m³", False
        if not limit.allows(quote.volume):
            return f"{head}{limit.refusal()}（须班长放行）", True
        return f"{head}本次后剩余 {format_volume(remaining - quote.volume)} m³", False

    def hold_line(self) -> tuple[str | None, bool]:
        """The safety inspection as the dialog shows it: a hold (the sale needs a team leader)
        or an overdue warning, else None."""
        if self.limits is None:
            return None, False
        status = self.limits.inspection
        if status.hold is not None:
            return f"{status.refusal()}（须班长放行）", True
        return status.warning(), False

    def needs_override(self, quote: Quote | None) -> bool:
        """Whether this sale can only go through with a team leader's override."""
        return self.limit_line(quote)[1] or self.hold_line()[1]

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
