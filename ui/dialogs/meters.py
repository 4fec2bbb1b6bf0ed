"""换表 (meter replacement) and 写换表补气 (a carry-over instalment) at the counter.

The replacement dialog takes the old meter's final reading and the technician, the new meter
and the blank card in the reader, whether the customer is at fault, and the approvers the
carry-over needs; the quote (used, bought, carry-over, overdrawn gas, fees, amount) is asked
from the counter whenever the reading or the fault changes. The instalment dialog writes part
of the remaining carry-over onto the card in the reader. Each dialog makes one counter call
per operation, in the background; every rule is the services'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QWidget

from app.counter import (
    ApprovalSlots,
    CounterSession,
    MeterReplacedOnCard,
    Outcome,
    ReplacementFigures,
    ReplaceMeterRequest,
    SaleOnCard,
)
from app.domain.money import format_money, format_volume
from app.errors import field_of
from app.vocabulary import CustomerKind
from ui.base import money_edit, read_money, read_volume, volume_edit
from ui.dialogs.accounts import _KeyboardForm, _require_account
from ui.dialogs.approvals import ApprovalsWidget
from ui.worker import run_in_background


class MeterReplacementDialog(_KeyboardForm):
    """换表: settle the old meter from its final reading, bind the new one, issue the blank
    card in the reader as its card and write the carry-over (all now, part, or none)."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("换表"), parent)
        self.account_no = account_no
        self.figures: ReplacementFigures | None = None
        self._asked = 0
        self.final_reading = volume_edit()
        self.technician = QLineEdit()
        self.technician.setPlaceholderText(self.tr("现场拆装表的施工人员"))
        self.new_meter_no = QLineEdit()
        self.new_meter_model = QLineEdit()
        self.new_rated_flow = volume_edit(self.tr("留空：与旧表相同"))
        self.new_initial = volume_edit()
        self.new_serial = QLineEdit()
        self.new_serial.setPlaceholderText(self.tr("新卡卡面印刷的卡号"))
        self.carry_now = volume_edit(self.tr("留空：以后再写"))
        self.tendered = money_edit(self.tr("收现金时填写"))
        self.at_fault = QCheckBox(self.tr("客户责任（收取表费和卡费）"))
        self.reuse_card = QCheckBox(self.tr("原卡重新初始化（仅厂家卡，原卡须在读卡器中）"))
        self.quote = QLabel()
        self.quote.setObjectName("replacement-quote")
        self.quote.setWordWrap(True)
        self.approvals = ApprovalsWidget(session, self, volume_rule=False)
        self.approvals.set_slots(ApprovalSlots((), False))
        self.form.addRow(self.tr("户号"), QLabel(account_no or self.tr("（未选定用户）")))
        self.form.addRow(self.tr("旧表止码（立方米）"), self.final_reading)
        self.form.addRow(self.tr("施工人员"), self.technician)
        self.form.addRow(self.tr("新表号"), self.new_meter_no)
        self.form.addRow(self.tr("新表型号"), self.new_meter_model)
        self.form.addRow(self.tr("新表额定流量（立方米/小时）"), self.new_rated_flow)
        self.form.setRowVisible(self.new_rated_flow, False)  # a commercial meter's, once quoted
        self.form.addRow(self.tr("新表底数（立方米）"), self.new_initial)
        self.form.addRow(self.tr("新卡号"), self.new_serial)
        self.form.addRow(self.tr("本次写入补气量（立方米）"), self.carry_now)
        self.form.addRow(self.tr("实收现金（元）"), self.tendered)
        self.form.addRow("", self.at_fault)
        self.form.addRow("", self.reuse_card)
        self.form.addRow(self.tr("结算"), self.quote)
        self.form.addRow(self.tr("审批"), self.approvals)
        self.form.setRowVisible(self.approvals, False)  # until the carry-over needs approvers
        self.field_widgets = {
            "final_reading": self.final_reading,
            "technician": self.technician,
            "new_meter_no": self.new_meter_no,
            "new_initial_reading": self.new_initial,
            "new_rated_flow": self.new_rated_flow,
            "new_card_serial": self.new_serial,
            "volume": self.carry_now,
            "cash_tendered_fen": self.tendered,
        }
        self.info.setText(
            self.tr("请将空白卡放入读卡器。非客户责任换表免收表费和卡费；补气可分次写入。")
        )
        self.final_reading.textChanged.connect(self.ask_quote)
        self.at_fault.toggled.connect(self.ask_quote)
        self.final_reading.setFocus()

    def ask_quote(self) -> None:
        """The settlement at the reading typed so far, and the approvers its carry-over needs."""
        self._asked += 1
        asked = self._asked
        self.figures = None
        if not self.final_reading.text().strip() or self.account_no is None:
            self.quote.setText("")
            return
        try:
            reading = read_volume(self.final_reading, self.tr("旧表止码"))
        except Exception:  # half-typed: the quote waits for a number
            return
        session, account_no, fault = self.session, self.account_no, self.at_fault.isChecked()

        def look() -> tuple[ReplacementFigures, ApprovalSlots]:
            figures = session.replacement_quote(account_no, reading, fault)
            slots = session.replacement_approval_slots(
                figures.carry_over_volume, figures.customer_kind
            )
            return figures, slots

        run_in_background(
            look,
            lambda answer: self._quoted(asked, *answer),
            lambda error: self._quote_failed(asked, error),
            parent=self,
        )

    def _quoted(self, asked: int, figures: ReplacementFigures, slots: ApprovalSlots) -> None:
        if asked != self._asked or self.completed:  # a later reading asked again
            return
        self.figures = figures
        self.approvals.set_slots(slots)
        self.form.setRowVisible(self.approvals, bool(slots.labels))
        commercial = figures.customer_kind == CustomerKind.COMMERCIAL
        self.form.setRowVisible(self.new_rated_flow, commercial)
        self.quote.setText(self.quote_text(figures))
        self.show_due(figures.amount_fen)
        self.error.clear()

    def _quote_failed(self, asked: int, error: Exception) -> None:
        if asked == self._asked and not self.completed:
            self.quote.setText("")
            self.show_error(error)

    def quote_text(self, f: ReplacementFigures) -> str:
        lines = [
            self.tr("旧表用气 {0} 立方米，购气 {1} 立方米").format(
                format_volume(f.used_volume), format_volume(f.bought_volume)
            ),
            self.tr("换表补气 {0} 立方米，超用气 {1} 立方米（{2} 元）").format(
                format_volume(f.carry_over_volume),
                format_volume(f.overdrawn_volume),
                format_money(f.overdrawn_fen),
            ),
            self.tr("表费 {0} 元，卡费 {1} 元，合计应收 {2} 元").format(
                format_money(f.meter_fee_fen),
                format_money(f.card_fee_fen),
                format_money(f.amount_fen),
            ),
        ]
        if f.moved_out_volume is not None:
            lines.append(
                self.tr("转移卡带出表内余气 {0} 立方米（请与换表补气核对）").format(
                    format_volume(f.moved_out_volume)
                )
            )
        if f.customer_kind == CustomerKind.COMMERCIAL:
            lines.append(self.tr("工商业户"))
        return "\n".join(lines)

    def work(self) -> Callable[[], Any]:
        account_no = _require_account(self.account_no)
        session = self.session
        with field_of("final_reading"):
            final_reading = read_volume(self.final_reading, self.tr("旧表止码"))
        with field_of("new_initial_reading"):
            initial = read_volume(self.new_initial, self.tr("新表底数"), required=False) or 0
        with field_of("volume"):
            carry_now = read_volume(self.carry_now, self.tr("本次写入补气量"), required=False)
        rated_flow = None
        if self.form.isRowVisible(self.new_rated_flow):
            with field_of("new_rated_flow"):
                rated_flow = read_volume(
                    self.new_rated_flow, self.tr("新表额定流量"), required=False
                )
        with field_of("cash_tendered_fen"):
            tendered = read_money(self.tendered, self.tr("实收金额"), required=False)
        request = ReplaceMeterRequest(
            request_id=self.request_id,
            account_no=account_no,
            final_reading=final_reading,
            technician=self.technician.text(),
            new_meter_no=self.new_meter_no.text(),
            new_card_serial=self.new_serial.text(),
            new_meter_model=self.new_meter_model.text(),
            new_initial_reading=initial,
            customer_at_fault=self.at_fault.isChecked(),
            cash_tendered_fen=tendered,
            new_rated_flow=rated_flow,
        )
        approvals, reuse = self.approvals.entries(), self.reuse_card.isChecked()
        return lambda: session.replace_meter(request, approvals, carry_now or 0, reuse)

    def done_ok(self, outcome: Outcome[MeterReplacedOnCard]) -> None:
        self.keep(outcome)
        self._asked += 1  # a quote still running no longer matters
        done = outcome.result
        figures = done.replaced.figures
        self.show_due(figures.amount_fen)
        written = done.carry_over.sale.volume if done.carry_over else 0
        self.show_completed(
            self.tr(
                "换表完成：新表 {0}，新卡 {1} 已写入；本次写入补气 {2} 立方米，"
                "剩余补气 {3} 立方米。凭证正在打印，按 Enter 完成"
            ).format(
                done.replaced.new_meter_no,
                done.replaced.new_card_serial,
                format_volume(written),
                format_volume(done.carry_over_remaining),
            )
        )


