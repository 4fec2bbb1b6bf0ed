"""Purchase limits (限购) and safety-inspection holds (安检): the pure rules.

Purchase limit
  A limit per customer class; commercial meters are put in a band by their rated flow. A band
  starts at ``flow_from`` (0.01 m³/h, inclusive) and runs up to the next band's start; a
  commercial meter whose rated flow is not recorded counts as flow 0 (the lowest band). A class
  (or band) without a configured limit is unlimited. An account's own limit, when set, replaces
  its class's.
  The window of N months (``purchase_limit_window_months``) is the current calendar month and
  the N−1 calendar months before it: on 2026-03-15 with N = 3 it is 2026-01-01 … today. What
  counts as bought is the gas of purchases dated in the window, less the purchases refunded or
  voided (a reversed purchase does not count, whenever it was reversed). Supplements (补气) and
  carry-overs (换表补气) are not purchases and never count.

Safety inspection
  Only a passed inspection (合格) counts as done: the next one is due ``interval`` months after
  the last passed inspection; an account never inspected (or never passed) is due ``interval``
  months after its opening date (a new installation is inspected when the gas is turned on).
  The account's state is its newest inspection that is not 到访不遇 (nobody home proves
  nothing): a hazard (存在隐患) or a refusal (拒绝安检) holds every sale until a newer passed
  inspection clears it, or a team leader overrides it for one sale.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from app.domain.money import format_volume
from app.errors import InvalidInput, RuleViolation
from app.vocabulary import CustomerKind, InspectionResult

MAX_WINDOW_MONTHS = 36  # HallPolicy.purchase_limit_window_months' upper bound
MAX_LIMIT_VOLUME = 10**12  # 0.01 m³: far above any sale, still a limit
HOLDING = frozenset({InspectionResult.HAZARD, InspectionResult.REFUSED})


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, the day clamped to the month's last (01-31 + 1
    month = 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def window_start(today: dt.date, months: int) -> dt.date:
    """The first day of the purchase-limit window: the first of the month ``months − 1``
    calendar months before ``today``'s."""
    if not 1 <= months <= MAX_WINDOW_MONTHS:
        raise ValueError(f"window of {months} months")
    return add_months(today.replace(day=1), -(months - 1))


@dataclass(frozen=True)
class LimitBand:
    """One configured limit: a customer class, for commercial meters from a rated flow up."""

    kind: CustomerKind
    volume: int  # 0.01 m³ per window
    flow_from: int = 0  # 0.01 m³/h; residential: always 0

    def as_json(self) -> dict[str, object]:
        return {"kind": str(self.kind), "flow_from": self.flow_from, "volume": self.volume}


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


@dataclass(frozen=True)
class ClassLimits:
    """The hall's limits per customer class and band (none: nobody is limited)."""

    bands: tuple[LimitBand, ...] = ()

    def limit_for(self, kind: str, rated_flow: int | None) -> int | None:
        """The class limit of an account of ``kind`` whose meter's rated flow is ``rated_flow``
        (None: unlimited)."""
        flow = (rated_flow or 0) if kind == CustomerKind.COMMERCIAL else 0
        fitting = [b for b in self.bands if b.kind == kind and b.flow_from <= flow]
        return max(fitting, key=lambda b: b.flow_from).volume if fitting else None

    def as_json(self) -> list[dict[str, object]]:
        return [b.as_json() for b in sorted(self.bands, key=lambda b: (b.kind, b.flow_from))]

    @classmethod
    def from_json(cls, entries: object) -> ClassLimits:
        """The limits from their stored (or typed) JSON list, checked: a known class, a limit
        above zero, a band start not below zero (residential: 0), no band twice."""
        if not isinstance(entries, list):
            raise InvalidInput("限购设置格式不正确", f"not a list: {entries!r}")
        bands = []
        for n, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict):
                raise InvalidInput(f"第{n}项限购设置格式不正确", f"not an object: {entry!r}")
            try:
                kind = CustomerKind(entry.get("kind"))
            except ValueError:
                raise InvalidInput(
                    f"第{n}项限购设置的客户类别无效", f"bad kind {entry!r}"
                ) from None
            volume, flow = entry.get("volume"), entry.get("flow_from", 0)
            if not _whole(volume, 1, MAX_LIMIT_VOLUME):
                raise InvalidInput(f"第{n}项限购气量必须大于零", f"bad volume {entry!r}")
            if not _whole(flow, 0, MAX_LIMIT_VOLUME) or (
                kind == CustomerKind.RESIDENTIAL and flow != 0
            ):
                raise InvalidInput(f"第{n}项额定流量起点无效", f"bad flow_from {entry!r}")
            bands.append(LimitBand(kind, volume, flow))
        keys = [(b.kind, b.flow_from) for b in bands]
        if len(set(keys)) != len(keys):
            raise InvalidInput("同一类别同一流量档不能设置两次", f"duplicate bands {keys}")
        return cls(tuple(bands))


