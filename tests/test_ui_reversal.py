"""撤销业务 at the counter by keyboard: the quote, the old card in the reader, the approval."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services.queries import account_view
from tests.support import PASSWORD
from tests.test_ui_accounts import WAIT, enter, reader_noticed, show, type_text, wait_outcome
from tests.ui_support import issue_card

pytestmark = pytest.mark.usefixtures("qapp")


def _replaced(qtbot, counter, hall):
    """A lost card replaced at the counter (fee 20.00 in cash); the old card kept aside."""
    from ui.dialogs.accounts import ReplaceCardDialog

    opened = issue_card(counter, hall)
    old_card = counter.devices.training.remove()
    counter.devices.training.insert_blank_card()
    reader_noticed(counter)
    dialog = show(qtbot, ReplaceCardDialog(counter, opened.account_no))
    qtbot.waitUntil(lambda: dialog.money.text() == "应收 20.00 元", timeout=WAIT)
    enter(qtbot, dialog)
    enter(qtbot, dialog, "遗失")
    enter(qtbot, dialog, "SLE0000097")
    enter(qtbot, dialog, "20")
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    receipt = dialog.result_value.receipt_no
    dialog.accept()
    return opened, old_card, receipt


def test_reverse_a_card_replacement_with_the_old_card_back_in_the_reader(qtbot, counter, hall):
    from ui.dialogs.reversal import ReversalDialog

    opened, old_card, receipt = _replaced(qtbot, counter, hall)
    counter.devices.training.remove()
    counter.devices.training.insert(old_card)  # the customer found it
    reader_noticed(counter)
    dialog = show(qtbot, ReversalDialog(counter, None))
    assert dialog.focusWidget() is dialog.receipt_no
    enter(qtbot, dialog, receipt)
    qtbot.waitUntil(lambda: dialog.quote is not None, timeout=WAIT)
    assert dialog.money.text() == "应退 20.00 元"
    assert "补卡" in dialog.info.text() and opened.card_serial in dialog.info.text()
    assert dialog.old_card.isEnabled()
    type_text(qtbot, dialog.reason, "客户找回原卡")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.old_card
    qtbot.keyClick(dialog.old_card, Qt.Key.Key_Space)
    assert dialog.old_card.isChecked()
    row = dialog.approvals.rows[0]
    qtbot.keyClicks(row.username, "zhoujie")
    qtbot.keyClicks(row.password, PASSWORD)
    type_text(qtbot, row.reason, "同意")
    qtbot.keyClick(row.reason, Qt.Key.Key_Return)
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    assert dialog.result_value.kind == "reversal" and dialog.result_value.amount_fen == -2000
    cards = {
        c.serial: c.status for c in account_view(hall.ctx, hall.clerk, opened.account_no).cards
    }
    assert cards == {opened.card_serial: "active", "SLE0000097": "retired"}


def test_the_old_card_must_be_the_one_in_the_reader(qtbot, counter, hall):
    from ui.dialogs.reversal import ReversalDialog

    opened, _old_card, receipt = _replaced(qtbot, counter, hall)  # the new card stays in
    dialog = show(qtbot, ReversalDialog(counter, None))
    enter(qtbot, dialog, receipt)
    qtbot.waitUntil(lambda: dialog.quote is not None, timeout=WAIT)
    type_text(qtbot, dialog.reason, "找回原卡")
    dialog.old_card.setChecked(True)
    row = dialog.approvals.rows[0]
    qtbot.keyClicks(row.username, "zhoujie")
    qtbot.keyClicks(row.password, PASSWORD)
    type_text(qtbot, row.reason, "同意")
    dialog.submit()
    wait_outcome(qtbot, dialog)
    assert f"请将原卡（卡号 {opened.card_serial}）放入读卡器" in dialog.error.text()
    cards = {
        c.serial: c.status for c in account_view(hall.ctx, hall.clerk, opened.account_no).cards
    }
    assert cards == {opened.card_serial: "blacklisted", "SLE0000097": "active"}


def test_the_business_menu_opens_the_reversal_by_its_shortcut(qtbot, window):
    from ui.dialogs.reversal import ReversalDialog

    action = window.menu_actions["Ctrl+R"]
    assert action.text() == "撤销业务"
    action.trigger()
    assert isinstance(window.current_dialog, ReversalDialog)
    window.current_dialog.reject()
