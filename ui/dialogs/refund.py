"""退气 (F4) and 补气 (F5): both on the card in the reader, both approved at the counter.

The dialog reads the card when it opens (in the background), shows whose it is and what is on
it, and asks the service which approvers the volume needs. The approvers type their own user
name and password; the service checks them when the operation runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from app.counter import CardAtCounter, CounterSession, Outcome, RefundQuote, SaleResult
from app.domain.money import format_money, format_volume
from app.errors import GasDeskError, RuleViolation
from ui.base import OperationDialog, read_volume, volume_edit
from ui.dialogs.approvals import ApprovalsWidget
from ui.worker import run_in_background


class _CardApprovalDialog(OperationDialog):
    """Shared by refund and supplement: the card shown on top, approvals at the bottom."""

    def __init__(self, session: CounterSession, title: str, parent: QWidget | None = None):
        super().__init__(session, title, parent)
        self.card: CardAtCounter | None = None
        self.card_label = QLabel(self.tr("正在读卡…"))
        self.card_label.setObjectName("card")
        self.card_label.setWordWrap(True)
        self.read_button = QPushButton(self.tr("重新读卡"))
        self.read_button.setAutoDefault(False)
        self.read_button.clicked.connect(self.read_card)
        self.layout().insertWidget(1 if session.training else 0, self.card_label)
        self.layout().insertWidget(2 if session.training else 1, self.read_button)
        self.approvals = ApprovalsWidget(session, self)

    def read_card(self) -> None:
        """Read the inserted card off the GUI thread (settles any interrupted write)."""
        self.card = None
        self.card_label.setText(self.tr("正在读卡…"))
        run_in_background(
            self.session.start_on_card, self._card_read, self._read_failed, parent=self
        )

    def _read_failed(self, error: Exception) -> None:
        self.card_label.setText(self.tr("未读到卡"))
        self.show_error(error)

    def _card_read(self, card: CardAtCounter) -> None:
        self.card = card
        self.report_settlement(card.settlement)
        if card.image is None or card.account is None:
            self.card_label.setText(self.tr("读卡器中是空白卡"))
            return
        s = card.account.summary
        self.show_customer(s, card.image.serial)
        pending = card.image.pending_volume
        self.card_label.setText(
            self.tr("户号 {0}　{1}　卡号 {2}　购气次数 {3}　未插表气量 {4} 立方米").format(
                s.account_no,
                s.customer_name,
                card.image.serial,
                card.image.purchase_count,
                format_volume(pending),
            )
        )
        self.card_was_read(card)

    def card_was_read(self, card: CardAtCounter) -> None:
        """Hook: what the subclass does with the card it read."""

    def set_working(self, working: bool) -> None:
        super().set_working(working)
        self.read_button.setEnabled(not working and not self.completed)  # one card at a time

    def done_ok(self, result: Outcome[SaleResult]) -> None:
        """The done screen: what was taken back or put on the card, in large type."""
        self.keep(result)
        sale = result.result
        self.show_due(sale.amount_fen)
        self.read_button.setEnabled(False)
        self.approvals.setEnabled(False)
        self.show_completed(self.done_text(sale))

    def done_text(self, sale: SaleResult) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class RefundDialog(_CardApprovalDialog):
    """退气: give back the last purchase while it is still on the card (not loaded)."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("退气"), parent)
        self.account_no = account_no
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：客户购错气量"))
        self.form.addRow(self.tr("退气原因"), self.reason)
        self.form.addRow(self.tr("审批"), self.approvals)
        self.info.setText(self.tr("只能退最后一次购气，且该笔气量尚未插表"))
        self.reason.setFocus()
        self.read_card()

    def card_was_read(self, card: CardAtCounter) -> None:
        pending = card.image.pending_volume if card.image else 0
        if pending > 0:
            self.approvals.set_volume(pending)
            session = self.session
            run_in_background(
                lambda: session.refund_quote(card), self._quoted, self.show_error, parent=self
            )
        else:
            self.show_error(
                RuleViolation(
                    self.tr("卡内没有未插表的气量，不能退气"), "nothing unloaded on the card"
                )
            )

    def _quoted(self, quote: RefundQuote) -> None:
        """应退, before the approvers sign: the customer hears the figure first."""
        self.show_due(-quote.amount_fen)
        self.info.setText(
            self.tr("退回 {volume} 立方米，按原付款方式（{method}）退款").format(
                volume=format_volume(quote.volume), method=self.tr(quote.payment_method.label)
            )
        )

    def done_text(self, sale: SaleResult) -> str:
        return self.tr(
            "退气完成　凭证号 {receipt}\n退回 {volume} 立方米，请退还客户 {amount} 元"
        ).format(
            receipt=sale.receipt_no,
            volume=format_volume(-sale.volume),
            amount=format_money(-sale.amount_fen),
        )

    def work(self) -> Callable[[], Any]:
        session, request_id = self.session, self.request_id
        reason = self.reason.text()  # the service names a missing reason
        approvals = self.approvals.entries()
        return lambda: session.refund(request_id, reason, approvals)


class SupplementDialog(_CardApprovalDialog):
    """补气: gas put on the card free of charge, with the approvals its volume needs."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("补气"), parent)
        self.account_no = account_no
        self.volume = volume_edit()
        self.volume.textChanged.connect(self._volume_changed)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：表具故障少计气量"))
        self.form.addRow(self.tr("补气量（立方米）"), self.volume)
        self.form.addRow(self.tr("补气原因"), self.reason)
        self.form.addRow(self.tr("审批"), self.approvals)
        self.volume.setFocus()
        self.read_card()

    def _volume_changed(self) -> None:
        try:
            volume = read_volume(self.volume, self.tr("补气量"), required=False)
        except GasDeskError:
            return
        if volume:
            self.approvals.set_volume(volume)

    def done_text(self, sale: SaleResult) -> str:
        return self.tr("补气完成　凭证号 {receipt}\n补气 {volume} 立方米（免费）").format(
            receipt=sale.receipt_no, volume=format_volume(sale.volume)
        )

    def work(self) -> Callable[[], Any]:
        session, request_id = self.session, self.request_id
        volume = read_volume(self.volume, self.tr("补气量"))
        reason = self.reason.text()
        approvals = self.approvals.entries()
        return lambda: session.supplement(request_id, volume, reason, approvals)
