"""Logging configured once at start: a rotating file in the data dir, version and platform."""

from __future__ import annotations

import logging
import logging.handlers
import os
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


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file is 0600, whatever the umask: the log names customers,
    accounts and users. Rotated files are the renamed current one, so they keep its mode."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        return open(fd, self.mode, encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def _tighten(path: Path, mode: int) -> None:
    """``path`` to ``mode`` when it is looser (files of an older version); another owner's
    file we cannot change only warns: the log must not stop the start."""
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            path.chmod(mode)
    except OSError as error:
        logging.getLogger(__name__).warning("cannot make %s private: %s", path, error)


def setup_logging(data_dir: Path, *, verbose: bool = False) -> Path:
    """A rotating log file in ``data_dir``/logs (data dir and logs 0700, every log file 0600,
    created so before anything is written); ``SystemFault`` when it cannot be written."""
    log_dir = data_dir / "logs"
    path = log_dir / "gasdesk.log"
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
        log_dir.mkdir(exist_ok=True, mode=PRIVATE_DIR)
        _tighten(data_dir, PRIVATE_DIR)
        _tighten(log_dir, PRIVATE_DIR)
        for existing in log_dir.glob("gasdesk.log*"):  # the current and rotated ones
            _tighten(existing, PRIVATE_FILE)
        handler = PrivateRotatingFileHandler(
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
