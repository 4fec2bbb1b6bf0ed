"""撤销: undo a card replacement or a meter replacement (not yet written) of this shift.

The clerk types the receipt number; the dialog shows what the reversal pays back and whether
the old card may be used again, then one call reverses it with a team leader's approval.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from app.counter import ApprovalSlots, CounterSession, Outcome, ReversalQuote, SaleResult
from app.domain.money import format_money
from app.vocabulary import TransactionKind
from ui.base import OperationDialog
from ui.dialogs.approvals import ApprovalsWidget
from ui.i18n import vocabulary_text
from ui.worker import run_in_background


class ReversalDialog(OperationDialog):
    """撤销业务: receipt number, reason, old card in hand, the team leader's approval."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("撤销业务"), parent)
        self.account_no = account_no
        self.quote: ReversalQuote | None = None
        self.receipt_no = QLineEdit()
        self.receipt_no.setPlaceholderText(self.tr("要撤销业务的凭证号"))
        self.receipt_no.editingFinished.connect(self.ask_quote)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("如：补卡原因选错"))
        self.old_card = QCheckBox(self.tr("原卡在手，恢复原卡使用（请将原卡放入读卡器）"))
        self.old_card.setEnabled(False)
        self.approvals = ApprovalsWidget(session, self, volume_rule=False)
        self.approvals.set_slots(ApprovalSlots((self.tr("班长/部门经理"),), True))
        self.form.addRow(self.tr("凭证号"), self.receipt_no)
        self.form.addRow(self.tr("撤销原因"), self.reason)
        self.form.addRow("", self.old_card)
        self.form.addRow(self.tr("审批"), self.approvals)
        self.field_widgets = {"receipt_no": self.receipt_no, "reason": self.reason}
        self.info.setText(self.tr("只能撤销本班次内的补卡、换表（尚未写卡）；购气请用退气或作废"))
        self.receipt_no.setFocus()

    def ask_quote(self) -> None:
        """What the reversal would do, asked in the background as soon as the number is in."""
        number = self.receipt_no.text().strip()
        if not number or self.completed:
            return
        session = self.session
        run_in_background(
            lambda: session.reversal_quote(number), self._quoted, self._not_quoted, parent=self
        )

    def _quoted(self, quote: ReversalQuote) -> None:
        self.quote = quote
        self.approvals.set_slots(quote.approvals)
        self.show_due(-quote.amount_fen)
        self.old_card.setEnabled(quote.old_card_restorable)
        if not quote.old_card_restorable:
            self.old_card.setChecked(False)
        if quote.kind == TransactionKind.METER_REPLACEMENT:
            card = (
                self.tr("请将原卡（卡号 {0}）放入读卡器").format(quote.old_card_serial)
                if quote.old_card_restorable
                else self.tr("原卡已不能恢复使用，不能撤销")
            )
            self.info.setText(
                self.tr("换表　户号 {account}　退还 {amount} 元，恢复原表和原卡；{card}").format(
                    account=quote.account_no, amount=format_money(quote.amount_fen), card=card
                )
            )
            return
        card = (
            self.tr("原卡 {0}").format(quote.old_card_serial)
            if quote.old_card_serial
            else self.tr("无原卡")
        )
        restorable = self.tr("可恢复使用") if quote.old_card_restorable else self.tr("不能恢复使用")
        self.info.setText(
            self.tr("{kind}　户号 {account}　退还 {amount} 元　{card}（{restorable}）").format(
                kind=vocabulary_text(TransactionKind(quote.kind)),
                account=quote.account_no,
                amount=format_money(quote.amount_fen),
                card=card,
                restorable=restorable,
            )
        )

    def _not_quoted(self, error: Exception) -> None:
        self.quote = None
        self.old_card.setEnabled(False)
        self.old_card.setChecked(False)
        self.show_error(error)

    def work(self) -> Callable[[], Any]:
        session, request_id = self.session, self.request_id
        number, reason = self.receipt_no.text(), self.reason.text()
        approvals = self.approvals.entries()
        in_hand = self.old_card.isChecked()
        return lambda: session.reverse(
            request_id, number, reason, approvals, old_card_in_hand=in_hand
        )

    def done_ok(self, result: Outcome[SaleResult]) -> None:
        self.keep(result)
        sale = result.result
        self.show_due(sale.amount_fen)
        self.approvals.setEnabled(False)
        self.show_completed(
            self.tr("撤销完成　凭证号 {receipt}\n请退还客户 {amount} 元").format(
                receipt=sale.receipt_no, amount=format_money(result.cash_back_fen)
            )
        )
