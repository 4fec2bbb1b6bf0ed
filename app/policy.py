"""Hall-wide business settings, stored in the ``settings`` table with defaults here."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.cash import MAX_CASH_FEN, WorkCalendar
from app.domain.limits import ClassLimits
from app.domain.money import VOLUME_SCALE
from app.errors import InvalidInput
from db.engine import connection_of
from db.models import Setting
from db.tables import settings

BIGINT_MAX = 2**63 - 1
M3 = VOLUME_SCALE
DRAWER_LIMIT_MAX = 10**15  # bench and tests lift the drawer limits this far


def _setting(default: int, low: int, high: int, label: str) -> Any:
    """A policy field: its default, the range an administrator may set (inclusive) and its
    Chinese name for messages. The range keeps every limit a limit: a setting of 2**62 would
    turn the check it drives off."""
    return dataclasses.field(default=default, metadata={"range": (low, high), "label": label})


@dataclass(frozen=True)
class HallPolicy:
    # smallest sellable volume step (0.01 m³ units)
    sale_step: int = _setting(1 * M3, 1, 100 * M3, "购气量步长")
    # one sale above this is refused as absurd
    max_purchase_volume: int = _setting(5000 * M3, 1 * M3, 100_000 * M3, "单笔购气量上限")
    max_purchase_amount_fen: int = _setting(5_000_000, 100, 10 * MAX_CASH_FEN, "单笔购气金额上限")
    # replacement card when the customer is at fault
    card_fee_fen: int = _setting(2000, 1, 100_000, "补卡工本费")
    # refund/supplement approval thresholds (enforced by the security layer)
    approval_second_level_volume: int = _setting(500 * M3, 1, 100_000 * M3, "二级审批气量")
    approval_third_level_volume: int = _setting(1000 * M3, 1, 100_000 * M3, "三级审批气量")
    # cash in one drawer: above the warning every sale warns; above the stop no cash is taken
    # (the high end lets a training hall or a test lift the limits; still far inside a BIGINT)
    drawer_warn_limit_fen: int = _setting(500_000, 100, DRAWER_LIMIT_MAX, "钱箱预警金额")
    drawer_stop_limit_fen: int = _setting(1_000_000, 100, DRAWER_LIMIT_MAX, "钱箱停收金额")
    # login: failures counted per user over the window; each lockout of a day doubles
    login_max_failures: int = _setting(5, 1, 100, "登录失败次数上限")
    login_window_minutes: int = _setting(15, 1, 1440, "登录失败统计时长（分钟）")
    lockout_minutes: int = _setting(5, 1, 1440, "锁定时长（分钟）")
    # an unattended counter locks itself
    idle_lock_minutes: int = _setting(5, 1, 240, "无操作锁屏时长（分钟）")
    # the doubling of lockouts stops here: a stranger guessing cannot lock a user out for a day
    max_lockout_minutes: int = _setting(60, 1, 1440, "最长锁定时长（分钟）")
    # a sale above this amount, or above confirm_usual_factor times the account's usual
    # purchase, is shown once more (volume and amount) before it commits
    confirm_purchase_amount_fen: int = _setting(100_000, 100, 10 * MAX_CASH_FEN, "大额购气确认金额")
    confirm_usual_factor: int = _setting(3, 2, 100, "超出平时购气倍数须确认")
    # cash tendered may exceed the amount due by at most this (larger: a typing error)
    max_change_fen: int = _setting(100_000, 1, 1_000_000, "最大找零金额")
    # meter readings (closing, transfer): never above the absolute maximum, and never more
    # above the last known reading than the gas put on the account's cards plus a plausible use
    # of max_daily_use_volume per day since that reading (at least min_use_allowance_volume)
    max_meter_reading: int = _setting(10_000_000 * M3, 1 * M3, 100_000_000 * M3, "表读数上限")
    max_daily_use_volume: int = _setting(100 * M3, 1, 1_000_000 * M3, "每日用气量上限")
    min_use_allowance_volume: int = _setting(500 * M3, 1, 100_000 * M3, "最少可用气量")
    # meter replacement (换表): a residential carry-over above this needs a team leader; any
    # commercial carry-over above its own figure needs a department and an operations manager
    replacement_team_leader_volume: int = _setting(
        100 * M3, 1, 100_000 * M3, "民用换表补气班长审批气量"
    )
    replacement_commercial_volume: int = _setting(1, 1, 100_000 * M3, "工商业换表补气审批气量")
    # purchase limits (限购): the window the bought gas is summed over (the limits themselves
    # are per customer class and rated-flow band, ``purchase_limits`` setting)
    purchase_limit_window_months: int = _setting(1, 1, 36, "限购周期（月）")
    # safety inspection (安检): the next one is due this long after the last
    inspection_interval_months: int = _setting(24, 1, 120, "安检周期（月）")


def setting_range(key: str) -> tuple[int, int]:
    """The inclusive range of one policy setting."""
    f = _FIELDS[key]
    return f.metadata.get("range", (1, BIGINT_MAX))


def setting_label(key: str) -> str:
    """The Chinese name of one policy setting."""
    return _FIELDS[key].metadata.get("label", key)


def _checked_value(key: str, value: object, stored: bool) -> int:
    low, high = setting_range(key)
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    label = setting_label(key)
    where = "已保存的" if stored else ""
    raise InvalidInput(
        f"{where}设置项“{label}”必须是{low}到{high}之间的整数"
        + ("，请系统管理员重新设置" if stored else ""),
        f"setting {key} = {value!r} outside [{low}, {high}]" + (" (stored)" if stored else ""),
        setting=key,
        low=low,
        high=high,
    )


_FIELDS = {f.name: f for f in dataclasses.fields(HallPolicy)}
_SETTINGS = select(settings.c.key, settings.c.value)


def load_policy(session: Session) -> HallPolicy:
    """The hall's settings as stored now (read on every operation: another counter may change
    them)."""
    return policy_from(dict(connection_of(session).execute(_SETTINGS).all()))


def policy_from(stored: Mapping[str, str]) -> HallPolicy:
    """The policy from the stored settings rows (key → JSON text), each checked."""
    values = {}
    for f in dataclasses.fields(HallPolicy):
        if f.name in stored:
            # a row edited outside GasDesk (or stored before the ranges) is refused, never used
            try:
                value = json.loads(stored[f.name])
            except ValueError:
                value = stored[f.name]
            values[f.name] = _checked_value(f.name, value, stored=True)
    return HallPolicy(**values)


@functools.lru_cache(maxsize=32)
def policy_from_json(stored: str | None) -> HallPolicy:
    """The policy from the settings as one JSON object (key → JSON text), as a sale's read
    renders them; the same text gives the same (immutable) policy, so it is checked once."""
    return policy_from(json.loads(stored or "{}"))


def store_setting(session: Session, key: str, value: str) -> None:
    """Write one settings row's stored text, adding the row the first time."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def save_setting(session: Session, key: str, value: object) -> None:
    """Store one policy value (validated against the policy's fields)."""
    if key not in _FIELDS:
        raise InvalidInput("未知的设置项", f"unknown setting {key!r}")
    value = _checked_value(key, value, stored=False)
    store_setting(session, key, json.dumps(value))


