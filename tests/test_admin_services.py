"""Administration through ``AdminDesk`` on SQLite and PostgreSQL: users (add, disable, reset
with a forced change), hall settings all or nothing, the calendar, notice lines, the price list
and the card replacement fee that follows it; a clerk refused by the services."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.counter.admin import AdminDesk
from app.errors import Conflict, InvalidInput, PermissionDenied
from app.policy import load_policy
from app.services import audit
from app.services.administration import CARD_FEE, Fee
from app.services.cards import replacement_fee
from app.services.security import login
from app.vocabulary import CalendarDay, Role
from db.models import Setting
from tests.support import PASSWORD, row_counts


def desk(hall, username: str = "admin") -> AdminDesk:
    return AdminDesk(hall.ctx, login(hall.ctx, username, PASSWORD, hall.counter_id))


def audit_kinds(hall) -> list[str]:
    with hall.ctx.reading() as session:
        return list(session.scalars(select(audit.log_table.c.kind)))


def test_added_user_logs_in_and_must_choose_a_password(hall):
    admin = desk(hall)
    added = admin.add_user("xiaoli", "小李", Role.CLERK, "first-pass-1")
    assert any(u.username == "xiaoli" and u.must_change_password for u in admin.users())
    first = login(hall.ctx, "xiaoli", "first-pass-1", hall.counter_id)
    assert first.user_id == added.user_id and first.must_change_password
    AdminDesk(hall.ctx, first).change_own_password("first-pass-1", "own-pass-22")
    again = login(hall.ctx, "xiaoli", "own-pass-22", hall.counter_id)
    assert not again.must_change_password
    assert "user_created" in audit_kinds(hall) and "password_changed" in audit_kinds(hall)


def test_disabled_user_is_refused_and_enabled_again(hall):
    admin = desk(hall)
    admin.set_user_active(hall.users["lina"], False)
    with pytest.raises(PermissionDenied):
        login(hall.ctx, "lina", PASSWORD, hall.counter_id)
    assert not next(u for u in admin.users() if u.username == "lina").active
    admin.set_user_active(hall.users["lina"], True)
    assert login(hall.ctx, "lina", PASSWORD, hall.counter_id).username == "lina"


def test_reset_password_forces_a_change_at_next_login(hall):
    desk(hall).reset_password(hall.users["lina"], "reset-pass-9")
    user = login(hall.ctx, "lina", "reset-pass-9", hall.counter_id)
    assert user.must_change_password
    AdminDesk(hall.ctx, user).change_own_password("reset-pass-9", "lina-own-77")
    assert not login(hall.ctx, "lina", "lina-own-77", hall.counter_id).must_change_password
    assert "password_reset" in audit_kinds(hall)


def test_a_clerk_is_refused_by_every_admin_service(hall):
    clerk = desk(hall, "lina")
    assert not clerk.administers
    before = row_counts(hall.ctx)
    for call in (
        clerk.users,
        clerk.settings,
        clerk.calendar,
        clerk.notices,
        lambda: clerk.add_user("x1", "某人", Role.CLERK, "pass-word-1"),
        lambda: clerk.reset_password(hall.users["wangfang"], "pass-word-2"),
        lambda: clerk.set_user_active(hall.users["wangfang"], False),
        lambda: clerk.save_settings({"card_fee_fen": 3000}),
        lambda: clerk.mark_day(dt.date(2026, 10, 1), CalendarDay.HOLIDAY),
        lambda: clerk.save_notices(["请妥善保管燃气卡"]),
        lambda: clerk.save_price_list([Fee(CARD_FEE, "补卡工本费", 3000)]),
    ):
        with pytest.raises(PermissionDenied) as refused:
            call()
        assert refused.value.user_message == "您的岗位无权办理此业务"
    after = row_counts(hall.ctx)
    assert {k: v for k, v in after.items() if k not in ("audit_log", "audit_head")} == {
        k: v for k, v in before.items() if k not in ("audit_log", "audit_head")
    }
    assert "permission_denied" in audit_kinds(hall)


def test_settings_out_of_range_save_nothing(hall):
    admin = desk(hall)
    with hall.ctx.reading() as session:
        before = {s.key: s.value for s in session.scalars(select(Setting))}
    with pytest.raises(InvalidInput) as refused:
        admin.save_settings({"card_fee_fen": 3000, "idle_lock_minutes": 999})
    assert refused.value.user_message == "“无操作锁屏时长（分钟）”必须在 1–240 分钟 之间"
    with pytest.raises(InvalidInput) as refused:
        admin.save_settings({"drawer_warn_limit_fen": 2_000_000})  # above the stop limit
    assert refused.value.user_message == "“钱箱预警金额”不能大于“钱箱停收金额”"
    with hall.ctx.reading() as session:
        assert {s.key: s.value for s in session.scalars(select(Setting))} == before


def test_settings_saved_together_and_audited(hall):
    admin = desk(hall)
    changed = admin.save_settings({"card_fee_fen": 3000, "idle_lock_minutes": 10, "sale_step": 100})
    assert set(changed) == {"card_fee_fen", "idle_lock_minutes"}  # sale step was 1 m³ already
    views = {v.key: v for v in admin.settings()}
    assert views["idle_lock_minutes"].value == 10
    assert views["sale_step"].range_text == "0.01–100 立方米"
    assert views["card_fee_fen"].range_text == "0.01–1000.00 元"
    assert audit_kinds(hall).count("setting_changed") == 2


def test_calendar_days_added_and_removed(hall):
    admin = desk(hall)
    admin.mark_day(dt.date(2026, 10, 1), CalendarDay.HOLIDAY)
    view = admin.mark_day(dt.date(2026, 10, 11), CalendarDay.WORKDAY)
    assert view.holidays == (dt.date(2026, 10, 1),)
    assert view.workdays == (dt.date(2026, 10, 11),)
    view = admin.mark_day(dt.date(2026, 10, 1), None)
    assert view.holidays == () and admin.calendar().workdays == (dt.date(2026, 10, 11),)
    assert "calendar_changed" in audit_kinds(hall)


def test_notice_lines_saved_and_bounded(hall):
    admin = desk(hall)
    assert admin.save_notices(["第一行提示", "", "第二行提示"]) == ("第一行提示", "第二行提示")
    assert admin.notices() == ("第一行提示", "第二行提示")
    with pytest.raises(InvalidInput):
        admin.save_notices(["很" * 25])
    assert admin.notices() == ("第一行提示", "第二行提示")


def test_price_list_card_fee_is_what_a_replacement_charges(hall):
    admin = desk(hall)
    fees = admin.price_list()
    assert fees[0] == Fee(CARD_FEE, "补卡工本费", 2000)
    admin.save_price_list([Fee(CARD_FEE, "补卡工本费", 3500), Fee("meter_check", "验表费", 5000)])
    with hall.ctx.reading() as session:
        policy = load_policy(session)
        stored = json.loads(session.get(Setting, "price_list").value)
    assert replacement_fee(policy, "lost") == 3500
    assert stored == [{"code": "meter_check", "name": "验表费", "amount_fen": 5000}]
    assert [f.code for f in admin.price_list()] == [CARD_FEE, "meter_check"]


def test_price_list_refuses_bad_fees_and_saves_nothing(hall):
    admin = desk(hall)
    before = admin.price_list()
    with pytest.raises(Conflict) as refused:
        admin.save_price_list(
            [Fee(CARD_FEE, "补卡工本费", 3000), Fee("x_fee", "甲", 100), Fee("x_fee", "乙", 100)]
        )
    assert refused.value.user_message == "收费代码“x_fee”重复"
    with pytest.raises(InvalidInput) as refused:
        admin.save_price_list([Fee(CARD_FEE, "补卡工本费", 0)])
    assert refused.value.user_message == "“补卡工本费”的金额必须在 0.01–1000.00 元之间"
    with pytest.raises(InvalidInput) as refused:
        admin.save_price_list([Fee("x_fee", "甲", 100)])
    assert refused.value.user_message == "价目表的第一项必须是补卡工本费"
    assert admin.price_list() == before


def test_the_audit_chain_verifies_after_the_admin_changes(hall, database):
    admin = desk(hall)
    admin.reset_password(hall.users["lina"], "reset-pass-9")
    admin.save_settings({"card_fee_fen": 2500})
    admin.save_price_list([Fee(CARD_FEE, "补卡工本费", 2600), Fee("meter_check", "验表费", 50)])
    admin.mark_day(dt.date(2026, 10, 1), CalendarDay.HOLIDAY)
    report = audit.verify(database, hall.ctx.audit_key)
    assert report.ok, report
