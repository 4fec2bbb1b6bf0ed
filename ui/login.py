"""The login window: username, password and the counter this workstation is.

Kept light on imports: the window must show quickly (bench metric ``startup_ratio``), so the
security service (argon2, the audit log) is imported when the clerk presses Enter.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.base import error_text
from ui.worker import run_in_background

if TYPE_CHECKING:
    from app.context import Context
    from app.services.security import LoggedIn
    from app.services.setup import Workstation

log = logging.getLogger(__name__)


class LoginWindow(QWidget):
    """Enter in the password field logs in; the outcome arrives as ``logged_in``."""

    logged_in = Signal(object)  # app.services.security.LoggedIn
    shown = Signal()

    def __init__(
        self,
        ctx: Context | None,
        station: Workstation | None,
        *,
        training: bool = False,
        demo: bool = False,
    ):
        """``ctx``/``station`` may come later (``attach``): the window shows before the database
        is open, and takes logins once it is. ``demo``: the demo hall (演示模式), whose users
        ``show_demo_users`` lists."""
        super().__init__()
        self.ctx = ctx
        self.station = station
        self.busy = False
        self._typed = ""
        self.password_dialog: QWidget | None = None  # the forced password change, while open
        title = self.tr("GasDesk 燃气营业厅柜台系统 — 登录")
        if training:
            title += self.tr("（培训模式）")
        elif demo:
            title += self.tr("（演示模式）")
        self.setWindowTitle(title)

        self.heading = heading = QLabel(self.tr("燃气营业厅"))
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)

        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("用户名"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.counter = QLabel(self.tr("未配置柜台"))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.button = QPushButton(self.tr("登录"))
        self.button.setDefault(True)
        # how a newcomer gets in and sells on the demo hall (filled in by show_demo_users)
        self.demo_hint = QLabel()
        self.demo_hint.setObjectName("demo-hint")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.setStyleSheet("background: #fff4c2; color: #000; padding: 6px")
        self.demo_hint.setVisible(False)

        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("柜台"), self.counter)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.demo_hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.button)
        self.setMinimumWidth(360)

        self.username.returnPressed.connect(self._username_entered)
        self.password.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)
        if ctx is not None and station is not None:
            self.attach(ctx, station)
        else:
            self.error.setText(self.tr("正在准备数据库……"))

    def attach(self, ctx: Context, station: Workstation) -> None:
        """The database is ready: show the hall and counter, take logins."""
        self.ctx, self.station = ctx, station
        self.heading.setText(station.hall_name or self.tr("燃气营业厅"))
        self.counter.setText(station.counter_name or self.tr("未配置柜台"))
        if not self.busy:
            self.error.clear()

    def show_demo_users(self, users: list[tuple[str, str]], password: str) -> None:
        """The demo hall's users (user name, role) and their one password, and how to sell."""
        names = self.tr("、").join(
            self.tr("{user}（{role}）").format(user=user, role=role) for user, role in users
        )
        self.demo_hint.setText(
            self.tr(
                "演示模式：演示营业厅，模拟读卡器、IC卡、燃气表和打印机，业务和凭证均无效。"
                "用户：{users}；密码均为 {password}。"
                "登录后按 F11 开班，在“演示设备”窗口插入空白卡，按 F2 开户发卡，再按 F1 购气。"
                "正式使用请运行首次设置或编写 config.toml。"
            ).format(users=names, password=password)
        )
        self.demo_hint.setVisible(True)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.username.setFocus()
        self.shown.emit()

    def _username_entered(self) -> None:
        if self.password.text():
            self.submit()
        else:
            self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.username, self.password, self.button):
            widget.setEnabled(not busy)
        if busy:
            self.error.setText(self.tr("正在登录……"))

    def submit(self) -> None:
        if self.busy:
            return
        if self.ctx is None or self.station is None:
            self.show_error(self.tr("正在准备数据库，请稍候……"))
            return
        username = self.username.text().strip()
        password = self.password.text()
        if not username or not password:
            self.show_error(self.tr("请输入用户名和密码"))
            (self.password if username else self.username).setFocus()
            return
        ctx, counter_id = self.ctx, self.station.counter_id
        self._typed = password  # a forced change after this login proves the old one with it

        def work() -> LoggedIn:
            from app.services.security import login

            return login(ctx, username, password, counter_id)

        self.set_busy(True)
        run_in_background(work, self._done, self._failed, parent=self)

    def _done(self, user: LoggedIn) -> None:
        self.set_busy(False)
        self.error.clear()
        self.password.clear()
        typed, self._typed = self._typed, ""
        if user.must_change_password:
            self.ask_new_password(user, typed)
            return
        log.info("login: %s (%s)", user.username, user.role)
        self.logged_in.emit(user)

    def ask_new_password(self, user: LoggedIn, typed: str) -> None:
        """The administrator set this password: the new one twice before the counter opens;
        cancelled, the user stays at the login."""
        import dataclasses

        from app.services.security import change_password
        from ui.dialogs.admin import ChangePasswordDialog

        ctx = self.ctx

        def change(old: str, new: str) -> None:
            change_password(ctx, user.user_id, old, new)

        self.password_dialog = dialog = ChangePasswordDialog(
            change, self, old_password=typed, forced=True
        )

        def finished(code: int) -> None:
            self.password_dialog = None
            dialog.deleteLater()
            if code != 1:
                log.info("login: %s did not change the password set for them", user.username)
                self.show_error(self.tr("须先修改密码才能进入柜台，请重新登录"))
                self.password.setFocus()
                return
            log.info("login: %s (%s), own password chosen", user.username, user.role)
            self.logged_in.emit(dataclasses.replace(user, must_change_password=False))

        dialog.finished.connect(finished)
        dialog.open()

    def _failed(self, error: Exception) -> None:
        self.set_busy(False)
        if not hasattr(error, "user_message"):
            log.error("login failed unexpectedly", exc_info=error)
        self.show_error(error_text(error))
        self.password.clear()
        self.password.setFocus()

    def show_error(self, text: str) -> None:
        self.error.setText(text)

    def log_in_as(self, username: str, password: str) -> None:
        """Fill in and submit (GASDESK_AUTOLOGIN, a development aid)."""
        self.username.setText(username)
        self.password.setText(password)
        self.submit()
