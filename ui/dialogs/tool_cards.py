"""卡片 → 制作工具卡 and 工具卡回读: tool cards (工具卡) for a technician and a meter.

制作工具卡: the kinds the card in the reader can become (asked of its driver in the background
when the dialog opens), the meter (the loaded account's, when one is loaded), the technician and
the reason; a set-up card also its alarm level and recharge ceiling. Enter moves through the
fields and confirms in the last one; the card is written and the issue recorded off the GUI
thread (``CounterSession.make_tool_card``).

工具卡回读: Enter reads the tool card in the reader and records its return; the dialog shows
what it brought back from the meter (remaining gas, cumulative use, faults).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app.counter import CounterSession, Outcome
from app.counter.tools import ToolCardMade, ToolCardView
from app.domain.money import format_volume
from app.domain.toolcards import status_text
from app.errors import InvalidInput
from app.vocabulary import ToolCardKind
from ui.base import OperationDialog, read_volume, volume_edit
from ui.i18n import vocabulary_text
from ui.worker import run_in_background


def state_lines(dialog: QWidget, view: ToolCardView) -> str:
    """What a returned tool card brought back, one line each (Chinese, translated)."""
    tr = dialog.tr
    head = tr("{kind} {serial}（表号 {meter}，维修人员 {technician}）").format(
        kind=vocabulary_text(view.kind),
        serial=view.serial,
        meter=view.meter_no,
        technician=view.technician,
    )
    state = view.state
    if state is None:
        return head + "\n" + tr("未插表使用，已登记归还")
    lines = [head]
    if state.remaining_volume is not None:
        lines.append(tr("表内剩余气量：{0} 立方米").format(format_volume(state.remaining_volume)))
    if state.cumulative_volume is not None:
        lines.append(tr("累计用气量：{0} 立方米").format(format_volume(state.cumulative_volume)))
    if state.meter_status is not None:
        lines.append(tr("表具状态：{0}").format(status_text(state.meter_status)))
    if state.loaded_count is not None:
        lines.append(tr("表内购气次数：{0}").format(state.loaded_count))
    return "\n".join(lines)


class MakeToolCardDialog(OperationDialog):
    """制作工具卡 on the blank card in the reader."""

    def __init__(
        self, session: CounterSession, account_no: str | None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("制作工具卡"), parent)
        self.kind = QComboBox()
        self.kind.setObjectName("tool-kind")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.meter = QLineEdit()
        self.meter.setObjectName("tool-meter")
        self.technician = QLineEdit()
        self.technician.setObjectName("tool-technician")
        self.reason = QLineEdit()
        self.reason.setObjectName("tool-reason")
        self.alarm = volume_edit()
        self.alarm.setObjectName("tool-alarm")
        self.ceiling = volume_edit()
        self.ceiling.setObjectName("tool-ceiling")
        self.form.addRow(self.tr("工具卡类型"), self.kind)
        self.form.addRow(self.tr("表号"), self.meter)
        self.form.addRow(self.tr("维修人员"), self.technician)
        self.form.addRow(self.tr("制卡原因"), self.reason)
        self.form.addRow(self.tr("报警气量（立方米，设置卡）"), self.alarm)
        self.form.addRow(self.tr("充值上限（立方米，设置卡）"), self.ceiling)
        self.info.setText(self.tr("请在读卡器中放入一张空白卡"))
        self._kind_changed()
        if account_no is not None:
            self._fill_meter(account_no)
        self.load_kinds()
        self.meter.setFocus()

    def load_kinds(self) -> None:
        """The kinds the card in the reader can become, asked of its driver off the GUI thread."""
        run_in_background(
            self.session.tool_card_kinds, self.show_kinds, self.show_error, parent=self
        )

    def show_kinds(self, kinds: tuple[ToolCardKind, ...]) -> None:
        self.kind.clear()
        for kind in kinds:
            self.kind.addItem(vocabulary_text(kind), kind.value)
        if not kinds:
            self.error.setText(
                self.tr("读卡器中的卡不能制作工具卡（厂家卡请用厂家的工具卡软件制作后插入登记）")
            )
        self._kind_changed()

    def _fill_meter(self, account_no: str) -> None:
        session = self.session
        run_in_background(
            lambda: session.account(account_no).summary.meter_no,
            lambda meter_no: self.meter.setText(meter_no or "") if not self.meter.text() else None,
            self.show_error,
            parent=self,
        )

    def _kind_changed(self) -> None:
        setup = self.kind.currentData() == ToolCardKind.SETUP.value
        self.alarm.setEnabled(setup)
        self.ceiling.setEnabled(setup)

    def work(self) -> Any:
        value = self.kind.currentData()
        if value is None:
            raise InvalidInput(self.tr("请选择工具卡类型"), "no kind")
        kind = ToolCardKind(value)
        parameters: dict[str, int] = {}
        if kind is ToolCardKind.SETUP:
            parameters = {
                "alarm_level": read_volume(self.alarm, self.tr("报警气量")) or 0,
                "recharge_ceiling": read_volume(self.ceiling, self.tr("充值上限")) or 0,
            }
        session, request_id = self.session, self.request_id
        meter, technician, reason = self.meter.text(), self.technician.text(), self.reason.text()
        return lambda: session.make_tool_card(
            request_id, kind, meter, technician, reason, parameters
        )

    def done_ok(self, result: Outcome[ToolCardMade]) -> None:
        self.keep(result)
        issued = result.result.issued
        how = self.tr("已写卡") if result.result.written else self.tr("卡已制作（本次只登记）")
        self.show_completed(
            self.tr(
                "{kind} {serial} {how}，已登记发放给 {technician}（表号 {meter}，户号 {account}）"
            ).format(
                kind=vocabulary_text(issued.kind),
                serial=issued.serial,
                how=how,
                technician=issued.technician,
                meter=issued.meter_no,
                account=issued.account_no or "",
            )
        )


class ReadToolCardDialog(OperationDialog):
    """工具卡回读: the returned tool card in the reader, and what it brought back."""

    def __init__(
        self, session: CounterSession, account_no: str | None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("工具卡回读"), parent)
        self.state = QLabel()
        self.state.setObjectName("tool-state")
        self.state.setWordWrap(True)
        self.form.addRow(self.state)
        self.info.setText(self.tr("请将技术员带回的工具卡放入读卡器，按 Enter 读卡登记归还"))

    def work(self) -> Any:
        return self.session.read_tool_card

    def done_ok(self, result: Outcome[ToolCardView]) -> None:
        self.keep(result)
        self.state.setText(state_lines(self, result.result))
        self.show_completed(self.tr("工具卡已登记归还"))
