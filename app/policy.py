"""Hall-wide business settings, stored in the ``settings`` table with defaults here."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.cash import WorkCalendar
from app.domain.money import VOLUME_SCALE
from app.errors import InvalidInput
from db.models import Setting


@dataclass(frozen=True)
class HallPolicy:
    sale_step: int = 1 * VOLUME_SCALE  # smallest sellable volume step (0.01 m³ units)
    max_purchase_volume: int = 5000 * VOLUME_SCALE  # one sale above this is refused as absurd
    max_purchase_amount_fen: int = 5_000_000  # 50,000.00 yuan
    card_fee_fen: int = 2000  # replacement card when the customer is at fault
    # refund/supplement approval thresholds (enforced by the security layer)
    approval_second_level_volume: int = 500 * VOLUME_SCALE
    approval_third_level_volume: int = 1000 * VOLUME_SCALE
    # cash in one drawer: above the warning every sale warns; above the stop no cash is taken
    drawer_warn_limit_fen: int = 500_000  # 5,000.00 yuan (hall rule)
    drawer_stop_limit_fen: int = 1_000_000  # 10,000.00 yuan
    # login: failures counted per user over the window; each lockout of a day doubles
    login_max_failures: int = 5
    login_window_minutes: int = 15
    lockout_minutes: int = 5
    idle_lock_minutes: int = 5  # an unattended counter locks itself
    # the doubling of lockouts stops here: a stranger guessing cannot lock a user out for a day
    max_lockout_minutes: int = 60
    # cash tendered may exceed the amount due by at most this (larger: a typing error)
    max_change_fen: int = 100_000  # 1,000.00 yuan
    # meter readings (closing, transfer): never above the absolute maximum, and never more
    # above the last known reading than the gas put on the account's cards plus a plausible use
    # of max_daily_use_volume per day since that reading (at least min_use_allowance_volume)
    max_meter_reading: int = 10_000_000 * VOLUME_SCALE  # 10 million m³
    max_daily_use_volume: int = 100 * VOLUME_SCALE
    min_use_allowance_volume: int = 500 * VOLUME_SCALE


_SETTINGS = select(Setting.__table__.c.key, Setting.__table__.c.value)


def load_policy(session: Session) -> HallPolicy:
    """The hall's settings as stored now (read on every operation: another counter may change
    them)."""
    stored = dict(session.connection().execute(_SETTINGS).all())
    values = {}
    for f in dataclasses.fields(HallPolicy):
        if f.name in stored:
            values[f.name] = json.loads(stored[f.name])
    return HallPolicy(**values)


def save_setting(session: Session, key: str, value: object) -> None:
    """Store one policy value (validated against the policy's fields)."""
    names = {f.name for f in dataclasses.fields(HallPolicy)}
    if key not in names:
        raise InvalidInput("未知的设置项", f"unknown setting {key!r}")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise InvalidInput("设置值必须是正整数", f"setting {key} must be a positive int: {value!r}")
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)


WORK_CALENDAR = "work_calendar"


def load_calendar(session: Session) -> WorkCalendar:
    """The hall's working days (weekends, holidays, 调休 workdays) for the two-day cash rule."""
    row = session.get(Setting, WORK_CALENDAR)
    return WorkCalendar.from_json(json.loads(row.value)) if row else WorkCalendar()


def save_calendar(session: Session, calendar: WorkCalendar) -> None:
    value = json.dumps(calendar.as_json())
    row = session.get(Setting, WORK_CALENDAR)
    if row is None:
        session.add(Setting(key=WORK_CALENDAR, value=value))
    else:
        row.value = value


RECEIPT_NOTICES = "receipt_notices"
DEFAULT_RECEIPT_NOTICES = (
    "请妥善保管燃气卡，购气后请及时插表。",
    "燃气泄漏请立即关闭阀门、开窗通风，严禁动用明火，",
    "并在户外拨打燃气抢修电话。",
)


def load_receipt_notices(session: Session) -> tuple[str, ...]:
    """The hall's notice lines printed at the foot of every receipt."""
    row = session.get(Setting, RECEIPT_NOTICES)
    return tuple(json.loads(row.value)) if row else DEFAULT_RECEIPT_NOTICES


def save_receipt_notices(session: Session, lines: list[str]) -> None:
    """Replace the notice lines (at most 6, each at most 24 characters so it fits 58 mm paper)."""
    cleaned = [line.strip() for line in lines if line.strip()]
    if len(cleaned) > 6 or any(len(line) > 24 for line in cleaned):
        raise InvalidInput("提示语最多6行，每行最多24字", f"bad notices {lines!r}")
    row = session.get(Setting, RECEIPT_NOTICES)
    value = json.dumps(cleaned, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=RECEIPT_NOTICES, value=value))
    else:
        row.value = value
