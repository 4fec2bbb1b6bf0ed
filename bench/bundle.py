"""Bundle metrics: the PyInstaller bundle's start-up against the source install, and its size.

``bundle_startup_ratio``: seconds from spawning a process to its "login window shown" log line,
for ``dist/gasdesk/gasdesk`` over ``python main.py`` from this checkout, both offscreen on the
same data dir (its demo hall created beforehand), interleaved, medians. The moment is read from
the line's own timestamp in the data dir's log file (millisecond resolution), the only hook a
frozen program offers; both are measured the same way, and each process is ended once the
line is written. ``bundle_mb``: the size of the bundle's
folder (sum of file sizes, 10^6 bytes).

Quick mode never builds: it measures ``dist/gasdesk`` when there is one (built by
installer/build.sh; its age is in the note) and otherwise reports both as skipped. The full run
builds a fresh bundle from this checkout into its temporary directory (a bundle from another
commit would compare other code).
"""

from __future__ import annotations

import stat
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Metric, median
from bench.startup import environment as startup_environment
from bench.startup import prepare

ROOT = Path(__file__).resolve().parents[1]
SHOWN = "login window shown"
RATIO_GOAL = "<= 1.5"


def _environment(directory: Path) -> dict[str, str]:
    """The start-up metric's environment, and no PYTHONPATH: the bundle carries its own code."""
    env = startup_environment(directory)
    env.pop("PYTHONPATH", None)
    return env


def _log_time(line: str) -> float:
    """The epoch seconds of a log line stamped ``2026-12-03 17:30:27,886 ...`` (local time)."""
    stamp, millis = line[:19], line[20:23]
    return time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(millis) / 1000


def time_to_login_window(command: list[str], env: dict[str, str], cwd: Path) -> float:
    """Seconds from spawning ``command`` to the "login window shown" line it logs; the process
    is ended (by its id) once the line is there: what follows is not measured."""
    log_file = Path(env["GASDESK_DATA_DIR"]) / "logs" / "gasdesk.log"
    offset = log_file.stat().st_size if log_file.exists() else 0
    started = time.time()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while time.time() - started < 120:
            for line in _written_since(log_file, offset).splitlines():
                if line.endswith(SHOWN):
                    return _log_time(line) - started
            if process.poll() is not None:
                break
            time.sleep(0.02)
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            _, errors = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            _, errors = process.communicate()
    raise RuntimeError(f"no login window (exit {process.returncode}): {errors[-2000:]}")


def _written_since(log_file: Path, offset: int) -> str:
    try:
        with log_file.open("rb") as file:
            file.seek(offset)
            return file.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def folder_mb(folder: Path) -> float:
    """Megabytes (10^6 bytes) of the files under ``folder``; the bundle's symlinks (a library
    linked from the top folder into _internal/) are not counted twice."""
    sizes = (p.lstat() for p in folder.rglob("*"))
    return sum(st.st_size for st in sizes if stat.S_ISREG(st.st_mode)) / 1e6


def build(directory: Path) -> Path:
    """A fresh bundle of this checkout, built with this interpreter into ``directory``."""
    done = subprocess.run(
        [
            "bash",
            str(ROOT / "installer" / "build.sh"),
            "--python",
            sys.executable,
            "--dist",
            str(directory / "dist"),
            "--work",
            str(directory / "build"),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bundle not built: {done.stderr[-3000:]}")
    return directory / "dist" / "gasdesk"


def _skipped(note: str) -> list[Metric]:
    return [
        Metric("bundle_startup_ratio", None, "x", RATIO_GOAL, note),
        Metric("bundle_mb", None, "MB", "reported", note),
    ]


def bundle_metrics(directory: Path, quick: bool) -> list[Metric]:
    if not sys.platform.startswith("linux"):
        return _skipped("skipped: the bundle is measured on Linux")
    if quick:
        bundle = ROOT / "dist" / "gasdesk"
        if not (bundle / "gasdesk").is_file():
            return _skipped("skipped in quick mode: no dist/gasdesk (installer/build.sh)")
        age = (time.time() - (bundle / "gasdesk").stat().st_mtime) / 60
        origin = f"existing dist/gasdesk, built {age:.0f} min ago"
    else:
        started = time.perf_counter()
        bundle = build(directory)
        origin = f"built for this run in {time.perf_counter() - started:.0f} s"

    env = _environment(directory)
    prepare(directory, env, customers=5)

    source_command = [sys.executable, str(ROOT / "main.py")]
    bundle_command = [str(bundle / "gasdesk")]
    runs = 3 if quick else 7
    # warm the file cache once each, untimed (quick: the bundle only, the source is warm from
    # the demo hall's creation)
    if not quick:
        time_to_login_window(source_command, env, ROOT)
    time_to_login_window(bundle_command, env, directory)
    source: list[float] = []
    frozen: list[float] = []
    for _ in range(runs):
        source.append(time_to_login_window(source_command, env, ROOT))
        frozen.append(time_to_login_window(bundle_command, env, directory))
    ratio = median(frozen) / median(source)
    size = folder_mb(bundle)
    return [
        Metric(
            "bundle_startup_ratio",
            round(ratio, 2),
            "x",
            RATIO_GOAL,
            f"bundle {median(frozen) * 1e3:.0f} ms, python main.py {median(source) * 1e3:.0f} ms "
            f"to the login window (medians of {runs}{', quick' if quick else ''}; {origin})",
        ),
        Metric("bundle_mb", round(size, 1), "MB", "reported", f"{origin}"),
    ]