class CarryOverDialog(_KeyboardForm):
    """写换表补气: part (or all) of the account's remaining carry-over onto the card in the
    reader; what remains is shown before and after."""

    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("写换表补气"), parent)
        self.account_no = account_no
        self.remaining: int | None = None
        self.remaining_label = QLabel()
        self.remaining_label.setObjectName("carry-over-remaining")
        self.volume = volume_edit()
        self.form.addRow(self.tr("户号"), QLabel(account_no or self.tr("（未选定用户）")))
        self.form.addRow(self.tr("剩余补气量（立方米）"), self.remaining_label)
        self.form.addRow(self.tr("本次补气量（立方米）"), self.volume)
        self.field_widgets = {"volume": self.volume}
        self.info.setText(self.tr("请将该户的燃气卡放入读卡器（上次写入的气量须已插表）。"))
        self.volume.setFocus()
        if account_no is not None:
            run_in_background(
                lambda: session.carry_over_remaining(account_no),
                self._remaining_known,
                self.show_error,
                parent=self,
            )

    def _remaining_known(self, remaining: int) -> None:
        self.remaining = remaining
        self.remaining_label.setText(format_volume(remaining))
        if not self.volume.text():
            self.volume.setText(format_volume(remaining))  # all of it unless the clerk types less
            self.volume.selectAll()

    def work(self) -> Callable[[], Any]:
        _require_account(self.account_no)
        session, request_id = self.session, self.request_id
        with field_of("volume"):
            volume = read_volume(self.volume, self.tr("本次补气量"))
        return lambda: session.write_carry_over(request_id, volume)

    def done_ok(self, outcome: Outcome[SaleOnCard]) -> None:
        self.keep(outcome)
        sale = outcome.result.sale
        left = (self.remaining or 0) - sale.volume
        self.remaining_label.setText(format_volume(left))
        self.show_completed(
            self.tr(
                "已写入换表补气 {0} 立方米（第 {1} 次购气），剩余 {2} 立方米。"
                "凭证正在打印，按 Enter 完成"
            ).format(format_volume(sale.volume), sale.purchase_count, format_volume(left))
        )
