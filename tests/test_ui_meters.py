"""The 换表 and 写换表补气 dialogs driven by keyboard, on a real database with the training card
reader and receipt printer."""

from __future__ import annotations

import pytest

from app.counter import ApprovalEntry
from app.errors import PermissionDenied, RuleViolation
from app.services.printing import receipt_data
from app.services.queries import account_view
from tests.support import PASSWORD, m3
from tests.test_ui_accounts import enter, kinds, reader_noticed, sell, show, wait_outcome
from tests.ui_support import issue_card

LEADER = (ApprovalEntry("zhoujie", PASSWORD, "录错表号，核实"),)

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 15_000


def test_meter_replacement_and_an_instalment_typed_by_keyboard(qtbot, counter, hall):
    from ui.dialogs.meters import CarryOverDialog, MeterReplacementDialog

    opened = issue_card(counter, hall)
    training = counter.devices.training
    reader_noticed(counter)
    sell(counter, m3(100))  # count 1: 100 m³
    assert training.load_into_meter(opened.meter_no) == "loaded"
    training.remove()
    training.insert_blank_card()
    reader_noticed(counter)

    dialog = show(qtbot, MeterReplacementDialog(counter, opened.account_no))
    assert dialog.focusWidget() is dialog.final_reading
    enter(qtbot, dialog, "70")  # final reading 70: used 70, bought 100 → 30 carried over
    qtbot.waitUntil(lambda: dialog.figures is not None, timeout=WAIT)
    assert dialog.figures.carry_over_volume == m3(30)
    assert "换表补气 30 立方米" in dialog.quote.text()
    assert dialog.money.text() == "无需收退款"  # not at fault: no fees, nothing overdrawn
    assert dialog.focusWidget() is dialog.technician
    enter(qtbot, dialog, "王师傅")
    enter(qtbot, dialog, "NM00000001")  # 新表号
    enter(qtbot, dialog, "G2.5")  # 新表型号
    enter(qtbot, dialog, "0")  # 新表底数
    enter(qtbot, dialog, "NC00000001")  # 新卡号
    enter(qtbot, dialog, "10")  # 10 m³ now, 20 later
    assert dialog.focusWidget() is dialog.tendered
    enter(qtbot, dialog)  # the last field typed into: confirms
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    done = dialog.result_value
    assert (done.carry_over.sale.purchase_count, done.carry_over_remaining) == (1, m3(20))
    assert "剩余补气 20 立方米" in dialog.info.text()
    enter(qtbot, dialog)  # 完成
    assert not dialog.isVisible()
    assert kinds(hall.ctx)[-2:] == ["meter_replacement", "carry_over"]

    assert training.load_into_meter("NM00000001") == "loaded"  # the new meter takes count 1
    reader_noticed(counter)
    second = show(qtbot, CarryOverDialog(counter, opened.account_no))
    qtbot.waitUntil(lambda: second.remaining == m3(20), timeout=WAIT)
    assert second.volume.text() == "20"
    assert second.focusWidget() is second.volume
    second.volume.clear()
    enter(qtbot, second, "15")  # 15 of the 20
    wait_outcome(qtbot, second)
    assert second.error.text() == ""
    sale = second.result_value.sale
    assert (sale.kind, sale.volume, sale.purchase_count) == ("carry_over", m3(15), 2)
    assert "剩余 5 立方米" in second.info.text()
    assert receipt_data(hall.ctx, sale.transaction_id).carry_over_remaining == m3(5)
    enter(qtbot, second)
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.carry_over_remaining == m3(5)
    assert [m.meter_no for m in view.meter_history] == [opened.meter_no, "NM00000001"]


