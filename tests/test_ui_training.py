"""The training window beside the counter window, offscreen: usable while an operation dialog
holds the counter window, its fault switches driving the emulators (a card pulled during the
write and settled after re-insertion, a write the card ignores, the printer out of paper or
offline, the reader unplugged), and the receipt preview as wide as the paper, refreshed after
every print."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontMetrics, QMouseEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from sqlalchemy import select

from app.domain.identity import make_resident_id
from app.services import shifts as shift_service
from app.services.queries import account_view
from app.vocabulary import CashMovementKind, TrainingFault
from db.models import CounterTransaction
from tests.support import PASSWORD, rid
from tests.ui_support import buy, issue_card

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 15_000


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    """A left click as the window system delivers it: to the button's top-level window, where
    Qt drops it when a modal dialog blocks that window (QTest's widget clicks skip that)."""
    window = button.window().windowHandle()
    local = QPointF(button.mapTo(button.window(), button.rect().center()))
    screen = QPointF(button.mapToGlobal(button.rect().center()))
    left = Qt.MouseButton.LeftButton
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, left),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(kind, local, screen, left, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(window, event)
    qtbot.wait(0)


def switch(qtbot, window, fault: TrainingFault) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, window.training_window.fault_buttons[fault])


def rows(hall) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    with hall.ctx.reading() as session:
        found = session.execute(
            select(
                CounterTransaction.kind, CounterTransaction.volume, CounterTransaction.amount_fen
            ).order_by(CounterTransaction.id)
        )
        return [tuple(r) for r in found]


def loaded(qtbot, counter, hall, window):  # type: ignore[no-untyped-def]
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    return opened


def open_purchase(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(lambda: dialog.context is not None, timeout=WAIT)  # card re-read
    return dialog


def answered(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.sale is not None or bool(dialog.error.text()), timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)


def status(window, key: str) -> str:  # type: ignore[no-untyped-def]
    return window.status_labels[key].text()


# ---------------------------------------------------------------- a window of its own


def test_training_window_is_a_top_level_window_beside_the_counter(qtbot, counter, window):
    training = window.training_window
    assert training.isWindow() and training.parent() is None
    assert not window.isAncestorOf(training)
    assert training.isVisible()
    # beside the counter window (within the screen: over its right edge when it fills it)
    screen = window.screen().availableGeometry()
    assert training.x() >= min(
        window.frameGeometry().right() + 1, screen.right() - training.width()
    )
    # the devices are not in the counter window any more
    assert window.findChild(QPlainTextEdit, "receipt-preview") is None
    assert set(training.fault_buttons) == set(TrainingFault)
    assert all(button.isCheckable() for button in training.fault_buttons.values())


def test_blank_card_inserted_from_training_window_while_f2_is_open(qtbot, counter, hall, window):
    qtbot.waitUntil(lambda: window.card_token is not None, timeout=WAIT)
    assert not counter.devices.training.card_present
    qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    assert QApplication.activeModalWidget() is dialog

    # the dialog blocks the counter window: a click on its 补打 button does nothing…
    clicked: list[bool] = []
    window.queue_button.clicked.connect(lambda: clicked.append(True))
    click(qtbot, window.queue_button)
    assert clicked == []
    # …but not the training window: F2's "put a blank card in the reader" can be obeyed
    click(qtbot, window.training_window.blank_button)
    assert counter.devices.training.card_present
    assert "有卡" in window.training_window.state.text()
    assert window.current_dialog is dialog

    dialog.activateWindow()
    id_number = make_resident_id("310104", dt.date(1985, 6, 1), 21)
    for text in (  # 民用户 with a 居民身份证 by default: the form starts at the name
        "陈秀兰",
        id_number,
        "13912345678",
        "解放路88号3单元401",
        "",  # 家庭人口 1
        "18A0000777",
        "IC-G2.5",
        "12.5",
        "SLE0000777",
        "HT-2026-0777",
        "",  # 签订日期: today
        "",  # 代办人: none
        "",
        "",  # the last field: confirms
    ):
        focused = dialog.focusWidget()
        if text.isascii():
            qtbot.keyClicks(focused, text)
        else:
            focused.insert(text)
        qtbot.keyClick(focused, Qt.Key.Key_Return)
        if dialog.working:
            break
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    opened = dialog.result_value
    assert opened is not None, dialog.error.text()
    assert account_view(hall.ctx, hall.clerk, opened.account_no).summary.card_serial == (
        "SLE0000777"
    )
    assert counter.cards.read(counter.actor).image.serial == "SLE0000777"  # the card is issued


# ---------------------------------------------------------------- card faults


def test_card_pulled_during_the_write_is_settled_after_reinsertion(qtbot, counter, hall, window):
    loaded(qtbot, counter, hall, window)
    training = window.training_window
    switch(qtbot, window, TrainingFault.CARD_PULLED)  # before the operation
    assert counter.devices.training.faults() == {TrainingFault.CARD_PULLED}
    assert training.fault_buttons[TrainingFault.CARD_PULLED].isChecked()

    dialog = open_purchase(qtbot, window)
    buy(qtbot, dialog, "30", "100")
    answered(qtbot, dialog)
    assert dialog.sale is None
    assert "写卡中断" in dialog.error.text() and "重新插卡" in dialog.error.text()
    # the card left the reader as the write reached it: the switch went off by itself
    assert not counter.devices.training.card_present
    qtbot.waitUntil(
        lambda: not training.fault_buttons[TrainingFault.CARD_PULLED].isChecked(), timeout=WAIT
    )
    qtbot.waitUntil(lambda: "无卡" in training.state.text(), timeout=WAIT)
    assert rows(hall)[-1] == ("purchase", 3000, 7830)  # committed, its write pending

    # the customer puts the card back: from the training window, with the dialog still open
    click(qtbot, training.card_button)
    assert counter.devices.training.card_present
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # try again: the card's count settles the sale
    answered(qtbot, dialog)
    assert "本笔已作废，请退还客户 78.30 元" in dialog.error.text()
    assert rows(hall)[-2:] == [("purchase", 3000, 7830), ("void", -3000, -7830)]
    assert counter.cards.read(counter.actor).image.purchase_count == 0  # no gas on the card

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the filled form: asked once, then closed
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.account is not None, timeout=WAIT)
    assert window.account.purchase_count == 0


