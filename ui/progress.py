"""A long job's progress carried to the GUI thread, and its cancel button's flag."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from app.counter import ImportProgress


class ProgressRelay(QObject):
    """Carries a job's progress from the worker thread to the GUI thread (queued)."""

    moved = Signal(int, int)


class RelayedProgress(ImportProgress):
    """What a worker reports (done, total) goes through ``relay``; ``stop`` is the cancel."""

    def __init__(self, relay: ProgressRelay):
        self.relay = relay
        self.stop = threading.Event()

    def report(self, done: int, total: int) -> None:
        self.relay.moved.emit(done, total)

    def cancelled(self) -> bool:
        return self.stop.is_set()
