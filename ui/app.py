"""Start the Qt application on a ready context."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.config import LocalConfig
from app.context import Context
from app.services.setup import describe_desk
from ui.main_window import MainWindow


def run_gui(
    ctx: Context, config: LocalConfig, *, lang: str = "zh_CN", quit_after: float | None = None
) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GasDesk")
    desk = describe_desk(ctx, config.hall_code, config.counter_code)
    window = MainWindow(ctx, desk, training=config.training)
    window.show()
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), app.quit)
    return app.exec()
