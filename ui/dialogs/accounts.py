"""Account life cycle at the counter: 开户 (F2), 补卡 (F3), 过户 (F6), 销户 (F7), 重印 (F8).

Each dialog only collects what the clerk types and hands it to a service (through the card
counter when a card is written); the services check everything and their Chinese refusal is shown
in the dialog. Every service, card and printer call runs in the background.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QIntValidator, QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.desk import DeskSession
from app.domain.money import format_money, format_volume
from app.errors import GasDeskError, InvalidInput, RuleViolation
from app.services.accounts import (
    ID_TYPES,
    CloseAccountRequest,
    ContractInput,
    CustomerInput,
    OpenAccountRequest,
    OpenAccountResult,
    TransferRequest,
    close_account,
    transfer,
)
from app.services.card_counter import EarlierSaleCompleted, SaleVoided, reading_of
from app.services.cards import REPLACEMENT_REASONS, ReplaceCardRequest
from app.services.directory import ApprovalSlots, transaction_id_by_receipt
from app.services.printing import reprint
from app.services.queries import history
from app.services.sales import SaleResult
from app.vocabulary import CustomerKind
from ui.base import OperationDialog, money_edit, read_money, read_volume, volume_edit
from ui.dialogs.approvals import ApprovalsWidget


def _card_counter(session: DeskSession):  # type: ignore[no-untyped-def]
    counter = session.card_counter
    if counter is None:
        raise RuleViolation(
            QCoreApplication.translate("OperationDialog", "本柜台未配置读卡器"), "no card reader"
        )
    return counter


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


class _KeyboardForm(OperationDialog):
    """Enter in a choice (drop-down, check box) moves on too, like in a text field."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QComboBox | QCheckBox):
                following = self._next_field(focused)
                if following is not None:
                    following.setFocus()
                    return
        super().keyPressEvent(event)


