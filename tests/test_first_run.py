"""The first run of a new machine (issue 14): nothing configured → the demo hall with the
emulated devices, marked 演示 on every window and receipt, and a sale through them within a
minute; a configured hall never becomes a demo."""

from __future__ import annotations

import argparse
import functools
import tomllib
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.config import load_config
from app.vocabulary import HallMode


@pytest.fixture
def fresh_machine(tmp_path, monkeypatch):
    """A data dir of its own, no config.toml, no GASDESK_DB_URL: a new hall's PC."""
    monkeypatch.setenv("GASDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GASDESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("GASDESK_DB_URL", raising=False)
    return tmp_path


def test_nothing_configured_is_the_demo_with_emulated_devices(fresh_machine):
    from app.counter.compose import devices_from_config

    config = load_config()
    assert config.demo and config.mode is HallMode.DEMO
    assert config.mode.emulated and config.mode.mark == "演示 · 无效"
    devices = devices_from_config(config)
    try:
        assert devices.training is not None  # the emulated reader slot, meter and printer
        assert devices.reader is not None and devices.printer is not None
        assert devices.reader.key.utility_code == b"TRNG"  # a demo card never passes as real
    finally:
        devices.close()


def test_a_config_file_or_a_database_url_is_never_a_demo(fresh_machine, monkeypatch):
    from app.counter.compose import devices_from_config

    config_file = fresh_machine / "config.toml"
    config_file.write_text('hall_code = "01"\n', encoding="utf-8")
    config = load_config()
    assert not config.demo and config.mode is HallMode.LIVE
    devices = devices_from_config(config)
    assert devices.training is None and devices.reader is None and devices.printer is None
    assert load_config(training=True).mode is HallMode.TRAINING  # --training as it was

    config_file.unlink()
    monkeypatch.setenv("GASDESK_DB_URL", "postgresql://gasdesk@hall-server/gasdesk")
    assert load_config().mode is HallMode.LIVE
    monkeypatch.delenv("GASDESK_DB_URL")
    assert load_config().mode is HallMode.DEMO
    assert load_config(demo=True).mode is HallMode.DEMO  # --demo asks for it


def test_saving_the_font_size_keeps_the_demo_a_demo(fresh_machine):
    from ui.app import save_font_scale

    config = load_config()
    save_font_scale(config, 125)  # the first config.toml of the machine
    written = tomllib.loads((fresh_machine / "config.toml").read_text(encoding="utf-8"))
    assert written == {"demo": True, "font_scale": 125}
    again = load_config()
    assert again.mode is HallMode.DEMO and again.font_scale == 125


def test_first_run_logs_in_opens_a_shift_and_sells_on_the_emulated_card(
    fresh_machine, qtbot, qapp, monkeypatch
):
    import app.demo
    import main
    from app.counter import OpenShiftRequest
    from app.domain.cash import Payment, count_of
    from app.domain.money import m3
    from app.vocabulary import FloatSource
    from tests.card_support import opening_request
    from ui.app import StartupFlow

    # the real first-run path, with a handful of demo customers instead of 300 (speed only)
    monkeypatch.setattr(
        app.demo, "create_demo_hall", functools.partial(app.demo.create_demo_hall, customers=3)
    )
    config = load_config()
    args = argparse.Namespace(demo=False, training=False)
    ctx = main.prepare_context(config, args)
    assert ctx.mode is HallMode.DEMO

    flow = StartupFlow(ctx, config, qapp, main.compose_devices, autologin="")
    flow.show_login()
    window = flow.login_window
    qtbot.addWidget(window)
    try:
        assert "演示模式" in window.windowTitle()
        hint = window.demo_hint.text()
        assert window.demo_hint.isVisibleTo(window)
        assert app.demo.DEMO_PASSWORD in hint
        assert all(user in hint for user, _name, _role in app.demo.DEMO_USERS)

        qtbot.keyClicks(window.username, "lina")
        qtbot.keyClicks(window.password, app.demo.DEMO_PASSWORD)
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: flow.counter_window is not None, timeout=30_000)
        counter = flow.counter_window
        qtbot.addWidget(counter)
        session = flow.session
        assert "演示模式" in counter.windowTitle()
        assert counter.findChild(QLabel, "status-demo").text() == "演示模式"
        assert "演示模式" in counter.training_window.windowTitle()
        assert "演示模式" in counter.customer_display.windowTitle()
        devices = session.devices
        assert devices.training is not None

        session.open_shift(OpenShiftRequest(uuid.uuid4(), count_of(50000), FloatSource.SAFE))
        devices.training.insert_blank_card()  # the demo panel's 插入空白卡
        opened = session.open_account(opening_request(n=99001)).result
        sale = session.purchase(
            uuid.uuid4(),
            volume=m3(20),
            amount_fen=None,
            cash_tendered_fen=10000,
            payment=Payment(),
        )
        assert sale.account_no == opened.account_no and sale.transaction_id is not None
        assert sale.result.sale.volume == m3(20)
        on_card = session.read_card()
        assert on_card.account is not None and on_card.account.summary.account_no == sale.account_no
        printed = session.print_receipt(sale.transaction_id)
        assert printed.printed, printed.message
        receipt_no = sale.result.sale.receipt_no
        qtbot.waitUntil(lambda: receipt_no in devices.training.paper(), timeout=10_000)
        paper = devices.training.paper()
        assert "演示 · 无效" in paper and "培训" not in paper
    finally:
        flow.close()
