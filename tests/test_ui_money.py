"""Money at the counter is always in front of the clerk and the customer (issue 13 items 2-4):
应收 and 找零 in large type before a sale commits, exact cash as its own key, a second look at
an unusually large sale, 应退 before a refund is approved and on its done screen, the customer
display showing each operation's own figures and a welcome when the card leaves; and the key
counts of the common sales against the issue's goals."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QThreadPool
from sqlalchemy import select

from db.models import CounterTransaction
from tests.support import PASSWORD, m3
from tests.ui_support import KeyCount, issue_card
from ui.counter_window import CounterWindow

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 15_000


def big(label) -> bool:  # type: ignore[no-untyped-def]
    """Shown, and in type of at least 28 pt."""
    label.ensurePolished()
    return not label.isHidden() and bool(label.text()) and label.font().pointSizeF() >= 28


def purchases(hall) -> list[tuple[int, int, int | None, int | None]]:
    with hall.ctx.reading() as session:
        rows = session.execute(
            select(
                CounterTransaction.volume,
                CounterTransaction.amount_fen,
                CounterTransaction.cash_tendered_fen,
                CounterTransaction.change_fen,
            )
            .where(CounterTransaction.kind == "purchase")
            .order_by(CounterTransaction.id)
        )
        return [tuple(row) for row in rows]


def ready(qtbot, window, counter, hall):  # type: ignore[no-untyped-def]
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    return opened


def opened_purchase(qtbot, keys, window):  # type: ignore[no-untyped-def]
    keys.key(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(lambda: dialog.context is not None, timeout=WAIT)
    return dialog


def printed(qtbot, counter, receipt: str) -> None:  # type: ignore[no-untyped-def]
    emulator = counter.devices.training.emulator
    qtbot.waitUntil(lambda: receipt in emulator.transcript(), timeout=WAIT)


def test_sale_with_change_in_large_type_and_its_receipt_within_eight_keys(
    qtbot, counter, hall, window
):
    ready(qtbot, window, counter, hall)
    keys = KeyCount(qtbot)
    dialog = opened_purchase(qtbot, keys, window)
    keys.type(dialog, "50")
    assert dialog.money.text() == "应收 130.50 元" and big(dialog.money)
    keys.key(dialog, Qt.Key.Key_Return)  # → 实收现金
    assert dialog.focusWidget() is dialog.tendered
    keys.type(dialog, "200")
    assert dialog.change_label.text() == "找零 69.50 元" and big(dialog.change_label)
    assert "应收 (元)=130.50" in window.customer_display.text()
    keys.key(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    receipt = dialog.sale.sale.receipt_no
    printed(qtbot, counter, receipt)  # at the commit, with the done screen still up
    assert keys.pressed <= 8, keys.pressed
    assert dialog.completed and window.current_dialog is dialog
    assert big(dialog.money) and "130.50" in dialog.money.text()
    assert big(dialog.change_label) and "69.50" in dialog.change_label.text()
    shown = window.customer_display.text()
    assert "购气成功" in shown and receipt in shown and "找零 (元)=69.50" in shown
    assert purchases(hall) == [(m3(50), 13050, 20000, 6950)]
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter closes the done screen, prints nothing
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    qtbot.wait(200)
    assert counter.devices.training.emulator.transcript().count("燃气购气凭证") == 1


def test_exact_cash_is_its_own_key_within_five(qtbot, counter, hall, window):
    ready(qtbot, window, counter, hall)
    keys = KeyCount(qtbot)
    dialog = opened_purchase(qtbot, keys, window)
    keys.type(dialog, "50")
    keys.key(dialog, Qt.Key.Key_Return)
    keys.key(dialog, Qt.Key.Key_Return)  # Enter on an empty 实收现金 never means exact cash
    assert "F5" in dialog.error.text() and dialog.sale is None and purchases(hall) == []
    keys = KeyCount(qtbot)  # the exact-cash path itself: F1, 5, 0, F5
    keys.pressed = 3
    keys.key(dialog, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    printed(qtbot, counter, dialog.sale.sale.receipt_no)
    assert keys.pressed <= 5, keys.pressed
    assert purchases(hall) == [(m3(50), 13050, 13050, 0)]


def test_by_amount_on_preset_keys_within_eight(qtbot, counter, hall, window):
    opened = ready(qtbot, window, counter, hall)
    keys = KeyCount(qtbot)
    dialog = opened_purchase(qtbot, keys, window)
    keys.key(dialog, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)  # the 200 元 preset
    assert dialog.amount.text() == "200" and dialog.volume.text() == ""
    assert dialog.focusWidget() is dialog.tendered
    assert "Ctrl+6" in dialog.presets[5].text()
    keys.type(dialog, "300")
    keys.key(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    printed(qtbot, counter, dialog.sale.sale.receipt_no)
    assert keys.pressed <= 8, keys.pressed
    [(volume, amount, tendered, change)] = purchases(hall)
    assert amount <= 20000 and tendered == 30000 and change == 30000 - amount
    # typed by amount with exact cash: F1, Tab to the amount, 1 5 0, F5
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    counter.devices.training.load_into_meter(opened.meter_no)  # the customer's meter took it
    keys = KeyCount(qtbot)
    dialog = opened_purchase(qtbot, keys, window)
    keys.key(dialog, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.amount
    keys.type(dialog, "150")
    keys.key(dialog, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: dialog.sale is not None or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.error.text() == ""
    assert keys.pressed <= 8, keys.pressed
    assert dialog.sale.sale.amount_fen <= 15000


def test_a_large_sale_is_shown_once_more_before_it_commits(qtbot, counter, hall, window):
    ready(qtbot, window, counter, hall)
    keys = KeyCount(qtbot)
    dialog = opened_purchase(qtbot, keys, window)
    keys.type(dialog, "1200")
    keys.key(dialog, Qt.Key.Key_F5)
    assert dialog.sale is None and not dialog.working and purchases(hall) == []
    said = dialog.warning.text()
    assert "1200 m³" in said and "1000.00" in said and big(dialog.warning)
    amount = re.search(r"([\d.]+) 元", said).group(1)
    assert dialog.money.text() == f"应收 {amount} 元"
    keys.key(dialog, Qt.Key.Key_F5)  # looked at: the same key again sells
    qtbot.waitUntil(lambda: dialog.sale is not None or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.error.text() == ""
    assert purchases(hall)[0][:2] == (m3(1200), int(amount.replace(".", "")))


def test_refund_shows_what_to_hand_back_before_and_after_and_so_does_the_display(
    qtbot, counter, hall, window
):
    opened = ready(qtbot, window, counter, hall)
    sold = counter.cards.sell(counter.actor, counter.new_request(), volume=m3(50))
    assert sold.sale.amount_fen == 13050
    keys = KeyCount(qtbot)
    keys.key(window, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(lambda: dialog.money.text() == "应退 130.50 元", timeout=WAIT)
    assert big(dialog.money) and "现金" in dialog.info.text()
    dialog.reason.insert("客户购错气量")
    keys.key(dialog, Qt.Key.Key_Return)
    keys.type(dialog, "admin")
    keys.key(dialog, Qt.Key.Key_Return)
    keys.type(dialog, PASSWORD)
    keys.key(dialog, Qt.Key.Key_Return)
    keys.key(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.completed or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.error.text() == ""
    assert big(dialog.money) and dialog.money.text() == "应退 130.50 元"
    assert "130.50" in dialog.info.text() and dialog.result_value.receipt_no in dialog.info.text()
    shown = window.customer_display.text()
    assert "退气完成" in shown and "退款 (元)=130.50" in shown and "购气成功" not in shown
    assert "退回气量 (m³)=50" in shown and opened.account_no in shown
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)


def test_the_display_forgets_the_customer_when_the_card_leaves(qtbot, counter, hall, window):
    ready(qtbot, window, counter, hall)
    keys = KeyCount(qtbot)
    dialog = opened_purchase(qtbot, keys, window)
    keys.type(dialog, "20")
    keys.key(dialog, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: dialog.sale is not None, timeout=WAIT)
    shown = window.customer_display.text()
    assert "购气成功" in shown and dialog.sale.sale.receipt_no in shown
    with hall.ctx.reading() as session:
        from db.models import Customer

        customer = session.scalars(select(Customer)).one()
        secrets = [customer.id_number, customer.phone, customer.name]
    assert not any(secret and secret in shown for secret in secrets)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    counter.devices.training.remove()
    qtbot.waitUntil(lambda: window.customer_display.text() == "欢迎光临", timeout=WAIT)


def test_a_finished_operation_leaves_the_customer_display_after_a_time_out(qtbot, backend):
    from app.counter import CustomerSummary
    from app.vocabulary import TransactionKind
    from ui.customer_display import CustomerDisplay

    display = CustomerDisplay()
    qtbot.addWidget(display)
    display.idle.setInterval(50)  # the hall's minute, shortened
    display.show_summary(
        CustomerSummary(TransactionKind.CARD_REPLACEMENT, "0100000001", "R-1", 0, 2000, 5000, 3000)
    )
    shown = display.text()
    assert "补卡完成" in shown and "收款 (元)=20.00" in shown and "找零 (元)=30.00" in shown
    qtbot.waitUntil(lambda: display.text() == "欢迎光临", timeout=WAIT)


def test_the_money_lines_in_english(qtbot, qapp, counter, hall):
    """The same large money lines and the exact-cash key, in the English UI."""
    from PySide6.QtCore import QCoreApplication

    from ui.i18n import install_translator

    translator = install_translator(qapp, "en")
    assert translator is not None
    try:
        win = CounterWindow(counter)
        qtbot.addWidget(win)
        qtbot.addWidget(win.customer_display)
        win.show()
        ready(qtbot, win, counter, hall)
        keys = KeyCount(qtbot)
        dialog = opened_purchase(qtbot, keys, win)
        keys.type(dialog, "50")
        assert dialog.money.text() == "Collect 130.50 yuan" and big(dialog.money)
        assert dialog.exact_button.text() == "Exact cash (F5)"
        keys.key(dialog, Qt.Key.Key_Return)
        keys.key(dialog, Qt.Key.Key_Return)
        assert dialog.error.text() == "Enter the cash received; for exact cash press F5"
        keys.key(dialog, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: dialog.completed, timeout=WAIT)
        assert dialog.money.text() == "Received 130.50 yuan"
        assert "Done (Enter)" in [b.text() for b in dialog.buttons.buttons()]
        assert "Receipt no.=" in win.customer_display.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: win.current_dialog is None, timeout=WAIT)
        win.close()
        QThreadPool.globalInstance().waitForDone(10_000)
    finally:
        QCoreApplication.removeTranslator(translator)
