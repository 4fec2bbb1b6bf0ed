"""限购 and 安检 at the counter window, by keyboard, in Chinese: the purchase dialog's live
remaining limit, the refusal that opens the team leader's override, the hold shown, and an
inspection result entered (offscreen, SQLite)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.domain.limits import ClassLimits, LimitBand
from app.services.inspections import InspectionEntry, record_inspection
from app.services.limits import change_class_limits
from app.services.security import AdminActor
from app.vocabulary import CustomerKind, InspectionResult, OverrideKind
from db.models import CounterTransaction, Inspection, SaleOverride
from tests.support import PASSWORD, m3, open_customer, rid
from tests.test_ui_counter import WAIT, ime_type, open_purchase
from tests.ui_support import issue_card

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def limit_100(hall) -> None:
    limits = ClassLimits((LimitBand(CustomerKind.RESIDENTIAL, m3(100)),))
    change_class_limits(hall.ctx, AdminActor(hall.users["admin"]), limits)


def type_over_the_limit(qtbot, window):
    dialog = open_purchase(qtbot, window)
    assert "限购 100 m³" in dialog.limit_label.text()
    assert "本期剩余可购 100 m³" in dialog.limit_label.text()
    assert not dialog.override_box.isVisible()
    dialog.volume.setFocus()
    qtbot.keyClicks(dialog.volume, "15")
    assert "本次后剩余 85 m³" in dialog.limit_label.text()
    qtbot.keyClicks(dialog.volume, "0")  # 150 m³
    assert "购买气量超出限购气量，本期剩余可购 100 立方米" in dialog.limit_label.text()
    assert dialog.override_box.isVisible()
    return dialog


def test_the_remaining_limit_is_live_and_a_sale_over_it_is_refused(qtbot, counter, hall, window):
    limit_100(hall)
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    dialog = type_over_the_limit(qtbot, window)
    dialog.override_box.setVisible(False)  # as if the clerk had not seen it: the service decides
    qtbot.keyClick(dialog.volume, Qt.Key.Key_F5)  # exact cash, then confirm
    qtbot.waitUntil(lambda: "超出限购气量" in dialog.error.text(), timeout=WAIT)
    assert "本期剩余可购 100 立方米" in dialog.error.text()
    assert dialog.override_box.isVisible() and dialog.focusWidget() is dialog.override_user
    with hall.ctx.reading() as session:
        assert session.scalars(select(CounterTransaction.kind)).all() == ["opening"]


def test_a_team_leader_lets_the_sale_through_by_keyboard(qtbot, counter, hall, window):
    limit_100(hall)
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    dialog = type_over_the_limit(qtbot, window)
    qtbot.keyClick(dialog.volume, Qt.Key.Key_Return)  # to the cash
    qtbot.keyClicks(dialog.tendered, "400")
    qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)  # to the override
    assert dialog.focusWidget() is dialog.override_user
    qtbot.keyClicks(dialog.override_user, "zhoujie")
    qtbot.keyClick(dialog.override_user, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.override_password, PASSWORD)
    qtbot.keyClick(dialog.override_password, Qt.Key.Key_Return)
    ime_type(dialog.override_reason, "客户急需用气")
    qtbot.keyClick(dialog.override_reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    assert "超限购放行：本次150立方米，本期剩余100立方米" in dialog.warning.text()
    with hall.ctx.reading() as session:
        [row] = session.scalars(select(SaleOverride)).all()
    assert (row.kind, row.reason) == (OverrideKind.PURCHASE_LIMIT, "客户急需用气")


def test_a_safety_hold_is_shown_before_anything_is_typed(qtbot, counter, hall, window):
    opened = issue_card(counter, hall)
    entry = InspectionEntry(opened.account_no, dt.date(2026, 3, 1), InspectionResult.HAZARD, "孙")
    record_inspection(hall.ctx, hall.clerk, rid(), entry)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    dialog = open_purchase(qtbot, window)
    assert "该户安检结果为“存在隐患”（2026-03-01）" in dialog.hold_label.text()
    assert "不限购" in dialog.limit_label.text()
    dialog.volume.setFocus()
    qtbot.keyClicks(dialog.volume, "10")
    assert dialog.override_box.isVisible()


def test_an_inspection_result_is_entered_by_keyboard(qtbot, counter, hall, window):
    from ui.dialogs.inspections import InspectionsDialog

    opened = issue_card(counter, hall)
    dialog = InspectionsDialog(counter, opened.account_no, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.account.text() == opened.account_no
    dialog.date.setFocus()
    dialog.date.selectAll()
    qtbot.keyClicks(dialog.date, "2026-03-01")
    qtbot.keyClick(dialog.date, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.result
    qtbot.keyClick(dialog.result, Qt.Key.Key_Down)  # 合格 → 存在隐患
    qtbot.keyClick(dialog.result, Qt.Key.Key_Return)
    ime_type(dialog.inspector, "孙安全")
    qtbot.keyClick(dialog.inspector, Qt.Key.Key_Return)
    ime_type(dialog.note, "软管老化")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已录入" in dialog.status.text(), timeout=WAIT)
    assert "限制购气" in dialog.status.text()
    with hall.ctx.reading() as session:
        [row] = session.scalars(select(Inspection)).all()
    assert (row.result, row.inspector, row.note) == ("hazard", "孙安全", "软管老化")


def test_class_limits_are_set_on_the_hall_settings_screen(qtbot, hall):
    from app.counter import AdminDesk
    from app.services.limits import class_limits
    from app.services.security import login
    from tests.test_ui_admin import idle, open_tab, settings_screen

    desk = AdminDesk(hall.ctx, login(hall.ctx, "admin", PASSWORD, hall.counter_id))
    screen = settings_screen(qtbot, desk)
    # the window and the inspection interval are parameters of their own, in months
    assert screen.edits["purchase_limit_window_months"].text() == "1"
    assert screen.edits["inspection_interval_months"].text() == "24"
    open_tab(qtbot, screen.tabs, 3)
    assert screen.limits_table.rowCount() == 0  # nothing configured: unlimited
    screen.add_limit(_blank(), focus=True)
    screen.add_limit(_blank())
    kind, flow, volume = screen.limit_rows[0]
    qtbot.keyClicks(volume, "300")
    kind2, flow2, volume2 = screen.limit_rows[1]
    kind2.setCurrentIndex(kind2.findData("commercial"))
    qtbot.keyClicks(flow2, "10")
    qtbot.keyClicks(volume2, "2000")
    qtbot.keyClick(volume2, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.note.text() == "限购已保存", timeout=WAIT)
    idle(qtbot, screen)
    saved = class_limits(hall.ctx, desk.actor)
    assert saved.limit_for("residential", None) == m3(300)
    assert saved.limit_for("commercial", 1000) == m3(2000)  # 10 m³/h
    assert saved.limit_for("commercial", 999) is None
    # shown again as saved: by class (工商业 first), then by band
    shown = [(k.currentData(), f.text(), v.text()) for k, f, v in screen.limit_rows]
    assert shown == [("commercial", "10", "2000"), ("residential", "", "300")]
    _kind, _flow, volume2 = screen.limit_rows[1]
    volume2.clear()
    qtbot.keyClick(volume2, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "第2行：请填写限购气量" in screen.error.text(), timeout=WAIT)


def _blank():
    from app.counter import LimitForm

    return LimitForm("residential", "", "")


def test_the_business_menu_opens_the_inspection_and_limit_screens(qtbot, counter, hall, window):
    from ui.dialogs.inspections import InspectionsDialog
    from ui.dialogs.limits import AccountLimitDialog

    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "业务")
    actions = {a.text(): a for a in menu.actions()}
    assert actions["安检"].shortcut().toString() == "Ctrl+J"
    actions["安检"].trigger()
    assert isinstance(window.current_dialog, InspectionsDialog)
    assert window.current_dialog.account.text() == opened.account_no
    window.current_dialog.reject()
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    actions["本户限购"].trigger()
    dialog = window.current_dialog
    assert isinstance(dialog, AccountLimitDialog)
    qtbot.waitUntil(lambda: "不限购" in dialog.state.text(), timeout=WAIT)


def test_a_team_leader_sets_an_account_limit_by_keyboard(qtbot, hall):
    from app.counter.compose import training_devices
    from app.counter.session import CounterSession
    from app.services.security import login
    from app.services.setup import Workstation
    from tests.card_support import KEY
    from ui.dialogs.limits import AccountLimitDialog

    account = open_customer(hall)
    leader = login(hall.ctx, "zhoujie", PASSWORD, hall.counter_id)
    devices = training_devices(KEY)
    session = CounterSession(
        hall.ctx,
        leader,
        Workstation("城东燃气客户服务中心", "2号柜台", hall.counter_id, 0),
        devices,
    )
    try:
        dialog = AccountLimitDialog(session, account.account_no)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: "不限购" in dialog.state.text(), timeout=WAIT)
        qtbot.keyClicks(dialog.volume, "300")
        qtbot.keyClick(dialog.volume, Qt.Key.Key_Return)
        ime_type(dialog.reason, "家庭人口多")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "本户限购 300 m³" in dialog.state.text(), timeout=WAIT)
    finally:
        devices.close()


def test_a_sheet_is_imported_and_the_due_list_exported_from_the_screen(
    qtbot, counter, hall, window, tmp_path
):
    from tests.test_inspections import write_csv
    from ui.dialogs.inspections import InspectionsDialog

    opened = issue_card(counter, hall)
    sheet = write_csv(
        tmp_path / "安检.csv", [[opened.account_no, "2024-01-10", "合格", "孙安全", ""]]
    )
    target = tmp_path / "应安检.csv"
    dialog = InspectionsDialog(
        counter,
        parent=window,
        open_path=lambda *_: str(sheet),
        save_path=lambda *_: str(target),
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "导入完成：新增 1 条" in dialog.status.text(), timeout=WAIT)
    assert not dialog.progress.isVisible() and not dialog.cancel_import.isVisible()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)  # the same file again
    qtbot.waitUntil(lambda: "已导入过 1 条" in dialog.status.text(), timeout=WAIT)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已导出 1 户" in dialog.status.text(), timeout=WAIT)
    assert opened.account_no in target.read_bytes().decode("utf-8-sig")