WORK_CALENDAR = "work_calendar"


def load_calendar(session: Session) -> WorkCalendar:
    """The hall's working days (weekends, holidays, 调休 workdays) for the two-day cash rule."""
    row = session.get(Setting, WORK_CALENDAR)
    return WorkCalendar.from_json(json.loads(row.value)) if row else WorkCalendar()


def save_calendar(session: Session, calendar: WorkCalendar) -> None:
    store_setting(session, WORK_CALENDAR, json.dumps(calendar.as_json()))


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
    store_setting(session, RECEIPT_NOTICES, json.dumps(cleaned, ensure_ascii=False))


CARD_MAKERS = "card_makers"


def load_card_makers(session: Session) -> tuple[dict[str, object], ...]:
    """The hall's card makers of the common interface, in detection order (none: only GasDesk
    format v1 cards). Each entry is checked when a counter builds its drivers
    (``app.devices.makers.config.maker_from``)."""
    row = session.get(Setting, CARD_MAKERS)
    return tuple(json.loads(row.value)) if row else ()


def save_card_makers(session: Session, entries: list[dict[str, object]]) -> None:
    """Replace the hall's card makers (each a JSON object with a unique ``code``)."""
    codes = [entry.get("code") for entry in entries]
    if any(not isinstance(code, str) or not code for code in codes) or len(set(codes)) != len(
        codes
    ):
        raise InvalidInput("厂家代码不能为空，也不能重复", f"bad maker codes {codes!r}")
    store_setting(session, CARD_MAKERS, json.dumps(entries, ensure_ascii=False, sort_keys=True))


PURCHASE_LIMITS = "purchase_limits"


def load_class_limits(session: Session) -> ClassLimits:
    """The hall's purchase limits per customer class and rated-flow band (none: unlimited)."""
    row = session.get(Setting, PURCHASE_LIMITS)
    return class_limits_from_json(row.value if row else None)


@functools.lru_cache(maxsize=32)
def class_limits_from_json(stored: str | None) -> ClassLimits:
    """The limits from the settings row's text (as a sale's read brings it), checked once per
    text."""
    return ClassLimits.from_json(json.loads(stored)) if stored else ClassLimits()


def save_class_limits(session: Session, limits: ClassLimits) -> None:
    """Replace the hall's purchase limits (checked again as they are stored)."""
    entries = ClassLimits.from_json(limits.as_json()).as_json()
    store_setting(session, PURCHASE_LIMITS, json.dumps(entries, sort_keys=True))
