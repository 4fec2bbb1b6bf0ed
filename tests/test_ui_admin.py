"""The 管理 screens offscreen, through real widgets and keys: users (add, who then logs in and
must choose a password; disable; reset with the forced change at the next login), the own
password change, hall settings refused out of range with nothing saved, a calendar day, the
notice lines, the price list and the card replacement fee that follows it; a clerk sees no
admin screen and is refused by the desk."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from app.counter import AdminDesk
from app.counter.session import CounterSession
from app.errors import PermissionDenied
from app.services.security import login
from app.services.setup import Workstation
from db.models import Setting
from tests.support import PASSWORD
from tests.test_ui_accounts import WAIT, reader_noticed, show, type_text
from tests.test_ui_login import start_flow, type_login
from tests.ui_support import counter, issue_card  # noqa: F401 - fixture

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def admin_desk(hall):
    return AdminDesk(hall.ctx, login(hall.ctx, "admin", PASSWORD, hall.counter_id))


def settings_rows(hall) -> dict[str, str]:
    with hall.ctx.reading() as session:
        return {row.key: row.value for row in session.scalars(select(Setting))}


def idle(qtbot, screen) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not screen.working, timeout=WAIT)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def replace_text(qtbot, edit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Select what the field holds and type over it, as a clerk does."""
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    type_text(qtbot, edit, text)


def open_tab(qtbot, tabs, index: int) -> None:  # type: ignore[no-untyped-def]
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def users_screen(qtbot, desk):  # type: ignore[no-untyped-def]
    from ui.dialogs.admin import UsersDialog

    screen = show(qtbot, UsersDialog(desk))
    qtbot.waitUntil(lambda: len(screen.rows) == 5, timeout=WAIT)
    return screen


def forced_change(qtbot, flow, new: str):  # type: ignore[no-untyped-def]
    """The login asked for a new password: type it twice, Enter."""
    qtbot.waitUntil(lambda: flow.login_window.password_dialog is not None, timeout=WAIT)
    dialog = flow.login_window.password_dialog
    assert flow.counter_window is None  # not in before the new password is set
    qtbot.keyClicks(dialog.new, new)
    qtbot.keyClick(dialog.new, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.again, new)
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)


def counter_opened(qtbot, flow):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: flow.counter_window is not None, timeout=WAIT)
    qtbot.addWidget(flow.counter_window)
    return flow.counter_window


def close_flow(flow) -> None:  # type: ignore[no-untyped-def]
    if flow.counter_window is not None:
        flow.counter_window.close()
    flow.close()
    QThreadPool.globalInstance().waitForDone(10_000)


def test_added_user_logs_in_choosing_a_password(qtbot, qapp, hall, admin_desk, tmp_path):
    screen = users_screen(qtbot, admin_desk)
    screen.username.setFocus()
    qtbot.keyClicks(screen.username, "xiaoli")
    qtbot.keyClick(screen.username, Qt.Key.Key_Return)
    type_text(qtbot, screen.display_name, "小李")
    screen.password.setFocus()
    qtbot.keyClicks(screen.password, "first-pass-1")
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(screen.rows) == 6 or bool(screen.error.text()), timeout=WAIT)
    assert screen.error.text() == ""
    assert screen.note.text() == "已添加用户 xiaoli"
    added = next(u for u in screen.rows if u.username == "xiaoli")
    assert (added.display_name, added.role, added.must_change_password) == ("小李", "clerk", True)

    flow = start_flow(qtbot, qapp, hall, tmp_path)
    try:
        type_login(qtbot, flow.login_window, "xiaoli", "first-pass-1")
        forced_change(qtbot, flow, "xiaoli-own-1")
        window = counter_opened(qtbot, flow)
        assert window.session.user.username == "xiaoli"
    finally:
        close_flow(flow)
    assert not login(hall.ctx, "xiaoli", "xiaoli-own-1").must_change_password


def test_a_disabled_user_cannot_log_in(qtbot, hall, admin_desk):
    screen = users_screen(qtbot, admin_desk)
    screen.select("wangfang")
    click(qtbot, screen.toggle_button)
    qtbot.waitUntil(lambda: screen.note.text() == "已停用 wangfang", timeout=WAIT)
    row = next(r for r, u in enumerate(screen.rows) if u.username == "wangfang")
    assert screen.table.item(row, 3).text() == "已停用"
    with pytest.raises(PermissionDenied):
        login(hall.ctx, "wangfang", PASSWORD)


