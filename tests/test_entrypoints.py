"""The README's run command path: admin CLI, a fresh start with demo data, the window."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.context import Context
from app.demo import create_demo_hall
from app.services.setup import this_workstation
from db import migrate
from tests.support import AUDIT_KEY, gasdesk

ROOT = Path(__file__).resolve().parents[1]

# heavy (processes, the CLI, randomized days): in the suite's second half beside the PC/SC stack
pytestmark = pytest.mark.slow


def test_admin_db_upgrade_and_demo(tmp_path):
    upgraded = gasdesk(tmp_path, "admin", "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"schema revision: {migrate.head_revision()}" in upgraded.stdout
    demo = gasdesk(tmp_path, "admin", "demo", "--customers", "12")
    assert demo.returncode == 0, demo.stderr
    assert "12 accounts" in demo.stdout
    assert (tmp_path / "data" / "demo.sqlite3").exists()  # the demo hall's own file


def test_fresh_start_creates_demo_hall_and_opens_the_window(tmp_path):
    started = gasdesk(tmp_path, "--quit-after", "0.5")
    assert started.returncode == 0, started.stderr
    log = (tmp_path / "data" / "logs" / "gasdesk.log").read_text(encoding="utf-8")
    assert "GasDesk 0.1.0 on Python" in log
    assert "empty hall: creating demo data" in log
    assert "login window shown" in log


def test_autologin_opens_the_counter_window(tmp_path, monkeypatch):
    monkeypatch.setenv("GASDESK_AUTOLOGIN", "lina:gasdesk")
    started = gasdesk(tmp_path, "--training", "--quit-after", "0.5")
    assert started.returncode == 0, started.stderr
    log = (tmp_path / "data" / "logs" / "gasdesk.log").read_text(encoding="utf-8")
    assert "login window shown" in log
    assert "login: lina (clerk)" in log
    assert "counter window shown" in log


def test_training_mode_uses_its_own_database(tmp_path):
    started = gasdesk(tmp_path, "--training", "--quit-after", "0.2")
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "data" / "training.sqlite3").exists()
    assert not (tmp_path / "data" / "demo.sqlite3").exists()
    log = (tmp_path / "data" / "logs" / "gasdesk.log").read_text(encoding="utf-8")
    assert "login window shown" in log


def test_window_searches_as_you_type(qtbot, database, clock):
    """The counter window on the demo hall, on both databases, without any device."""
    from app.counter.compose import Devices
    from app.counter.session import CounterSession
    from app.demo import DEMO_PASSWORD
    from app.services.security import login
    from ui.counter_window import CounterWindow

    ctx = Context(db=database, clock=clock, audit_key=AUDIT_KEY)
    create_demo_hall(ctx, customers=15)
    workstation = this_workstation(ctx, "01", "1")
    session = CounterSession(
        ctx, login(ctx, "lina", DEMO_PASSWORD, workstation.counter_id), workstation, Devices()
    )
    window = CounterWindow(session)
    qtbot.addWidget(window)
    assert "城东燃气客户服务中心" in window.windowTitle()
    qtbot.keyClicks(window.search, "0100000003")
    qtbot.waitUntil(lambda: window.results.rowCount() == 1, timeout=5000)
    assert window.results.item(0, 0).text() == "0100000003"
    window.close()


def test_configured_empty_hall_opens_the_first_run_wizard(tmp_path):
    started = gasdesk(tmp_path, "--quit-after", "0.3", config='counter_code = "1"\n')
    assert started.returncode == 0, started.stderr
    log = (tmp_path / "data" / "logs" / "gasdesk.log").read_text(encoding="utf-8")
    assert "empty hall: creating demo data" not in log
    assert "first-run wizard shown" in log
    assert "first-run wizard cancelled" in log
