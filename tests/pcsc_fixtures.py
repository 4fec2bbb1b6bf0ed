"""Fixtures for the real card stack: pyscard -> pcscd -> vpcd -> VirtualCard.

``pcsc_stack`` reuses a running pcscd that shows vpcd's readers, or starts one for the session.
Without pcscd, the vpcd driver or pyscard the tests are skipped on a developer machine and fail
on CI (CI must exercise the real stack). There is one pcscd and one vpcd port per slot on a
machine, so concurrent test sessions take turns through a lock file.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.devices.sle4442 import Sle4442
from app.devices.vpcd import VirtualCard, vpcd_port

VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
READER_NAME = "Virtual PCD 00 00"
INSTALL_HINT = "apt-get install -y pcscd vsmartcard-vpcd (and pyscard in the virtualenv)"
STARTUP_TIMEOUT = 10.0
LOCK_TIMEOUT = 300.0


@dataclass
class PcscStack:
    """The running stack: the PC/SC reader names, and whether this session started pcscd."""

    reader_names: list[str]
    started_pcscd: bool

    @staticmethod
    def reader_name(slot: int = 0) -> str:
        return f"Virtual PCD 00 {slot:02d}"


def _stack_problem() -> str | None:
    if shutil.which("pcscd") is None:
        return f"pcscd is not installed: {INSTALL_HINT}"
    if not VPCD_DRIVER.exists():
        return f"the vpcd driver {VPCD_DRIVER} is missing: {INSTALL_HINT}"
    try:
        import smartcard.System  # noqa: F401
    except ImportError as error:
        return f"pyscard cannot be imported ({error}): {INSTALL_HINT}"
    return None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PC/SC card stack: {reason}")
    pytest.skip(f"PC/SC CARD STACK NOT TESTED: {reason}")


@pytest.fixture(scope="session")
def pcsc_stack(tmp_path_factory):
    """pcscd with vpcd's readers, reused when already running, else started for the session."""
    problem = _stack_problem()
    if problem:
        _skip_or_fail(problem)
    yield from _running_stack(tmp_path_factory)


def _running_stack(tmp_path_factory):
    from app.devices.pcsc import PcscServiceError, reader_names, virtual_readers

    started = READER_NAME not in reader_names()
    log_path = tmp_path_factory.mktemp("pcscd") / "pcscd.log"
    with contextlib.ExitStack() as stack:
        try:
            # virtual_readers also takes the machine-wide lock, so concurrent test runs, the
            # benchmark and training mode take turns at the one vpcd slot
            names = stack.enter_context(
                virtual_readers(str(log_path), timeout=STARTUP_TIMEOUT, lock_wait=LOCK_TIMEOUT)
            )
        except PcscServiceError as error:
            _skip_or_fail(str(error))
        yield PcscStack(reader_names=names, started_pcscd=started)
        # pyscard frees its handles in __del__; do it while pcscd still answers
        gc.collect()


def reader_state(reader_name: str = READER_NAME) -> tuple[int, bool]:
    """pcscd's view of a reader: (card event counter, card present)."""
    from smartcard.scard import (
        SCARD_S_SUCCESS,
        SCARD_SCOPE_USER,
        SCARD_STATE_PRESENT,
        SCARD_STATE_UNAWARE,
        SCardEstablishContext,
        SCardGetStatusChange,
        SCardReleaseContext,
    )

    hresult, context = SCardEstablishContext(SCARD_SCOPE_USER)
    if hresult != SCARD_S_SUCCESS:
        raise RuntimeError(f"SCardEstablishContext failed: {hresult:#x}")
    try:
        hresult, states = SCardGetStatusChange(context, 0, [(reader_name, SCARD_STATE_UNAWARE)])
    finally:
        SCardReleaseContext(context)
    if hresult != SCARD_S_SUCCESS:
        raise RuntimeError(f"SCardGetStatusChange({reader_name!r}) failed: {hresult:#x}")
    _, event_state, _ = states[0]
    # pcsc-lite counts card insertions and removals in the upper 16 bits
    return event_state >> 16, bool(event_state & SCARD_STATE_PRESENT)


