"""The administrator's work outside a counter's business: the user list, the hall settings
(several at once, all or nothing), the working-day calendar, the receipt notice lines and the
price list (价目表) of the fees the hall charges.

Every entry checks the administrator's permission here (a clerk is refused by the service, the
UI only mirrors it) and records what it changed in the audit log, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Annotated

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.context import Context
from app.domain.cash import WorkCalendar
from app.domain.money import format_money, format_volume
from app.errors import Conflict, InvalidInput
from app.policy import (
    load_calendar,
    load_card_makers,
    load_policy,
    load_receipt_notices,
    save_calendar,
    save_card_makers,
    save_receipt_notices,
    save_setting,
    setting_label,
    setting_range,
    store_setting,
)
from app.services import audit
from app.services.boundary import Text, service
from app.services.security import AdminActor, password_change_due
from app.services.security import require_administrator as _admin
from app.vocabulary import CalendarDay, Role, SettingUnit
from db.models import Setting, User

# ---------------------------------------------------------------- users


@dataclass(frozen=True)
class UserRow:
    """One user as the users screen lists them."""

    user_id: int
    username: str
    display_name: str
    role: Role
    active: bool
    must_change_password: bool


@service
def list_users(ctx: Context, actor: AdminActor) -> tuple[UserRow, ...]:
    """Every user, enabled or not (users are never deleted), by user name."""
    with ctx.reading() as session:
        _admin(session, actor, "manage_users")
        due = password_change_due(session)
        users = session.scalars(select(User).order_by(User.username)).all()
        return tuple(
            UserRow(u.id, u.username, u.display_name, Role(u.role), u.active, u.id in due)
            for u in users
        )


# ---------------------------------------------------------------- hall settings

# The settings the hall settings screen offers, in its order, with the unit each is typed in.
HALL_SETTINGS: dict[str, SettingUnit] = {
    "sale_step": SettingUnit.VOLUME,
    "card_fee_fen": SettingUnit.MONEY,
    "approval_second_level_volume": SettingUnit.VOLUME,
    "approval_third_level_volume": SettingUnit.VOLUME,
    "drawer_warn_limit_fen": SettingUnit.MONEY,
    "drawer_stop_limit_fen": SettingUnit.MONEY,
    "idle_lock_minutes": SettingUnit.MINUTES,
    "login_max_failures": SettingUnit.TIMES,
    "login_window_minutes": SettingUnit.MINUTES,
    "lockout_minutes": SettingUnit.MINUTES,
    "max_lockout_minutes": SettingUnit.MINUTES,
    # 限购 and 安检 (the limits per class: the 限购 page)
    "purchase_limit_window_months": SettingUnit.MONTHS,
    "inspection_interval_months": SettingUnit.MONTHS,
}


def shown_in_unit(value: int, unit: SettingUnit) -> str:
    """A stored value as the administrator reads and types it (yuan, m³, minutes, times)."""
    if unit is SettingUnit.MONEY:
        return format_money(value)
    if unit is SettingUnit.VOLUME:
        return format_volume(value)
    return str(value)


@dataclass(frozen=True)
class SettingView:
    """One hall setting: its key, Chinese name, unit, value and range (stored units)."""

    key: str
    label: str
    unit: SettingUnit
    value: int
    low: int
    high: int

    @property
    def range_text(self) -> str:
        """The range as shown beside the field, e.g. ``0.01–100 立方米``."""
        low, high = shown_in_unit(self.low, self.unit), shown_in_unit(self.high, self.unit)
        return f"{low}–{high} {self.unit.label}"


def _setting_view(key: str, value: int) -> SettingView:
    low, high = setting_range(key)
    return SettingView(key, setting_label(key), HALL_SETTINGS[key], value, low, high)


@service
def hall_settings(ctx: Context, actor: AdminActor) -> tuple[SettingView, ...]:
    with ctx.reading() as session:
        _admin(session, actor, "manage_settings")
        policy = load_policy(session)
        return tuple(_setting_view(key, getattr(policy, key)) for key in HALL_SETTINGS)


def _check_in_range(key: str, value: object) -> int:
    """The setting's own Chinese error, in the unit the administrator types it in."""
    view = _setting_view(key, 0)
    if isinstance(value, int) and not isinstance(value, bool) and view.low <= value <= view.high:
        return value
    raise InvalidInput(
        f"“{view.label}”必须在 {view.range_text} 之间",
        f"setting {key} = {value!r} outside [{view.low}, {view.high}]",
        field=key,
        setting=key,
    )


