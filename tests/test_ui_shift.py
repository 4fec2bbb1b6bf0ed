"""Shift, drawer and report dialogs driven through their widgets (pytest-qt, offscreen): hand-over
with the slip printed, blind count and close with a short signed off by the team leader, opening
a shift, cash in/out, hall reports with export and permission refusal, a long report keeping the
GUI responsive and its cancel."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableWidget, QWidget
from sqlalchemy import select

from app.counter.session import CounterSession
from app.domain.cash import count_of
from app.services import reports as report_service
from app.services import shifts as shift_service
from app.services.security import login
from app.services.setup import Workstation
from app.vocabulary import CashMovementKind
from db.models import CashMovement, ShiftCount
from tests.support import PASSWORD, rid, terminals
from tests.ui_support import KeyCount
from ui.dialogs.reports import DAILY, MONTHLY, ReportsDialog
from ui.dialogs.shift import CashMoveDialog, HandoverDialog, ShiftDialog

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

ENTER = Qt.Key.Key_Return
WAIT = 15_000  # ms: argon2 checks and PDF drawing on a slow machine


def show(qtbot, dialog: QWidget) -> QWidget:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def type_into(qtbot, widget: QWidget, text: str) -> None:
    """Type ``text``; Chinese characters arrive as key events carrying the text (as an input
    method commits them), since QTest only knows ASCII keys."""
    widget.setFocus()
    if hasattr(widget, "selectAll"):
        widget.selectAll()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def press_enter(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, ENTER)


def enter_terminals(qtbot, dialog: ShiftDialog, **totals: str) -> None:
    """The terminals' totals typed in: each must be entered, 0 when it took nothing."""
    for method, edit in dialog.noncash.items():
        type_into(qtbot, edit, totals.get(method, "0"))


def movements(hall, kind: str) -> list[CashMovement]:
    with hall.ctx.reading() as session:
        rows = session.scalars(select(CashMovement).where(CashMovement.kind == kind))
        return [session.expunge(row) or row for row in rows]


def visible_texts(dialog: QWidget) -> list[str]:
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.isVisibleTo(dialog)]
    texts += [edit.text() for edit in dialog.findChildren(QLineEdit)]
    for table in dialog.findChildren(QTableWidget):
        for row in range(table.rowCount()):
            for column in range(table.columnCount()):
                item = table.item(row, column)
                if item is not None:
                    texts.append(item.text())
    return texts


def session_for(hall, devices, username: str, counter_id: int) -> CounterSession:
    user = login(hall.ctx, username, PASSWORD, counter_id)
    info = Workstation("城东燃气客户服务中心", "3号柜台", counter_id, 0)
    return CounterSession(hall.ctx, user, info, devices)


# ---------------------------------------------------------------- 交款


def test_handover_counts_notes_confirms_finance_and_prints_slip(qtbot, counter, hall):
    # the drawer must hold what is handed over (500.00 float + 4000.00 cash in)
    top_up = shift_service.CashMoveRequest(rid(), CashMovementKind.CASH_IN, 400000, "备用金补充")
    shift_service.move_cash(hall.ctx, hall.clerk, top_up)
    dialog = show(qtbot, HandoverDialog(counter, None))
    type_into(qtbot, dialog.count.spins[10000], "45")
    assert "4500.00" in dialog.count.total_label.text()
    type_into(qtbot, dialog.finance_user, "zhaomin")
    type_into(qtbot, dialog.finance_password, PASSWORD)
    press_enter(qtbot, dialog.finance_password)
    qtbot.waitUntil(lambda: dialog.moved is not None, timeout=WAIT)

    rows = movements(hall, CashMovementKind.HANDOVER)
    assert [(r.amount_fen, r.finance_fen, r.counterpart_id) for r in rows] == [
        (450000, 450000, hall.users["zhaomin"])
    ]
    slip_no = rows[0].slip_no
    assert slip_no and slip_no in dialog.info.text() and "4500.00" in dialog.info.text()
    emulator = counter.devices.training.emulator
    qtbot.waitUntil(lambda: slip_no in emulator.transcript(), timeout=WAIT)
    assert "交款单" in emulator.transcript()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_handover_wrong_finance_password_is_inline(qtbot, counter, hall):
    dialog = show(qtbot, HandoverDialog(counter, None))
    type_into(qtbot, dialog.count.spins[5000], "2")
    type_into(qtbot, dialog.finance_user, "zhaomin")
    type_into(qtbot, dialog.finance_password, "wrong-password")
    press_enter(qtbot, dialog.finance_password)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "密码错误" in dialog.error.text()
    assert dialog.moved is None and movements(hall, CashMovementKind.HANDOVER) == []