class CustomerFields:
    """The owner's fields (民用户 or 工商业户), added to a form."""

    def __init__(self, dialog: QWidget, form: QFormLayout):
        tr = dialog.tr  # the app's labels (customer kinds, ID types)
        self.kind = QComboBox()
        for key, label in CustomerKind.labels().items():
            self.kind.addItem(tr(label), key)
        self.name = QLineEdit()
        self.id_type = QComboBox()
        for key, label in ID_TYPES.items():
            self.id_type.addItem(tr(label), key)
        self.id_number = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(QCoreApplication.translate("CustomerFields", "手机或固话"))
        self.address = QLineEdit()
        self.household = QLineEdit("1")
        self.household.setValidator(QIntValidator(1, 99, self.household))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow(QCoreApplication.translate("CustomerFields", "用户类型"), self.kind)
        form.addRow(QCoreApplication.translate("CustomerFields", "姓名/单位名称"), self.name)
        form.addRow(QCoreApplication.translate("CustomerFields", "证件类型"), self.id_type)
        form.addRow(QCoreApplication.translate("CustomerFields", "证件号码"), self.id_number)
        form.addRow(QCoreApplication.translate("CustomerFields", "联系电话"), self.phone)
        form.addRow(QCoreApplication.translate("CustomerFields", "用气地址"), self.address)
        form.addRow(QCoreApplication.translate("CustomerFields", "家庭人口"), self.household)

    def _kind_changed(self) -> None:
        id_type = (
            "business_license"
            if self.kind.currentData() == CustomerKind.COMMERCIAL
            else "resident_id"
        )
        self.id_type.setCurrentIndex(self.id_type.findData(id_type))

    @property
    def residential(self) -> bool:
        return self.kind.currentData() == CustomerKind.RESIDENTIAL

    def value(self) -> CustomerInput:
        return CustomerInput(
            kind=self.kind.currentData(),
            name=self.name.text(),
            id_type=self.id_type.currentData(),
            id_number=self.id_number.text(),
            phone=self.phone.text().strip() or None,
            address=self.address.text(),
            household_size=read_int(
                self.household, QCoreApplication.translate("CustomerFields", "家庭人口")
            ),
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
        self.proxy_id = QLineEdit()
        self.proxy_relation = QLineEdit()
        form.addRow(QCoreApplication.translate("ContractFields", "合同编号"), self.number)
        form.addRow(QCoreApplication.translate("ContractFields", "签订日期"), self.signed_on)
        form.addRow(QCoreApplication.translate("ContractFields", "代办人姓名"), self.proxy_name)
        form.addRow(QCoreApplication.translate("ContractFields", "代办人身份证号"), self.proxy_id)
        form.addRow(QCoreApplication.translate("ContractFields", "与户主关系"), self.proxy_relation)

    def value(self) -> ContractInput | None:
        number = self.number.text().strip()
        if not number:
            # 工商业户 already have their supply agreement; for 民用户 the service asks for it
            return None
        return ContractInput(
            number=number,
            signed_on=read_date(
                self.signed_on, QCoreApplication.translate("ContractFields", "合同签订日期")
            ),
            proxy_name=self.proxy_name.text().strip() or None,
            proxy_id_number=self.proxy_id.text().strip() or None,
            proxy_relation=self.proxy_relation.text().strip() or None,
        )


class OpenAccountDialog(_KeyboardForm):
    """开户: register the customer, bind the meter, sign the contract and issue the blank card
    in the reader."""

    def __init__(
        self, session: DeskSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("开户"), parent)
        self.customer = CustomerFields(self, self.form)
        self.meter_no = QLineEdit()
        self.meter_model = QLineEdit()
        self.initial_reading = volume_edit("0")
        self.card_serial = QLineEdit()
        self.card_serial.setPlaceholderText(self.tr("卡面印刷的卡号"))
        self.form.addRow(self.tr("表号"), self.meter_no)
        self.form.addRow(self.tr("表型号"), self.meter_model)
        self.form.addRow(self.tr("表底数（立方米）"), self.initial_reading)
        self.form.addRow(self.tr("卡号"), self.card_serial)
        self.contract = ContractFields(self, self.form, session.ctx.today())
        self.info.setText(self.tr("请将空白卡放入读卡器。开户后如需首次购气，请按 F1 办理购气。"))
        self.customer.kind.setFocus()

    def work(self) -> Callable[[], Any]:
        counter = _card_counter(self.session)
        actor = self.session.actor
        customer = self.customer.value()
        request = OpenAccountRequest(
            request_id=self.request_id,
            customer=customer,
            meter_no=self.meter_no.text(),
            card_serial=self.card_serial.text(),
            contract=self.contract.value(),
            meter_model=self.meter_model.text(),
            initial_reading=read_volume(self.initial_reading, self.tr("表底数"), required=False)
            or 0,
        )
        return lambda: counter.open_account(actor, request)

    def done_ok(self, result: OpenAccountResult) -> None:
        self.result_value = result
        self.accept()


class ReplaceCardDialog(_KeyboardForm):
    """补卡: the old card is blacklisted, the blank card in the reader becomes the account's
    card with its purchase count. A customer-caused replacement costs the card fee, which a
    team leader may waive."""

    def __init__(
        self, session: DeskSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("补卡"), parent)
        self.account_no = account_no
        self.reason = QComboBox()
        for code, (label, _fee) in REPLACEMENT_REASONS.items():
            self.reason.addItem(self.tr(label), code)
        self.note = QLineEdit()
        self.new_serial = QLineEdit()
        self.new_serial.setPlaceholderText(self.tr("新卡卡面印刷的卡号"))
        self.tendered = money_edit(self.tr("工本费，收现金时填写"))
        self.waive = QCheckBox(self.tr("免收工本费（须班长审批）"))
        self.approvals = ApprovalsWidget(session.ctx, self, volume_rule=False)
        self.approvals.set_slots(ApprovalSlots((self.tr("班长/部门经理"),), True))
        self.approvals.setVisible(False)
        self.waive.toggled.connect(self.approvals.setVisible)
        self.form.addRow(self.tr("户号"), QLabel(account_no or self.tr("（未选定用户）")))
        self.form.addRow(self.tr("补卡原因"), self.reason)
        self.form.addRow(self.tr("备注"), self.note)
        self.form.addRow(self.tr("新卡号"), self.new_serial)
        self.form.addRow(self.tr("实收现金（元）"), self.tendered)
        self.form.addRow("", self.waive)
        self.form.addRow(self.tr("审批"), self.approvals)
        self.info.setText(
            self.tr("请将空白卡放入读卡器。客户遗失或损坏收取工本费，卡片质量问题免费。")
        )
        self.reason.setFocus()

    def work(self) -> Callable[[], Any]:
        account_no = _require_account(self.account_no)
        counter = _card_counter(self.session)
        actor = self.session.actor
        ctx = self.session.ctx
        request = ReplaceCardRequest(
            request_id=self.request_id,
            account_no=account_no,
            new_card_serial=self.new_serial.text(),
            reason_code=self.reason.currentData(),
            note=self.note.text(),
            cash_tendered_fen=read_money(self.tendered, self.tr("实收金额"), required=False),
            waive_fee=self.waive.isChecked(),
        )
        entries = self.approvals.entries() if self.waive.isChecked() else None

        def job() -> SaleResult:
            approvals = entries.resolve(ctx) if entries is not None else ()
            return counter.replace(actor, dataclasses.replace(request, approvals=approvals))

        return job


class TransferDialog(_KeyboardForm):
    """过户: the new owner takes over the account from the meter reading taken on site;
    optionally a new card (the blank card in the reader) while the old one is blacklisted."""

    def __init__(
        self, session: DeskSession, account_no: str | None = None, parent: QWidget | None = None
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
        self.info.setText(self.tr("请核验新户主身份证件和房屋合同，并现场抄表、安全检查。"))
        self.owner.kind.setFocus()

    def work(self) -> Callable[[], Any]:
        account_no = _require_account(self.account_no)
        actor = self.session.actor
        ctx = self.session.ctx
        new_serial = self.new_serial.text().strip() or None
        counter = _card_counter(self.session) if new_serial else None
        request = TransferRequest(
            request_id=self.request_id,
            account_no=account_no,
            new_owner=self.owner.value(),
            contract=self.contract.value(),
            meter_reading=read_volume(self.meter_reading, self.tr("过户表读数")),
            new_card_serial=new_serial,
        )

        def job() -> SaleResult:
            result = transfer(ctx, actor, request)  # a retry returns the recorded transfer
            if counter is not None:
                counter.issue(actor, account_no)  # safe to repeat after a failed write
            return result

        return job


class CloseAccountDialog(_KeyboardForm):
    """销户 from the final meter reading: unused gas is refunded, gas used beyond what was
    bought is charged. After closing, the dialog shows what to pay out or take in; Enter then
    finishes (the receipt is printed by the counter window)."""

    def __init__(
        self, session: DeskSession, account_no: str | None = None, parent: QWidget | None = None
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
        self.settlement = QLabel()
        self.settlement.setObjectName("settlement")
        self.settlement.setStyleSheet("font-size: 16pt; font-weight: bold")
        self.layout().insertWidget(self.layout().indexOf(self.info) + 1, self.settlement)
        self.info.setText(self.tr("客户带卡时请将卡放入读卡器（卡内未插表的气量须先退气或插表）。"))
        self.final_reading.setFocus()

    def submit(self) -> None:
        if self.result_value is not None:  # closed: Enter finishes
            self.accept()
            return
        super().submit()

    def reject(self) -> None:
        if self.result_value is not None:  # the account is closed: never leave as cancelled
            self.accept()
            return
        super().reject()

    def work(self) -> Callable[[], Any]:
        account_no = _require_account(self.account_no)
        actor = self.session.actor
        ctx = self.session.ctx
        counter = self.session.card_counter
        request = CloseAccountRequest(
            request_id=self.request_id,
            account_no=account_no,
            final_reading=read_volume(self.final_reading, self.tr("终止表读数")),
            reason=self.reason.text(),
            cash_tendered_fen=read_money(self.tendered, self.tr("实收金额"), required=False),
        )

        def job() -> SaleResult:
            card = None
            if counter is not None:
                try:
                    at_counter = counter.read(actor)
                except GasDeskError as error:
                    if error.code != "no_card":
                        raise
                else:
                    settled = at_counter.settlement
                    if settled is not None:  # an interrupted write was settled: clerk first
                        raise (SaleVoided if settled.outcome == "voided" else EarlierSaleCompleted)(
                            settled
                        )
                    image = at_counter.image
                    if image is not None and image.account_no == account_no:
                        card = reading_of(image)
            return close_account(ctx, actor, dataclasses.replace(request, card=card))

        return job

    def done_ok(self, result: SaleResult) -> None:
        self.result_value = result
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            if item is not None and item.widget() is not None:
                item.widget().setEnabled(False)
        amount = result.amount_fen
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
        self.settlement.setText(text)
        self.info.setText(self.tr("按 Enter 完成并打印凭证"))
        ok = self.buttons.button(self.buttons.StandardButton.Ok)
        ok.setText(self.tr("完成 (Enter)"))
        ok.setFocus()


class ReprintDialog(OperationDialog):
    """重印: a copy of a receipt, marked 重印 with its number, by receipt number or the last
    transaction of the loaded account.

    It prints itself: ``result_value`` is the ``PrintOutcome`` (no ``transaction_id``), so the
    counter window must not print it again.
    """

    def __init__(
        self, session: DeskSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("重印凭证"), parent)
        self.account_no = account_no
        self.receipt_no = QLineEdit()
        if account_no:
            self.receipt_no.setPlaceholderText(self.tr("留空则重印本户最近一笔业务"))
        self.form.addRow(self.tr("凭证号"), self.receipt_no)
        self.receipt_no.setFocus()

    def work(self) -> Callable[[], Any]:
        printer = self.session.devices.printer
        if printer is None:
            raise RuleViolation(self.tr("本柜台未配置打印机"), "no printer")
        number = self.receipt_no.text().strip()
        if not number and not self.account_no:
            raise InvalidInput(self.tr("请输入凭证号"), "receipt number empty")
        ctx = self.session.ctx
        actor = self.session.actor
        account_no = self.account_no
        no_history = self.tr("该户还没有可重印的业务")

        def job():  # type: ignore[no-untyped-def]
            receipt = number
            if not receipt:
                recent = history(ctx, actor, account_no, limit=1)
                if not recent:
                    raise InvalidInput(no_history, f"{account_no}: no history")
                receipt = recent[0].receipt_no
            transaction_id_by_receipt(ctx, receipt)  # 没有这张凭证 before a print job is made
            return reprint(ctx, actor, printer, receipt)

        return job

    def done_ok(self, result: Any) -> None:
        self.result_value = result
        self.accept()
