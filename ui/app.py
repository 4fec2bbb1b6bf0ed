"""Start the Qt application on a ready context: first-run wizard (no users yet), login, counter.

The flow, all on the GUI thread with service calls in the background:

1. ``QApplication``, the translator for ``lang`` and, on a machine without one, a CJK font;
2. when the hall has no users at all, the ``FirstRunWizard`` (hall, counters, tariffs, devices,
   administrator); cancelling it quits;
3. the ``LoginWindow`` ("login window shown" in the log);
4. after a successful login: the counter's devices (built by the ``compose`` function that
   ``main.py`` hands in: ``app.counter.compose.devices_from_config``), a ``CounterSession`` and
   the ``CounterWindow`` ("counter window shown"), with the idle lock installed over it.

Imports are deferred to the step that needs them, so the login window shows fast (bench metric
``startup_ratio``). ``GASDESK_AUTOLOGIN=username:password`` logs in at once: a development aid
for screenshots and smoke tests, never for a real counter.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.config import LocalConfig
from app.vocabulary import HallMode

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.context import Context
    from app.counter.compose import Devices
    from app.counter.session import CounterSession
    from app.services.security import IdleLock, LoggedIn
    from app.services.setup import Workstation
    from ui.lock_screen import IdleLockController
    from ui.login import LoginWindow

log = logging.getLogger(__name__)

AUTOLOGIN_ENV = "GASDESK_AUTOLOGIN"
STARTUP_FAILED = 2  # exit code when GasDesk could not start (configuration, database, disk)


def fault_box(text: str, parent: QWidget | None = None) -> QMessageBox:
    """The message box that says why GasDesk cannot start."""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QApplication.translate("StartupFlow", "GasDesk 无法启动"),
        text,
        QMessageBox.StandardButton.Close,
        parent,
    )
    box.setObjectName("startup-fault")
    return box


def show_startup_fault(error: BaseException, *, quit_after: float | None = None) -> int:
    """A fault found before any window (configuration file, data dir): said on stderr and in a
    message box; returns the exit code."""
    from ui.base import error_text

    text = error_text(error)
    print(f"错误：{text} ({error})", file=sys.stderr)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GasDesk")
    box = fault_box(text)
    if quit_after is not None:  # smoke test: nobody to read it
        QTimer.singleShot(int(quit_after * 1000), box.reject)
    box.exec()
    return STARTUP_FAILED


def run_gui(
    prepare: Callable[[], Context],
    config: LocalConfig,
    compose: Callable[[LocalConfig, Context], Devices],
    *,
    lang: str = "zh_CN",
    quit_after: float | None = None,
) -> int:
    """Show the login window at once; ``prepare`` (open and migrate the database, seed a demo)
    runs on a worker meanwhile, and the window takes logins when it is done. ``compose`` builds
    the counter's devices from the configuration after a login."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GasDesk")
    from ui.i18n import (
        apply_font_scale,
        ensure_cjk_font,
        install_qt_translator,
        install_translator,
    )

    install_translator(app, lang)
    install_qt_translator(app, lang)
    ensure_cjk_font(app)
    apply_font_scale(app, config.font_scale)
    from app.errors import GasDeskError
    from ui.single_instance import acquire

    try:  # one GasDesk per workstation and reader: a second one says so and goes
        locks = acquire(config)
    except GasDeskError as error:
        log.error("not started: %s", error)
        return show_startup_fault(error, quit_after=quit_after)
    flow = StartupFlow(None, config, app, compose, quit_after=quit_after)
    flow.start(prepare)
    try:
        code = app.exec()
        flow.close()
    finally:
        locks.release()
    return code


