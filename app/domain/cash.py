"""Cash at the counter: payment methods, drawer counts by denomination, the working-day calendar
and the age of takings not yet handed to finance.

Pure functions over integers (fen) and dates; the services feed them rows.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.errors import InvalidInput

CASH = "cash"
BANK_CARD = "bank_card"
WECHAT = "wechat"
ALIPAY = "alipay"
PAYMENT_METHODS = {CASH: "现金", BANK_CARD: "银行卡", WECHAT: "微信", ALIPAY: "支付宝"}
NON_CASH = (BANK_CARD, WECHAT, ALIPAY)

# Notes and coins counted one by one, largest first (face value in fen): 100, 50, 20, 10, 5 and
# 1 yuan, 5 and 1 jiao. Everything else (fen coins, odd coins) is entered as one coin total.
DENOMINATIONS = (10000, 5000, 2000, 1000, 500, 100, 50, 10)
DENOMINATION_NAMES = {
    10000: "100元",
    5000: "50元",
    2000: "20元",
    1000: "10元",
    500: "5元",
    100: "1元",
    50: "5角",
    10: "1角",
}
DENOMINATION_NAMES_EN = {  # the screens in English
    10000: "100 yuan",
    5000: "50 yuan",
    2000: "20 yuan",
    1000: "10 yuan",
    500: "5 yuan",
    100: "1 yuan",
    50: "5 jiao",
    10: "1 jiao",
}
MAX_PIECES = 100_000  # more notes of one kind than any drawer holds: a typing error
# One million yuan: the most any cash figure may be (a movement, a float, a count, a hand-over);
# a larger figure is a typing error, and an exact bound keeps every sum far inside a BIGINT.
MAX_CASH_FEN = 100_000_000


@dataclass(frozen=True)
class Payment:
    """How the customer paid (or is paid back): a method and, for non-cash, its reference."""

    method: str = CASH
    reference: str | None = None  # bank-card voucher / WeChat or Alipay transaction number

    def checked(self) -> Payment:
        if self.method not in PAYMENT_METHODS:
            raise InvalidInput("请选择付款方式", f"unknown payment method {self.method!r}")
        # typed by the clerk: full-width digits from a Chinese IME become ASCII, spaces go
        reference = "".join(unicodedata.normalize("NFKC", self.reference or "").split()) or None
        if self.method == CASH:
            return Payment(CASH, None)
        if reference is None:
            name = PAYMENT_METHODS[self.method]
            raise InvalidInput(f"请填写{name}交易流水号", f"{self.method} without reference")
        if len(reference) > 64:
            raise InvalidInput("交易流水号过长", "reference longer than 64")
        if not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in reference):
            # a voucher or transaction number: never emoji, Chinese or invisible characters
            raise InvalidInput(
                "交易流水号只能包含数字、字母和“-”", f"bad characters in reference {reference!r}"
            )
        return Payment(self.method, reference)


@dataclass(frozen=True)
class DrawerCount:
    """Cash counted by denomination: pieces per face value (fen) plus a total of loose coins."""

    pieces: Mapping[int, int] = field(default_factory=dict)
    coins_fen: int = 0

    def checked(self) -> DrawerCount:
        for face, count in self.pieces.items():
            if face not in DENOMINATIONS:
                raise InvalidInput("面额无效", f"unknown denomination {face!r}")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                name = DENOMINATION_NAMES[face]
                raise InvalidInput(f"{name}张数必须是非负整数", f"bad count {count!r} of {face}")
            if count > MAX_PIECES:
                raise InvalidInput(f"{DENOMINATION_NAMES[face]}张数过大", f"{count} of {face}")
        coins = self.coins_fen
        if not isinstance(coins, int) or isinstance(coins, bool) or not 0 <= coins < 10_000_00:
            raise InvalidInput("硬币金额无效", f"bad coin total {coins!r}")
        pieces = {face: self.pieces.get(face, 0) for face in DENOMINATIONS}
        counted = DrawerCount(pieces, coins)
        if counted.total_fen > MAX_CASH_FEN:
            # floats, counts and hand-overs are held to the bound every cash movement has
            raise InvalidInput(
                "清点金额超过100万元，请核对张数",
                f"count of {counted.total_fen} fen above {MAX_CASH_FEN}",
            )
        return counted

    @property
    def total_fen(self) -> int:
        return sum(face * count for face, count in self.pieces.items()) + self.coins_fen

    def as_json(self) -> dict[str, int]:
        stored = {str(face): self.pieces.get(face, 0) for face in DENOMINATIONS}
        stored["coins"] = self.coins_fen
        return stored

    @classmethod
    def from_json(cls, stored: Mapping[str, int]) -> DrawerCount:
        pieces = {face: int(stored.get(str(face), 0)) for face in DENOMINATIONS}
        return cls(pieces, int(stored.get("coins", 0)))

    def lines(self) -> list[tuple[str, int, int]]:
        """(name, pieces, amount) for each denomination counted, then the coins."""
        rows = [
            (DENOMINATION_NAMES[face], self.pieces.get(face, 0), face * self.pieces.get(face, 0))
            for face in DENOMINATIONS
            if self.pieces.get(face, 0)
        ]
        if self.coins_fen:
            rows.append(("硬币", 0, self.coins_fen))
        return rows


def count_of(amount_fen: int) -> DrawerCount:
    """The fewest notes making up ``amount_fen`` (for tests and the training-mode helper)."""
    pieces = {}
    left = amount_fen
    for face in DENOMINATIONS:
        pieces[face], left = divmod(left, face)
    return DrawerCount(pieces, left)


@dataclass(frozen=True)
class WorkCalendar:
    """Working days: weekdays except holidays, plus weekend days worked instead (调休)."""

    weekend: frozenset[int] = frozenset({5, 6})  # Monday = 0
    holidays: frozenset[dt.date] = frozenset()
    extra_workdays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how long cash taken on ``start`` has been held."""
        days = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            days += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return days

    def as_json(self) -> dict[str, list]:
        return {
            "weekend": sorted(self.weekend),
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "extra_workdays": sorted(d.isoformat() for d in self.extra_workdays),
        }

    @classmethod
    def from_json(cls, stored: Mapping[str, Iterable]) -> WorkCalendar:
        try:
            weekend = frozenset(int(d) for d in stored.get("weekend", (5, 6)))
            holidays = frozenset(dt.date.fromisoformat(d) for d in stored.get("holidays", ()))
            extra = frozenset(dt.date.fromisoformat(d) for d in stored.get("extra_workdays", ()))
        except (TypeError, ValueError) as error:
            raise InvalidInput("工作日历格式不正确", str(error)) from error
        if not weekend <= set(range(7)):
            raise InvalidInput("工作日历格式不正确", f"bad weekend days {sorted(weekend)}")
        return cls(weekend, holidays, extra)


# Takings held more than this many working days must go to finance at once (hall rule).
HOLD_WORKING_DAYS = 2


@dataclass(frozen=True)
class HeldTakings:
    """Takings of one business day not yet handed to finance."""

    business_date: dt.date
    amount_fen: int
    working_days_held: int

    @property
    def overdue(self) -> bool:
        return self.working_days_held > HOLD_WORKING_DAYS


def held_takings(
    takings: Mapping[dt.date, int], handed_over_fen: int, today: dt.date, calendar: WorkCalendar
) -> list[HeldTakings]:
    """Which days' takings are still held, oldest first, when hand-overs pay off the oldest first.

    ``takings`` is the net cash each business day brought in (sales − refunds + cash in − cash
    out ± over/short); floats move between drawer and safe and are not takings.
    """
    left = handed_over_fen
    held = []
    for day in sorted(takings):
        amount = takings[day]
        if amount <= 0:
            left += -amount  # a day that paid out more than it took frees older takings
            continue
        paid = min(left, amount)
        left -= paid
        if amount - paid:
            held.append(HeldTakings(day, amount - paid, calendar.working_days_after(day, today)))
    return held
