"""The PC/SC card reader over pyscard (``PcscTransport``) and its card insertion events.

All pyscard calls run on one named thread, "card-reader": pcsc-lite contexts are not meant to
be shared across threads, and one thread makes the order of APDUs to the card obvious. Callers
on other threads (the UI's workers) block on a future with a timeout.
pyscard's CardMonitor calls observers on its own thread; subscribers get plain ``CardEvent``s
there and must hop to their own thread (the Qt UI re-emits them as signals).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.devices.cardreader import (
    CardReaderError,
    CardRemoved,
    CardTimeout,
    NoCard,
    NoReader,
    ReaderUnplugged,
)

log = logging.getLogger(__name__)


class DeviceThread:
    """One worker thread that runs every call to a device, in submission order.

    A call that times out may still be running (a card gone silent keeps pcsc-lite's transmit
    blocked): the next call waits for it within its own time-out instead of queueing behind it
    and then waiting a whole time-out more, so every caller waits at most one time-out.
    """

    def __init__(self, name: str):
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._stuck: concurrent.futures.Future | None = None
        self.timeouts = 0  # calls that timed out (the clerk waited a whole time-out each time)

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        stuck = self._stuck
        if stuck is not None:
            try:
                stuck.exception(timeout=timeout)  # its outcome belongs to a caller that left
            except concurrent.futures.TimeoutError:
                self.timeouts += 1
                raise CardTimeout(
                    "读卡器无响应，请取出卡片重新插入", f"{fn.__name__}: device still busy"
                ) from None
            self._stuck = None
        future = self._pool.submit(fn, *args)
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except concurrent.futures.TimeoutError:
            self._stuck = future
            self.timeouts += 1
            raise CardTimeout(
                "读卡器或卡片无响应，请取出卡片重新插入", f"{fn.__name__} timed out"
            ) from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def reader_names() -> list[str]:
    """The PC/SC readers present now (empty when pcscd is not running)."""
    try:
        return list_readers()
    except PcscUnavailable:
        return []


class PcscUnavailable(CardReaderError):
    """The PC/SC service cannot be asked for its readers: pyscard or pcscd is missing."""


def list_readers() -> list[str]:
    """The PC/SC readers pcscd lists now (empty: pcscd runs, no reader plugged in).

    Raises ``PcscUnavailable`` (Chinese message) when pyscard is not installed or pcscd does
    not answer, so a screen can say so instead of showing an empty list."""
    try:
        from smartcard.System import readers
    except ImportError as error:
        raise PcscUnavailable(
            "未安装智能卡读卡器支持（pyscard），无法列出读卡器", f"pyscard: {error}"
        ) from error
    try:
        return [str(r) for r in readers()]
    except Exception as error:  # EstablishContextException and friends: no pcscd
        if "no readers" in str(error).lower():  # pcsc-lite's SCARD_E_NO_READERS_AVAILABLE
            return []
        raise PcscUnavailable(
            "智能卡服务（pcscd）未运行，无法列出读卡器。请安装并启动 pcscd 后重试",
            f"pcscd: {error}",
        ) from error


def _translate(error: Exception, reader: str) -> CardReaderError:
    """pyscard's exceptions as typed errors with Chinese messages.

    A card pulled mid-command surfaces as a generic CardConnectionException (0x80100016,
    SCARD_W_REMOVED_CARD or a transmit failure), so every connection error after a successful
    connect is treated as "card removed" and the sale is settled by reading the card again.
    """
    from smartcard.Exceptions import CardConnectionException, NoCardException

    text = str(error)
    if isinstance(error, NoCardException):
        return NoCard("请插入燃气卡", f"{reader}: {text}")
    if reader not in reader_names():
        return ReaderUnplugged("读卡器已断开，请检查连接", f"{reader}: {text}")
    if isinstance(error, CardConnectionException):
        return CardRemoved("卡片已拔出或接触不良，请重新插卡", f"{reader}: {text}")
    return CardReaderError("读卡器错误，请重新插卡", f"{reader}: {text}")


class PcscTransport:
    """APDUs to the card in one PC/SC reader, on the reader's device thread."""

    def __init__(self, reader_name: str | None = None, *, timeout: float = 10.0):
        self.reader_name = reader_name
        self.timeout = timeout
        self.apdu_count = 0
        self._thread = DeviceThread("card-reader")
        self._connection = None

    def _reader(self):  # type: ignore[no-untyped-def]
        from smartcard.System import readers

        try:
            available = readers()
        except Exception as error:  # pcscd not running: no reader service at all
            raise NoReader("未找到读卡器（读卡服务未运行）", str(error)) from error
        if not available:
            raise NoReader("未找到读卡器，请连接读卡器", "no PC/SC reader")
        if self.reader_name is None:
            return available[0]
        for reader in available:
            if str(reader) == self.reader_name:
                return reader
        raise NoReader(f"未找到读卡器 {self.reader_name}", f"{self.reader_name} not present")

    def card_token(self) -> tuple[bool, object] | None:
        """(card present, which insertion) from pcscd without an APDU; None: unknown."""
        if self.reader_name is None:
            try:
                self.reader_name = str(self._reader())
            except NoReader:
                return None
        state = card_state(self.reader_name)
        return None if state is None else (state[0], state[1])

    @property
    def timeouts(self) -> int:
        """How many calls timed out so far (each one a time-out the clerk waited through)."""
        return self._thread.timeouts

    def _connect(self) -> bytes:
        # a session lost to a time-out or a removal leaves a stale handle: free it first
        self._drop()
        reader = self._reader()
        self.reader_name = str(reader)
        # A card just inserted can be "unpowered" or "reset" for a moment while the reader
        # powers it up; connecting changes nothing on the card, so try a few times.
        for attempt in range(5):
            connection = reader.createConnection()
            try:
                connection.connect()
            except Exception as error:
                with contextlib.suppress(Exception):  # free pcsc-lite's handle now, not in __del__
                    connection.release()
                translated = _translate(error, self.reader_name)
                if not isinstance(translated, CardRemoved) or attempt == 4:
                    raise translated from error
                time.sleep(0.2)
            else:
                self._connection = connection
                return bytes(connection.getATR())
        raise AssertionError("unreachable")

    def _transmit(self, apdu: bytes) -> bytes:
        if self._connection is None:
            # the connection was dropped under the caller (card pulled, a command that failed
            # after a time-out): the card may well be in the slot again, so say "removed" and
            # let the caller reconnect, never "insert the card"
            raise CardRemoved("卡片已拔出或接触不良，请重新插卡", "connection dropped")
        self.apdu_count += 1
        try:
            data, sw1, sw2 = self._connection.transmit(list(apdu))
        except Exception as error:
            self._drop()
            raise _translate(error, self.reader_name or "") from error
        return bytes(data) + bytes([sw1, sw2])

    def _drop(self) -> None:
        if self._connection is not None:
            for release in (self._connection.disconnect, self._connection.release):
                try:
                    release()
                except Exception as error:  # already gone; nothing to release
                    log.debug("releasing the card connection: %s", error)
            self._connection = None

    def connect(self) -> bytes:
        return self._thread.call(self._connect, timeout=self.timeout)

    def transmit(self, apdu: bytes) -> bytes:
        return self._thread.call(self._transmit, apdu, timeout=self.timeout)

    def disconnect(self) -> None:
        self._thread.call(self._drop, timeout=self.timeout)

    def close(self) -> None:
        try:
            self.disconnect()
        finally:
            self._thread.close()


