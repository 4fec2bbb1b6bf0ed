"""The cash figures printed on the Z-report, the daily and monthly reports and the hand-over slip.

Plain values read from the rows by ``app.services.reports``; money in fen, times in hall local
time. Layouts (PDF, receipt, CSV/XLSX) only format them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class HandoverLine:
    """One hand-over to finance (交款)."""

    slip_no: str
    handed_at: dt.datetime
    clerk_name: str
    receiver_name: str
    source: str  # "钱箱" or "保险柜"
    amount_fen: int


@dataclass(frozen=True)
class OverShortLine:
    """A difference found at close (长款 > 0, 短款 < 0), with the explanation and who signed."""

    clerk_name: str
    counter_name: str
    method: str  # payment method label (现金, 微信, ...)
    amount_fen: int
    explanation: str
    signed_by: str
    signed_role: str


@dataclass(frozen=True)
class MethodCount:
    """Expected against counted for one payment method at close."""

    method: str  # label
    expected_fen: int
    counted_fen: int

    @property
    def difference_fen(self) -> int:
        return self.counted_fen - self.expected_fen


@dataclass(frozen=True)
class DenominationLine:
    name: str  # 100元 ... 1角, 硬币
    pieces: int  # 0 for the coin total
    amount_fen: int


@dataclass(frozen=True)
class CashSummary:
    """The drawer of one shift: where its cash came from and went to."""

    float_fen: int
    cash_in_fen: int
    cash_out_fen: int
    cash_received_fen: int  # cash taken from customers
    cash_paid_fen: int  # cash paid back (refunds, voids, closing refunds), negative
    handed_over_fen: int  # negative: cash that left the drawer to finance
    over_short_fen: int  # cash difference recorded at close
    to_safe_fen: int  # negative: counted cash put into the safe at close
    expected_fen: int | None  # what the rows expected at the count (None: not counted yet)
    counted_fen: int | None
    denominations: tuple[DenominationLine, ...] = ()


@dataclass(frozen=True)
class ShiftLine:
    """A shift in the daily report."""

    clerk_name: str
    counter_name: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    cash_fen: int  # open: cash the drawer should hold now; closed: 0 (counted into the safe)


@dataclass(frozen=True)
class HeldLine:
    """Takings of one day not yet handed to finance (flagged when held > 2 working days)."""

    business_date: dt.date
    amount_fen: int
    working_days_held: int
    overdue: bool


@dataclass(frozen=True)
class DayLine:
    """One business day in the monthly report."""

    business_date: dt.date
    count: int
    volume: int
    amount_fen: int
    cash_fen: int
    noncash_fen: int
    handed_over_fen: int
    over_short_fen: int


@dataclass(frozen=True)
class HandoverSlipData:
    """交款单: printed at the counter when finance confirms a hand-over."""

    hall_name: str
    counter_name: str
    slip_no: str
    handed_at: dt.datetime
    clerk_name: str
    receiver_name: str
    source: str
    amount_fen: int
    denominations: tuple[DenominationLine, ...]
    note: str | None
    training: bool = False