def test_card_pulled_then_reinserted_after_the_dialog_is_settled_by_the_window(
    qtbot, counter, hall, window
):
    loaded(qtbot, counter, hall, window)
    switch(qtbot, window, TrainingFault.CARD_PULLED)
    dialog = open_purchase(qtbot, window)
    buy(qtbot, dialog, "30", "")
    answered(qtbot, dialog)
    assert "写卡中断" in dialog.error.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: window.card_token is not None and not window.card_token[0])

    click(qtbot, window.training_window.card_button)  # back in: the window's poll settles it
    qtbot.waitUntil(lambda: "退还客户 78.30 元" in window.message.text(), timeout=WAIT)
    assert rows(hall)[-2:] == [("purchase", 3000, 7830), ("void", -3000, -7830)]


def test_card_that_ignores_writes_voids_the_sale_at_once(qtbot, counter, hall, window):
    loaded(qtbot, counter, hall, window)
    switch(qtbot, window, TrainingFault.WRITE_IGNORED)
    dialog = open_purchase(qtbot, window)
    buy(qtbot, dialog, "30", "100")
    answered(qtbot, dialog)
    # answered 90 00 but not kept: the read-back tells, the card is still in, the count decides
    assert "写卡未成功，本笔已作废，请退还客户 78.30 元" in dialog.error.text()
    assert rows(hall)[-2:] == [("purchase", 3000, 7830), ("void", -3000, -7830)]
    assert counter.devices.training.card_present
    assert window.training_window.fault_buttons[TrainingFault.WRITE_IGNORED].isChecked()

    switch(qtbot, window, TrainingFault.WRITE_IGNORED)  # off: the next sale lands
    assert counter.devices.training.faults() == frozenset()
    dialog.tendered.setFocus()
    qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)  # a new sale (the void ended the first)
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    assert counter.cards.read(counter.actor).image.purchase_count == 1


# ---------------------------------------------------------------- printer and reader faults


def test_printer_out_of_paper_queues_the_receipt_until_paper_is_back(qtbot, counter, hall, window):
    loaded(qtbot, counter, hall, window)
    switch(qtbot, window, TrainingFault.PAPER_OUT)
    assert counter.devices.training.emulator.paper_out
    qtbot.waitUntil(lambda: "缺纸" in status(window, "printer"), timeout=WAIT)

    dialog = open_purchase(qtbot, window)
    buy(qtbot, dialog, "30", "100")
    answered(qtbot, dialog)
    receipt = dialog.sale.sale.receipt_no
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # 完成: the window tries to print
    qtbot.waitUntil(lambda: "缺纸" in window.message.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "（1）" in window.queue_button.text(), timeout=WAIT)
    assert receipt not in counter.devices.training.paper()

    switch(qtbot, window, TrainingFault.PAPER_OUT)  # paper loaded
    qtbot.waitUntil(lambda: "正常" in status(window, "printer"), timeout=WAIT)
    click(qtbot, window.queue_button)
    preview = window.training_window.preview
    qtbot.waitUntil(lambda: receipt in preview.toPlainText(), timeout=WAIT)
    qtbot.waitUntil(lambda: "（" not in window.queue_button.text(), timeout=WAIT)