# ---------------------------------------------------------------- 交班


def test_close_with_short_is_blind_then_signed_off_and_prints_zreport(qtbot, counter, hall):
    dialog = show(qtbot, ShiftDialog(counter, None))
    qtbot.waitUntil(lambda: dialog.mode == "count", timeout=WAIT)
    expected = "500.00"  # the float: what the drawer should hold
    assert not any(expected in text for text in visible_texts(dialog))

    type_into(qtbot, dialog.drawer_count.spins[10000], "4")
    type_into(qtbot, dialog.drawer_count.spins[5000], "1")
    type_into(qtbot, dialog.drawer_count.spins[1000], "4")
    assert "490.00" in dialog.drawer_count.total_label.text()
    assert not any(expected in text for text in visible_texts(dialog))
    press_enter(qtbot, dialog.drawer_count.spins[1000])  # Enter moves on to the next field
    assert dialog.mode == "count"
    enter_terminals(qtbot, dialog)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)

    cash_row = [dialog.table.item(0, c).text() for c in range(5)]
    assert cash_row == ["现金", "500.00", "490.00", "-10.00", "短款"]
    assert "-10.00" in dialog.difference.text()
    assert dialog.sign_off.isVisible()

    type_into(qtbot, dialog.explanation, "找零有误")
    press_enter(qtbot, dialog.leader_password)
    assert "班长" in dialog.error.text()
    assert shift_service.current_shift(hall.ctx, counter.actor) is not None

    type_into(qtbot, dialog.leader_user, "zhoujie")
    type_into(qtbot, dialog.leader_password, PASSWORD)
    press_enter(qtbot, dialog.leader_password)
    qtbot.waitUntil(lambda: dialog.mode == "closed", timeout=WAIT)

    assert shift_service.current_shift(hall.ctx, counter.actor) is None
    short = movements(hall, CashMovementKind.OVER_SHORT)
    assert [(r.amount_fen, r.payment_method, r.reason) for r in short] == [
        (-1000, "cash", "找零有误")
    ]
    assert "490.00" in dialog.closed_page.text()

    emulator = counter.devices.training.emulator
    qtbot.waitUntil(lambda: "交班报表已在打印机" in dialog.info.text(), timeout=WAIT)  # at once
    emulator.reset_output()
    dialog.info.clear()
    qtbot.keyClick(dialog, Qt.Key.Key_F9)  # printed again on its own key
    qtbot.waitUntil(lambda: "打印" in dialog.info.text(), timeout=WAIT)
    assert dialog.error.text() == ""
    assert "交班报表" in emulator.transcript()
    assert counter.devices.printer.name in dialog.info.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_balanced_close_needs_no_sign_off(qtbot, counter, hall):
    dialog = show(qtbot, ShiftDialog(counter, None))
    qtbot.waitUntil(lambda: dialog.mode == "count", timeout=WAIT)
    type_into(qtbot, dialog.drawer_count.spins[10000], "5")
    enter_terminals(qtbot, dialog)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)
    assert not dialog.sign_off.isVisible()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.mode == "closed", timeout=WAIT)
    assert movements(hall, CashMovementKind.OVER_SHORT) == []


