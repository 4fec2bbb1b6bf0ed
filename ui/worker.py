"""Run service calls off the GUI thread and deliver the outcome back on it.

Database queries, device I/O, printing and reports must never block the event loop; every UI
action goes through ``run_in_background``. Results arrive through a queued signal, so the
callbacks run on the GUI thread and may touch widgets.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal


class _Relay(QObject):
    """One relay for the whole process, living on the GUI thread and never deleted: a worker
    may still be inside ``emit`` when the GUI thread runs the callback, so a per-job relay
    deleted from its own callback could be destroyed under the emitting thread (segfault)."""

    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], token: int, relay: _Relay):
        super().__init__()
        self.fn = fn
        self.token = token
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as error:  # delivered to the caller's error handler
            self.relay.failed.emit(self.token, error)
        else:
            self.relay.done.emit(self.token, result)


_pending: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None], set[int]]] = {}
_tokens = itertools.count(1)
_relay: _Relay | None = None
_TOKENS = "_gasdesk_background_tokens"  # a parent's jobs still running, dropped with it


def _deliver(token: int, value: Any, index: int) -> None:
    entry = _pending.pop(token, None)
    if entry is not None:  # None: the caller was destroyed meanwhile
        entry[2].discard(token)
        entry[index](value)


def _tokens_of(parent: QObject) -> set[int]:
    """The parent's running jobs; its ``destroyed`` is connected once, not once per job (a
    window polling every second would otherwise pile up connections all day)."""
    tokens = getattr(parent, _TOKENS, None)
    if tokens is None:
        tokens = set()
        setattr(parent, _TOKENS, tokens)

        def forget(*_: object, tokens: set[int] = tokens) -> None:
            for token in tokens:
                _pending.pop(token, None)
            tokens.clear()

        parent.destroyed.connect(forget)
    return tokens


class _GuiThreadCollector(QObject):
    """Python's cycle collector runs on whichever thread happens to allocate; on a worker it can
    destroy a closed dialog's Qt objects there, which crashes Qt. So automatic collection is off
    and this timer collects on the GUI thread instead, by the same generation thresholds."""

    def __init__(self, app: QObject):
        super().__init__(app)
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(250)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return


_collector: _GuiThreadCollector | None = None


def collect_on_gui_thread() -> None:
    """Install the GUI-thread collector once (the first background job does it)."""
    global _collector
    app = QCoreApplication.instance()
    if _collector is None and app is not None:
        _collector = _GuiThreadCollector(app)


def _the_relay() -> _Relay:
    collect_on_gui_thread()
    global _relay
    if _relay is None:
        _relay = _Relay()
        _relay.done.connect(lambda token, value: _deliver(token, value, 0))
        _relay.failed.connect(lambda token, error: _deliver(token, error, 1))
    return _relay


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    *,
    parent: QObject,
) -> None:
    """Run ``fn`` on the shared pool; call ``on_done``/``on_error`` on the GUI thread (not at
    all once ``parent`` is destroyed)."""
    relay = _the_relay()
    token = next(_tokens)
    tokens = _tokens_of(parent)
    tokens.add(token)
    _pending[token] = (on_done, on_error, tokens)
    QThreadPool.globalInstance().start(_Job(fn, token, relay))