def test_printer_offline_is_shown_and_the_receipt_queued(qtbot, counter, hall, window):
    loaded(qtbot, counter, hall, window)
    dialog = open_purchase(qtbot, window)
    switch(qtbot, window, TrainingFault.PRINTER_OFFLINE)  # during the operation
    assert counter.devices.training.emulator.offline
    buy(qtbot, dialog, "30", "100")
    answered(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "离线" in window.message.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: "离线" in status(window, "printer"), timeout=WAIT)
    qtbot.waitUntil(lambda: "（1）" in window.queue_button.text(), timeout=WAIT)
    assert "b00020" in window.status_labels["printer"].styleSheet()


def test_reader_unplugged_is_shown_in_the_status_bar(qtbot, counter, hall, window):
    opened = loaded(qtbot, counter, hall, window)
    switch(qtbot, window, TrainingFault.READER_UNPLUGGED)
    qtbot.waitUntil(lambda: "故障" in status(window, "reader"), timeout=WAIT)
    qtbot.waitUntil(lambda: "读卡器已断开" in window.message.text(), timeout=WAIT)

    dialog = open_purchase_failing(qtbot, window)
    assert "读卡器已断开" in dialog.error.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)

    switch(qtbot, window, TrainingFault.READER_UNPLUGGED)  # plugged back in
    qtbot.waitUntil(lambda: "有卡" in status(window, "reader"), timeout=WAIT)
    dialog = open_purchase(qtbot, window)
    assert dialog.context.card.account.summary.account_no == opened.account_no
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def open_purchase_failing(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=WAIT)
    return dialog


# ---------------------------------------------------------------- the receipt preview


def test_preview_is_as_wide_as_the_paper_and_follows_every_print(qtbot, counter, hall, window):
    from ui.dialogs.shift import HandoverDialog

    preview = window.training_window.preview
    assert preview.lineWrapMode() == QPlainTextEdit.LineWrapMode.NoWrap
    columns = counter.devices.training.paper_columns
    assert columns == counter.devices.printer.columns == 48
    metrics = QFontMetrics(preview.font())
    assert preview.viewport().width() >= metrics.horizontalAdvance("0" * columns)
    assert preview.viewport().width() >= metrics.horizontalAdvance("中" * (columns // 2))

    # a 交款单 printed by a dialog the counter window does not watch still shows
    top_up = shift_service.CashMoveRequest(rid(), CashMovementKind.CASH_IN, 400000, "备用金补充")
    shift_service.move_cash(hall.ctx, hall.clerk, top_up)
    dialog = HandoverDialog(counter, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.count.spins[10000].setFocus()
    dialog.count.spins[10000].selectAll()
    qtbot.keyClicks(dialog.count.spins[10000], "45")
    dialog.finance_user.setFocus()
    qtbot.keyClicks(dialog.finance_user, "zhaomin")
    dialog.finance_password.setFocus()
    qtbot.keyClicks(dialog.finance_password, PASSWORD)
    qtbot.keyClick(dialog.finance_password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.moved is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: "交款单" in preview.toPlainText(), timeout=WAIT)
    # every printed line fits: nothing wraps, nothing needs side scrolling
    assert preview.horizontalScrollBar().maximum() == 0
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_preview_shows_the_z_report_printed_by_the_shift_dialog(qtbot, counter, hall, window):
    from ui.dialogs.shift import ShiftDialog

    preview = window.training_window.preview
    dialog = ShiftDialog(counter, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.mode == "count", timeout=WAIT)
    spin = dialog.drawer_count.spins[10000]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "5")  # the float: a balanced close
    for terminal in dialog.noncash.values():  # every terminal total is entered, 0 included
        qtbot.keyClicks(terminal, "0")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.mode == "review", timeout=WAIT)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.mode == "closed", timeout=WAIT)
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).setFocus()
    # print it: on the done screen's own key when it offers one, otherwise Enter prints
    qtbot.keyClick(dialog, Qt.Key.Key_F9 if dialog.reprint is not None else Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "交班报表" in preview.toPlainText(), timeout=WAIT)
    assert preview.horizontalScrollBar().maximum() == 0