def test_open_shift_from_dialog_after_close(qtbot, counter, hall):
    ctx, actor = hall.ctx, counter.actor
    shift_service.count_drawer(
        ctx, actor, shift_service.CountRequest(rid(), count_of(50000), terminals())
    )
    shift_service.close_shift(ctx, actor, shift_service.CloseShiftRequest(rid()))

    dialog = show(qtbot, ShiftDialog(counter, None))
    qtbot.waitUntil(lambda: dialog.mode == "open", timeout=WAIT)
    assert dialog.source_radios["safe"].isChecked()  # 保险柜
    type_into(qtbot, dialog.float_count.spins[10000], "5")
    press_enter(qtbot, dialog.float_count.coins)
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=WAIT)

    assert dialog.result() == dialog.DialogCode.Accepted
    current = shift_service.current_shift(ctx, actor)
    assert current is not None and current.shift_id == dialog.opened.shift_id
    floats = [r for r in movements(hall, CashMovementKind.FLOAT) if r.shift_id == current.shift_id]
    assert [(r.amount_fen, r.safe_fen) for r in floats] == [(50000, -50000)]


# ---------------------------------------------------------------- 现金存取


def test_cash_in_and_out(qtbot, counter, hall):
    dialog = show(qtbot, CashMoveDialog(counter, None))
    type_into(qtbot, dialog.amount, "100.00")
    press_enter(qtbot, dialog.amount)  # moves to the reason
    assert dialog.result_value is None
    type_into(qtbot, dialog.reason, "补充零钱")
    press_enter(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=WAIT)

    dialog = show(qtbot, CashMoveDialog(counter, None))
    qtbot.mouseClick(dialog.cash_out, Qt.MouseButton.LeftButton)
    type_into(qtbot, dialog.amount, "20.5")
    type_into(qtbot, dialog.reason, "购买文具")
    press_enter(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=WAIT)

    assert [(r.amount_fen, r.drawer_fen, r.reason) for r in movements(hall, "cash_in")] == [
        (10000, 10000, "补充零钱")
    ]
    assert [(r.amount_fen, r.drawer_fen) for r in movements(hall, "cash_out")] == [(2050, -2050)]


def test_cash_move_without_reason_is_refused_inline(qtbot, counter, hall):
    dialog = show(qtbot, CashMoveDialog(counter, None))
    type_into(qtbot, dialog.amount, "5")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert "原因" in dialog.error.text()
    assert movements(hall, "cash_in") == []


# ---------------------------------------------------------------- 报表


def test_team_leader_exports_daily_report_xlsx(qtbot, counter, hall, tmp_path):
    import openpyxl

    leader = session_for(hall, counter.devices, "zhoujie", hall.counter2_id)
    target = tmp_path / "daily.xlsx"
    asked = []

    def save_path(title, suggested, name_filter):
        asked.append(suggested)
        return str(target)

    dialog = show(qtbot, ReportsDialog(leader, None, save_path=save_path))
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)
    dialog.select(DAILY)
    qtbot.keyClick(dialog, ENTER)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=WAIT)
    assert dialog.error.text() == ""
    assert "城东燃气客户服务中心" in dialog.preview.toPlainText()
    assert dialog.export_buttons["xlsx"].isEnabled()

    qtbot.mouseClick(dialog.export_buttons["xlsx"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已导出" in dialog.info.text(), timeout=WAIT)
    assert asked == ["日报-2026-03-02.xlsx"]
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[0] == "日报"


def test_clerk_sees_permission_message_for_daily_report(qtbot, counter, hall):
    dialog = show(qtbot, ReportsDialog(counter, None, save_path=lambda *a: None))
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)
    dialog.select(DAILY)
    qtbot.keyClick(dialog, ENTER)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert dialog.error.text() == "您的岗位无权办理此业务"
    assert dialog.report is None and not dialog.export_buttons["pdf"].isEnabled()


def test_clerk_z_report_of_open_shift_waits_for_the_count(qtbot, counter, hall):
    dialog = show(qtbot, ReportsDialog(counter, None, save_path=lambda *a: None))
    qtbot.waitUntil(lambda: dialog.shift_combo.count() > 0, timeout=WAIT)
    assert dialog.shift_combo.currentData() == hall.shifts["lina"]
    qtbot.keyClick(dialog, ENTER)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "盘点" in dialog.error.text()


def test_long_monthly_report_keeps_gui_responsive_and_cancels(qtbot, counter, hall, monkeypatch):
    real = report_service.monthly_report_data

    def slow(*args, **kwargs):
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(report_service, "monthly_report_data", slow)
    leader = session_for(hall, counter.devices, "zhoujie", hall.counter2_id)
    dialog = show(qtbot, ReportsDialog(leader, None, save_path=lambda *a: None))
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)
    dialog.select(MONTHLY)

    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    started = time.monotonic()
    qtbot.keyClick(dialog, ENTER)
    assert dialog.working and dialog.busy.isVisible() and dialog.cancel_button.isVisible()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=WAIT)
    timer.stop()
    during = [t for t in ticks if t >= started]
    assert len(during) >= 10  # ~25 ticks in 0.5 s when the event loop is free
    assert max(b - a for a, b in zip(during, during[1:], strict=False)) < 0.25
    assert "按日" in dialog.preview.toPlainText()

    # cancel: the worker still finishes, but its result is ignored and the dialog stays usable
    dialog.preview.setPlainText("")
    dialog.report = None
    qtbot.keyClick(dialog, ENTER)
    assert dialog.working
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.working and dialog.buttons.isEnabled()
    qtbot.wait(800)  # the abandoned job ends meanwhile
    assert dialog.report is None and dialog.preview.toPlainText() == ""
    assert dialog.info.text() == "已取消"

    monkeypatch.setattr(report_service, "monthly_report_data", real)
    qtbot.keyClick(dialog, ENTER)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=WAIT)
    assert dialog.report.kind == MONTHLY


