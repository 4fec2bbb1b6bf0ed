"""旧卡接管: an old system's card whose count or gas differs from what the import recorded (or
whose number was not on record) is taken over with a team leader's login and a reason. Shows
both figures; one call (``CounterSession.take_over_card``), on the card in the reader.

Opened by the counter window when a card read says ``TakeoverNeeded``; a card whose figures
match was taken over by the read itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.counter import CounterSession, Outcome, TakeoverResult
from app.domain.takeover import TakeoverFigures
from app.errors import InvalidInput
from ui.base import OperationDialog

RED = "color: #b00020; font-weight: bold"


class TakeoverDialog(OperationDialog):
    def __init__(
        self,
        session: CounterSession,
        figures: TakeoverFigures,
        parent: QWidget | None = None,
    ):
        super().__init__(session, self.tr("旧系统卡接管"), parent)
        self.figures = figures
        self.setMinimumWidth(520)
        self.comparison = QLabel(
            self.tr("户号 {account}　卡号 {serial}\n{said}").format(
                account=figures.account_no, serial=figures.serial, said=figures.refusal()
            )
        )
        self.comparison.setObjectName("comparison")
        self.comparison.setWordWrap(True)
        self.comparison.setStyleSheet(RED)
        self.layout().insertWidget(1 if session.training else 0, self.comparison)
        self.leader = QLineEdit()
        self.leader.setObjectName("leader")
        self.password = QLineEdit()
        self.password.setObjectName("leader-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(200)
        self.form.addRow(self.tr("核准班长用户名"), self.leader)
        self.form.addRow(self.tr("班长密码"), self.password)
        self.form.addRow(self.tr("接管原因"), self.reason)
        self.info.setText(self.tr("核准后按卡内购气次数继续售气（户内购气次数随卡更正）"))
        self.leader.setFocus()

    def work(self) -> Callable[[], Any]:
        leader = self.leader.text().strip()
        if not leader:
            raise InvalidInput(
                self.tr("请班长输入用户名和密码核准"), "no team leader", field="leader"
            )
        reason = self.reason.text().strip()
        if not reason:
            raise InvalidInput(self.tr("请填写接管原因"), "no reason", field="reason")
        session, request_id, password = self.session, self.request_id, self.password.text()
        return lambda: session.take_over_card(request_id, leader, password, reason)

    def done_ok(self, result: Outcome[TakeoverResult]) -> None:
        self.keep(result)
        done = result.result
        text = self.tr("已接管　卡号 {serial}　购气次数 {count}　核准：{leader}").format(
            serial=done.card_serial, count=done.purchase_count, leader=done.approver_name or ""
        )
        if done.corrected_from:
            text += self.tr("\n卡号已更正（原登记 {old}）").format(old=done.corrected_from)
        self.comparison.setStyleSheet("")
        self.show_completed(text + self.tr("\n按 Enter 完成"))