@dataclass(frozen=True)
class PurchaseLimit:
    """An account's limit in force (None: unlimited), what it bought in the window, and where
    the limit comes from (``own``: the account's own limit)."""

    limit: int | None
    bought: int
    window_from: dt.date
    window_months: int
    own: bool = False

    @property
    def remaining(self) -> int | None:
        """What the account may still buy in this window (never below 0); None: unlimited."""
        return None if self.limit is None else max(0, self.limit - self.bought)

    def allows(self, volume: int) -> bool:
        remaining = self.remaining
        return remaining is None or volume <= remaining

    def refusal(self) -> str:
        """The clerk's sentence for a sale above the remaining limit."""
        return f"购买气量超出限购气量，本期剩余可购 {format_volume(self.remaining or 0)} 立方米"

    def detail(self, volume: int) -> str:
        """What an override let through, as the receipt prints it."""
        return (
            f"超限购放行：本次{format_volume(volume)}立方米，"
            f"本期剩余{format_volume(self.remaining or 0)}立方米"
        )


class OverrideNeeded(RuleViolation):
    """A sale a limit or a safety hold refuses, which a team leader may let through
    (``kinds``: the ``OverrideKind`` values the override must cover)."""

    code = "override_needed"


def limit_in_force(class_limit: int | None, own_limit: int | None) -> tuple[int | None, bool]:
    """The limit an account buys under: its own when set, else its class's."""
    return (own_limit, True) if own_limit is not None else (class_limit, False)


def next_due(last_passed: dt.date | None, opened_on: dt.date, interval_months: int) -> dt.date:
    """When the next inspection is due (see the module's rule)."""
    return add_months(last_passed or opened_on, interval_months)


@dataclass(frozen=True)
class InspectionStatus:
    """An account's safety-inspection state on ``today``: its newest inspection, its last
    passed one, when the next is due, and the result that holds its sales (None: none)."""

    today: dt.date
    last_on: dt.date | None
    last_result: InspectionResult | None
    last_passed_on: dt.date | None
    due_on: dt.date
    hold: InspectionResult | None  # HAZARD or REFUSED

    @classmethod
    def of(
        cls,
        today: dt.date,
        *,
        state_result: str | None,
        state_on: dt.date | None,
        last_passed: dt.date | None,
        opened_on: dt.date,
        interval_months: int,
    ) -> InspectionStatus:
        """From the newest inspection that is not 到访不遇 and the last passed one."""
        result = InspectionResult(state_result) if state_result is not None else None
        return cls(
            today,
            state_on,
            result,
            last_passed,
            next_due(last_passed, opened_on, interval_months),
            result if result in HOLDING else None,
        )

    @property
    def overdue(self) -> bool:
        return self.today > self.due_on

    def due_within(self, days: int) -> bool:
        """Overdue, or due within ``days`` days of today."""
        return self.due_on <= self.today + dt.timedelta(days=days)

    def warning(self) -> str | None:
        """The overdue warning every sale shows (Chinese), or None."""
        if not self.overdue:
            return None
        return f"该户安检已逾期（应于{self.due_on.isoformat()}前安检），请提醒客户预约安检"

    def refusal(self, what: str = "购气") -> str:
        """The clerk's sentence for a held sale (``what``: 写卡 for gas put on the card
        without one)."""
        assert self.hold is not None
        on = self.last_on.isoformat() if self.last_on else ""
        return f"该户安检结果为“{self.hold.label}”（{on}），须整改并安检合格后方可{what}"

    def detail(self) -> str:
        assert self.hold is not None
        on = self.last_on.isoformat() if self.last_on else ""
        return f"安检限制放行：{self.hold.label}（{on}）"
