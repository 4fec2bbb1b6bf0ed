"""The idle lock: after ``idle_lock_minutes`` without a key press or a mouse event the counter
window is covered by a modal lock screen that cannot be closed. Only the same clerk or a team
leader (manager, administrator) unlocks it, with their password (``unlock_counter``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
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
    from app.counter.session import CounterSession
    from app.services.security import IdleLock, LoggedIn

log = logging.getLogger(__name__)

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
    }
)


class LockScreen(QDialog):
    """Modal, without a close button; Esc and Alt+F4 do nothing. ``unlocked`` carries who."""

    unlocked = Signal(object)  # LoggedIn

    def __init__(
        self,
        session: CounterSession,
        lock: IdleLock,
        parent: QWidget | None = None,
        *,
        manual: bool = False,
    ):
        super().__init__(parent)
        self.session = session
        self.lock = lock
        self.busy = False
        self.setModal(True)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlags(
            Qt.WindowType.Dialog
            | Qt.WindowType.CustomizeWindowHint
            | Qt.WindowType.WindowTitleHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setWindowTitle(self.tr("柜台已锁定"))

        who = session.user.display_name
        text = (
            self.tr("%1已锁定柜台。请%1或班长输入密码解锁。")
            if manual
            else self.tr("柜台长时间无操作，已锁定。请%1或班长输入密码解锁。")
        )
        self.notice = notice = QLabel(text.replace("%1", who))
        notice.setObjectName("lock-notice")
        notice.setWordWrap(True)
        notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit(session.user.username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.button = QPushButton(self.tr("解锁"))
        self.button.setDefault(True)

        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(notice)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.button)
        layout.addStretch()

        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)

    def cover(self) -> None:
        """Show over the whole counter window."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.window().geometry())
        self.show()
        self.raise_()
        self.activateWindow()
        self.password.setFocus()

    def reject(self) -> None:  # Esc: stays locked
        pass

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.lock.locked:
            event.ignore()
        else:
            super().closeEvent(event)

    def submit(self) -> None:
        if self.busy:
            return
        username = self.username.text().strip()
        password = self.password.text()
        if not username or not password:
            self.error.setText(self.tr("请输入用户名和密码"))
            return
        ctx, lock, counter_id = self.session.ctx, self.lock, self.session.workstation.counter_id

        def work() -> LoggedIn:
            from app.services.security import unlock_counter

            return unlock_counter(ctx, lock, counter_id, username, password)  # type: ignore[arg-type]

        self.busy = True
        self.button.setEnabled(False)
        run_in_background(work, self._done, self._failed, parent=self)

    def _done(self, person: LoggedIn) -> None:
        self.busy = False
        self.button.setEnabled(True)
        self.password.clear()
        self.error.clear()
        log.info("counter unlocked by %s", person.username)
        self.accept()
        self.unlocked.emit(person)

    def _failed(self, error: Exception) -> None:
        self.busy = False
        self.button.setEnabled(True)
        self.error.setText(error_text(error))
        self.password.clear()
        self.password.setFocus()


class IdleLockController(QObject):
    """Touches the idle lock on every key and mouse event of the application; a timer checks
    it and covers ``window`` with the lock screen once it has locked."""

    locked = Signal()
    unlocked = Signal(object)  # LoggedIn

    def __init__(
        self,
        window: QWidget,
        session: CounterSession,
        *,
        lock: IdleLock | None = None,
        interval_ms: int = 5000,
    ):
        super().__init__(window)
        if lock is None:
            from app.services.security import idle_lock_for

            lock = idle_lock_for(session.ctx, session.user)
        self.window = window
        self.session = session
        self.lock = lock
        self.screen: LockScreen | None = None
        self._manual = False  # the next lock screen is for Ctrl+L, not for idle time
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.screen is None:
            self.lock.touch(self.session.ctx.now())
        return False

    def check(self) -> None:
        if self.screen is not None:
            return
        if self.lock.is_locked(self.session.ctx.now()):
            manual, self._manual = self._manual, False
            if manual:
                log.info("counter locked by the clerk")
            else:
                log.info("counter locked after %d idle minutes", self.lock.minutes)
            self.screen = LockScreen(self.session, self.lock, self.window, manual=manual)
            self.screen.unlocked.connect(self._unlocked)
            self.screen.cover()
            self.locked.emit()

    def lock_now(self) -> None:
        """The clerk locks the counter on leaving it (Ctrl+L), without waiting for the idle
        time; unlocking is the same as after an idle lock."""
        if self.screen is not None:
            return
        self.lock.locked = True
        self._manual = True
        self.check()

    def _unlocked(self, person: LoggedIn) -> None:
        screen, self.screen = self.screen, None
        if screen is not None:
            screen.deleteLater()
        self.window.activateWindow()  # the keyboard (F-keys, Ctrl+L) is the counter's again
        self.unlocked.emit(person)

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