class StartupFlow(QObject):
    """Wizard → login → counter window; owns the windows and the devices."""

    def __init__(
        self,
        ctx: Context | None,
        config: LocalConfig,
        app: QApplication,
        compose: Callable[[LocalConfig, Context], Devices],
        *,
        quit_after: float | None = None,
        autologin: str | None = None,
    ):
        super().__init__(app)
        self.ctx = ctx
        self.config = config
        self.app = app
        self.compose = compose
        self.autologin = os.environ.get(AUTOLOGIN_ENV) if autologin is None else autologin
        self.login_window: LoginWindow | None = None
        self.counter_window: QWidget | None = None
        self.session: CounterSession | None = None
        self.idle_lock: IdleLockController | None = None
        self.quit_timer: QTimer | None = None
        self.fault_box: QMessageBox | None = None
        if quit_after is not None:
            self.quit_timer = QTimer(self)
            self.quit_timer.setSingleShot(True)
            self.quit_timer.setInterval(int(quit_after * 1000))
            self.quit_timer.timeout.connect(app.quit)

    def start(self, prepare: Callable[[], Context]) -> None:
        """The login window now (not yet taking logins); the database on a worker."""
        from ui.login import LoginWindow
        from ui.worker import run_in_background

        self.login_window = window = LoginWindow(
            None, None, training=self.config.training, demo=self.config.demo
        )
        window.logged_in.connect(self.open_counter)
        window.show()
        log.info("login window shown")
        run_in_background(prepare, self.ready, self.failed, parent=self)

    def ready(self, ctx: Context) -> None:
        """The database is ready: ask (off the GUI thread) whether anybody can log in yet."""
        from app.services.setup import hall_has_users, this_workstation
        from ui.worker import run_in_background

        self.ctx = ctx
        config = self.config
        run_in_background(
            lambda: (
                hall_has_users(ctx),
                this_workstation(ctx, config.hall_code, config.counter_code),
            ),
            lambda answer: self.checked(*answer),
            self.failed,
            parent=self,
        )

    def checked(self, has_users: bool, station: Workstation | None) -> None:
        """First run's wizard if nobody can log in yet, then logins."""
        if not has_users:
            self.login_window.hide()
            if not self.run_first_run_wizard():
                log.info("first-run wizard cancelled")
                self.app.quit()
                return
            station = None  # the wizard named the hall and counter: read them again
        self.show_login(station)
        _schedule_backups(self.app, self.ctx)

    def failed(self, error: Exception) -> None:
        """Preparing failed (configuration, database, disk): the reason in a message box over
        the login window, which takes no login; closing the box quits with exit code 2."""
        from app.errors import GasDeskError
        from ui.base import error_text

        # a typed fault is the machine's (said in full); anything else is a bug: its traceback
        trace = None if isinstance(error, GasDeskError) else error
        log.error("database not ready: %s", error, exc_info=trace)

        text = error_text(error)
        self.login_window.show_error(self.tr("数据库无法打开：") + text)
        self.fault_box = box = fault_box(text, self.login_window)
        box.finished.connect(lambda _code: self.app.exit(STARTUP_FAILED))
        if self.quit_timer is not None:  # smoke test: nobody to read it
            QTimer.singleShot(self.quit_timer.interval(), box.reject)
        box.open()

    def run_first_run_wizard(self) -> bool:
        from ui.first_run import FirstRunWizard

        wizard = FirstRunWizard(self.ctx, self.config)
        log.info("first-run wizard shown")
        if self.quit_timer is not None:  # smoke test: nobody to fill it in
            QTimer.singleShot(self.quit_timer.interval(), wizard.reject)
        if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
            return False
        wizard.apply_to(self.config)
        return True

    def show_login(self, station: Workstation | None = None) -> None:
        from app.services.setup import this_workstation
        from ui.login import LoginWindow

        if station is None:  # a short read (tests, after the first-run wizard)
            station = this_workstation(self.ctx, self.config.hall_code, self.config.counter_code)
        if self.login_window is None:
            self.login_window = LoginWindow(
                self.ctx, station, training=self.config.training, demo=self.config.demo
            )
            self.login_window.logged_in.connect(self.open_counter)
            log.info("login window shown")
        window = self.login_window
        window.attach(self.ctx, station)
        if self.config.mode is HallMode.DEMO:
            show_demo_users(window)
        window.show()
        log.info("ready for login")
        if self.quit_timer is not None and not self.autologin:  # autologin: after the counter
            self.quit_timer.start()
        if self.autologin:
            username, _, password = self.autologin.partition(":")
            log.warning("%s set: logging in as %s (development aid)", AUTOLOGIN_ENV, username)
            window.log_in_as(username, password)

    def open_counter(self, user: LoggedIn) -> None:
        """Logged in: the devices, the workstation and the idle lock are set up off the GUI
        thread."""
        from app.services.security import idle_lock_for
        from app.services.setup import this_workstation
        from ui.worker import run_in_background

        ctx, config, compose = self.ctx, self.config, self.compose
        run_in_background(
            lambda: (
                compose(config, ctx),
                this_workstation(ctx, config.hall_code, config.counter_code),
                idle_lock_for(ctx, user),
            ),
            lambda ready: self.show_counter(user, *ready),
            lambda error: self.login_window.show_error(self.tr("无法打开柜台：") + str(error)),
            parent=self,
        )

    def show_counter(
        self, user: LoggedIn, devices: Devices, station: Workstation, lock: IdleLock
    ) -> None:
        from app.counter.session import CounterSession
        from ui.lock_screen import IdleLockController

        self.session = session = CounterSession(self.ctx, user, station, devices)
        window = counter_window_for(session, self.config)
        self.counter_window = window
        window.showMaximized()  # the whole screen: larger type, nothing cut off
        log.info("counter window shown")
        if self.login_window is not None:
            self.login_window.hide()
        self.idle_lock = IdleLockController(window, session, lock=lock)
        if hasattr(window, "lock_requested"):  # the manual lock (Ctrl+L) and log-out keys
            window.lock_requested.connect(self.idle_lock.lock_now)
            window.logout_requested.connect(self.log_out)
        if self.quit_timer is not None:
            self.quit_timer.start()

    def log_out(self) -> None:
        """The clerk logged out: the counter window and its devices close, the login shows
        again (the clerk's shift stays open for the next login)."""
        if self.idle_lock is not None:
            self.idle_lock.stop()
            self.idle_lock = None
        window, self.counter_window = self.counter_window, None
        session, self.session = self.session, None
        if window is not None:
            window.close()
            window.deleteLater()
        if session is not None:
            log.info("logout: %s", session.user.username)
            session.close()
        if self.login_window is not None:
            self.login_window.show()
            self.login_window.raise_()

    def close(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.stop()
        if self.session is not None:
            self.session.close()


def show_demo_users(window: LoginWindow) -> None:
    """The demo hall's users and password on the login window, from ``app.demo`` (the data
    that made them; imported here, after the database is ready, to keep the start fast)."""
    from app.demo import DEMO_PASSWORD, DEMO_USERS
    from ui.i18n import vocabulary_text

    window.show_demo_users(
        [(user, vocabulary_text(role)) for user, _name, role in DEMO_USERS], DEMO_PASSWORD
    )


def counter_window_for(session: CounterSession, config: LocalConfig) -> QWidget:
    """The counter window (imported when the clerk has logged in, not at start)."""
    from ui.counter_window import CounterWindow

    return CounterWindow(
        session,
        font_scale=config.font_scale,
        save_font_scale=lambda scale: save_font_scale(config, scale),
    )


def save_font_scale(config: LocalConfig, scale: int | None) -> None:
    """The 字号 menu's choice into config.toml (the other keys stay; None: from the screen)."""
    import tomllib

    from app.config import check_setting, config_path, write_private_text
    from ui.first_run import toml_text

    path = config_path()
    values = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if config.mode is HallMode.DEMO and not path.exists():  # the first file keeps it a demo
        values["demo"] = True
    if scale is None:
        values.pop("font_scale", None)
    else:
        values["font_scale"] = check_setting("font_scale", scale)
    write_private_text(path, toml_text(values))
    config.font_scale = scale


def _schedule_backups(app: QApplication, ctx: Context) -> None:
    """Every few minutes, off the GUI thread: take the scheduled backup when one is due."""
    if ctx.backups is None:
        return
    from app.services.backup import scheduled_backup
    from ui.worker import run_in_background

    settings = ctx.backups

    def check() -> None:
        run_in_background(
            lambda: scheduled_backup(
                ctx.db, settings.directory, settings.every, ctx.now(), settings.keep
            ),
            lambda path: log.info("scheduled backup: %s", path) if path else None,
            lambda error: log.error("scheduled backup failed: %s", error),
            parent=app,
        )

    timer = QTimer(app)
    timer.setInterval(5 * 60 * 1000)
    timer.timeout.connect(check)
    timer.start()
    QTimer.singleShot(10_000, check)  # soon after start, then every five minutes