def test_a_reset_password_is_changed_at_the_next_login(qtbot, qapp, hall, admin_desk, tmp_path):
    screen = users_screen(qtbot, admin_desk)
    screen.select("lina")
    screen.reset_password.setFocus()
    qtbot.keyClicks(screen.reset_password, "reset-pass-9")
    qtbot.keyClick(screen.reset_password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "已重置 lina 的密码" in screen.note.text(), timeout=WAIT)

    flow = start_flow(qtbot, qapp, hall, tmp_path)
    try:
        window = flow.login_window
        # cancelled: no way in, and the change is still due
        type_login(qtbot, window, "lina", "reset-pass-9")
        qtbot.waitUntil(lambda: window.password_dialog is not None, timeout=WAIT)
        qtbot.keyClick(window.password_dialog.new, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: window.password_dialog is None, timeout=WAIT)
        assert window.error.text() == "须先修改密码才能进入柜台，请重新登录"
        assert flow.counter_window is None
        # the two entries differ: refused inline, asked again
        type_login(qtbot, window, "lina", "reset-pass-9")
        qtbot.waitUntil(lambda: window.password_dialog is not None, timeout=WAIT)
        dialog = window.password_dialog
        qtbot.keyClicks(dialog.new, "lina-own-77")
        qtbot.keyClick(dialog.new, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.again, "lina-own-78")
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        assert dialog.error.text() == "两次输入的新密码不一致"
        qtbot.keyClicks(dialog.again, "lina-own-77")
        qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
        counter_opened(qtbot, flow)
    finally:
        close_flow(flow)
    assert not login(hall.ctx, "lina", "lina-own-77").must_change_password


def test_own_password_changed_from_the_counter_window(qtbot, window, hall):
    assert window.password_action.isVisible() and window.password_action.isEnabled()
    window.password_action.trigger()
    dialog = window.current_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.old, PASSWORD)
    qtbot.keyClick(dialog.old, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.new, "lina-new-55")
    qtbot.keyClick(dialog.new, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.again, "lina-new-55")
    qtbot.keyClick(dialog.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    assert window.message.text() == "密码已修改"
    assert login(hall.ctx, "lina", "lina-new-55").username == "lina"


def test_a_clerk_cannot_open_the_admin_screens(qtbot, window, counter):  # noqa: F811
    for key in ("users", "settings", "price_list", "tariffs", "devices"):
        action = window.admin_actions[key]
        assert not action.isVisible() and not action.isEnabled(), key
    window.admin_actions["users"].trigger()  # a disabled action does nothing
    assert window.current_dialog is None
    with pytest.raises(PermissionDenied) as refused:
        AdminDesk.of(counter).users()
    assert refused.value.user_message == "您的岗位无权办理此业务"


@pytest.fixture
def admin_window(qtbot, hall):
    from app.counter.compose import training_devices
    from tests.card_support import KEY
    from ui.counter_window import CounterWindow

    devices = training_devices(KEY)
    user = login(hall.ctx, "admin", PASSWORD, hall.counter_id)
    station = Workstation("城东燃气客户服务中心", "2号柜台", hall.counter_id, 0)
    win = CounterWindow(CounterSession(hall.ctx, user, station, devices))
    qtbot.addWidget(win)
    qtbot.addWidget(win.customer_display)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)
    devices.close()


def test_the_administrator_has_the_admin_menu(qtbot, admin_window):
    for key in ("users", "settings", "price_list", "tariffs", "devices"):
        assert admin_window.admin_actions[key].isVisible(), key
    admin_window.admin_actions["users"].trigger()
    qtbot.waitUntil(lambda: admin_window.current_dialog is not None, timeout=WAIT)
    screen = admin_window.current_dialog
    assert screen.windowTitle() == "用户管理"
    qtbot.waitUntil(lambda: len(screen.rows) == 5, timeout=WAIT)
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: admin_window.current_dialog is None, timeout=WAIT)


def test_the_tariff_screen_opens_from_the_admin_menu(qtbot, admin_window):
    """价格/调价: the administrator's tariff desk is read off the GUI thread, then its screen
    shows the versions in force."""
    from ui.dialogs.tariffs import TariffsDialog

    admin_window.admin_actions["tariffs"].trigger()
    qtbot.waitUntil(lambda: isinstance(admin_window.current_dialog, TariffsDialog), timeout=WAIT)
    screen = admin_window.current_dialog
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: admin_window.current_dialog is None, timeout=WAIT)


def test_the_devices_screen_opens_from_the_admin_menu_with_this_counter(qtbot, admin_window):
    """本柜台设备 from the 管理 menu works for the window's own counter (its workstation)."""
    from ui.dialogs.devices import DevicesDialog

    admin_window.admin_actions["devices"].trigger()
    qtbot.waitUntil(lambda: isinstance(admin_window.current_dialog, DevicesDialog), timeout=WAIT)
    screen = admin_window.current_dialog
    assert screen.setup.workstation is admin_window.session.workstation
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: admin_window.current_dialog is None, timeout=WAIT)


