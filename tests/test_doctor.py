"""``gasdesk admin doctor`` as a process: one line per check, exit 0 when all pass, 1 on a
failure (a missing key file, loose permissions, a database server that is not there)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.doctor import reader_state
from app.vocabulary import ReaderState
from tests.support import ROOT, gasdesk

CHECK_KEYS = (
    "database",
    "schema",
    "engine",
    "audit_key",
    "card_key",
    "reader",
    "makers",
    "printer",
    "font",
)


def doctor(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python main.py admin doctor`` on the data dir under ``tmp_path`` (no config.toml)."""
    environment = {
        **os.environ,
        "GASDESK_DATA_DIR": str(tmp_path / "data"),
        "GASDESK_CONFIG": str(tmp_path / "absent.toml"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    environment.pop("GASDESK_DB_URL", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "admin", "doctor"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def lines_of(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """check key → its line."""
    found = {}
    for line in result.stdout.splitlines():
        for key in CHECK_KEYS:
            if f" {key}: " in line:
                found[key] = line
    return found


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    """A fresh data dir after ``gasdesk admin demo``: the healthy first-run set-up."""
    base = tmp_path_factory.mktemp("doctor")
    done = gasdesk(base, "admin", "demo", "--customers", "2")
    assert done.returncode == 0, done.stderr
    return base


def test_a_healthy_set_up_passes_every_check(demo_dir):
    result = doctor(demo_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = lines_of(result)
    assert set(lines) == set(CHECK_KEYS), result.stdout
    assert all(line.startswith("✓ OK") for line in lines.values()), result.stdout
    assert "演示模式" in lines["reader"] and "演示模式" in lines["printer"]  # emulated: says so
    assert "全部正常" in result.stdout


def test_a_missing_key_file_fails_and_the_line_names_it(demo_dir, tmp_path):
    key = demo_dir / "data" / "audit_key"
    kept = tmp_path / "the-safe-copy"
    key.rename(kept)
    try:
        result = doctor(demo_dir)
    finally:
        kept.rename(key)
    assert result.returncode == 1, result.stdout
    line = lines_of(result)["audit_key"]
    assert line.startswith("✗ FAIL") and str(key) in line and "不存在" in line
    assert lines_of(result)["database"].startswith("✓ OK")  # the others still say how they are


def test_a_key_file_readable_by_others_fails(demo_dir):
    key = demo_dir / "data" / "audit_key"
    key.chmod(0o644)
    try:
        result = doctor(demo_dir)
        assert (key.stat().st_mode & 0o777) == 0o644  # the doctor looks, it changes nothing
    finally:
        key.chmod(0o600)
    assert result.returncode == 1, result.stdout
    line = lines_of(result)["audit_key"]
    assert line.startswith("✗ FAIL") and "0644" in line and "0600" in line


def test_an_unreachable_postgresql_server_fails_quickly(tmp_path):
    result = doctor(tmp_path, GASDESK_DB_URL="postgresql://postgres@127.0.0.1:1/x")
    assert result.returncode == 1, result.stdout
    lines = lines_of(result)
    assert lines["database"].startswith("✗ FAIL") and "127.0.0.1:1" in lines["database"]
    assert lines["schema"].startswith("– SKIP")  # nothing to ask without the database
    assert "营业" in result.stdout.splitlines()[0]  # a database URL is a live hall, no demo
    assert lines["reader"].startswith("✗ FAIL")  # a live counter without a reader configured


def test_a_live_counter_names_its_printer_state(tmp_path, demo_dir):
    """A configured printer that refuses the connection: the status bar's word 未连接."""
    config = tmp_path / "config.toml"
    config.write_text('[printer]\ntype = "network"\nhost = "127.0.0.1"\nport = 1\n')
    result = doctor(tmp_path, GASDESK_CONFIG=str(config), GASDESK_DATA_DIR=str(demo_dir / "data"))
    assert result.returncode == 1
    line = lines_of(result)["printer"]
    assert line.startswith("✗ FAIL") and "未连接" in line


class _Slot:
    def __init__(self, token):  # type: ignore[no-untyped-def]
        self.token = token

    def card_token(self):  # type: ignore[no-untyped-def]
        return self.token


def test_reader_state_is_the_status_bars_word():
    assert reader_state(None) is ReaderState.NOT_CONFIGURED
    assert reader_state(_Slot(None)) is ReaderState.CONNECTED
    assert reader_state(_Slot((True, 1))) is ReaderState.CARD_PRESENT
    assert reader_state(_Slot((False, 2))) is ReaderState.READY
