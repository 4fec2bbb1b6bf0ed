"""The installer's bundle: installer/build.sh builds dist/gasdesk/ with PyInstaller, and the
bundle runs on its own (no Python, no checkout): demo hall, login window, doctor.

Built once per test session into a temporary directory (never a cached bundle: a broken build
must fail here), then run with its working directory elsewhere, ``PYTHONPATH`` and the venv
unset, and a fresh data dir. Linux only: the Windows build is described in
installer/build-windows.md and not run here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the bundle is built on Linux"),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """dist/gasdesk built from this checkout with the interpreter running the tests."""
    out = tmp_path_factory.mktemp("bundle")
    built = subprocess.run(
        [
            "bash",
            str(ROOT / "installer" / "build.sh"),
            "--python",
            sys.executable,
            "--dist",
            str(out / "dist"),
            "--work",
            str(out / "build"),
        ],
        capture_output=True,
        text=True,
        timeout=480,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-5000:]
    assert "MB, built in" in built.stdout
    return out / "dist" / "gasdesk"


@pytest.fixture(scope="module")
def away(tmp_path_factory) -> Path:
    """A fresh data dir and a working directory outside the checkout."""
    return tmp_path_factory.mktemp("away")


def bundle_env(away: Path) -> dict[str, str]:
    """The test's environment without anything that leads back to the checkout or its venv."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GASDESK_", "PYTHON", "VIRTUAL_ENV"))
    }
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin
    )
    env.update(
        QT_QPA_PLATFORM="offscreen",
        GASDESK_DATA_DIR=str(away / "data"),
        GASDESK_CONFIG=str(away / "absent.toml"),
    )
    return env


def run_bundle(bundle: Path, away: Path, *args: str, timeout: float = 120):
    return subprocess.run(
        [str(bundle / "gasdesk"), *args],
        cwd=away,
        env=bundle_env(away),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def demo_hall(bundle: Path, away: Path) -> Path:
    made = run_bundle(bundle, away, "admin", "demo", "--customers", "20")
    assert made.returncode == 0, made.stdout + made.stderr[-3000:]
    assert "demo hall ready" in made.stdout
    return away / "data"


def test_bundle_carries_migrations_translations_and_a_cjk_font(bundle):
    internal = bundle / "_internal"
    versions = sorted(p.name for p in (ROOT / "db" / "migrations" / "versions").glob("*.py"))
    bundled = sorted(p.name for p in (internal / "db" / "migrations" / "versions").glob("*.py"))
    assert bundled == versions
    assert (internal / "db" / "migrations" / "env.py").is_file()
    assert (internal / "resources" / "translations" / "gasdesk_en.qm").is_file()
    fonts = [
        p for p in (internal / "resources" / "fonts").iterdir() if p.suffix in (".ttc", ".ttf")
    ]
    assert fonts, "no CJK font in the bundle"
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqoffscreen.so").is_file()
    assert (internal / "PySide6" / "Qt" / "plugins" / "platforms" / "libqxcb.so").is_file()
    assert not (internal / "tests").exists()
    assert not (internal / "torch").exists()


def test_bundle_creates_the_demo_hall_on_a_fresh_data_dir(demo_hall):
    assert (demo_hall / "gasdesk.sqlite3").is_file()


def test_bundle_reaches_the_login_window(bundle, away, demo_hall):
    started = run_bundle(bundle, away, "--quit-after", "3")
    assert started.returncode == 0, started.stderr[-3000:]
    log = (demo_hall / "logs" / "gasdesk.log").read_text(encoding="utf-8")
    assert "login window shown" in log
    assert "ready for login" in log  # the database opened through the bundled migrations
    assert "Traceback" not in log


def test_bundle_doctor_finds_the_hall_healthy(bundle, away, demo_hall):
    checked = run_bundle(bundle, away, "admin", "doctor")
    assert checked.returncode == 0, checked.stdout + checked.stderr[-3000:]
    assert checked.stdout.strip()  # one line per check
