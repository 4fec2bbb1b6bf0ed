"""Start-up metric: from process start to the login window shown, against a bare PySide6 window.

Both are measured as fresh processes with ``QT_QPA_PLATFORM=offscreen``, interleaved, on the
same machine in the same run: ``python -c`` showing an empty ``QWidget``, and ``main.py`` on a
data dir whose demo hall was created beforehand (so no run pays for first-run seeding). Each
prints the wall-clock time (``time.time()``) from a ``QTimer.singleShot(0)`` queued after its
window's ``show()``; the time is taken against the moment just before the process was spawned.
The metric is the median of the real start-ups over the median of the bare ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Metric, median

ROOT = Path(__file__).resolve().parents[1]
MARK = "GASDESK-SHOWN "

BARE_WINDOW = f"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication(sys.argv)
window = QWidget()
window.show()
def shown():
    print("{MARK}%.6f" % time.time(), flush=True)
    app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""

# main.py with a hook: once the login window is shown, print the time and quit
GASDESK_WINDOW = f"""
import logging, sys, time
sys.path.insert(0, {str(ROOT)!r})
sys.argv = ["main.py"]
class Shown(logging.Handler):
    def emit(self, record):
        if record.getMessage() == "login window shown":
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication
            def shown():
                print("{MARK}%.6f" % time.time(), flush=True)
                QApplication.instance().quit()
            QTimer.singleShot(0, shown)
logging.getLogger("ui.app").addHandler(Shown())
import main
sys.exit(main.main())
"""


def environment(directory: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "GASDESK_DATA_DIR": str(directory / "data"),
        "GASDESK_CONFIG": str(directory / "absent.toml"),
    }
    for name in ("GASDESK_DB_URL", "GASDESK_AUTOLOGIN"):
        env.pop(name, None)
    return env


def time_to_window(code: str, env: dict[str, str]) -> float:
    """Seconds from spawning ``python -c code`` to the time it prints when its window shows."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            return float(line[len(MARK) :]) - started
    raise RuntimeError(f"no window shown (exit {done.returncode}): {done.stderr[-2000:]}")


def prepare(directory: Path, env: dict[str, str], customers: int = 50) -> None:
    """The demo hall, created before timing (a first start would seed it)."""
    made = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "admin", "demo", "--customers", str(customers)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    if made.returncode != 0:
        raise RuntimeError(f"demo hall not created: {made.stderr[-2000:]}")


def startup_ratio(directory: Path, quick: bool) -> list[Metric]:
    env = environment(directory)
    prepare(directory, env)
    runs = 3 if quick else 7
    time_to_window(GASDESK_WINDOW, env)  # warm the file cache once, untimed
    bare: list[float] = []
    real: list[float] = []
    for _ in range(runs):
        bare.append(time_to_window(BARE_WINDOW, env))
        real.append(time_to_window(GASDESK_WINDOW, env))
    ratio = median(real) / median(bare)
    return [
        Metric(
            "startup_ratio",
            round(ratio, 2),
            "x",
            "<= 3",
            f"login window {median(real) * 1e3:.0f} ms, bare PySide6 window "
            f"{median(bare) * 1e3:.0f} ms (medians of {runs}"
            f"{', quick' if quick else ''})",
        )
    ]