def settings_screen(qtbot, desk):  # type: ignore[no-untyped-def]
    from ui.dialogs.admin import HallSettingsDialog

    screen = show(qtbot, HallSettingsDialog(desk))
    qtbot.waitUntil(lambda: bool(screen.edits), timeout=WAIT)
    idle(qtbot, screen)
    return screen


def test_setting_out_of_range_refused_and_nothing_saved(qtbot, hall, admin_desk):
    screen = settings_screen(qtbot, admin_desk)
    assert screen.findChild(type(screen.note), "range-idle_lock_minutes").text() == (
        "范围 1–240 分钟"
    )
    assert screen.edits["card_fee_fen"].text() == "20.00"
    before = settings_rows(hall)
    replace_text(qtbot, screen.edits["card_fee_fen"], "30")
    replace_text(qtbot, screen.edits["idle_lock_minutes"], "999")
    qtbot.keyClick(screen.edits["idle_lock_minutes"], Qt.Key.Key_Return)
    idle(qtbot, screen)
    assert screen.error.text() == "“无操作锁屏时长（分钟）”必须在 1–240 分钟 之间"
    assert settings_rows(hall) == before  # the card fee typed beside it is not saved either
    replace_text(qtbot, screen.edits["idle_lock_minutes"], "10")
    qtbot.keyClick(screen.edits["idle_lock_minutes"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.note.text() == "参数已保存", timeout=WAIT)
    saved = settings_rows(hall)
    assert (saved["idle_lock_minutes"], saved["card_fee_fen"]) == ("10", "3000")


def test_calendar_day_added_and_notice_lines_saved(qtbot, hall, admin_desk):
    screen = settings_screen(qtbot, admin_desk)
    open_tab(qtbot, screen.tabs, 1)
    screen.day.setFocus()
    qtbot.keyClicks(screen.day, "2026-10-1")
    qtbot.keyClick(screen.day, Qt.Key.Key_Return)
    idle(qtbot, screen)
    assert screen.error.text() == "请按 YYYY-MM-DD 输入日期"
    replace_text(qtbot, screen.day, "2026-10-01")
    click(qtbot, screen.add_day_button)
    idle(qtbot, screen)
    assert (screen.error.text(), screen.day.text()) == ("", "2026-10-01")
    qtbot.waitUntil(lambda: screen.days.count() == 1, timeout=WAIT)
    assert screen.days.item(0).text() == "2026-10-01  节假日"
    assert admin_desk.calendar().holidays == (dt.date(2026, 10, 1),)

    open_tab(qtbot, screen.tabs, 2)
    screen.notices.setFocus()
    qtbot.keyClick(screen.notices, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(screen.notices, Qt.Key.Key_Delete)
    type_text(qtbot, screen.notices, "第一行提示")
    qtbot.keyClick(screen.notices, Qt.Key.Key_Return)
    type_text(qtbot, screen.notices, "第二行提示")
    click(qtbot, screen.save_notices_button)
    qtbot.waitUntil(lambda: screen.note.text() == "提示语已保存", timeout=WAIT)
    assert admin_desk.notices() == ("第一行提示", "第二行提示")


def test_price_list_fee_edited_and_card_replacement_follows(
    qtbot,
    hall,
    admin_desk,
    counter,  # noqa: F811
):
    from ui.dialogs.accounts import ReplaceCardDialog
    from ui.dialogs.admin import PriceListDialog

    screen = show(qtbot, PriceListDialog(admin_desk))
    qtbot.waitUntil(lambda: len(screen.edits) == 1, timeout=WAIT)
    code, name, amount = screen.edits[0]
    assert (code.text(), name.text(), amount.text()) == ("card_fee", "补卡工本费", "20.00")
    assert code.isReadOnly() and name.isReadOnly()
    # out of range: refused with its message, nothing saved
    replace_text(qtbot, amount, "0")
    qtbot.keyClick(amount, Qt.Key.Key_Return)
    idle(qtbot, screen)
    assert screen.error.text() == "“补卡工本费”的金额必须在 0.01–1000.00 元之间"
    assert "card_fee_fen" not in settings_rows(hall)
    replace_text(qtbot, amount, "35")
    qtbot.keyClick(amount, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not screen.working, timeout=WAIT)
    assert screen.error.text() == ""
    assert screen.note.text() == "价目表已保存"

    opened = issue_card(counter, hall)
    counter.devices.training.remove()
    counter.devices.training.insert_blank_card()
    reader_noticed(counter)
    dialog = show(qtbot, ReplaceCardDialog(counter, opened.account_no))
    qtbot.waitUntil(lambda: dialog.money.text() == "应收 35.00 元", timeout=WAIT)
    dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected
