"""Account life cycle at the counter: 开户 (F2), 补卡 (F3), 过户 (F6), 销户 (F7), 重印 (F8).

Each dialog only collects what the clerk types and hands it to one counter call
(``CounterSession``); the services check everything and their Chinese refusal is shown in the
dialog. Every service, card and printer call runs in the background.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from app.counter import (
    ID_TYPES,
    REPLACEMENT_REASONS,
    ApprovalSlots,
    CloseAccountRequest,
    ContractInput,
    CounterSession,
    CustomerInput,
    OpenAccountRequest,
    Outcome,
    ReplaceCardRequest,
    SaleResult,
    TransferRequest,
)
from app.domain.money import format_money, format_volume
from app.errors import GasDeskError, InvalidInput, field_of
from app.vocabulary import CustomerKind
from ui.base import OperationDialog, money_edit, read_money, read_volume, volume_edit
from ui.dialogs.approvals import ApprovalsWidget
from ui.worker import run_in_background

# what the widest fields must show whole: an 18-character ID in 6-8-4 groups and a long address
ID_SAMPLE = "888888 88888888 888X"
ADDRESS_SAMPLE = "浙江省杭州市西湖区文三路解放路阳光花园小区88幢3单元1401室"
INVALID_STYLE = "border: 2px solid #b00020"


def widen(edit: QLineEdit, sample: str) -> QLineEdit:
    """Wide enough to show ``sample`` whole (frame, margins and cursor included)."""
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(sample) + 24)
    return edit


def group_id(text: str) -> str:
    """A resident ID as printed on the card, in 6-8-4 groups (address, birth date, sequence and
    check digit); spaces typed or pasted are dropped first."""
    bare = "".join(unicodedata.normalize("NFKC", text).split())
    parts = [bare[:6], bare[6:14], bare[14:]]
    return " ".join(part for part in parts if part)


def bare_id(text: str) -> str:
    """The number without the display groups."""
    return "".join(text.split())


class IdNumberEdit(QLineEdit):
    """A document number; resident IDs are shown in 6-8-4 groups while typed (every key is
    kept: grouping only adds spaces, never refuses a character). ``number()`` is bare."""

    def __init__(self) -> None:
        super().__init__()
        self.grouped = True
        widen(self, ID_SAMPLE)
        self.textEdited.connect(self._regroup)

    def set_grouped(self, grouped: bool) -> None:
        self.grouped = grouped
        modified = self.isModified()
        self.setText(group_id(self.text()) if grouped else bare_id(self.text()))
        self.setModified(modified)

    def number(self) -> str:
        return bare_id(self.text())

    def _regroup(self, text: str) -> None:
        if not self.grouped:
            return
        grouped = group_id(text)
        if grouped == text:
            return
        # the cursor stays after the same characters it followed
        kept = len(bare_id(unicodedata.normalize("NFKC", text[: self.cursorPosition()])))
        self.setText(grouped)
        self.setModified(True)
        position = 0
        while kept and position < len(grouped):
            if grouped[position] != " ":
                kept -= 1
            position += 1
        self.setCursorPosition(position)


def _require_account(account_no: str | None) -> str:
    if not account_no:
        raise InvalidInput(
            QCoreApplication.translate("OperationDialog", "请先读卡或查询选定用户"),
            "no account loaded",
        )
    return account_no


def _missing(what: str) -> str:
    return QCoreApplication.translate("OperationDialog", "请填写{0}").format(what)


def read_date(edit: QLineEdit, what: str) -> dt.date:
    text = edit.text().strip()
    if not text:
        raise InvalidInput(_missing(what), f"{what} empty")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            QCoreApplication.translate(
                "OperationDialog", "{0}格式应为 年-月-日，如 2026-03-01"
            ).format(what),
            f"bad date {text!r}",
        ) from None


def read_int(edit: QLineEdit, what: str) -> int:
    text = edit.text().strip()
    if not text:
        raise InvalidInput(_missing(what), f"{what} empty")
    return int(text)


def _is_choice(widget: QWidget) -> bool:
    return isinstance(widget, QComboBox | QAbstractButton)


class _KeyboardForm(OperationDialog):
    """Enter moves to the next field one types into, in a text field and in a choice alike: it
    never lands on a drop-down or a check box, which would swallow the keys typed next (choices
    have defaults and are reached by Tab). Esc is left to the dialog (the discard question).

    A refused field, the dialog's own check or the service's, is focused and marked: the
    error's ``field`` names it (see ``field_widgets``)."""

    def __init__(self, session: CounterSession, title: str, parent: QWidget | None = None):
        super().__init__(session, title, parent)
        # the request's field names (the service's error.field) → the widget the clerk corrects
        self.field_widgets: dict[str, QWidget] = {}
        self.marked: QWidget | None = None
        self._marked_style = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.completed:
            focused = self.focusWidget()
            if focused is not None and focused in self._fields():
                following = self._next_typed_field(focused)
                if following is not None:
                    following.setFocus()
                    return
                if not self.working:
                    self.submit()
                return
        super().keyPressEvent(event)

    def _next_typed_field(self, current: QWidget) -> QWidget | None:
        fields = [
            f
            for f in self._fields()
            if f.isEnabled()
            and f.isVisible()
            and not _is_choice(f)
            and (f.focusPolicy() != Qt.FocusPolicy.NoFocus or f.focusProxy() is not None)
        ]
        later = self._fields()[self._fields().index(current) + 1 :]
        return next((f for f in later if f in fields), None)

    def submit(self) -> None:
        if not self.completed and not self.working:
            self.unmark()
        super().submit()

    def show_error(self, error: BaseException) -> None:
        super().show_error(error)
        name = error.field if isinstance(error, GasDeskError) else None
        widget = self.field_widgets.get(name or "")
        if widget is not None and widget.isEnabled():
            self.mark(widget)

    def mark(self, widget: QWidget) -> None:
        """Focus the field to correct and frame it in red (property ``invalid`` for styles)."""
        self.unmark()
        self.marked = widget
        self._marked_style = widget.styleSheet()
        widget.setProperty("invalid", True)
        widget.setStyleSheet(INVALID_STYLE)
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    def unmark(self) -> None:
        if self.marked is not None:
            self.marked.setProperty("invalid", False)
            self.marked.setStyleSheet(self._marked_style)
            self.marked = None


class CustomerFields:
    """The owner's fields (民用户 or 工商业户), added to a form."""

    def __init__(self, dialog: QWidget, form: QFormLayout):
        tr = dialog.tr  # the app's labels (customer kinds, ID types)
        self.kind = QComboBox()
        for kind in CustomerKind:
            self.kind.addItem(tr(kind.label), kind.value)
        self.name = QLineEdit()
        self.id_type = QComboBox()
        for key, label in ID_TYPES.items():
            self.id_type.addItem(tr(label), key)
        self.id_number = IdNumberEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(QCoreApplication.translate("CustomerFields", "手机或固话"))
        self.address = widen(QLineEdit(), ADDRESS_SAMPLE)
        self.household = QLineEdit("1")
        self.household.setValidator(QIntValidator(1, 99, self.household))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.id_type.currentIndexChanged.connect(self._id_type_changed)
        form.addRow(QCoreApplication.translate("CustomerFields", "用户类型"), self.kind)
        form.addRow(QCoreApplication.translate("CustomerFields", "姓名/单位名称"), self.name)
        form.addRow(QCoreApplication.translate("CustomerFields", "证件类型"), self.id_type)
        form.addRow(QCoreApplication.translate("CustomerFields", "证件号码"), self.id_number)
        form.addRow(QCoreApplication.translate("CustomerFields", "联系电话"), self.phone)
        form.addRow(QCoreApplication.translate("CustomerFields", "用气地址"), self.address)
        form.addRow(QCoreApplication.translate("CustomerFields", "家庭人口"), self.household)

    def _kind_changed(self) -> None:
        commercial = self.kind.currentData() == CustomerKind.COMMERCIAL
        id_type = "business_license" if commercial else "resident_id"
        self.id_type.setCurrentIndex(self.id_type.findData(id_type))

    def _id_type_changed(self) -> None:
        self.id_number.set_grouped(self.id_type.currentData() == "resident_id")

    def widgets(self) -> dict[str, QWidget]:
        """The request's field names and their widgets (to mark the one refused)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "id_type": self.id_type,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
            "household_size": self.household,
        }

    @property
    def residential(self) -> bool:
        return self.kind.currentData() == CustomerKind.RESIDENTIAL

    def value(self) -> CustomerInput:
        return CustomerInput(
            kind=self.kind.currentData(),
            name=self.name.text(),
            id_type=self.id_type.currentData(),
            id_number=self.id_number.number(),
            phone=self.phone.text().strip() or None,
            address=self.address.text(),
            household_size=self._household(),
        )

    def _household(self) -> int:
        with field_of("household_size"):
            return read_int(
                self.household, QCoreApplication.translate("CustomerFields", "家庭人口")
            )


class ContractFields:
    """供用气合同 with the optional proxy (代办人), added to a form."""

    def __init__(self, dialog: QWidget, form: QFormLayout, today: dt.date):
        self.number = QLineEdit()
        self.number.setPlaceholderText(
            QCoreApplication.translate("ContractFields", "工商业户可不填")
        )
        self.signed_on = QLineEdit(today.isoformat())
        self.signed_on.setPlaceholderText("2026-03-01")
        self.proxy_name = QLineEdit()
        self.proxy_name.setPlaceholderText(
            QCoreApplication.translate("ContractFields", "本人办理不填")
        )
        self.proxy_id = IdNumberEdit()
        self.proxy_relation = QLineEdit()
        form.addRow(QCoreApplication.translate("ContractFields", "合同编号"), self.number)
        form.addRow(QCoreApplication.translate("ContractFields", "签订日期"), self.signed_on)
        form.addRow(QCoreApplication.translate("ContractFields", "代办人姓名"), self.proxy_name)
        form.addRow(QCoreApplication.translate("ContractFields", "代办人身份证号"), self.proxy_id)
        form.addRow(QCoreApplication.translate("ContractFields", "与户主关系"), self.proxy_relation)

    def widgets(self) -> dict[str, QWidget]:
        return {
            "contract": self.number,
            "number": self.number,
            "signed_on": self.signed_on,
            "proxy_name": self.proxy_name,
            "proxy_id_number": self.proxy_id,
            "proxy_relation": self.proxy_relation,
        }

    def value(self) -> ContractInput | None:
        number = self.number.text().strip()
        if not number:
            # 工商业户 already have their supply agreement; for 民用户 the service asks for it
            return None
        with field_of("signed_on"):
            signed_on = read_date(
                self.signed_on, QCoreApplication.translate("ContractFields", "合同签订日期")
            )
        return ContractInput(
            number=number,
            signed_on=signed_on,
            proxy_name=self.proxy_name.text().strip() or None,
            proxy_id_number=self.proxy_id.number() or None,
            proxy_relation=self.proxy_relation.text().strip() or None,
        )


class OpenAccountDialog(_KeyboardForm):
    """开户: register the customer, bind the meter, sign the contract and issue the blank card
    in the reader."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("开户"), parent)
        self.customer = CustomerFields(self, self.form)
        self.meter_no = QLineEdit()
        self.meter_model = QLineEdit()
        self.rated_flow = volume_edit("")
        self.rated_flow.setPlaceholderText(self.tr("工商业表填写，按额定流量分档限购"))
        self.initial_reading = volume_edit("0")
        self.card_serial = QLineEdit()
        self.card_serial.setPlaceholderText(self.tr("卡面印刷的卡号"))
        self.form.addRow(self.tr("表号"), self.meter_no)
        self.form.addRow(self.tr("表型号"), self.meter_model)
        self.form.addRow(self.tr("额定流量（立方米/小时）"), self.rated_flow)
        self.form.addRow(self.tr("表底数（立方米）"), self.initial_reading)
        # a commercial meter's rated flow puts it in a purchase-limit band; residential: none
        self.customer.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.form.addRow(self.tr("卡号"), self.card_serial)
        self.contract = ContractFields(self, self.form, session.ctx.today())
        self.field_widgets = {
            **self.customer.widgets(),
            **self.contract.widgets(),
            "meter_no": self.meter_no,
            "meter_model": self.meter_model,
            "rated_flow": self.rated_flow,
            "initial_reading": self.initial_reading,
            "card_serial": self.card_serial,
        }
        self.info.setText(self.tr("请将空白卡放入读卡器。开户后如需首次购气，请按 F1 办理购气。"))
        # most openings are 民用户 with a resident ID: the clerk starts typing the name (the
        # kind is one Shift+Tab back)
        self.customer.name.setFocus()

    def work(self) -> Callable[[], Any]:
        session = self.session
        customer = self.customer.value()
        request = OpenAccountRequest(
            request_id=self.request_id,
            customer=customer,
            meter_no=self.meter_no.text(),
            card_serial=self.card_serial.text(),
            contract=self.contract.value(),
            meter_model=self.meter_model.text(),
            initial_reading=self._initial_reading(),
            rated_flow=self._rated_flow(),
        )
        return lambda: session.open_account(request)

    def _kind_changed(self) -> None:
        commercial = self.customer.kind.currentData() == CustomerKind.COMMERCIAL
        self.form.setRowVisible(self.rated_flow, commercial)

    def _rated_flow(self) -> int | None:
        if not self.form.isRowVisible(self.rated_flow):
            return None
        with field_of("rated_flow"):
            return read_volume(self.rated_flow, self.tr("额定流量"), required=False)

    def _initial_reading(self) -> int:
        with field_of("initial_reading"):
            return read_volume(self.initial_reading, self.tr("表底数"), required=False) or 0


class ReplaceCardDialog(_KeyboardForm):
    """补卡: the old card is blacklisted, the blank card in the reader becomes the account's
    card with its purchase count. A customer-caused replacement costs the card fee, which a
    team leader may waive. The fee to collect is shown in large type before confirming (asked
    from the hall settings whenever the reason or the waiver changes) and on the done screen."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("补卡"), parent)
        self.account_no = account_no
        self.fee_fen: int | None = None  # the fee for the reason and waiver chosen, once known
        self._fee_asked = 0
        self.reason = QComboBox()
        for code, (label, _fee) in REPLACEMENT_REASONS.items():
            self.reason.addItem(self.tr(label), code)
        self.note = QLineEdit()
        self.new_serial = QLineEdit()
        self.new_serial.setPlaceholderText(self.tr("新卡卡面印刷的卡号"))
        self.tendered = money_edit(self.tr("工本费，收现金时填写"))
        self.waive = QCheckBox(self.tr("免收工本费（须班长审批）"))
        self.approvals = ApprovalsWidget(session, self, volume_rule=False)
        self.approvals.set_slots(ApprovalSlots((self.tr("班长/部门经理"),), True))
        self.form.addRow(self.tr("户号"), QLabel(account_no or self.tr("（未选定用户）")))
        self.form.addRow(self.tr("补卡原因"), self.reason)
        self.form.addRow(self.tr("备注"), self.note)
        self.form.addRow(self.tr("新卡号"), self.new_serial)
        self.form.addRow(self.tr("实收现金（元）"), self.tendered)
        self.form.addRow("", self.waive)
        self.form.addRow(self.tr("审批"), self.approvals)
        self.form.setRowVisible(self.approvals, False)  # the label too: no empty 审批 row
        self.waive.toggled.connect(lambda on: self.form.setRowVisible(self.approvals, on))
        self.field_widgets = {
            "reason_code": self.reason,
            "note": self.note,
            "new_card_serial": self.new_serial,
            "cash_tendered_fen": self.tendered,
            "waive_fee": self.waive,
        }
        self.info.setText(
            self.tr("请将空白卡放入读卡器。客户遗失或损坏收取工本费，卡片质量问题免费。")
        )
        self.reason.currentIndexChanged.connect(self.ask_fee)
        self.waive.toggled.connect(self.ask_fee)
        self.ask_fee()
        self.reason.setFocus()

    def ask_fee(self) -> None:
        """What this replacement costs (a hall setting): shown as 应收 before confirming."""
        self._fee_asked += 1
        asked = self._fee_asked
        session = self.session
        code, waive = self.reason.currentData(), self.waive.isChecked()
        self.fee_fen = None
        run_in_background(
            lambda: session.replacement_fee(code, waive),
            lambda fee: self._fee_known(asked, fee),
            lambda error: self._fee_known(asked, None, error),
            parent=self,
        )

    def _fee_known(self, asked: int, fee: int | None, error: Exception | None = None) -> None:
        if asked != self._fee_asked or self.completed:  # a later choice asked again
            return
        self.fee_fen = fee
        self.show_due(fee)
        if error is not None:
            self.show_error(error)

    def work(self) -> Callable[[], Any]:
        account_no = _require_account(self.account_no)
        session = self.session
        with field_of("cash_tendered_fen"):
            tendered = read_money(self.tendered, self.tr("实收金额"), required=False)
        request = ReplaceCardRequest(
            request_id=self.request_id,
            account_no=account_no,
            new_card_serial=self.new_serial.text(),
            reason_code=self.reason.currentData(),
            note=self.note.text(),
            cash_tendered_fen=tendered,
            waive_fee=self.waive.isChecked(),
        )
        approvals = self.approvals.entries() if self.waive.isChecked() else None
        return lambda: session.replace_card(request, approvals)

    def done_ok(self, outcome: Outcome[SaleResult]) -> None:
        self.keep(outcome)
        result = outcome.result
        self._fee_asked += 1  # a fee look-up still running no longer matters
        if result.amount_fen:
            self.show_money(
                self.tr("已收工本费 {0} 元　找零 {1} 元").format(
                    format_money(result.amount_fen), format_money(result.change_fen or 0)
                )
            )
        else:
            self.show_money(self.tr("免收工本费"))
        self.show_completed(
            self.tr("补卡完成：新卡 {0} 已写入，旧卡已作废。凭证正在打印，按 Enter 完成").format(
                result.card_serial or self.new_serial.text().strip().upper()
            )
        )


class TransferDialog(_KeyboardForm):
    """过户: the new owner takes over the account from the meter reading taken on site;
    optionally a new card (the blank card in the reader) while the old one is blacklisted."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("过户"), parent)
        self.account_no = account_no
        self.form.addRow(self.tr("户号"), QLabel(account_no or self.tr("（未选定用户）")))
        self.owner = CustomerFields(self, self.form)
        self.contract = ContractFields(self, self.form, session.ctx.today())
        self.meter_reading = volume_edit()
        self.new_serial = QLineEdit()
        self.new_serial.setPlaceholderText(self.tr("换新卡时填写，并将空白卡放入读卡器"))
        self.form.addRow(self.tr("过户表读数（立方米）"), self.meter_reading)
        self.form.addRow(self.tr("新卡号（可选）"), self.new_serial)
        self.field_widgets = {
            **self.owner.widgets(),
            **self.contract.widgets(),
            "meter_reading": self.meter_reading,
            "new_card_serial": self.new_serial,
        }
        self.info.setText(self.tr("请核验新户主身份证件和房屋合同，并现场抄表、安全检查。"))
        self.owner.name.setFocus()

    def work(self) -> Callable[[], Any]:
        account_no = _require_account(self.account_no)
        session = self.session
        new_serial = self.new_serial.text().strip() or None
        new_owner = self.owner.value()
        contract = self.contract.value()
        with field_of("meter_reading"):
            meter_reading = read_volume(self.meter_reading, self.tr("过户表读数"))
        request = TransferRequest(
            request_id=self.request_id,
            account_no=account_no,
            new_owner=new_owner,
            contract=contract,
            meter_reading=meter_reading,
            new_card_serial=new_serial,
        )

        return lambda: session.transfer(request)

    def done_ok(self, outcome: Outcome[SaleResult]) -> None:
        self.keep(outcome)
        result = outcome.result
        text = self.tr("过户完成：户号 {0} 的户主现为 {1}").format(
            result.account_no, self.owner.name.text().strip()
        )
        if result.card_serial and self.new_serial.text().strip():
            text += self.tr("；新卡 {0} 已写入，旧卡已作废").format(result.card_serial)
        self.show_completed(text + self.tr("。凭证正在打印，按 Enter 完成"))


