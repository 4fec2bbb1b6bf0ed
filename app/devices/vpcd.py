"""A card inserted in vpcd's virtual reader (vsmartcard-vpcd inside pcscd).

vpcd listens on 127.0.0.1:35963 + slot; the card is the TCP client. Every message both ways is a
2-byte big-endian length and a payload. A 1-byte payload from vpcd is a control (00 power off,
01 power on, 02 reset, 04 get ATR); anything longer is an APDU. Closing the socket removes the
card. Faults (card pulled mid-command, lost answer, writes that do not stick, slow card, a card
that goes silent) let the tests and training mode rehearse what real counters see.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from collections.abc import Callable

from app.devices.sle4442 import CLA, WRITE_INSTRUCTIONS, Sle4442

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_BASE_PORT = 35963

CTRL_OFF = 0x00
CTRL_ON = 0x01
CTRL_RESET = 0x02
CTRL_ATR = 0x04

_SW_OK = b"\x90\x00"


def vpcd_port(slot: int) -> int:
    """The TCP port of vpcd's reader ``slot`` ("Virtual PCD 00 0<slot>")."""
    return VPCD_BASE_PORT + slot


class VirtualCard:
    """Serve an ``Sle4442`` to vpcd on a daemon thread, with optional faults."""

    def __init__(
        self,
        chip: Sle4442,
        *,
        host: str = VPCD_HOST,
        port: int = VPCD_BASE_PORT,
        drop_before_apdu: int | None = None,
        drop_after_apdu: int | None = None,
        ignore_writes: bool = False,
        apdu_delay: float = 0.0,
        go_silent: Callable[[bytes], bool] | None = None,
        silent_lands: bool = False,
    ) -> None:
        self.chip = chip
        self.host = host
        self.port = port
        self.drop_before_apdu = drop_before_apdu
        self.drop_after_apdu = drop_after_apdu
        self.ignore_writes = ignore_writes
        self.apdu_delay = apdu_delay
        # a card that stops answering (bad contact, a dying chip): at the first APDU for which
        # ``go_silent`` is true it answers nothing until pulled, after processing that APDU
        # when ``silent_lands``; once per insertion
        self.go_silent = go_silent
        self.silent_lands = silent_lands
        self.went_silent = False
        self._pulled = threading.Event()
        self.apdu_count = 0
        self.apdu_log: list[bytes] = []
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._removed = threading.Event()
        self._removed.set()
        self._state_lock = threading.Lock()

    @property
    def inserted(self) -> bool:
        return not self._removed.is_set()

    def insert(self, timeout: float = 5.0) -> None:
        """Connect to vpcd (retrying until it accepts) and start answering it."""
        if self.inserted:
            raise RuntimeError("the card is already inserted")
        self._join()  # a thread that ended on its own (drop, vpcd closed) is reaped here
        self._pulled.clear()
        deadline = time.monotonic() + timeout
        last_error: OSError | None = None
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError as error:
                last_error = error
                if time.monotonic() >= deadline:
                    raise ConnectionError(
                        f"vpcd is not accepting cards on {self.host}:{self.port} after "
                        f"{timeout:.1f} s ({last_error}); is pcscd running with "
                        "vsmartcard-vpcd installed?"
                    ) from error
                time.sleep(0.05)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._state_lock:
            self._sock = sock
            self._removed.clear()
        self._thread = threading.Thread(
            target=self._serve, args=(sock,), name="vpcd-card", daemon=True
        )
        self._thread.start()

    def remove(self) -> None:
        """Pull the card out: close the connection and wait for the serving thread."""
        self._pulled.set()  # a silent card wakes up to leave
        self._close_socket()
        self._join()

    def wait_removed(self, timeout: float | None = None) -> bool:
        """Wait until the card is out (removed, dropped by a fault, or closed by vpcd)."""
        return self._removed.wait(timeout)

    # --- serving ------------------------------------------------------------------------------

    def _join(self) -> None:
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()
            self._thread = None

    def _close_socket(self, sock: socket.socket | None = None) -> None:
        """Close ``sock`` (default: the current connection); closing twice is harmless."""
        with self._state_lock:
            if sock is None or sock is self._sock:
                sock, self._sock = self._sock, None
        if sock is None:
            return
        # shutdown wakes the serving thread blocked in recv; close alone would not
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _recv_message(sock)
                if message is None:
                    return  # vpcd closed the connection
                if not message:
                    continue
                if len(message) == 1:
                    reply = self._control(message[0])
                    if reply is None:
                        continue  # only the ATR request expects an answer
                else:
                    reply = self._apdu(message)
                    if reply is None:
                        return  # a fault pulls the card out instead of answering
                sock.sendall(struct.pack(">H", len(reply)) + reply)
        except OSError as error:
            # remove() shuts the socket down under us; anything else is vpcd going away
            log.debug("virtual card connection ended: %s", error)
        finally:
            self._close_socket(sock)
            # a card out of the reader has no power: its PSC session ends with it
            self.chip.power_off()
            self._removed.set()

    def _control(self, code: int) -> bytes | None:
        if code == CTRL_OFF:
            self.chip.power_off()
        elif code == CTRL_ON:
            self.chip.power_on()
        elif code == CTRL_RESET:
            self.chip.reset()
        elif code == CTRL_ATR:
            return self.chip.atr()
        else:
            log.warning("unknown vpcd control byte %02x ignored", code)
        return None

    def _apdu(self, apdu: bytes) -> bytes | None:
        """The chip's answer, or None when a fault pulls the card out instead."""
        self.apdu_count += 1
        self.apdu_log.append(apdu)
        number = self.apdu_count
        if number == self.drop_before_apdu:
            return None
        if self.go_silent is not None and not self.went_silent and self.go_silent(apdu):
            self.went_silent = True
            if self.silent_lands:
                self.chip.process(apdu)
            self._pulled.wait()  # no answer at all until the card is pulled
            return None
        if self.ignore_writes and apdu[0] == CLA and apdu[1] in WRITE_INSTRUCTIONS:
            response = _SW_OK
        else:
            if not self.chip.powered:
                # vpcd forwards APDUs only to a card it powered; a chip powered off by a test
                # behind vpcd's back would otherwise break the serving thread
                self.chip.power_on()
            response = self.chip.process(apdu)
        if number == self.drop_after_apdu:
            return None
        if self.apdu_delay:
            time.sleep(self.apdu_delay)
        return response


def _quick_ack(sock: socket.socket) -> None:
    """Acknowledge at once: vpcd sends a message's length and payload as two writes, and with
    delayed ACKs here its Nagle algorithm holds the payload back ~40 ms on every APDU (Linux
    resets TCP_QUICKACK after each receive, so it is set again before every one)."""
    quick_ack = getattr(socket, "TCP_QUICKACK", None)
    if quick_ack is not None:
        with contextlib.suppress(OSError):  # socket already closed: nothing to acknowledge
            sock.setsockopt(socket.IPPROTO_TCP, quick_ack, 1)


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        _quick_ack(sock)
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def _recv_message(sock: socket.socket) -> bytes | None:
    header = _recv_exact(sock, 2)
    if header is None:
        return None
    (size,) = struct.unpack(">H", header)
    return _recv_exact(sock, size) if size else b""
