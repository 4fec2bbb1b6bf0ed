"""Tiered gas pricing (阶梯气价).

A residential account's gas is priced by how much it has bought in the current ladder year. The
tariff's tiers end at annual breakpoints; a purchase that crosses a breakpoint is split into
segments, each priced at its tier's price and rounded to the fen on its own (half up). Large
households get every breakpoint raised by a fixed volume per member above a threshold.
All volumes here are 0.01 m³ units and all money is fen (see ``app.domain.money``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.money import VOLUME_SCALE, segment_amount
from app.errors import InvalidInput, RuleViolation


@dataclass(frozen=True)
class Tier:
    """One step of the ladder: it ends at ``upper`` (annual volume) or never (``None``)."""

    upper: int | None
    price_fen: int


@dataclass(frozen=True)
class TariffRule:
    """The pricing part of a tariff, free of any database identity."""

    tiers: tuple[Tier, ...]
    ladder_start_month: int = 1
    household_threshold: int = 0  # 0: no large-household adjustment
    extra_per_member: int = 0  # volume added to every breakpoint per member above the threshold

    def __post_init__(self) -> None:
        problem = tariff_problem(self)
        if problem:
            raise InvalidInput(problem, f"invalid tariff rule: {problem}")

    def breakpoints(self, household_size: int) -> list[int | None]:
        """The breakpoints that apply to a household of ``household_size`` people."""
        bonus = 0
        if self.household_threshold and household_size > self.household_threshold:
            bonus = (household_size - self.household_threshold) * self.extra_per_member
        return [None if t.upper is None else t.upper + bonus for t in self.tiers]


@dataclass(frozen=True)
class Segment:
    """A part of a sale priced at one tier. Negative volume and amount in a refund."""

    tier: int  # 1-based tier number
    volume: int
    price_fen: int
    amount_fen: int

    def reversed(self) -> Segment:
        return Segment(self.tier, -self.volume, self.price_fen, -self.amount_fen)


def tariff_problem(rule: TariffRule) -> str | None:
    """Why ``rule`` cannot be used (Chinese), or None."""
    if not _well_typed(rule):
        return "气价规则的数据类型无效"
    if not rule.tiers:
        return "气价至少需要一个阶梯"
    if not 1 <= rule.ladder_start_month <= 12:
        return "阶梯年度起始月份应在1到12之间"
    if rule.household_threshold < 0 or rule.extra_per_member < 0:
        return "多人口户调整参数不能为负"
    previous = 0
    for index, tier in enumerate(rule.tiers):
        if tier.price_fen <= 0:
            return "气价必须大于零"
        last = index == len(rule.tiers) - 1
        if tier.upper is None and not last:
            return "只有最后一个阶梯可以没有上限"
        if tier.upper is not None:
            if last:
                return "最后一个阶梯不能有上限"
            if tier.upper <= previous:
                return "阶梯分界量必须递增"
            previous = tier.upper
    return None


def _int(value: object, *, optional: bool = False) -> bool:
    if value is None:
        return optional
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63


def _well_typed(rule: TariffRule) -> bool:
    """Whole numbers where numbers belong (a rule is built from typed input; bool is no int)."""
    return (
        isinstance(rule.tiers, tuple)
        and all(
            isinstance(t, Tier) and _int(t.upper, optional=True) and _int(t.price_fen)
            for t in rule.tiers
        )
        and all(
            _int(v)
            for v in (rule.ladder_start_month, rule.household_threshold, rule.extra_per_member)
        )
    )


def ladder_year_start(day: dt.date, start_month: int) -> dt.date:
    """First day of the ladder year that contains ``day``."""
    year = day.year if day.month >= start_month else day.year - 1
    return dt.date(year, start_month, 1)


def price_volume(
    rule: TariffRule, household_size: int, used: int, volume: int
) -> tuple[Segment, ...]:
    """Split ``volume`` bought on top of ``used`` (this ladder year) into priced segments."""
    if volume <= 0:
        raise InvalidInput("购气量必须大于零", f"volume must be positive, got {volume}")
    if used < 0:
        raise InvalidInput("年度用气量不能为负", f"used volume is negative: {used}")
    segments: list[Segment] = []
    start = used
    remaining = volume
    for number, (tier, upper) in enumerate(
        zip(rule.tiers, rule.breakpoints(household_size), strict=True), start=1
    ):
        if remaining == 0:
            break
        room = remaining if upper is None else max(0, upper - start)
        part = min(room, remaining)
        if part:
            amount = segment_amount(part, tier.price_fen)
            segments.append(Segment(number, part, tier.price_fen, amount))
            start += part
            remaining -= part
    return tuple(segments)


def total_amount(segments: Sequence[Segment]) -> int:
    return sum(s.amount_fen for s in segments)


def total_volume(segments: Sequence[Segment]) -> int:
    return sum(s.volume for s in segments)


def volume_for_amount(
    rule: TariffRule, household_size: int, used: int, amount_fen: int, step: int
) -> tuple[Segment, ...]:
    """The largest volume, in whole sale steps, whose price does not exceed ``amount_fen``.

    Returns its segments; an empty tuple when not even one step is affordable. The price of a
    volume only grows with the volume, so a binary search over the number of steps is exact.
    """
    if amount_fen <= 0:
        raise InvalidInput("购气金额必须大于零", f"amount must be positive, got {amount_fen}")
    if step <= 0:
        raise InvalidInput("售气步长必须大于零", f"sale step must be positive, got {step}")
    cheapest = min(t.price_fen for t in rule.tiers)
    # Rounding can lower a segment by at most half a fen, so ``high`` steps always cost too much.
    slack = len(rule.tiers)
    low, high = 0, (amount_fen + slack) * VOLUME_SCALE // (cheapest * step) + 1

    def cost(steps: int) -> int:
        return total_amount(price_volume(rule, household_size, used, steps * step))

    while high - low > 1:
        middle = (low + high) // 2
        if cost(middle) <= amount_fen:
            low = middle
        else:
            high = middle
    return price_volume(rule, household_size, used, low * step) if low else ()


def price_sale(
    rule: TariffRule,
    household_size: int,
    used: int,
    *,
    volume: int | None = None,
    amount_fen: int | None = None,
    step: int,
) -> tuple[Segment, ...]:
    """A sale's tier split, by volume or by amount (the largest whole number of sale steps the
    amount buys); refused when the amount does not buy one step."""
    if volume is not None:
        return price_volume(rule, household_size, used, volume)
    if amount_fen is None:
        raise InvalidInput("请输入购气量或购气金额（二选一）", "neither volume nor amount")
    priced = volume_for_amount(rule, household_size, used, amount_fen, step)
    if not priced:
        raise RuleViolation("金额不足以购买最小售气量", f"{amount_fen} buys less than one step")
    return priced
