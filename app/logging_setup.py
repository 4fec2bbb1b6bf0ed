"""Logging configured once at start: a rotating file in the data dir, version and platform."""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
from pathlib import Path

from app import __version__
from app.errors import SystemFault


def data_dir_fault(data_dir: Path, error: OSError) -> SystemFault:
    """The clerk's words for a data dir GasDesk cannot write (read-only, no right, full)."""
    import errno

    if error.errno == errno.ENOSPC:
        return SystemFault(
            f"磁盘已满：无法写入数据目录 {data_dir}，请联系管理员清理磁盘",
            f"data dir {data_dir}: {error}",
        )
    return SystemFault(
        f"数据目录 {data_dir} 不可写（只读或无权限：{error.strerror or error}），请联系管理员",
        f"data dir {data_dir} not writable: {error}",
    )


def setup_logging(data_dir: Path, *, verbose: bool = False) -> Path:
    """A rotating log file in ``data_dir``/logs; ``SystemFault`` when it cannot be written."""
    log_dir = data_dir / "logs"
    path = log_dir / "gasdesk.log"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as error:
        raise data_dir_fault(data_dir, error) from error
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