class CloseAccountDialog(_KeyboardForm):
    """销户 from the final meter reading: unused gas is refunded, gas used beyond what was
    bought is charged. The done screen shows in large type what to pay out or take in; Enter
    then finishes (the receipt is printed by the counter window)."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("销户"), parent)
        self.account_no = account_no
        self.final_reading = volume_edit()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：房屋出售、拆迁"))
        self.tendered = money_edit(self.tr("客户须补缴时填写"))
        self.form.addRow(self.tr("户号"), QLabel(account_no or self.tr("（未选定用户）")))
        self.form.addRow(self.tr("终止表读数（立方米）"), self.final_reading)
        self.form.addRow(self.tr("销户原因"), self.reason)
        self.form.addRow(self.tr("实收现金（元）"), self.tendered)
        self.field_widgets = {
            "final_reading": self.final_reading,
            "reason": self.reason,
            "cash_tendered_fen": self.tendered,
        }
        self.info.setText(self.tr("客户带卡时请将卡放入读卡器（卡内未插表的气量须先退气或插表）。"))
        self.final_reading.setFocus()

    def work(self) -> Callable[[], Any]:
        account_no = _require_account(self.account_no)
        session = self.session
        with field_of("final_reading"):
            final_reading = read_volume(self.final_reading, self.tr("终止表读数"))
        with field_of("cash_tendered_fen"):
            tendered = read_money(self.tendered, self.tr("实收金额"), required=False)
        request = CloseAccountRequest(
            request_id=self.request_id,
            account_no=account_no,
            final_reading=final_reading,
            reason=self.reason.text(),
            cash_tendered_fen=tendered,
        )
        return lambda: session.close_account(request)

    def done_ok(self, outcome: Outcome[SaleResult]) -> None:
        self.keep(outcome)
        result = outcome.result
        amount = result.amount_fen
        self.show_due(amount)
        if amount < 0:
            text = self.tr("已销户。应退客户 {0} 元（未用气量 {1} 立方米）").format(
                format_money(-amount), format_volume(-result.volume)
            )
        elif amount > 0:
            text = self.tr(
                "已销户。应收客户 {0} 元（超用气量 {1} 立方米），实收 {2}，找零 {3}"
            ).format(
                format_money(amount),
                format_volume(result.volume),
                format_money(result.cash_tendered_fen or amount),
                format_money(result.change_fen or 0),
            )
        else:
            text = self.tr("已销户。无需退补。")
        self.show_completed(text + "\n" + self.tr("凭证正在打印，按 Enter 完成"))


class ReprintDialog(OperationDialog):
    """重印: a copy of a receipt, marked 重印 with its number, by receipt number or the last
    transaction of the loaded account.

    It prints itself: its outcome carries the ``PrintOutcome`` (and no transaction to print), so
    the counter window only shows its message.
    """

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("重印凭证"), parent)
        self.account_no = account_no
        self.receipt_no = QLineEdit()
        if account_no:
            self.receipt_no.setPlaceholderText(self.tr("留空则重印本户最近一笔业务"))
        self.form.addRow(self.tr("凭证号"), self.receipt_no)
        self.receipt_no.setFocus()

    def work(self) -> Callable[[], Any]:
        number = self.receipt_no.text().strip()
        if not number and not self.account_no:
            raise InvalidInput(self.tr("请输入凭证号"), "receipt number empty")
        session, account_no = self.session, self.account_no
        return lambda: session.reprint(number or None, account_no)