def test_the_counter_reverses_a_replacement_and_pays_the_overdrawn_gas_back(counter, hall):
    from app.counter import ReplaceMeterRequest

    opened = issue_card(counter, hall)
    training = counter.devices.training
    reader_noticed(counter)
    sell(counter, m3(10))  # 10 × 2.61 = 26.10
    old_card = training.remove()
    training.insert_blank_card()
    reader_noticed(counter)
    # final reading 12: used 12, bought 10 → 2 m³ overdrawn × 2.61 = 5.22, no carry-over
    slots = counter.replacement_approval_slots(0, "residential")
    assert slots.labels == ()
    request = ReplaceMeterRequest(
        counter.new_request(), opened.account_no, m3(12), "王师傅", "NM00000002", "NC00000002"
    )
    done = counter.replace_meter(request)
    assert done.result.replaced.figures.overdrawn_fen == 522
    assert done.summary.due_fen == 522
    assert done.receipt is not None  # the overdrawn sale's receipt printed at once
    assert done.transaction_id == done.result.replaced.replacement.transaction_id
    # the cash goes back: a team leader approves, and the old card must be in the reader
    with pytest.raises(RuleViolation) as refused:
        counter.reverse_meter_replacement(counter.new_request(), opened.account_no, "录错表号")
    assert f"请将原卡（卡号 {opened.card_serial}）放入读卡器" in refused.value.user_message
    training.remove()
    training.insert(old_card)
    reader_noticed(counter)
    with pytest.raises(PermissionDenied) as refused:
        counter.reverse_meter_replacement(counter.new_request(), opened.account_no, "录错表号")
    assert "班长" in refused.value.user_message
    back = counter.reverse_meter_replacement(
        counter.new_request(), opened.account_no, "录错表号", LEADER
    )
    assert back.cash_back_fen == 522
    assert kinds(hall.ctx)[-2:] == ["reversal", "reversal"]
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert (view.summary.meter_no, view.summary.card_serial) == (
        opened.meter_no,
        opened.card_serial,
    )


def test_the_reversal_by_receipt_number_finds_a_meter_replacement(counter, hall):
    """撤销业务 typed with the replacement's receipt: the quote pays back the overdrawn gas
    (no fees: not the customer's fault), a team leader approves; the counter reverses it
    as 撤销换表 does."""
    from app.counter import ReplaceMeterRequest

    opened = issue_card(counter, hall)
    training = counter.devices.training
    reader_noticed(counter)
    sell(counter, m3(10))
    old_card = training.remove()
    training.insert_blank_card()
    reader_noticed(counter)
    request = ReplaceMeterRequest(
        counter.new_request(), opened.account_no, m3(12), "王师傅", "NM00000003", "NC00000003"
    )
    done = counter.replace_meter(request)
    receipt_no = done.result.replaced.replacement.receipt_no
    quote = counter.reversal_quote(receipt_no)
    # no carry-over needs nobody by volume; the reversal pays cash back: a team leader
    assert (quote.kind, quote.amount_fen) == ("meter_replacement", 522)
    assert quote.approvals.labels == ("部门经理/班长",) and quote.approvals.reasons_required
    # the card it gives back its use: the old one, still a card of its own
    assert (quote.old_card_serial, quote.old_card_restorable) == (opened.card_serial, True)
    training.remove()
    training.insert(old_card)
    reader_noticed(counter)
    request_id = counter.new_request()
    back = counter.reverse(request_id, receipt_no, "录错表号", LEADER)
    assert back.result.kind == "reversal" and back.cash_back_fen == 522
    # the answer was lost and 确定 pressed again, the old card already handed back: replayed
    training.remove()
    reader_noticed(counter)
    again = counter.reverse(request_id, receipt_no, "录错表号", LEADER)
    assert again.result.transaction_id == back.result.transaction_id
    assert again.cash_back_fen == 522
    assert kinds(hall.ctx)[-2:] == ["reversal", "reversal"]
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.summary.meter_no == opened.meter_no
    with pytest.raises(RuleViolation) as refused:
        counter.reversal_quote(receipt_no)
    assert "已撤销" in refused.value.user_message
