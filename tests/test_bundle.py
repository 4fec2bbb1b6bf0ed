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


def run_bundle(bundle: Path, away: Path, *args: str, timeout: float = 120, **extra_env: str):
    return subprocess.run(
        [str(bundle / "gasdesk"), *args],
        cwd=away,
        env={**bundle_env(away), **extra_env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_window(bundle: Path, away: Path, *args: str, **extra_env: str) -> str:
    """Start the window offscreen for a few seconds; what it wrote to the log meanwhile."""
    log_file = away / "data" / "logs" / "gasdesk.log"
    offset = log_file.stat().st_size if log_file.exists() else 0  # `admin demo` logs nothing
    started = run_bundle(bundle, away, "--quit-after", "3", *args, **extra_env)
    assert started.returncode == 0, started.stderr[-3000:]
    with log_file.open("rb") as file:
        file.seek(offset)
        return file.read().decode("utf-8")


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
    assert (demo_hall / "demo.sqlite3").is_file()


def test_bundle_reaches_the_login_window(bundle, away, demo_hall):
    log = start_window(bundle, away)
    assert "login window shown" in log
    assert "ready for login" in log  # the database opened through the bundled migrations
    assert "Traceback" not in log
    assert "no Qt translation" not in log  # Qt's own Chinese words came along
    assert str(ROOT) not in log


def test_bundle_uses_its_own_translations_and_font(bundle, away, demo_hall, tmp_path):
    """English from the bundled .qm; with a fontconfig that knows no font at all (a bare
    machine), the bundle's CJK font is loaded from inside the bundle."""
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    log = start_window(bundle, away, "--lang", "en", FONTCONFIG_FILE=str(fonts_conf))
    assert "login window shown" in log
    assert "no translation for" not in log
    loaded = [line for line in log.splitlines() if "CJK font loaded" in line]
    assert loaded, log
    assert str(bundle / "_internal" / "resources" / "fonts") in loaded[0]


def test_bundle_doctor_finds_the_hall_healthy(bundle, away, demo_hall):
    checked = run_bundle(bundle, away, "admin", "doctor")
    assert checked.returncode == 0, checked.stdout + checked.stderr[-3000:]
    assert checked.stdout.strip()  # one line per check
