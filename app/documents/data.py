"""What the documents are given: plain values read from the rows by ``app.services.reports``
(the opening form, the Z-report, the hall's daily and monthly reports and their cash figures, the
hand-over slip), and the few words every layout (PDF, receipt, CSV/XLSX) prints for them.

Money in fen, volumes in 0.01 m³, times in hall local time; labels (payment method, role, ID
type) are resolved by the service. Pure: no reportlab, no printer, no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app.vocabulary import CashMovementKind, HallMode

# --------------------------------------------------------------------------------------------
# Cash figures (the Z-report, the daily and monthly reports and the hand-over slip)
# --------------------------------------------------------------------------------------------


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
    mode: HallMode = HallMode.LIVE  # 培训/演示: every page and receipt carries its mark


# --------------------------------------------------------------------------------------------
# The opening form and the reports
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TariffTierRow:
    """One tier of the tariff as it applies to this household (annual volumes, 0.01 m³)."""

    tier: int
    lower: int
    upper: int | None  # None: no upper limit
    price_fen: int  # per m³


@dataclass(frozen=True)
class OpeningFormData:
    """开户申请表: the account as opened, with raw ID and phone (masked when printed)."""

    hall_name: str
    account_no: str
    opened_on: dt.date
    receipt_no: str | None  # the opening transaction's receipt
    clerk_name: str | None  # who opened it (经办人)
    customer_name: str
    customer_kind: str  # label: 民用户 / 工商业户
    residential: bool
    id_type: str  # label: 居民身份证 ...
    id_number: str
    phone: str | None
    address: str
    household_size: int
    meter_no: str | None
    meter_model: str | None
    initial_reading: int | None  # 0.01 m³
    card_serial: str | None
    contract_no: str | None
    contract_signed_on: dt.date | None
    proxy_name: str | None
    proxy_relation: str | None
    proxy_id_number: str | None
    tariff_name: str
    ladder_start_month: int
    tiers: tuple[TariffTierRow, ...]
    household_threshold: int = 0
    extra_per_member: int = 0  # 0.01 m³ added to each breakpoint per member above the threshold
    mode: HallMode = HallMode.LIVE  # 培训/演示: every page and receipt carries its mark


@dataclass(frozen=True)
class KindTotal:
    """Transactions of one kind: how many, net volume (0.01 m³), net amount (fen)."""

    kind: str
    count: int
    volume: int
    amount_fen: int


@dataclass(frozen=True)
class PaymentTotal:
    """Money by payment method: received from customers (>= 0), paid back (<= 0)."""

    method: str  # label: 现金
    count: int  # transactions with money moving
    received_fen: int
    paid_fen: int

    @property
    def net_fen(self) -> int:
        return self.received_fen + self.paid_fen


@dataclass(frozen=True)
class TierTotal:
    """Transaction segments of one tier at one price, net of refunds and voids."""

    tier: int
    price_fen: int
    volume: int
    amount_fen: int


@dataclass(frozen=True)
class Totals:
    count: int
    volume: int
    amount_fen: int
    received_fen: int
    paid_fen: int


@dataclass(frozen=True)
class Approver:
    name: str
    role: str  # label: 系统管理员 / 班长 ...


@dataclass(frozen=True)
class GuardedRow:
    """A refund, supplement or other approved transaction, with who approved it."""

    receipt_no: str
    created_at: dt.datetime  # hall local time
    kind: str
    account_no: str
    volume: int
    amount_fen: int
    reason: str | None
    approvers: tuple[Approver, ...]


@dataclass(frozen=True)
class DetailRow:
    receipt_no: str
    created_at: dt.datetime  # hall local time
    kind: str
    account_no: str
    volume: int
    amount_fen: int


@dataclass(frozen=True)
class ZReportData:
    """营业员交班报表 (Z-report): one shift of one clerk at one counter, [start, end).

    For a closed shift every figure, ``end`` and ``printed_at`` come from the rows (the close
    time), so printing it again gives the same text; an open shift prints as an interim report.
    """

    hall_name: str
    counter_name: str
    clerk_name: str
    start: dt.datetime  # hall local time
    end: dt.datetime
    printed_at: dt.datetime
    kinds: tuple[KindTotal, ...]
    payments: tuple[PaymentTotal, ...]
    tiers: tuple[TierTotal, ...]
    guarded: tuple[GuardedRow, ...]
    total: Totals
    first_receipt: str | None
    last_receipt: str | None
    details: Sequence[DetailRow]
    mode: HallMode = HallMode.LIVE  # 培训/演示: every page and receipt carries its mark
    shift_id: int | None = None
    closed: bool = True  # False: the shift is still open (interim report, 未交班)
    cash: CashSummary | None = None
    methods: tuple[MethodCount, ...] = ()  # expected vs counted per payment method at close
    handovers: tuple[HandoverLine, ...] = ()
    over_short: tuple[OverShortLine, ...] = ()
    grand_total_fen: int = 0  # the counter's running grand total (累计) at the end of the shift
    counts_taken: int = 0  # blind counts recorded (a recount adds one)
    # the audit chain at the close (or now, for an open shift): entries and the newest mac, so
    # a log cut short later is caught against this paper (gasdesk admin audit verify)
    audit_entries: int | None = None
    audit_head: str | None = None


@dataclass(frozen=True)
class GroupTotal:
    """The transactions of one clerk or one counter in the daily report."""

    name: str
    count: int
    volume: int
    amount_fen: int
    received_fen: int
    paid_fen: int


@dataclass(frozen=True)
class DailyReportData:
    """营业厅日报: every transaction of the hall on one business date."""

    hall_name: str
    business_date: dt.date
    printed_at: dt.datetime
    clerks: tuple[GroupTotal, ...]
    counters: tuple[GroupTotal, ...]
    kinds: tuple[KindTotal, ...]
    payments: tuple[PaymentTotal, ...]
    tiers: tuple[TierTotal, ...]
    total: Totals
    first_receipt: str | None
    last_receipt: str | None
    mode: HallMode = HallMode.LIVE  # 培训/演示: every page and receipt carries its mark
    shifts: tuple[ShiftLine, ...] = ()
    handovers: tuple[HandoverLine, ...] = ()
    over_short: tuple[OverShortLine, ...] = ()
    drawer_cash_fen: int = 0  # cash still in open drawers
    safe_cash_fen: int = 0  # cash in the safe at the end of the day
    held: tuple[HeldLine, ...] = ()  # takings not yet with finance, oldest first


@dataclass(frozen=True)
class MonthlyReportData:
    """营业厅月报: every business day of one month, with the month's totals."""

    hall_name: str
    year: int
    month: int
    printed_at: dt.datetime
    days: tuple[DayLine, ...]
    clerks: tuple[GroupTotal, ...]
    counters: tuple[GroupTotal, ...]
    kinds: tuple[KindTotal, ...]
    payments: tuple[PaymentTotal, ...]
    tiers: tuple[TierTotal, ...]
    total: Totals
    handed_over_fen: int
    over_short: tuple[OverShortLine, ...]
    mode: HallMode = HallMode.LIVE  # 培训/演示: every page and receipt carries its mark