# pairs of settings where the first may not exceed the second
ORDERED_SETTINGS = (
    ("approval_second_level_volume", "approval_third_level_volume"),
    ("drawer_warn_limit_fen", "drawer_stop_limit_fen"),
    ("lockout_minutes", "max_lockout_minutes"),
)


@service
def change_settings(ctx: Context, actor: AdminActor, values: dict[str, int]) -> tuple[str, ...]:
    """Change several hall settings in one transaction: one value out of range (or a warning
    limit above its stop limit) and nothing is saved. Returns the keys that changed; each change
    is audited with its old and new value."""
    for key, value in values.items():
        if key not in HALL_SETTINGS:
            raise InvalidInput("未知的设置项", f"unknown setting {key!r}")
        _check_in_range(key, value)
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_settings")
        policy = load_policy(session)
        after = {key: values.get(key, getattr(policy, key)) for key in HALL_SETTINGS}
        for low, high in ORDERED_SETTINGS:
            if after[low] > after[high]:
                raise InvalidInput(
                    f"“{setting_label(low)}”不能大于“{setting_label(high)}”",
                    f"{low} {after[low]} > {high} {after[high]}",
                    field=low,
                )
        changed = tuple(k for k, v in values.items() if getattr(policy, k) != v)
        for key in changed:
            save_setting(session, key, values[key])
            event = audit.Event(
                "setting_changed",
                actor.user_id,
                data={"key": key, "old": getattr(policy, key), "new": values[key]},
            )
            audit.record(session, ctx, event)
        session.commit()
        return changed


# ---------------------------------------------------------------- working-day calendar


@dataclass(frozen=True)
class CalendarView:
    """The hall's holidays and make-up workdays (调休上班), each sorted."""

    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]


def _calendar_view(calendar: WorkCalendar) -> CalendarView:
    return CalendarView(tuple(sorted(calendar.holidays)), tuple(sorted(calendar.extra_workdays)))


@service
def work_calendar(ctx: Context, actor: AdminActor) -> CalendarView:
    with ctx.reading() as session:
        _admin(session, actor, "manage_settings")
        return _calendar_view(load_calendar(session))


@service
def mark_calendar_day(
    ctx: Context, actor: AdminActor, day: dt.date, kind: str | None
) -> CalendarView:
    """Make ``day`` a holiday, a make-up workday (``kind``: a ``CalendarDay``), or (``None``)
    an ordinary day again."""
    if kind is not None:
        if kind not in CalendarDay.labels():
            raise InvalidInput("日期类别无效", f"bad calendar day kind {kind!r}", field="kind")
        kind = CalendarDay(kind)
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_settings")
        session.get(Setting, "work_calendar", with_for_update=True)  # one writer at a time
        calendar = load_calendar(session)
        holidays = calendar.holidays - {day}
        workdays = calendar.extra_workdays - {day}
        if kind is CalendarDay.HOLIDAY:
            holidays |= {day}
        elif kind is CalendarDay.WORKDAY:
            workdays |= {day}
        updated = WorkCalendar(calendar.weekend, frozenset(holidays), frozenset(workdays))
        save_calendar(session, updated)
        event = audit.Event(
            "calendar_changed",
            actor.user_id,
            data={"day": day.isoformat(), "kind": kind.value if kind else None},
        )
        audit.record(session, ctx, event)
        session.commit()
        return _calendar_view(updated)


# ---------------------------------------------------------------- receipt notices

NoticeLine = Annotated[str, Text("提示语", 24)]


@service
def receipt_notices(ctx: Context, actor: AdminActor) -> tuple[str, ...]:
    with ctx.reading() as session:
        _admin(session, actor, "manage_settings")
        return load_receipt_notices(session)


@service
def change_receipt_notices(
    ctx: Context, actor: AdminActor, lines: tuple[NoticeLine, ...]
) -> tuple[str, ...]:
    """Replace the notice lines at the foot of every receipt (empty lines dropped)."""
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_settings")
        before = load_receipt_notices(session)
        save_receipt_notices(session, [line or "" for line in lines])
        after = load_receipt_notices(session)
        event = audit.Event(
            "receipt_notices_changed",
            actor.user_id,
            data={"old": list(before), "new": list(after)},
        )
        audit.record(session, ctx, event)
        session.commit()
        return after


# ---------------------------------------------------------------- price list (价目表)

PRICE_LIST = "price_list"
CARD_FEE = "card_fee"  # the card fee's code; its amount is the setting ``card_fee_fen``
FEE_CODE = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
FeeCode = Annotated[str, Text("收费代码", 30)]
FeeName = Annotated[str, Text("收费名称", 30, name=True)]


@dataclass(frozen=True)
class Fee:
    """One fee the hall may charge: code (stable, for the programs), name and amount."""

    code: FeeCode
    name: FeeName
    amount_fen: int


