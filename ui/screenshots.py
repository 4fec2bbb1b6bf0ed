"""Render each main screen, in zh_CN with demo data, into PNG files (``docs/screenshots``).

Run under a real X server (``bash installer/screenshots.sh`` starts Xvfb): the windows are real
top-level windows, grabbed after their background work has finished. Uses a throw-away training
data dir, so nothing of a real hall is touched.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

FILE_NAMES = {  # ASCII file names (the screens themselves are in Chinese)
    "F1": "purchase",
    "F2": "open-account",
    "F3": "replace-card",
    "F4": "refund",
    "F5": "supplement",
    "F6": "transfer",
    "F7": "close-account",
    "F8": "reprint",
    "F9": "cash-in-out",
    "F10": "hand-over",
    "F11": "shift-open-close",
    "F12": "reports",
}


def settle(seconds: float = 0.6) -> None:
    """Let background work and repaints finish."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def save(widget: QWidget, path: Path) -> None:
    widget.raise_()
    widget.activateWindow()
    settle()
    widget.grab().save(str(path))
    print(f"screenshot: {path}")


def main(out_dir: str = "docs/screenshots") -> int:
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="gasdesk-shots-"))
    os.environ["GASDESK_DATA_DIR"] = str(data)
    os.environ["GASDESK_CONFIG"] = str(data / "absent.toml")
    os.environ.pop("GASDESK_DB_URL", None)

    from app.bootstrap import build_context
    from app.cardkey import load_card_key
    from app.config import load_config
    from app.counter.compose import training_devices
    from app.counter.session import CounterSession
    from app.demo import DEMO_PASSWORD, HALL_CODE, create_demo_hall
    from app.domain.cash import Payment, count_of
    from app.domain.money import m3
    from app.services.security import login
    from app.services.setup import this_workstation
    from app.services.shifts import OpenShiftRequest, open_shift
    from app.vocabulary import CustomerKind, FloatSource
    from ui.i18n import apply_font_scale, ensure_cjk_font, install_translator

    app = QApplication.instance() or QApplication(sys.argv)
    install_translator(app, "zh_CN")
    ensure_cjk_font(app)
    apply_font_scale(app, None)  # as on the counter: from the screen (Xvfb 1366×768)

    config = load_config(training=True)
    ctx = build_context(config)
    create_demo_hall(ctx, customers=60)
    config.hall_code = HALL_CODE
    station = this_workstation(ctx, HALL_CODE, config.counter_code)

    from ui.login import LoginWindow

    login_window = LoginWindow(ctx, station, training=True)
    login_window.resize(420, 260)
    login_window.show()
    login_window.username.setText("lina")
    save(login_window, out / "01-login.png")
    login_window.hide()

    user = login(ctx, "lina", DEMO_PASSWORD, station.counter_id)
    devices = training_devices(load_card_key(config))
    session = CounterSession(ctx, user, station, devices)
    opening = OpenShiftRequest(uuid.uuid4(), count_of(50000), FloatSource.SAFE)
    open_shift(ctx, session.actor, opening)

    # a customer at the counter: her card issued on a blank training card, one purchase on it
    from app.services.accounts import ContractInput, CustomerInput, OpenAccountRequest

    devices.training.insert_blank_card()
    opened = session.open_account(
        OpenAccountRequest(
            uuid.uuid4(),
            CustomerInput(
                CustomerKind.RESIDENTIAL,
                "张秀英",
                "resident_id",
                "110101199003074477",
                "13912345678",
                "解放路12号锦绣家园3栋2单元502室",
                3,
            ),
            "18A0042731",
            "SLE4442-0001",
            ContractInput("HT-2026-00817", dt.date(2026, 1, 5)),
            "IC卡智能燃气表 G2.5",
        ),
    ).result
    session.purchase(
        uuid.uuid4(),
        volume=m3(200),
        amount_fen=None,
        cash_tendered_fen=60000,
        payment=Payment(),
    )
    devices.training.load_into_meter(opened.meter_no)  # she took the gas home

    from ui.counter_window import CounterWindow

    window = CounterWindow(session)
    window.showMaximized()  # as at the counter
    window.load_account(opened.account_no)
    settle(2.5)  # card poll, account view, status bar
    save(window, out / "02-counter.png")
    display = getattr(window, "customer_display", None)

    from ui.operations import OPERATIONS

    for number, op in enumerate(OPERATIONS, start=3):
        window.open_operation(op)  # as the F-key opens it: header, fitting, window-modal
        dialog: QDialog | None = window.current_dialog
        if dialog is None:
            print(f"skip {op.name}: {window.message.text()}")
            continue
        settle(1.2)
        if op.key == "F1":  # a quote, mirrored on the customer display
            fields = [w for w in dialog.findChildren(QWidget) if w.objectName() == "volume"]
            if fields:
                fields[0].setText("106")
            settle(0.8)
            if display is not None:
                save(display, out / "15-customer-display.png")
        save(dialog, out / f"{number:02d}-{op.key}-{FILE_NAMES[op.key]}.png")
        dialog.reject()
        if window.current_dialog is not None:  # a filled form asks once before it is discarded
            dialog.reject()
        settle(0.2)

    window.close()
    devices.close()
    QTimer.singleShot(0, app.quit)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