# --------------------------------------------------------------------------------------------
# Words every layout prints for these figures
# --------------------------------------------------------------------------------------------


def over_short_label(fen: int) -> str:
    """长款 (more than expected), 短款 (less) or 无差额."""
    return "长款" if fen > 0 else "短款" if fen < 0 else "无差额"


def signer(name: str | None, role: str | None) -> str:
    """周杰（班长）; just the name when there is no role; — when nobody signed."""
    if not name:
        return "—"
    return f"{name}（{role}）" if role else name


def cash_items(cash: CashSummary) -> list[tuple[str, int | None, str]]:
    """A drawer's cash summary as (label, fen or None, note), in the order it is printed."""
    difference = None
    if cash.expected_fen is not None and cash.counted_fen is not None:
        difference = cash.counted_fen - cash.expected_fen
    return [
        (CashMovementKind.FLOAT.label, cash.float_fen, "开班时放入钱箱"),
        (CashMovementKind.CASH_IN.label, cash.cash_in_fen, "班中存入钱箱"),
        (CashMovementKind.CASH_OUT.label, cash.cash_out_fen, "班中从钱箱取出"),
        ("现金收款", cash.cash_received_fen, "向客户收取的现金"),
        ("现金退款", cash.cash_paid_fen, "退还客户的现金（退气、作废、销户）"),
        (CashMovementKind.HANDOVER.label, cash.handed_over_fen, "交财务"),
        (CashMovementKind.OVER_SHORT.label, cash.over_short_fen, "交班盘点登记的差额"),
        (CashMovementKind.SAFE_DEPOSIT.label, cash.to_safe_fen, "交班后实点现金存入保险柜"),
        ("应有现金", cash.expected_fen, "盘点时按流水应有的现金"),
        ("实点现金", cash.counted_fen, "盲点实数"),
        ("盘点差额", difference, "实点减应有"),
    ]