# ---------------------------------------------------------------- issue 13: keys, done screens


OPEN_SHIFT_GOAL = 6  # issue 13: F11 → shift open, 11 keys before
HANDOVER_GOAL = 15  # issue 13: F10 → 交款单 printed, 29 keys before


def opened_dialog(qtbot, keys: KeyCount, window, key: Qt.Key):  # type: ignore[no-untyped-def]
    keys.key(window, key)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    return window.current_dialog


def big(label: QLabel) -> bool:
    """Shown in large type: ≥ 28 pt (issue 13 item 2)."""
    label.ensurePolished()
    return label.isVisible() and label.font().pointSizeF() >= 28


def close_seeded_shift(hall, actor) -> None:
    ctx = hall.ctx
    request = shift_service.CountRequest(rid(), count_of(50000), terminals())
    shift_service.count_drawer(ctx, actor, request)
    shift_service.close_shift(ctx, actor, shift_service.CloseShiftRequest(rid()))


def test_open_shift_in_at_most_6_keys_with_the_last_float_suggested(qtbot, counter, hall, window):
    close_seeded_shift(hall, counter.actor)  # its 500.00 float went back into the safe
    keys = KeyCount(qtbot)
    dialog = opened_dialog(qtbot, keys, window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: dialog.mode == "open", timeout=WAIT)
    qtbot.waitUntil(lambda: keys.target(dialog) is dialog.float_count.spins[10000], timeout=WAIT)
    assert dialog.float_count.spins[10000].value() == 5  # the last float's notes, to check
    assert dialog.source_radios["safe"].isChecked()
    assert dialog.money.text() == "备用金 500.00 元" and big(dialog.money)
    done = []
    dialog.finished.connect(lambda _code: done.append(dialog.opened))
    keys.key(dialog, ENTER)  # checked: Enter opens the shift
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT)

    assert keys.pressed <= OPEN_SHIFT_GOAL, keys.pressed
    assert keys.pressed == 2  # F11, Enter
    current = shift_service.current_shift(hall.ctx, counter.actor)
    assert current is not None and current.shift_id == done[0].shift_id
    floats = [r for r in movements(hall, CashMovementKind.FLOAT) if r.shift_id == current.shift_id]
    assert [(r.amount_fen, r.safe_fen) for r in floats] == [(50000, -50000)]