def _wait_for(what: str, check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"pcscd did not {what} within {timeout:.1f} s")
        time.sleep(0.02)


# reader name -> pcscd's event counter when it last saw a card inserted there
_seen_inserted: dict[str, int] = {}


class StackCard(VirtualCard):
    """A VirtualCard that waits for pcscd to notice each insertion and removal.

    pcscd polls vpcd about every 400 ms. A card swapped between two polls is never seen leaving,
    and after a failed power-down pcscd then keeps the reader marked empty with a card in it
    (every SCardConnect answers "no smart card"). Waiting for pcscd's event counter keeps every
    insertion and removal visible, as it is with a real card pulled by hand.
    """

    def __init__(self, chip: Sle4442, *, reader_name: str, **kwargs) -> None:
        super().__init__(chip, **kwargs)
        self.reader_name = reader_name

    def insert(self, timeout: float = 5.0) -> None:
        self.wait_removal_seen(timeout)
        super().insert(timeout)

        def present() -> bool:
            counter, is_present = reader_state(self.reader_name)
            if is_present:
                _seen_inserted[self.reader_name] = counter
            return is_present

        _wait_for(f"see the card in {self.reader_name!r}", present, timeout)

    def remove(self) -> None:
        super().remove()
        self.wait_removal_seen()

    def wait_removal_seen(self, timeout: float = 5.0) -> None:
        """Wait until pcscd has seen the last card in this reader leave (removed or dropped)."""
        inserted_at = _seen_inserted.get(self.reader_name)
        if inserted_at is None:
            return

        def gone() -> bool:
            counter, is_present = reader_state(self.reader_name)
            return counter != inserted_at and not is_present

        _wait_for(f"see the card leave {self.reader_name!r}", gone, timeout)
        del _seen_inserted[self.reader_name]


@pytest.fixture
def virtual_card(pcsc_stack):
    """Factory of VirtualCards (not inserted yet); every card made is removed at teardown."""
    made: list[VirtualCard] = []

    def make(chip: Sle4442 | None = None, slot: int = 0, **faults) -> VirtualCard:
        card = StackCard(
            chip if chip is not None else Sle4442.blank(),
            reader_name=PcscStack.reader_name(slot),
            port=vpcd_port(slot),
            **faults,
        )
        made.append(card)
        return card

    yield make
    for card in made:
        card.remove()


def connect(reader_name: str = READER_NAME, timeout: float = 3.0):
    """A pyscard connection to the card in ``reader_name``, waiting for pcscd to see the card.

    pcscd polls vpcd for the card a few times a second, so a card inserted (or swapped) a
    moment ago is not connectable at once.
    """
    from smartcard.Exceptions import CardConnectionException, NoCardException
    from smartcard.System import readers

    deadline = time.monotonic() + timeout
    while True:
        reader = next((r for r in readers() if str(r) == reader_name), None)
        if reader is None:
            raise LookupError(f"no reader {reader_name!r}")
        connection = reader.createConnection()
        try:
            connection.connect()
            return connection
        except (NoCardException, CardConnectionException):
            close(connection)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def close(connection) -> None:
    """Disconnect and release a pyscard connection, also when its card is already gone."""
    from smartcard.Exceptions import CardConnectionException

    # a removed card makes SCardDisconnect fail; that must not hide the test's own outcome
    with contextlib.suppress(CardConnectionException):
        connection.disconnect()
    with contextlib.suppress(CardConnectionException):
        connection.release()


def transmit(connection, apdu: bytes) -> tuple[bytes, bytes]:
    """Send ``apdu`` through pyscard; returns (data, SW1 SW2) as bytes."""
    data, sw1, sw2 = connection.transmit(list(apdu))
    return bytes(data), bytes([sw1, sw2])
