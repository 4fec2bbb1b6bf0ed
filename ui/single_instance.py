"""One GasDesk per workstation and per card reader (issue 11, item 5).

Two GasDesks on one data dir, or two sharing one PC/SC reader, would each hold an open shift
and race each other's card writes; a second one is refused before any window, with the reason.

* the workstation: ``gasdesk.lock`` in the data dir (held while the app runs);
* the reader: a machine-wide lock named after the configured ``reader``, in the system's temp
  dir, so two data dirs cannot share one reader either.

Training mode (``--training``) takes ``training.lock`` instead and no reader lock: it has its own
database and only emulated devices (``devices_from_config``), so it may run beside the real
counter, and a second training instance on the same data dir is refused like a real one. The
same holds for ``emulated_devices = true``: no reader is touched, so no reader lock is taken.

Locks are ``QLockFile``: a lock left by a process that died (kill -9, power cut) is recognised
by its process id and taken over.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDir, QLockFile

from app.config import LocalConfig
from app.errors import RuleViolation


@dataclass
class InstanceLocks:
    """The locks this process holds; released by ``release`` (or when the process ends)."""

    held: list[QLockFile] = field(default_factory=list)

    def release(self) -> None:
        for lock in self.held:
            lock.unlock()
        self.held.clear()


def uses_real_reader(config: LocalConfig) -> bool:
    return bool(
        config.extra.get("reader")
        and not config.training
        and not config.extra.get("emulated_devices")
    )


def reader_lock_path(reader: str) -> Path:
    digest = hashlib.sha256(reader.encode("utf-8")).hexdigest()[:16]
    return Path(QDir.tempPath()) / f"gasdesk-reader-{digest}.lock"


def _take(path: Path) -> tuple[QLockFile, int | None]:
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
    if lock.tryLock(0):
        return lock, None
    info = lock.getLockInfo()  # PySide6: (pid, host name, app name)
    pid = info[0] if isinstance(info, tuple) and info and isinstance(info[0], int) else 0
    return lock, pid


def acquire(config: LocalConfig) -> InstanceLocks:
    """Take this workstation's lock and, with a real reader, the reader's; ``RuleViolation``
    with a Chinese message naming the other GasDesk's process when one is held already."""
    locks = InstanceLocks()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    name = "training.lock" if config.training else "gasdesk.lock"
    lock, other = _take(config.data_dir / name)
    if other is not None:
        what = "培训模式的 GasDesk" if config.training else "GasDesk"
        raise RuleViolation(
            QCoreApplication.translate(
                "SingleInstance",
                "本机已有一个{0}在运行（进程 {1}，数据目录 {2}）：请使用已打开的窗口，"
                "同一台电脑只能运行一个",
            ).format(what, other, config.data_dir),
            f"{config.data_dir / name} held by process {other}",
        )
    locks.held.append(lock)
    if uses_real_reader(config):
        reader = str(config.extra["reader"])
        lock, other = _take(reader_lock_path(reader))
        if other is not None:
            locks.release()
            raise RuleViolation(
                QCoreApplication.translate(
                    "SingleInstance",
                    "读卡器“{0}”已被另一个 GasDesk 使用（进程 {1}）："
                    "一台读卡器只能由一个 GasDesk 使用",
                ).format(reader, other),
                f"reader {reader!r} held by process {other}",
            )
        locks.held.append(lock)
    return locks
