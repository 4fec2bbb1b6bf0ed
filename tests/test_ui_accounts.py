"""The account dialogs driven like a clerk drives them: typed field by field, Enter to move on
and to confirm, on a real database with the training card reader and receipt printer."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QThreadPool
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLineEdit
from sqlalchemy import select

from app.domain.identity import make_resident_id
from app.services.queries import account_view
from app.services.security import AdminActor, change_setting
from app.services.setup import add_user
from db.models import Approval, CounterTransaction, Customer, OwnershipChange
from tests.support import PASSWORD, m3, password_hash, row_counts
from tests.ui_support import issue_card

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 15_000  # ms: argon2 checks and card writes run in the background


def show(qtbot, dialog):  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def type_text(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Key clicks for ASCII; Chinese arrives as key events carrying the text, as an input
    method commits it (QTest cannot click non-ASCII keys)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def enter(qtbot, dialog, text: str = "") -> None:  # type: ignore[no-untyped-def]
    """Type into the field that has the focus, then press Enter (next field or confirm)."""
    focused = dialog.focusWidget()
    assert focused is not None
    if text:
        type_text(qtbot, focused, text)
    qtbot.keyClick(focused, Qt.Key.Key_Return)


def wait_outcome(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """Until the background call answered: a result or an inline error."""
    qtbot.waitUntil(
        lambda: dialog.result_value is not None or bool(dialog.error.text()), timeout=WAIT
    )
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)


def settled(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """The card was read and the approvers its volume needs were looked up."""
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: not dialog.approvals.pending, timeout=WAIT)


def reader_noticed(counter) -> None:  # type: ignore[no-untyped-def]
    """The card in the training reader was swapped or taken to the meter.

    ``TrainingDevices`` changes the chip without telling the reader, which then talks to an
    unpowered chip (RuntimeError); a real reader sees the card leave. Until the training
    devices do it themselves, the tests tell the reader.
    """
    counter.devices.reader.forget()


def sell(counter, volume: int):  # type: ignore[no-untyped-def]
    return counter.cards.sell(counter.actor, uuid.uuid4(), volume=volume)


def approvals_of(ctx, transaction_id: int) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    with ctx.reading() as session:
        rows = session.execute(
            select(Approval.role, Approval.reason)
            .where(Approval.transaction_id == transaction_id)
            .order_by(Approval.id)
        )
        return [tuple(r) for r in rows]


def kinds(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    with ctx.reading() as session:
        return list(
            session.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id))
        )


# ---------------------------------------------------------------- 开户


def test_open_account_typed_by_keyboard_issues_the_blank_card(qtbot, counter, hall):
    from ui.dialogs.accounts import OpenAccountDialog

    counter.devices.training.insert_blank_card()
    focused = []

    def record(_old, new) -> None:  # type: ignore[no-untyped-def]
        focused.append(type(new))

    QApplication.instance().focusChanged.connect(record)
    dialog = show(qtbot, OpenAccountDialog(counter, None))
    assert "F1" in dialog.info.text()
    id_number = make_resident_id("310104", dt.date(1985, 6, 1), 21)
    # 民用户 with a 居民身份证 by default: the clerk starts with the name, and Enter after it
    # goes to the ID number, never to the 证件类型 drop-down that would eat the digits
    assert dialog.focusWidget() is dialog.customer.name
    enter(qtbot, dialog, "陈秀兰")
    assert dialog.focusWidget() is dialog.customer.id_number
    enter(qtbot, dialog, id_number)
    assert dialog.customer.id_number.text() == " ".join(
        (id_number[:6], id_number[6:14], id_number[14:])
    )
    enter(qtbot, dialog, "13912345678")
    enter(qtbot, dialog, "解放路88号3单元401")
    enter(qtbot, dialog)  # 家庭人口 1
    enter(qtbot, dialog, "18A0000777")
    enter(qtbot, dialog, "IC-G2.5")
    enter(qtbot, dialog, "12.5")
    enter(qtbot, dialog, "SLE0000777")
    enter(qtbot, dialog, "HT-2026-0777")
    enter(qtbot, dialog)  # 签订日期: today
    enter(qtbot, dialog)  # 代办人: none
    enter(qtbot, dialog)
    enter(qtbot, dialog)  # the last field: confirms
    wait_outcome(qtbot, dialog)

    assert dialog.error.text() == ""
    assert dialog.result() == QDialog.DialogCode.Accepted
    QApplication.instance().focusChanged.disconnect(record)
    assert focused and QComboBox not in focused  # Enter never chose a drop-down
    opened = dialog.result_value
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.summary.customer_name == "陈秀兰"
    with hall.ctx.reading() as session:  # the bare 18 characters, not the display groups
        assert session.scalars(select(Customer.id_number)).all() == [id_number]
    assert view.summary.meter_no == "18A0000777"
    assert view.summary.card_serial == "SLE0000777"
    card = counter.cards.read(counter.actor)
    assert card.image.serial == "SLE0000777"
    assert card.account.summary.account_no == opened.account_no
    assert kinds(hall.ctx) == ["opening"]


def test_open_account_refusal_is_shown_inline(qtbot, counter, hall):
    from ui.dialogs.accounts import OpenAccountDialog

    counter.devices.training.insert_blank_card()
    dialog = show(qtbot, OpenAccountDialog(counter, None))
    type_text(qtbot, dialog.customer.name, "陈秀兰")
    qtbot.keyClicks(dialog.customer.id_number, "310104198506010000")
    dialog.submit()
    wait_outcome(qtbot, dialog)
    assert dialog.result_value is None
    assert "身份证" in dialog.error.text()
    assert kinds(hall.ctx) == []


# ---------------------------------------------------------------- forms: width, ID groups,
# the refused field, the discard question

LONG_ADDRESS = "江苏省南京市鼓楼区中山北路幸福家园小区12幢2单元1502室"
CJK_LABEL = "证件号码"


@pytest.fixture
def english(qapp):  # type: ignore[no-untyped-def]
    from ui.i18n import install_translator

    translator = install_translator(qapp, "en")
    assert translator is not None
    try:
        yield translator
    finally:
        QCoreApplication.removeTranslator(translator)


def shows_whole(edit: QLineEdit) -> bool:
    """The field's text fits inside it (frame, margins and the cursor take a few pixels)."""
    return edit.fontMetrics().horizontalAdvance(edit.text()) + 12 <= edit.width()


def field_labels(dialog):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFormLayout, QLabel

    labels = []
    for i in range(dialog.form.rowCount()):
        item = dialog.form.itemAt(i, QFormLayout.ItemRole.LabelRole)
        if item is not None and isinstance(item.widget(), QLabel):
            labels.append(item.widget())
    return labels


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_opening_form_shows_the_whole_id_and_a_long_address(qtbot, counter, request, language):
    from ui.dialogs.accounts import OpenAccountDialog

    if language == "en":
        request.getfixturevalue("english")
    dialog = show(qtbot, OpenAccountDialog(counter, None))
    if language == "en":
        assert dialog.windowTitle() == "Open account"
        assert CJK_LABEL not in [label.text() for label in field_labels(dialog)]
    enter(qtbot, dialog, "Chen Xiulan")
    enter(qtbot, dialog, "31010419850601002X")
    enter(qtbot, dialog, "13912345678")
    type_text(qtbot, dialog.focusWidget(), LONG_ADDRESS)
    qtbot.wait(10)  # the layout settles
    id_edit, address = dialog.customer.id_number, dialog.customer.address
    assert id_edit.text() == "310104 19850601 002X"
    assert address.text() == LONG_ADDRESS
    assert shows_whole(id_edit) and shows_whole(address)
    assert shows_whole(dialog.contract.proxy_id)  # the proxy's ID is as wide
    for label in field_labels(dialog):  # no label cut short
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
    assert dialog.width() <= 1366 and dialog.height() <= 768


def test_id_number_in_6_8_4_groups_while_typed_and_bare_for_other_documents(qtbot, counter):
    from ui.dialogs.accounts import OpenAccountDialog

    dialog = show(qtbot, OpenAccountDialog(counter, None))
    edit = dialog.customer.id_number
    edit.setFocus()
    qtbot.keyClicks(edit, "3101041")
    assert edit.text() == "310104 1"
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.text() == "310104"
    qtbot.keyClicks(edit, "19850601002x")
    assert edit.text() == "310104 19850601 002x"
    assert edit.number() == "31010419850601002x"
    # typed in the middle: the groups move, the cursor stays after the digit typed
    edit.setCursorPosition(3)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)  # "1" goes, everything shifts left
    qtbot.keyClicks(edit, "1")
    assert edit.text() == "310104 19850601 002x"
    assert edit.cursorPosition() == 4
    # a passport number is shown as typed
    dialog.customer.id_type.setFocus()
    qtbot.keyClick(dialog.customer.id_type, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.customer.id_type, Qt.Key.Key_Down)
    assert dialog.customer.id_type.currentData() == "passport"
    assert edit.text() == "31010419850601002x"
    edit.clear()
    qtbot.keyClicks(edit, "E12345678")
    assert edit.text() == "E12345678"


def fill_opening(qtbot, dialog, id_number: str) -> None:  # type: ignore[no-untyped-def]
    """Every field of the opening form, by keys, Enter after each; the last Enter confirms."""
    for text in (
        "陈秀兰",
        id_number,
        "13912345678",
        "解放路88号",
        "",
        "18A0000778",
        "IC-G2.5",
        "0",
        "SLE0000778",
        "HT-2026-0778",
        "",
        "",
        "",
        "",
    ):
        enter(qtbot, dialog, text)


def test_an_id_checksum_refused_by_the_service_focuses_and_marks_the_id(qtbot, counter, hall):
    from ui.dialogs.accounts import OpenAccountDialog

    counter.devices.training.insert_blank_card()
    dialog = show(qtbot, OpenAccountDialog(counter, None))
    fill_opening(qtbot, dialog, "310104198506010000")
    wait_outcome(qtbot, dialog)
    assert dialog.result_value is None
    assert "身份证" in dialog.error.text()
    edit = dialog.customer.id_number
    assert dialog.focusWidget() is edit
    assert edit.property("invalid") is True and "border" in edit.styleSheet()
    assert edit.selectedText() == edit.text()  # typing replaces the wrong number
    assert kinds(hall.ctx) == []

    good = make_resident_id("310104", dt.date(1985, 6, 1), 21)
    qtbot.keyClicks(edit, good)
    dialog.contract.proxy_relation.setFocus()
    enter(qtbot, dialog)  # the last field: confirms again
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert edit.property("invalid") is False and edit.styleSheet() == ""
    assert kinds(hall.ctx) == ["opening"]


def test_the_closing_reading_is_focused_and_marked_when_refused(qtbot, counter, hall):
    """Refused by the dialog (empty) and by the service (more than the meter can have run)."""
    from ui.dialogs.accounts import CloseAccountDialog

    opened = issue_card(counter, hall)
    dialog = show(qtbot, CloseAccountDialog(counter, opened.account_no))
    dialog.reason.setFocus()
    enter(qtbot, dialog, "房屋出售")
    enter(qtbot, dialog)  # confirms with no reading
    assert "请输入终止表读数" in dialog.error.text()
    assert dialog.focusWidget() is dialog.final_reading
    assert dialog.final_reading.property("invalid") is True

    enter(qtbot, dialog, "99999")  # → 销户原因
    dialog.tendered.setFocus()
    enter(qtbot, dialog)  # confirms
    wait_outcome(qtbot, dialog)
    assert "表读数不合理" in dialog.error.text()
    assert dialog.focusWidget() is dialog.final_reading
    assert dialog.final_reading.property("invalid") is True
    assert dialog.reason.property("invalid") is not True
    assert account_view(hall.ctx, hall.clerk, opened.account_no).summary.status == "active"


def _dialog(name: str, counter, hall):  # type: ignore[no-untyped-def]
    from ui.dialogs import accounts

    if name == "open":
        counter.devices.training.insert_blank_card()
        return accounts.OpenAccountDialog(counter, None), lambda d: d.customer.name
    opened = issue_card(counter, hall)
    fields = {
        "replace": (accounts.ReplaceCardDialog, lambda d: d.note),
        "transfer": (accounts.TransferDialog, lambda d: d.owner.name),
        "close": (accounts.CloseAccountDialog, lambda d: d.reason),
        "reprint": (accounts.ReprintDialog, lambda d: d.receipt_no),
    }
    cls, field = fields[name]
    return cls(counter, opened.account_no), field


@pytest.mark.parametrize("name", ["open", "replace", "transfer", "close", "reprint"])
def test_a_filled_form_asks_before_esc_discards_it(qtbot, counter, hall, name):
    dialog, field = _dialog(name, counter, hall)
    show(qtbot, dialog)
    before = row_counts(hall.ctx)
    field(dialog).setFocus()
    type_text(qtbot, field(dialog), "X1")
    if name in ("open", "replace"):  # Esc reaches the dialog from a drop-down too
        qtbot.keyClick(field(dialog), Qt.Key.Key_Backtab)
        assert isinstance(dialog.focusWidget(), QComboBox)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert "再按 Esc 放弃" in dialog.error.text()
    assert field(dialog).text() == "X1"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.result_value is None
    assert row_counts(hall.ctx) == before


@pytest.mark.parametrize("name", ["open", "replace", "transfer", "close", "reprint"])
def test_an_untouched_form_closes_on_one_esc(qtbot, counter, hall, name):
    dialog, _field = _dialog(name, counter, hall)
    show(qtbot, dialog)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected


# ---------------------------------------------------------------- 退气


def test_refund_needs_the_administrator_and_never_self_approval(qtbot, counter, hall):
    from ui.dialogs.refund import RefundDialog

    issue_card(counter, hall)
    sold = sell(counter, m3(10))
    dialog = show(qtbot, RefundDialog(counter, None))
    settled(qtbot, dialog)
    assert "未插表气量 10 立方米" in dialog.card_label.text()

    before = row_counts(hall.ctx)
    enter(qtbot, dialog, "客户购错气量")  # 退气原因 → the approver's user name
    assert dialog.focusWidget() is dialog.approvals.rows[0].username
    enter(qtbot, dialog, "lina")
    enter(qtbot, dialog, PASSWORD)
    enter(qtbot, dialog)  # no written reason needed at 10 m³: confirms
    wait_outcome(qtbot, dialog)
    assert dialog.result_value is None
    assert "不能审批自己办理的业务" in dialog.error.text()
    assert row_counts(hall.ctx) == before

    row = dialog.approvals.rows[0]
    row.username.clear()
    row.password.clear()
    row.username.setFocus()
    enter(qtbot, dialog, "admin")
    enter(qtbot, dialog, PASSWORD)
    enter(qtbot, dialog)
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    refund = dialog.result_value
    assert refund.kind == "refund"
    assert refund.volume == -m3(10)
    assert refund.amount_fen == -sold.sale.amount_fen
    assert approvals_of(hall.ctx, refund.transaction_id) == [("administrator", None)]
    card = counter.cards.read(counter.actor)
    assert card.image.pending_volume == 0
    assert card.image.purchase_count == 0


def test_refund_with_a_wrong_password_writes_nothing(qtbot, counter, hall):
    from ui.dialogs.refund import RefundDialog

    issue_card(counter, hall)
    sell(counter, m3(10))
    dialog = show(qtbot, RefundDialog(counter, None))
    settled(qtbot, dialog)
    before = row_counts(hall.ctx)
    enter(qtbot, dialog, "客户购错气量")
    enter(qtbot, dialog, "admin")
    enter(qtbot, dialog, "wrong-password")
    enter(qtbot, dialog)
    wait_outcome(qtbot, dialog)
    assert "密码错误" in dialog.error.text()
    assert row_counts(hall.ctx) == before


# ---------------------------------------------------------------- 补气


def test_supplement_of_600_m3_needs_three_approvers_with_written_reasons(qtbot, counter, hall):
    from ui.dialogs.refund import SupplementDialog

    add_user(hall.ctx, "liuqiang", "刘强", "department_manager", password_hash=password_hash())
    opened = issue_card(counter, hall)
    dialog = show(qtbot, SupplementDialog(counter, opened.account_no))
    settled(qtbot, dialog)
    enter(qtbot, dialog, "600")
    settled(qtbot, dialog)
    assert dialog.approvals.row_count() == 3
    assert "书面审批意见" in dialog.approvals.rule.text()
    assert "班长" in dialog.approvals.rule.text()
    assert "部门经理" in dialog.approvals.rule.text()
    enter(qtbot, dialog, "表具故障少计气量")
    before = row_counts(hall.ctx)
    for username, reason in (("admin", "同意"), ("zhoujie", ""), ("liuqiang", "同意补气")):
        enter(qtbot, dialog, username)
        enter(qtbot, dialog, PASSWORD)
        enter(qtbot, dialog, reason)  # Enter in the last reason confirms
    wait_outcome(qtbot, dialog)
    assert dialog.result_value is None
    assert "请审批人周杰填写书面审批意见" in dialog.error.text()
    assert row_counts(hall.ctx) == before

    dialog.approvals.rows[1].reason.setFocus()
    enter(qtbot, dialog, "现场核实表具故障")
    assert dialog.focusWidget() is dialog.approvals.rows[2].username
    dialog.approvals.rows[2].reason.setFocus()
    enter(qtbot, dialog)
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    supplement = dialog.result_value
    assert (supplement.kind, supplement.volume, supplement.amount_fen) == ("supplement", m3(600), 0)
    assert approvals_of(hall.ctx, supplement.transaction_id) == [
        ("administrator", "同意"),
        ("team_leader", "现场核实表具故障"),
        ("department_manager", "同意补气"),
    ]
    card = counter.cards.read(counter.actor)
    assert (card.image.purchase_count, card.image.pending_volume) == (1, m3(600))


# ---------------------------------------------------------------- 补卡


def test_replace_a_lost_card_onto_a_blank_card(qtbot, counter, hall):
    from ui.dialogs.accounts import ReplaceCardDialog

    opened = issue_card(counter, hall)
    old_card = counter.devices.training.remove()
    assert old_card is not None
    counter.devices.training.insert_blank_card()
    reader_noticed(counter)
    dialog = show(qtbot, ReplaceCardDialog(counter, opened.account_no))
    assert dialog.reason.currentData() == "lost"
    # the fee to collect is on screen, in large type, before anything is confirmed
    qtbot.waitUntil(lambda: dialog.money.text() == "应收 20.00 元", timeout=WAIT)
    assert dialog.money.isVisible() and dialog.money.font().pointSizeF() >= 28
    enter(qtbot, dialog)  # 补卡原因: 挂失
    enter(qtbot, dialog, "客户钱包遗失")
    enter(qtbot, dialog, "SLE0000099")
    enter(qtbot, dialog, "50")  # the last field typed into (the waiver is a Tab away): confirms
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    result = dialog.result_value
    assert (result.kind, result.amount_fen, result.cash_tendered_fen, result.change_fen) == (
        "card_replacement",
        2000,
        5000,
        3000,
    )
    # the done screen: what was collected and the change, in large type; Enter closes
    assert dialog.isVisible() and dialog.completed
    assert dialog.money.text() == "已收工本费 20.00 元　找零 30.00 元"
    assert dialog.money.font().pointSizeF() >= 28
    assert "SLE0000099" in dialog.info.text()
    assert not dialog.new_serial.isEnabled()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    cards = {
        c.serial: c.status for c in account_view(hall.ctx, hall.clerk, opened.account_no).cards
    }
    assert cards == {opened.card_serial: "blacklisted", "SLE0000099": "active"}
    card = counter.cards.read(counter.actor)
    assert card.image.serial == "SLE0000099"
    assert card.account.summary.account_no == opened.account_no


def test_card_fee_waiver_needs_a_team_leader(qtbot, counter, hall):
    from ui.dialogs.accounts import ReplaceCardDialog

    opened = issue_card(counter, hall)
    counter.devices.training.remove()
    counter.devices.training.insert_blank_card()
    reader_noticed(counter)
    dialog = show(qtbot, ReplaceCardDialog(counter, opened.account_no))
    qtbot.keyClicks(dialog.new_serial, "SLE0000098")
    qtbot.mouseClick(dialog.waive, Qt.MouseButton.LeftButton)
    assert dialog.approvals.isVisible()
    row = dialog.approvals.rows[0]
    qtbot.keyClicks(row.username, "zhoujie")
    qtbot.keyClicks(row.password, PASSWORD)
    type_text(qtbot, row.reason, "老客户，特批免费")
    dialog.submit()
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    assert dialog.result_value.amount_fen == 0
    assert approvals_of(hall.ctx, dialog.result_value.transaction_id) == [
        ("team_leader", "老客户，特批免费")
    ]


def test_card_fee_follows_the_reason_the_waiver_and_the_hall_setting(qtbot, counter, hall):
    from ui.dialogs.accounts import ReplaceCardDialog

    change_setting(hall.ctx, AdminActor(hall.users["admin"]), "card_fee_fen", 1500)
    assert counter.replacement_fee("lost", False) == 1500
    assert counter.replacement_fee("lost", True) == 0
    opened = issue_card(counter, hall)
    dialog = show(qtbot, ReplaceCardDialog(counter, opened.account_no))

    def shows(text: str) -> None:
        qtbot.waitUntil(lambda: dialog.money.text() == text, timeout=WAIT)
        assert dialog.money.isVisible() and dialog.money.font().pointSizeF() >= 28

    shows("应收 15.00 元")  # 挂失: the customer's fault
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Down)
    assert dialog.reason.currentData() == "damaged"
    shows("应收 15.00 元")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Down)
    assert dialog.reason.currentData() == "defect"
    shows("无需收退款")  # a card defect costs nothing
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Up)
    shows("应收 15.00 元")
    approval_label = dialog.form.labelForField(dialog.approvals)
    assert not approval_label.isVisible()  # no empty 审批 row until the fee is waived
    dialog.tendered.setFocus()
    qtbot.keyClick(dialog.tendered, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.waive
    qtbot.keyClick(dialog.waive, Qt.Key.Key_Space)
    assert dialog.waive.isChecked()
    assert approval_label.isVisible() and dialog.approvals.isVisible()
    shows("无需收退款")  # waived (with a team leader's approval)
    qtbot.keyClick(dialog.waive, Qt.Key.Key_Space)
    shows("应收 15.00 元")


def test_a_card_number_in_use_marks_the_new_card_field(qtbot, counter, hall):
    from ui.dialogs.accounts import ReplaceCardDialog

    opened = issue_card(counter, hall)
    other = issue_card(counter, hall, name="王勇", n=2)
    counter.devices.training.remove()
    counter.devices.training.insert_blank_card()
    reader_noticed(counter)
    dialog = show(qtbot, ReplaceCardDialog(counter, opened.account_no))
    before = row_counts(hall.ctx)
    dialog.new_serial.setFocus()
    enter(qtbot, dialog, other.card_serial)  # → 实收现金
    enter(qtbot, dialog)  # confirms
    wait_outcome(qtbot, dialog)
    assert "该卡号已被使用" in dialog.error.text()
    assert dialog.focusWidget() is dialog.new_serial
    assert dialog.new_serial.property("invalid") is True
    assert row_counts(hall.ctx) == before


# ---------------------------------------------------------------- 过户 and 销户


def test_transfer_to_a_new_owner(qtbot, counter, hall):
    from ui.dialogs.accounts import TransferDialog

    opened = issue_card(counter, hall)
    dialog = show(qtbot, TransferDialog(counter, opened.account_no))
    enter(qtbot, dialog, "王强")  # 民用户 and 居民身份证 by default
    enter(qtbot, dialog, make_resident_id("310104", dt.date(1990, 2, 3), 55))
    enter(qtbot, dialog, "13800001111")
    enter(qtbot, dialog, "解放路1号")
    enter(qtbot, dialog)
    enter(qtbot, dialog, "HT-2026-T0001")
    enter(qtbot, dialog)  # 签订日期
    enter(qtbot, dialog)
    enter(qtbot, dialog)
    enter(qtbot, dialog)
    enter(qtbot, dialog, "12")  # 过户表读数
    enter(qtbot, dialog)  # no new card: confirms
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    assert dialog.result_value.kind == "transfer"
    assert dialog.isVisible() and dialog.completed  # the done screen
    assert f"过户完成：户号 {opened.account_no} 的户主现为 王强" in dialog.info.text()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert account_view(hall.ctx, hall.clerk, opened.account_no).summary.customer_name == "王强"
    with hall.ctx.reading() as session:
        change = session.scalars(select(OwnershipChange)).one()
        assert change.transaction_id == dialog.result_value.transaction_id
        meter_reading = session.get(CounterTransaction, change.transaction_id).meter_reading
    assert meter_reading == m3(12)


def test_close_account_refunds_unused_gas(qtbot, counter, hall):
    from ui.dialogs.accounts import CloseAccountDialog

    opened = issue_card(counter, hall)
    sell(counter, m3(10))
    assert counter.devices.training.load_into_meter(opened.meter_no)
    reader_noticed(counter)
    dialog = show(qtbot, CloseAccountDialog(counter, opened.account_no))
    enter(qtbot, dialog, "4")
    enter(qtbot, dialog, "房屋出售")
    enter(qtbot, dialog)  # nothing owed: confirms
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    closing = dialog.result_value
    assert (closing.kind, closing.volume, closing.amount_fen) == ("closing", -m3(6), -1566)
    # the done screen: the refund to hand back in large type, the detail below
    assert dialog.money.text() == "应退 15.66 元"
    assert dialog.money.isVisible() and dialog.money.font().pointSizeF() >= 28
    assert "应退客户 15.66 元（未用气量 6 立方米）" in dialog.info.text()
    assert dialog.isVisible() and dialog.completed  # the clerk reads the amount first
    assert not dialog.final_reading.isEnabled()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert account_view(hall.ctx, hall.clerk, opened.account_no).summary.status == "closed"


def test_close_account_refused_while_gas_is_still_on_the_card(qtbot, counter, hall):
    from ui.dialogs.accounts import CloseAccountDialog

    opened = issue_card(counter, hall)
    sell(counter, m3(10))
    dialog = show(qtbot, CloseAccountDialog(counter, opened.account_no))
    enter(qtbot, dialog, "0")
    enter(qtbot, dialog, "房屋出售")
    enter(qtbot, dialog)
    wait_outcome(qtbot, dialog)
    assert "卡内还有未插表的气量" in dialog.error.text()
    assert account_view(hall.ctx, hall.clerk, opened.account_no).summary.status == "active"


# ---------------------------------------------------------------- 重印


def test_reprint_by_receipt_number_and_last_of_the_account(qtbot, counter, hall):
    from ui.dialogs.accounts import ReprintDialog

    opened = issue_card(counter, hall)
    sold = sell(counter, m3(10))
    transcript = counter.devices.training.emulator.transcript
    counter.print_receipt(sold.sale.transaction_id)
    qtbot.waitUntil(lambda: sold.sale.receipt_no in transcript(), timeout=WAIT)
    assert "重印" not in transcript()

    dialog = show(qtbot, ReprintDialog(counter, None))
    enter(qtbot, dialog, sold.sale.receipt_no)
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    assert dialog.result_value.copy_no == 1
    qtbot.waitUntil(lambda: "重印" in transcript(), timeout=WAIT)

    latest = show(qtbot, ReprintDialog(counter, opened.account_no))
    enter(qtbot, latest)  # empty: the account's last transaction
    wait_outcome(qtbot, latest)
    assert latest.error.text() == ""
    assert (latest.result_value.receipt_no, latest.result_value.copy_no) == (
        sold.sale.receipt_no,
        2,
    )

    unknown = show(qtbot, ReprintDialog(counter, None))
    enter(qtbot, unknown, "NO-SUCH-RECEIPT")
    wait_outcome(qtbot, unknown)
    assert "没有这张凭证" in unknown.error.text()


def test_a_refund_says_what_changed_and_the_window_names_the_cash_to_give_back(
    qtbot, counter, hall
):
    """The dialog's typed outcome (account, transaction, cash back) is all the window reads."""
    from ui.counter_window import CounterWindow
    from ui.dialogs.refund import RefundDialog

    window = CounterWindow(counter)
    qtbot.addWidget(window)
    qtbot.addWidget(window.customer_display)
    opened = issue_card(counter, hall)
    sold = sell(counter, m3(10))
    dialog = show(qtbot, RefundDialog(counter, opened.account_no, window))
    window.current_dialog = dialog
    dialog.finished.connect(lambda code: window._dialog_finished(dialog, code))
    settled(qtbot, dialog)
    enter(qtbot, dialog, "客户购错气量")
    enter(qtbot, dialog, "admin")
    enter(qtbot, dialog, PASSWORD)
    enter(qtbot, dialog)
    wait_outcome(qtbot, dialog)
    outcome = dialog.outcome
    assert outcome is not None and outcome.account_no == opened.account_no
    assert outcome.transaction_id == dialog.result_value.transaction_id
    assert outcome.cash_back_fen == sold.sale.amount_fen
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the done screen: Enter closes
    qtbot.waitUntil(lambda: "请退还客户" in window.message.text(), timeout=WAIT)
    assert window.current_dialog is None
    window.close()
    QThreadPool.globalInstance().waitForDone(10_000)


def test_a_commercial_meters_rated_flow_is_typed_at_opening(qtbot, counter, hall):
    """The 额定流量 row shows for a 工商业户 only, in the Enter chain after the meter model;
    the meter keeps what was typed (its purchase-limit band)."""
    from db.models import Meter
    from ui.dialogs.accounts import OpenAccountDialog

    counter.devices.training.insert_blank_card()
    dialog = show(qtbot, OpenAccountDialog(counter, None))
    rated = dialog.rated_flow
    assert not dialog.form.isRowVisible(rated)  # 民用户 by default
    qtbot.keyClick(dialog.customer.kind, Qt.Key.Key_Down)
    assert dialog.customer.kind.currentData() == "commercial"
    assert dialog.form.isRowVisible(rated)
    assert dialog._next_field(dialog.meter_model) is rated
    dialog.customer.name.setText("城东大酒店")
    dialog.customer.id_number.setText("91310000MA1K000777")
    dialog.customer.phone.setText("13912345677")
    dialog.customer.address.setText("解放路99号")
    dialog.meter_no.setText("GS00000777")
    dialog.card_serial.setText("SLE0000778")
    rated.setFocus()
    enter(qtbot, dialog, "10")  # 10 m³/h
    dialog.submit()
    wait_outcome(qtbot, dialog)
    assert dialog.error.text() == ""
    with hall.ctx.reading() as session:
        meter = session.scalar(select(Meter).where(Meter.meter_no == "GS00000777"))
        assert meter.rated_flow == 1000
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