def test_a_corrected_suggested_float_opens_with_the_notes_typed(qtbot, counter, hall):
    close_seeded_shift(hall, counter.actor)
    dialog = show(qtbot, ShiftDialog(counter, None))
    qtbot.waitUntil(lambda: dialog.mode == "open", timeout=WAIT)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.float_count.spins[10000], timeout=WAIT)
    qtbot.keyClicks(dialog.float_count.spins[10000], "4")  # the suggestion is selected
    qtbot.keyClick(dialog.float_count.spins[10000], Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.float_count.spins[5000]
    qtbot.keyClicks(dialog.focusWidget(), "2")
    assert dialog.money.text() == "备用金 500.00 元"
    qtbot.keyClick(dialog.focusWidget(), ENTER)
    qtbot.waitUntil(lambda: dialog.opened is not None, timeout=WAIT)
    assert dialog.opened.float_fen == 50000
    [row] = [r for r in movements(hall, "float") if r.shift_id == dialog.opened.shift_id]
    assert '"10000": 4' in row.denominations and '"5000": 2' in row.denominations


def test_handover_in_at_most_15_keys_and_enter_on_the_done_screen_closes(
    qtbot, counter, hall, window
):
    top_up = shift_service.CashMoveRequest(rid(), CashMovementKind.CASH_IN, 400000, "备用金补充")
    shift_service.move_cash(hall.ctx, hall.clerk, top_up)
    emulator = counter.devices.training.emulator
    keys = KeyCount(qtbot)
    dialog = opened_dialog(qtbot, keys, window, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: keys.target(dialog) is dialog.count.spins[10000], timeout=WAIT)
    qtbot.waitUntil(lambda: dialog.finance_user.text() == "zhaomin", timeout=WAIT)  # the usual
    assert dialog.money.text() == "交款 0.00 元"  # never the drawer's figure
    keys.type(dialog, "45")
    assert dialog.money.text() == "交款 4500.00 元" and big(dialog.money)
    keys.key(dialog, ENTER)  # the notes are counted: on to finance
    assert keys.target(dialog) is dialog.finance_user
    keys.key(dialog, ENTER)  # 赵敏 it is
    assert keys.target(dialog) is dialog.finance_password
    keys.type(dialog, PASSWORD)  # 赵敏 types her own password
    keys.key(dialog, ENTER)
    qtbot.waitUntil(lambda: dialog.moved is not None or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.error.text() == ""
    slip_no = dialog.moved.slip_no
    qtbot.waitUntil(lambda: slip_no in emulator.transcript(), timeout=WAIT)

    assert keys.pressed <= HANDOVER_GOAL, keys.pressed
    assert keys.pressed == 14  # F10, 4, 5, Enter, Enter, 8 password keys, Enter
    assert [(r.amount_fen, r.counterpart_id) for r in movements(hall, "handover")] == [
        (450000, hall.users["zhaomin"])
    ]
    # the done screen: the amount in large type, Enter closes and prints nothing again
    assert dialog.completed and dialog.money.text() == "已交款 4500.00 元" and big(dialog.money)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert ok.text() == "完成 (Enter)" and dialog.reprint_button.text() == "重新打印 (F9)"
    assert "按 Enter 重新打印" not in dialog.info.text()
    slips = emulator.transcript().count(slip_no)
    keys.key(dialog, ENTER)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(WAIT)
    assert emulator.transcript().count(slip_no) == slips  # no duplicate slip
    assert len(movements(hall, "handover")) == 1


def test_handover_slip_prints_again_on_f9_only(qtbot, counter, hall):
    emulator = counter.devices.training.emulator
    dialog = show(qtbot, HandoverDialog(counter, None))
    type_into(qtbot, dialog.count.spins[10000], "2")
    type_into(qtbot, dialog.finance_user, "zhaomin")
    type_into(qtbot, dialog.finance_password, PASSWORD)
    press_enter(qtbot, dialog.finance_password)
    qtbot.waitUntil(lambda: dialog.moved is not None, timeout=WAIT)
    slip_no = dialog.moved.slip_no
    qtbot.waitUntil(lambda: slip_no in emulator.transcript(), timeout=WAIT)
    assert not dialog.finance_user.isEnabled() and not dialog.count.isEnabled()
    emulator.reset_output()
    qtbot.keyClick(dialog, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: slip_no in emulator.transcript(), timeout=WAIT)
    qtbot.waitUntil(lambda: "交款单已在打印机" in dialog.info.text(), timeout=WAIT)
    assert slip_no in dialog.info.text()  # the summary stays on screen
    assert len(movements(hall, "handover")) == 1  # a reprint, not a second hand-over
    qtbot.keyClick(dialog, ENTER)
    assert dialog.result() == dialog.DialogCode.Accepted


def test_a_printer_fault_on_the_slip_says_f9(qtbot, counter, hall, monkeypatch):
    from app.counter import receipts
    from app.devices.printer import PrinterFault

    def out_of_paper(*args, **kwargs):
        raise PrinterFault("打印机缺纸", "paper out")

    monkeypatch.setattr(receipts, "print_handover_slip", out_of_paper)
    dialog = show(qtbot, HandoverDialog(counter, None))
    type_into(qtbot, dialog.count.spins[10000], "1")
    type_into(qtbot, dialog.finance_user, "zhaomin")
    type_into(qtbot, dialog.finance_password, PASSWORD)
    press_enter(qtbot, dialog.finance_password)
    qtbot.waitUntil(lambda: dialog.moved is not None, timeout=WAIT)
    assert "交款单未打印" in dialog.info.text() and "按 F9 重新打印" in dialog.info.text()


def count_to_review(qtbot, dialog: ShiftDialog, hundreds: str, **totals: str) -> None:
    qtbot.waitUntil(lambda: dialog.mode == "count" and not dialog.working, timeout=WAIT)
    type_into(qtbot, dialog.drawer_count.spins[10000], hundreds)
    enter_terminals(qtbot, dialog, **totals)
    press_enter(qtbot, dialog.noncash["alipay"])


def test_the_shift_closed_screen_closes_on_enter_and_the_zreport_prints_once(
    qtbot, counter, hall, monkeypatch
):
    calls = []
    real = counter.print_zreport

    def counted(shift_id: int) -> str:
        calls.append(shift_id)
        return real(shift_id)

    monkeypatch.setattr(counter, "print_zreport", counted)
    dialog = show(qtbot, ShiftDialog(counter, None))
    count_to_review(qtbot, dialog, "5")
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)
    assert dialog.money.text() == "实点现金 500.00 元" and big(dialog.money)
    qtbot.keyClick(dialog, ENTER)  # balanced: nothing to sign, Enter closes the shift
    qtbot.waitUntil(lambda: dialog.mode == "closed", timeout=WAIT)
    qtbot.waitUntil(lambda: "交班报表已在打印机" in dialog.info.text(), timeout=WAIT)
    assert dialog.completed and "存入保险柜 500.00 元" in dialog.money.text()
    assert big(dialog.money)
    assert dialog.reprint_button.text() == "重新打印 (F9)"
    qtbot.keyClick(dialog, ENTER)
    assert dialog.result() == dialog.DialogCode.Accepted
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(WAIT)
    assert calls == [hall.shifts["lina"]]  # printed at the close, never again by Enter


def test_a_recount_after_the_reveal_needs_a_team_leader_in_the_dialog(qtbot, counter, hall):
    dialog = show(qtbot, ShiftDialog(counter, None))
    qtbot.waitUntil(lambda: dialog.mode == "count", timeout=WAIT)
    assert not dialog.recount_box.isVisible()  # the first count is blind and needs nobody
    count_to_review(qtbot, dialog, "4")
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)
    first = dialog.count_result
    assert "短款 100.00 元" in dialog.money.text()
    assert dialog.recount_button.text() == "重新盘点（须班长审批）"

    qtbot.mouseClick(dialog.recount_button, Qt.MouseButton.LeftButton)
    assert dialog.mode == "count" and dialog.recount_box.isVisible()
    type_into(qtbot, dialog.drawer_count.spins[10000], "5")
    press_enter(qtbot, dialog.noncash["alipay"])  # → the team leader's user name
    assert dialog.focusWidget() is dialog.recount_user
    press_enter(qtbot, dialog.recount_password)
    assert "班长" in dialog.error.text() and dialog.mode == "count"
    type_into(qtbot, dialog.recount_user, "wangfang")  # a clerk cannot approve it
    type_into(qtbot, dialog.recount_password, PASSWORD)
    press_enter(qtbot, dialog.recount_password)
    qtbot.waitUntil(lambda: "无此权限" in dialog.error.text(), timeout=WAIT)
    assert dialog.mode == "count"
    with hall.ctx.reading() as session:
        assert session.scalars(select(ShiftCount.id)).all() == [first.count_id]

    type_into(qtbot, dialog.recount_user, "zhoujie")
    type_into(qtbot, dialog.recount_password, PASSWORD)
    press_enter(qtbot, dialog.recount_password)
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)
    assert dialog.count_result.count_id != first.count_id and dialog.count_result.balanced


