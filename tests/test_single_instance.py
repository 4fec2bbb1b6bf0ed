"""Issue 11, item 5 (last sentence): one GasDesk per workstation and per card reader, tested
with two real processes: a second one on the same data dir, or on the same reader from another
data dir, is refused with a Chinese message and exit code 2; training mode runs beside the real
counter; a lock left by a killed process does not block the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# heavy (processes, the CLI, randomized days): in the suite's second half beside the PC/SC stack
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
READER = "Test Reader (gasdesk single-instance test) 00 00"


def env_for(tmp_path: Path, name: str, config: str) -> dict[str, str]:
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(config, encoding="utf-8")
    env = {
        **os.environ,
        "GASDESK_DATA_DIR": str(home / "data"),
        "GASDESK_CONFIG": str(home / "config.toml"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("GASDESK_DB_URL", None)
    env.pop("GASDESK_AUTOLOGIN", None)
    return env


def start(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def log_size(env: dict[str, str]) -> int:
    log = Path(env["GASDESK_DATA_DIR"]) / "logs" / "gasdesk.log"
    return len(log.read_text(encoding="utf-8")) if log.exists() else 0


def wait_until_ready(env: dict[str, str], process: subprocess.Popen, *, after: int = 0) -> None:
    """Until ``process`` logged its login window; ``after``: the log's size when it started (an
    earlier GasDesk on the same data dir logged its own window before)."""
    log = Path(env["GASDESK_DATA_DIR"]) / "logs" / "gasdesk.log"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"first GasDesk ended: {process.communicate()}")
        if log.exists() and "login window shown" in log.read_text(encoding="utf-8")[after:]:
            return
        time.sleep(0.1)
    pytest.fail("first GasDesk never became ready")


@pytest.fixture
def first(tmp_path):
    """A GasDesk running on its own data dir with the test's reader configured."""
    processes: list[subprocess.Popen] = []

    def launch(name: str = "a", *args: str, config: str = f'reader = "{READER}"\n'):
        env = env_for(tmp_path, name, config)
        process = start(env, "--quit-after", "60", *args)
        processes.append(process)
        wait_until_ready(env, process)
        return env, process

    yield launch
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.communicate(timeout=30)


def refused_with(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_second_gasdesk_on_the_same_workstation_is_refused(first):
    env, process = first()
    refused_with(run(env, "--quit-after", "0.3"), "本机已有一个GasDesk在运行")
    assert f"进程 {process.pid}" in run(env, "--quit-after", "0.3").stderr


def test_a_second_gasdesk_on_the_same_reader_is_refused(first, tmp_path):
    first()
    other = env_for(tmp_path, "b", f'reader = "{READER}"\n')  # another data dir, same reader
    refused_with(run(other, "--quit-after", "0.3"), "已被另一个 GasDesk 使用")
    elsewhere = env_for(tmp_path, "c", 'reader = "Another Reader 00 00"\n')
    assert run(elsewhere, "--quit-after", "0.3").returncode == 0


def test_training_mode_runs_beside_the_counter_but_only_once(first):
    env, _ = first()
    before = log_size(env)
    training = start(env, "--training", "--quit-after", "60")
    try:
        # its own database and emulated devices: allowed
        wait_until_ready(env, training, after=before)
        refused_with(run(env, "--training", "--quit-after", "0.3"), "培训模式的 GasDesk")
    finally:
        training.terminate()
        training.communicate(timeout=30)


def test_a_lock_left_by_a_killed_gasdesk_does_not_block_the_next(first):
    env, process = first()
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert (Path(env["GASDESK_DATA_DIR"]) / "gasdesk.lock").exists()  # left behind
    started = run(env, "--quit-after", "0.3")
    assert started.returncode == 0, started.stderr