def fee_range() -> tuple[int, int]:
    """Every fee's range: the card fee's (1 fen to 1000 yuan)."""
    return setting_range("card_fee_fen")


def _stored_fees(session: Session) -> list[Fee]:
    row = session.get(Setting, PRICE_LIST)
    if row is None:
        return []
    try:
        return [Fee(f["code"], f["name"], int(f["amount_fen"])) for f in json.loads(row.value)]
    except (TypeError, ValueError, KeyError) as error:
        raise InvalidInput("价目表格式不正确，请系统管理员重新设置", str(error)) from error


def stored_fee(session: Session, code: str) -> Fee | None:
    """The price list's fee of ``code`` (None: the hall has none)."""
    return next((fee for fee in _stored_fees(session) if fee.code == code), None)


def _price_list(session: Session) -> tuple[Fee, ...]:
    card_fee = Fee(CARD_FEE, setting_label("card_fee_fen"), load_policy(session).card_fee_fen)
    return (card_fee, *_stored_fees(session))


@service
def price_list(ctx: Context) -> tuple[Fee, ...]:
    """The price list: the card fee first (the amount card replacement charges), then the
    hall's other fees. Anyone may read it (a counter shows its fees)."""
    with ctx.reading() as session:
        return _price_list(session)


def _checked_fees(fees: tuple[Fee, ...]) -> tuple[Fee, ...]:
    low, high = fee_range()
    seen: set[str] = set()
    for fee in fees:
        code = (fee.code or "").strip()
        if not FEE_CODE.match(code):
            raise InvalidInput(
                f"收费代码“{code}”须以小写字母开头，只含小写字母、数字和下划线（2–30位）",
                f"bad fee code {code!r}",
                field="code",
            )
        if code in seen:
            raise Conflict(f"收费代码“{code}”重复", f"duplicate fee code {code!r}")
        seen.add(code)
        if not (fee.name or "").strip():
            raise InvalidInput(f"请填写“{code}”的收费名称", f"fee {code} without a name")
        if not low <= fee.amount_fen <= high:
            raise InvalidInput(
                f"“{fee.name}”的金额必须在 {format_money(low)}–{format_money(high)} 元之间",
                f"fee {code} = {fee.amount_fen} outside [{low}, {high}]",
                field="amount_fen",
            )
    if not fees or fees[0].code != CARD_FEE:
        raise InvalidInput("价目表的第一项必须是补卡工本费", "card fee missing or not first")
    return fees


@service
def change_price_list(ctx: Context, actor: AdminActor, fees: tuple[Fee, ...]) -> tuple[Fee, ...]:
    """Replace the price list, all or nothing: codes unique, every amount in range, the card fee
    first (its amount is saved as the setting card replacement charges)."""
    fees = _checked_fees(fees)
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_settings")
        session.get(Setting, PRICE_LIST, with_for_update=True)
        before = _price_list(session)
        card_fee, *others = fees
        save_setting(session, "card_fee_fen", card_fee.amount_fen)
        value = json.dumps(
            [{"code": f.code, "name": f.name, "amount_fen": f.amount_fen} for f in others],
            ensure_ascii=False,
        )
        store_setting(session, PRICE_LIST, value)
        after = (Fee(CARD_FEE, before[0].name, card_fee.amount_fen), *others)
        event = audit.Event(
            "price_list_changed",
            actor.user_id,
            data={
                "old": {f.code: f.amount_fen for f in before},
                "new": {f.code: f.amount_fen for f in after},
            },
        )
        audit.record(session, ctx, event)
        session.commit()
        return after


# ---------------------------------------------------------------- card makers


@service
def card_makers(ctx: Context) -> tuple[dict[str, object], ...]:
    """The hall's card makers in detection order (every counter builds its drivers from them)."""
    with ctx.reading() as session:
        return load_card_makers(session)


@service
def change_card_makers(
    ctx: Context, actor: AdminActor, entries: tuple[dict[str, object], ...]
) -> tuple[str, ...]:
    """Replace the hall's card makers (checked by the counter's front door, which knows the
    drivers); audited with the codes before and after. Returns the codes now configured."""
    with ctx.unit_of_work() as session:
        _admin(session, actor, "manage_settings")
        before = [entry.get("code") for entry in load_card_makers(session)]
        save_card_makers(session, [dict(entry) for entry in entries])
        after = tuple(str(entry["code"]) for entry in entries)
        event = audit.Event(
            "card_makers_changed", actor.user_id, data={"old": before, "new": list(after)}
        )
        audit.record(session, ctx, event)
        session.commit()
        return after
