"""Logging configured once at start: a rotating file in the data dir, version and platform."""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
from pathlib import Path

from app import __version__


def setup_logging(data_dir: Path, *, verbose: bool = False) -> Path:
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "gasdesk.log"
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.addHandler(handler)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    root.addHandler(console)
    logging.getLogger(__name__).info(
        "GasDesk %s on Python %s, %s", __version__, platform.python_version(), platform.platform()
    )
    return path
