"""Run service calls off the GUI thread and deliver the outcome back on it.

Database queries, device I/O, printing and reports must never block the event loop; every UI
action goes through ``run_in_background``. Results arrive through a queued signal, so the
callbacks run on the GUI thread and may touch widgets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as error:  # delivered to the caller's error handler
            self.relay.failed.emit(error)
        else:
            self.relay.done.emit(result)


_live: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    *,
    parent: QObject,
) -> None:
    """Run ``fn`` on the shared pool; call ``on_done``/``on_error`` on the GUI thread."""
    relay = _Relay(parent)
    _live.add(relay)

    def finish(callback: Callable[[Any], None], value: Any) -> None:
        _live.discard(relay)
        relay.deleteLater()
        callback(value)

    relay.done.connect(lambda value: finish(on_done, value))
    relay.failed.connect(lambda error: finish(on_error, error))
    QThreadPool.globalInstance().start(_Job(fn, relay))