def test_reopening_after_the_reveal_still_asks_for_the_team_leader(qtbot, counter, hall):
    shift_service.count_drawer(
        hall.ctx, counter.actor, shift_service.CountRequest(rid(), count_of(49000), terminals())
    )
    dialog = show(qtbot, ShiftDialog(counter, None))
    qtbot.waitUntil(lambda: dialog.mode == "count", timeout=WAIT)
    assert dialog.recount_box.isVisible()
    assert "班长审批" in dialog.recount_hint.text()
    fields = dialog.fields()
    assert fields[-2:] == [dialog.recount_user, dialog.recount_password]


def test_an_empty_terminal_total_is_refused_by_name_and_focused(qtbot, counter, hall):
    dialog = show(qtbot, ShiftDialog(counter, None))
    qtbot.waitUntil(lambda: dialog.mode == "count", timeout=WAIT)
    type_into(qtbot, dialog.drawer_count.spins[10000], "5")
    type_into(qtbot, dialog.noncash["bank_card"], "0")
    type_into(qtbot, dialog.noncash["alipay"], "0")  # 微信 left empty
    assert "必填" in dialog.noncash["wechat"].placeholderText()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=WAIT)
    assert "微信" in dialog.error.text() and dialog.mode == "count"
    assert dialog.focusWidget() is dialog.noncash["wechat"]
    with hall.ctx.reading() as session:
        assert session.scalars(select(ShiftCount.id)).all() == []
    type_into(qtbot, dialog.noncash["wechat"], "0")  # 0 is an entry
    press_enter(qtbot, dialog.noncash["alipay"])
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)
    assert dialog.count_result.balanced


