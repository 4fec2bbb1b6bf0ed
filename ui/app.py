"""Start the Qt application on a ready context."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.config import LocalConfig
from app.context import Context
from app.services.setup import describe_desk
from ui.main_window import MainWindow

log = logging.getLogger(__name__)


def run_gui(
    ctx: Context, config: LocalConfig, *, lang: str = "zh_CN", quit_after: float | None = None
) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GasDesk")
    desk = describe_desk(ctx, config.hall_code, config.counter_code)
    window = MainWindow(ctx, desk, training=config.training)
    window.show()
    _schedule_backups(app, ctx)
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), app.quit)
    return app.exec()


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
