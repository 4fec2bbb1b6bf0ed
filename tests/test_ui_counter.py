"""The counter window end to end, offscreen: card polled, F1 purchase typed at the keyboard, the
receipt on the ESC/POS emulator, search as you type, a responsive GUI during a slow card write,
the status bar and a blacklisted card."""

from __future__ import annotations

import time
import uuid

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.devices.cardreader import ChipTransport
from app.policy import save_setting
from app.services.cards import ReplaceCardRequest, replace_card
from db.models import CounterTransaction
from tests.ui_support import buy, issue_card
from ui.counter_window import CounterWindow

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 10_000


def ime_type(widget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest.keyClicks only knows Latin-1 keys)."""
    for char in text:
        event = QInputMethodEvent()
        event.setCommitString(char)
        QApplication.sendEvent(widget, event)


def purchases(hall):
    with hall.ctx.reading() as session:
        return session.scalars(
            select(CounterTransaction).where(CounterTransaction.kind == "purchase")
        ).all()


def open_purchase(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(lambda: dialog.context is not None, timeout=WAIT)  # card re-read
    return dialog


def test_purchase_end_to_end(qtbot, counter, hall, window):
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)

    dialog = open_purchase(qtbot, window)
    dialog.volume.setFocus()
    qtbot.keyClicks(dialog.volume, "200")
    dialog.tendered.setFocus()
    qtbot.keyClicks(dialog.tendered, "600")
    # the live quote, mirrored on the customer display before the sale
    assert "522.00" in dialog.quote_label.text()
    assert "78.00" in dialog.change_label.text()
    shown = window.customer_display.text()
    assert "请核对购气量和金额" in shown and "应收 (元)=522.00" in shown
    qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    assert "找零 78.00" in dialog.result_label.text()
    receipt = dialog.sale.sale.receipt_no
    assert receipt in dialog.result_label.text()
    [row] = purchases(hall)
    assert (row.amount_fen, row.change_fen, row.cash_tendered_fen) == (52200, 7800, 60000)

    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # 完成: the window prints the receipt
    emulator = counter.devices.training.emulator
    qtbot.waitUntil(lambda: receipt in emulator.transcript(), timeout=WAIT)
    assert "522.00" in emulator.transcript()
    qtbot.waitUntil(lambda: receipt in window.training_window.preview.toPlainText(), timeout=WAIT)
    qtbot.waitUntil(lambda: window.account.purchase_count == 1, timeout=WAIT)
    assert window.current_dialog is None


def test_search_as_you_type_loads_account_with_tier_bars(qtbot, counter, hall, window):
    opened = issue_card(counter, hall, name="欧阳明月")
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    dialog = open_purchase(qtbot, window)
    buy(qtbot, dialog, "200", "")
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # closing after the sale accepts it
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)

    window.account = None
    window.account_panel.clear()
    assert window.search.hasFocus() or window.focusWidget() is window.search
    ime_type(window.search, "欧阳")
    qtbot.waitUntil(lambda: window.results.rowCount() == 1, timeout=WAIT)
    assert window.results.item(0, 0).text() == opened.account_no
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    bars = window.account_panel.tier_bars
    assert bars and bars[0].value() == 200 * 100
    assert "200/" in bars[0].format()

    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == "" and window.results.rowCount() == 0


class SlowTransport(ChipTransport):
    delay = 0.25

    def transmit(self, apdu: bytes) -> bytes:
        time.sleep(self.delay)
        return super().transmit(apdu)


def test_gui_stays_responsive_during_a_slow_card_write(qtbot, counter, hall, window):
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    dialog = open_purchase(qtbot, window)
    transport = counter.devices.training.transport
    transport.__class__ = SlowTransport  # every APDU of the sale now takes 250 ms

    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    started = time.monotonic()
    buy(qtbot, dialog, "10", "")
    qtbot.waitUntil(lambda: dialog.sale is not None or bool(dialog.error.text()), timeout=30_000)
    took = time.monotonic() - started
    timer.stop()
    transport.__class__ = ChipTransport
    assert dialog.sale is not None, dialog.error.text()
    assert took >= 0.5
    assert len(ticks) >= 10
    assert max(b - a for a, b in zip(ticks, ticks[1:], strict=False)) < 0.5
    qtbot.keyClick(dialog, Qt.Key.Key_Return)


def status_text(window, key):
    return window.status_labels[key].text()


def test_status_bar_shift_and_drawer_warning(qtbot, counter, hall, window):
    qtbot.waitUntil(lambda: "已开班" in status_text(window, "shift"), timeout=WAIT)
    assert "正常" in status_text(window, "database")
    assert "正常" in status_text(window, "drawer")
    with hall.ctx.unit_of_work() as session:  # warn above 600.00 (float 500.00 + this sale)
        save_setting(session, "drawer_warn_limit_fen", 60000)
        session.commit()

    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    dialog = open_purchase(qtbot, window)
    buy(qtbot, dialog, "200", "600")
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    assert "600.00" in dialog.warning.text()  # the hand-over warning, in red
    assert "b00020" in dialog.warning.styleSheet()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    # the bar says the level in short; the limit is in the tip
    qtbot.waitUntil(lambda: "请存入保险柜" in status_text(window, "drawer"), timeout=WAIT)
    assert "b00020" in window.status_labels["drawer"].styleSheet()
    assert "请尽快交款" in window.status_labels["drawer"].toolTip()


def test_blacklisted_card_is_shown(qtbot, counter, hall, window):
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    training = counter.devices.training
    old_chip = training.remove()
    qtbot.waitUntil(lambda: window.card_token is not None and not window.card_token[0])
    replace_card(
        hall.ctx,
        counter.actor,
        ReplaceCardRequest(uuid.uuid4(), opened.account_no, "SLE9000001", "lost"),
    )
    training.insert(old_chip)
    qtbot.waitUntil(lambda: "黑名单" in window.message.text(), timeout=WAIT)


def test_operations_without_account_or_dialog(qtbot, counter, window):
    qtbot.keyClick(window, Qt.Key.Key_F3)  # 补卡 needs an account
    assert "请先读卡" in window.message.text()
    assert window.current_dialog is None
    qtbot.keyClick(window, Qt.Key.Key_F12)  # not written yet by its developer
    if window.current_dialog is None:
        assert "功能尚未开放" in window.message.text()
    else:
        window.current_dialog.reject()


def test_queued_receipts_print_on_request_from_the_status_bar(qtbot, counter, hall, window):
    """A receipt left in the queue by a printer fault prints when the clerk asks (补打)."""
    emulator = counter.devices.training.emulator
    opened = issue_card(counter, hall)
    emulator.set_state(paper_out=True)
    sold = counter.cards.sell(counter.actor, uuid.uuid4(), volume=20_000)
    queued = counter.print_receipt(sold.sale.transaction_id)
    assert not queued.printed and "缺纸" in queued.message
    window.refresh_status()
    qtbot.waitUntil(lambda: "（" in window.queue_button.text(), timeout=WAIT)
    emulator.set_state(paper_out=False)
    qtbot.mouseClick(window.queue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已打印待打印凭证 1 张" in window.message.text(), timeout=WAIT)
    emulator.wait_idle()
    assert sold.sale.receipt_no in emulator.transcript()
    qtbot.waitUntil(lambda: window.queue_button.text() == "补打待打印凭证", timeout=WAIT)
    assert opened.account_no


def test_the_opening_form_exports_for_the_loaded_account(qtbot, counter, hall, tmp_path):
    target = tmp_path / "form.pdf"
    asked: list[str] = []

    def save_path(title: str, suggested: str, name_filter: str) -> str:
        asked.append(suggested)
        return str(target)

    win = CounterWindow(counter, save_path=save_path)
    qtbot.addWidget(win)
    qtbot.addWidget(win.customer_display)
    win.show()
    try:
        assert not win.form_button.isEnabled()  # no account loaded yet
        opened = issue_card(counter, hall)
        qtbot.waitUntil(lambda: win.current_account_no == opened.account_no, timeout=WAIT)
        assert win.form_button.isEnabled()
        qtbot.mouseClick(win.form_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "已导出" in win.message.text(), timeout=WAIT)
        assert asked == [f"开户申请表-{opened.account_no}.pdf"]
        assert target.read_bytes().startswith(b"%PDF")
    finally:
        win.close()
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(50)


def test_history_in_hall_time_with_amount_visible_at_1366(qtbot, counter, hall, window):
    """The panel's history shows the hall's local time (the receipt's), never the stored UTC,
    and its amount column stays on screen on a 1366×768 counter."""
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    dialog = open_purchase(qtbot, window)
    buy(qtbot, dialog, "200", "600")
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    table = window.account_panel.history
    [row] = purchases(hall)
    # the panel may still show the view from before the sale (its 开户 row): wait for the sale
    qtbot.waitUntil(
        lambda: table.rowCount() == 2 and table.item(0, 2).text() == row.receipt_no,
        timeout=WAIT,
    )
    stored = row.created_at.replace(tzinfo=None)  # naive UTC as SQLite hands it back
    local = hall.ctx.local(row.created_at)
    assert local.utcoffset().total_seconds() == 8 * 3600
    assert table.item(0, 0).text() == local.strftime("%Y-%m-%d %H:%M")
    assert table.item(0, 0).text() != stored.strftime("%Y-%m-%d %H:%M")

    window.showNormal()
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.width() <= 1366, timeout=WAIT)
    qtbot.wait(50)
    amount = len(window.account_panel.HISTORY_COLUMNS) - 1
    right = table.columnViewportPosition(amount) + table.columnWidth(amount)
    assert table.item(0, amount).text() == "522.00"
    assert table.columnViewportPosition(amount) >= 0 and right <= table.viewport().width()
    assert table.textElideMode() == Qt.TextElideMode.ElideLeft


def test_operation_never_acts_on_a_customer_the_list_does_not_highlight(
    qtbot, counter, hall, window
):
    """With 王勇 loaded and 张秀英 highlighted in the search list, F7 refuses and says who is
    who; once the highlighted one is loaded, the dialog's header names her in large type."""
    first = issue_card(counter, hall, name="张秀英")
    qtbot.waitUntil(lambda: window.current_account_no == first.account_no, timeout=WAIT)
    second = issue_card(counter, hall, name="王勇", n=2)
    qtbot.waitUntil(lambda: window.current_account_no == second.account_no, timeout=WAIT)
    ime_type(window.search, "张秀")
    qtbot.waitUntil(lambda: window.results.rowCount() == 1, timeout=WAIT)
    for key in (Qt.Key.Key_F7, Qt.Key.Key_F3, Qt.Key.Key_F4):
        qtbot.keyClick(window, key)
        assert window.current_dialog is None
        said = window.message.text()
        assert "张秀英" in said and first.account_no in said and "王勇" in said

    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_account_no == first.account_no, timeout=WAIT)
    qtbot.keyClick(window, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    header = window.current_dialog.customer_header
    assert not header.isHidden() and "18pt" in header.styleSheet()
    assert "张秀英" in header.text() and first.account_no in header.text()
    window.current_dialog.reject()
