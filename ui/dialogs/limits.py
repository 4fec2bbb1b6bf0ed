"""本户限购: give an account its own purchase limit (replacing its class's) or take it back to
the class limit, with a reason; team leaders, managers and administrators (the service
decides). Shows the account's limit and inspection state when it opens; one call to save
(``CounterSession.set_account_limit``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.counter import AccountLimits, CounterSession
from app.domain.money import format_volume
from app.errors import InvalidInput
from ui.base import OperationDialog, read_volume, volume_edit
from ui.worker import run_in_background


class AccountLimitDialog(OperationDialog):
    def __init__(
        self, session: CounterSession, account_no: str | None = None, parent: QWidget | None = None
    ):
        super().__init__(session, self.tr("本户限购"), parent)
        self.account = QLineEdit(account_no or "")
        self.account.setObjectName("account")
        self.volume = volume_edit(self.tr("留空：恢复按类别限购"))
        self.volume.setObjectName("volume")
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setMaxLength(200)
        self.form.addRow(self.tr("户号"), self.account)
        self.form.addRow(self.tr("本户限购气量 (m³/周期)"), self.volume)
        self.form.addRow(self.tr("原因"), self.reason)
        self.state = QLabel()
        self.state.setObjectName("state")
        self.state.setWordWrap(True)
        self.layout().insertWidget(self.layout().indexOf(self.info), self.state)
        self.account.editingFinished.connect(self.look_up)
        (self.volume if account_no else self.account).setFocus()
        if account_no:
            self.look_up()

    def look_up(self) -> None:
        account_no = self.account.text().strip()
        if not account_no:
            return
        session = self.session
        run_in_background(
            lambda: session.account_limits(account_no),
            self.show_state,
            self.show_error,
            parent=self,
        )

    def show_state(self, found: AccountLimits) -> None:
        limit, status = found.limit, found.inspection
        if limit.limit is None:
            text = self.tr("不限购")
        else:
            text = self.tr("{own}限购 {limit} m³，周期内已购 {bought} m³，剩余 {left} m³").format(
                own=self.tr("本户") if limit.own else self.tr("按类别"),
                limit=format_volume(limit.limit),
                bought=format_volume(limit.bought),
                left=format_volume(limit.remaining or 0),
            )
        text += self.tr("\n下次安检 {due}").format(due=status.due_on.isoformat())
        if status.hold is not None:
            text += self.tr("（限制购气：{hold}）").format(hold=self.tr(status.hold.label))
        self.state.setText(text)

    def work(self) -> Callable[[], Any]:
        account_no = self.account.text().strip()
        if not account_no:
            raise InvalidInput(self.tr("请填写户号"), "no account")
        volume = read_volume(self.volume, self.tr("本户限购气量"), required=False)
        reason = self.reason.text().strip()
        session = self.session
        return lambda: session.set_account_limit(account_no, volume, reason)

    def done_ok(self, result: AccountLimits) -> None:
        self.show_state(result)
        self.show_completed(self.tr("已保存，按 Enter 关闭"))