def test_cash_move_shows_the_amount_and_a_done_screen(qtbot, counter, hall):
    dialog = show(qtbot, CashMoveDialog(counter, None))
    type_into(qtbot, dialog.amount, "100.00")
    assert dialog.money.text() == "存入 100.00 元" and big(dialog.money)
    qtbot.mouseClick(dialog.cash_out, Qt.MouseButton.LeftButton)
    assert dialog.money.text() == "支出 100.00 元"
    type_into(qtbot, dialog.reason, "购买文具")
    press_enter(qtbot, dialog.reason)
    qtbot.waitUntil(lambda: dialog.result_value is not None, timeout=WAIT)
    assert dialog.completed and dialog.money.text() == "已支出 100.00 元"
    assert not dialog.amount.isEnabled() and not dialog.cash_in.isEnabled()
    press_enter(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [(r.amount_fen, r.drawer_fen) for r in movements(hall, "cash_out")] == [(10000, -10000)]


def test_closing_the_shift_returns_the_customer_display_to_its_welcome(qtbot, counter, window):
    """The last customer's figures never stay on the customer's screen past the shift."""
    from app.counter import CustomerSummary
    from app.vocabulary import TransactionKind

    window.customer_display.show_summary(
        CustomerSummary(TransactionKind.PURCHASE, "0100000001", "02-2026-000009", 5000, 13050)
    )
    assert "02-2026-000009" in window.customer_display.text()
    keys = KeyCount(qtbot)
    dialog = opened_dialog(qtbot, keys, window, Qt.Key.Key_F11)
    count_to_review(qtbot, dialog, "5")
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)
    qtbot.keyClick(dialog, ENTER)  # balanced: Enter closes the shift
    qtbot.waitUntil(lambda: dialog.mode == "closed", timeout=WAIT)
    qtbot.keyClick(dialog, ENTER)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    assert window.customer_display.text() == "欢迎光临"