@dataclass(frozen=True)
class CardEvent:
    kind: str  # "inserted" or "removed"
    reader: str
    atr: bytes


class CardEvents:
    """Insertion and removal events from pyscard's CardMonitor, as plain ``CardEvent``s."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[CardEvent], None]] = []
        self._monitor = None
        self._observer = None
        self._lock = threading.Lock()

    def subscribe(self, callback: Callable[[CardEvent], None]) -> None:
        """Call ``callback`` (on pyscard's monitor thread) for every insertion and removal."""
        from smartcard.CardMonitoring import CardMonitor, CardObserver

        events = self

        class _Observer(CardObserver):
            def update(self, observable, actions):  # type: ignore[no-untyped-def]
                added, removed = actions
                for card in added:
                    events._emit(CardEvent("inserted", str(card.reader), bytes(card.atr)))
                for card in removed:
                    events._emit(CardEvent("removed", str(card.reader), bytes(card.atr)))

        with self._lock:
            self._subscribers.append(callback)
            if self._monitor is None:
                self._monitor = CardMonitor()
                self._observer = _Observer()
                self._monitor.addObserver(self._observer)

    def _emit(self, event: CardEvent) -> None:
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:  # one subscriber's bug must not stop the others
                log.exception("card event subscriber failed")

    def close(self) -> None:
        with self._lock:
            if self._monitor is not None:
                self._monitor.deleteObserver(self._observer)
                self._monitor = None
            self._subscribers.clear()


def card_state(reader: str) -> tuple[bool, int] | None:
    """Whether a card is in ``reader`` and pcscd's insertion/removal count for it, without
    touching the card (SCardGetStatusChange with no wait); None when the service can't say.

    The count (high word of the event state) changes on every insertion and removal, so a card
    swapped between two looks is still seen as a new card.
    """
    from smartcard import scard

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        return None
    try:
        result, states = scard.SCardGetStatusChange(
            context, 0, [(reader, scard.SCARD_STATE_UNAWARE)]
        )
        if result != scard.SCARD_S_SUCCESS:
            return None
        state = states[0][1]
        present = bool(state & scard.SCARD_STATE_PRESENT) and not state & scard.SCARD_STATE_MUTE
        return present, (state >> 16) & 0xFFFF
    finally:
        scard.SCardReleaseContext(context)


def wait_for_card(reader: str, present: bool, timeout: float = 5.0) -> bool:
    """Wait until the PC/SC service reports the reader's card present (powered) or absent.

    pcscd notices insertions and removals by polling its drivers; an emulated card swapped
    faster than that is seen as a reset card. Training mode and the tests wait with this.
    """
    from smartcard import scard

    result, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if result != scard.SCARD_S_SUCCESS:
        return False
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result, states = scard.SCardGetStatusChange(
                context, 0, [(reader, scard.SCARD_STATE_UNAWARE)]
            )
            if result == scard.SCARD_S_SUCCESS:
                state = states[0][1]
                is_present = bool(state & scard.SCARD_STATE_PRESENT) and not (
                    state & scard.SCARD_STATE_MUTE
                )
                if is_present == present:
                    return True
            time.sleep(0.05)
        return False
    finally:
        scard.SCardReleaseContext(context)


VIRTUAL_READER = "Virtual PCD 00 00"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"


class PcscServiceError(RuntimeError):
    """pcscd with vpcd's virtual readers could not be started (names what to install)."""


LOCK_PATH = os.path.join(tempfile.gettempdir(), "gasdesk-pcsc-stack.lock")


@contextlib.contextmanager
def _machine_lock(wait: float):  # type: ignore[no-untyped-def]
    """Hold the machine's virtual readers: one pcscd and one vpcd port per slot.

    Without it, two users of the emulated cards (a test run, a benchmark, training mode) insert
    their cards into the same virtual slot and read each other's cards.
    """
    with open(LOCK_PATH, "a") as lock_file:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PcscServiceError(
                        f"another GasDesk process held {LOCK_PATH} for {wait:.0f} s"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


@contextlib.contextmanager
def virtual_readers(  # type: ignore[no-untyped-def]
    log_path: str | None = None, timeout: float = 10.0, lock_wait: float = 300.0
):
    """Make sure pcscd runs with vpcd's virtual readers (training mode, tests, benchmarks).

    Takes the machine-wide lock on the virtual readers for the duration of the block, reuses a
    running pcscd that already lists them or starts ``pcscd --foreground`` until the block ends.
    Yields the reader names.
    """
    with _machine_lock(lock_wait):
        yield from _virtual_readers(log_path, timeout)


def _virtual_readers(log_path: str | None, timeout: float):  # type: ignore[no-untyped-def]
    hint = "apt-get install -y pcscd vsmartcard-vpcd"
    if shutil.which("pcscd") is None:
        raise PcscServiceError(f"pcscd is not installed: {hint}")
    if not os.path.exists(VPCD_DRIVER):
        raise PcscServiceError(f"the vpcd driver {VPCD_DRIVER} is missing: {hint}")
    names = reader_names()
    if VIRTUAL_READER in names:
        yield names
        return
    os.makedirs("/run/pcscd", exist_ok=True)
    log_file = open(log_path or os.devnull, "wb")  # noqa: SIM115 - closed in finally
    process = subprocess.Popen(
        ["pcscd", "--foreground"], stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file
    )
    try:
        deadline = time.monotonic() + timeout
        while VIRTUAL_READER not in names:
            if process.poll() is not None or time.monotonic() > deadline:
                raise PcscServiceError(
                    f"pcscd did not show {VIRTUAL_READER!r} within {timeout:.0f} s "
                    f"(exit code {process.poll()}, readers {names}, log {log_path})"
                )
            time.sleep(0.1)
            names = reader_names()
        yield names
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log_file.close()
