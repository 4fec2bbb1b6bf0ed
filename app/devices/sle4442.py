"""An SLE4442 memory card as an ACS ACR38-family reader exposes it (pseudo-APDUs, CLA FF).

The emulator behaves like the chip where a careless caller could be fooled: writes that the chip
refuses (protected byte, PSC not presented, card locked) are silently ignored and still answer
90 00, so callers must read back what they wrote.
"""

from __future__ import annotations

import threading

MEMORY_SIZE = 256
PROTECTED_SIZE = 32
ROM_SIZE = 4  # bytes 0-3 are the factory header, never writable
FACTORY_HEADER = bytes.fromhex("A2131091")
FACTORY_PSC = b"\xff\xff\xff"
ATR = bytes.fromhex("3B04") + FACTORY_HEADER
MAX_TRIES = 3

CLA = 0xFF
INS_SELECT = 0xA4
INS_READ = 0xB0
INS_READ_COUNTER = 0xB1
INS_READ_PROTECTION = 0xB2
INS_WRITE = 0xD0
INS_WRITE_PROTECTION = 0xD1
INS_CHANGE_PSC = 0xD2
INS_PRESENT_PSC = 0x20
CARD_TYPE_SLE4442 = 0x06

SW_OK = b"\x90\x00"
SW_WRONG_LENGTH = b"\x67\x00"
SW_WRONG_PARAMS = b"\x6b\x00"
SW_NOT_SUPPORTED = b"\x6a\x81"
SW_OUT_OF_RANGE = b"\x6a\x82"
SW_UNKNOWN_INS = b"\x6d\x00"
SW_UNKNOWN_CLA = b"\x6e\x00"

WRITE_INSTRUCTIONS = frozenset({INS_WRITE, INS_WRITE_PROTECTION, INS_CHANGE_PSC})


def counter_byte(tries_left: int) -> int:
    """The error counter as the chip stores it: one set bit per try left (3 -> 0x07)."""
    return (1 << tries_left) - 1


def tries_from_counter(counter: int) -> int:
    """Tries left encoded in an error counter byte (the inverse of ``counter_byte``)."""
    return bin(counter & 0x07).count("1")


class Sle4442:
    """One SLE4442 chip: 256 bytes of memory, 32 protection bits, a 3-byte PSC, 3 tries."""

    def __init__(
        self,
        memory: bytes | None = None,
        *,
        psc: bytes = FACTORY_PSC,
        tries_left: int = MAX_TRIES,
    ) -> None:
        if memory is None:
            memory = FACTORY_HEADER + b"\xff" * (MEMORY_SIZE - ROM_SIZE)
        if len(memory) != MEMORY_SIZE:
            raise ValueError(f"SLE4442 memory is {MEMORY_SIZE} bytes, got {len(memory)}")
        if len(psc) != 3:
            raise ValueError("the PSC is 3 bytes")
        if not 0 <= tries_left <= MAX_TRIES:
            raise ValueError(f"tries left must be 0..{MAX_TRIES}")
        self.memory = bytearray(memory)
        # one flag per byte 0..31; True while the byte can still be written
        self._writable = [True] * PROTECTED_SIZE
        self._psc = bytes(psc)
        self._tries_left = tries_left
        self.verified = False
        self.powered = False
        # the vpcd thread and a test thread may touch the same chip
        self._lock = threading.RLock()

    @classmethod
    def blank(cls) -> Sle4442:
        """A factory-fresh card: FF memory after the header, PSC FF FF FF, 3 tries."""
        return cls(FACTORY_HEADER + b"\xff" * (MEMORY_SIZE - ROM_SIZE))

    # --- state --------------------------------------------------------------------------------

    @property
    def tries_left(self) -> int:
        return self._tries_left

    @property
    def locked(self) -> bool:
        return self._tries_left == 0

    @property
    def psc(self) -> bytes:
        """The PSC currently stored in the chip (for tests and training-mode inspection)."""
        return self._psc

    def protected(self, addr: int) -> bool:
        """True when byte ``addr`` (0..31) has been write-protected for ever."""
        if not 0 <= addr < MEMORY_SIZE:
            raise IndexError(addr)
        return addr < PROTECTED_SIZE and not self._writable[addr]

    def atr(self) -> bytes:
        return ATR

    def power_on(self) -> None:
        """Power the chip; a power-up from cold starts a new session (PSC not presented)."""
        with self._lock:
            if not self.powered:
                self.verified = False
            self.powered = True

    def reset(self) -> None:
        """Warm reset: powered, and a new session (the PSC must be presented again)."""
        with self._lock:
            self.powered = True
            self.verified = False

    def power_off(self) -> None:
        with self._lock:
            self.powered = False
            self.verified = False

    # --- APDUs --------------------------------------------------------------------------------

    def process(self, apdu: bytes) -> bytes:
        """Execute one pseudo-APDU; returns response data followed by SW1 SW2."""
        with self._lock:
            if not self.powered:
                # a reader never sends commands to an unpowered card: a caller bug, not a reply
                raise RuntimeError("SLE4442 is not powered; call power_on() first")
            return self._dispatch(bytes(apdu))

    def _dispatch(self, apdu: bytes) -> bytes:
        if len(apdu) < 1:
            return SW_WRONG_LENGTH
        if apdu[0] != CLA:
            return SW_UNKNOWN_CLA
        if len(apdu) < 5:
            return SW_WRONG_LENGTH
        ins, p1, p2, p3 = apdu[1], apdu[2], apdu[3], apdu[4]
        body = apdu[5:]
        if ins == INS_READ:
            return self._read(p1, p2, p3, body)
        if ins == INS_READ_COUNTER:
            return self._read_counter(p1, p2, p3, body)
        if ins == INS_READ_PROTECTION:
            return self._read_protection(p1, p2, p3, body)
        if ins == INS_SELECT:
            return self._select(p1, p2, p3, body)
        if ins == INS_WRITE:
            return self._write(p1, p2, p3, body)
        if ins == INS_WRITE_PROTECTION:
            return self._write_protection(p1, p2, p3, body)
        if ins == INS_PRESENT_PSC:
            return self._present_psc(p1, p2, p3, body)
        if ins == INS_CHANGE_PSC:
            return self._change_psc(p1, p2, p3, body)
        return SW_UNKNOWN_INS

    def _select(self, p1: int, p2: int, lc: int, body: bytes) -> bytes:
        if (p1, p2) != (0, 0):
            return SW_WRONG_PARAMS
        if lc != 1 or len(body) != 1:
            return SW_WRONG_LENGTH
        return SW_OK if body[0] == CARD_TYPE_SLE4442 else SW_NOT_SUPPORTED

    def _read(self, p1: int, addr: int, le: int, body: bytes) -> bytes:
        if p1 != 0:
            return SW_WRONG_PARAMS
        if body:
            return SW_WRONG_LENGTH
        length = le or MEMORY_SIZE
        if addr + length > MEMORY_SIZE:
            return SW_OUT_OF_RANGE
        return bytes(self.memory[addr : addr + length]) + SW_OK

    def _read_counter(self, p1: int, p2: int, le: int, body: bytes) -> bytes:
        if (p1, p2) != (0, 0):
            return SW_WRONG_PARAMS
        if le != 4 or body:
            return SW_WRONG_LENGTH
        # the chip only reveals its PSC to a session that already presented it
        shown = self._psc if self.verified else b"\x00\x00\x00"
        return bytes([counter_byte(self._tries_left)]) + shown + SW_OK

    def _read_protection(self, p1: int, p2: int, le: int, body: bytes) -> bytes:
        if (p1, p2) != (0, 0):
            return SW_WRONG_PARAMS
        if le != 4 or body:
            return SW_WRONG_LENGTH
        bits = bytearray(4)
        for i, writable in enumerate(self._writable):
            if writable:
                bits[i // 8] |= 1 << (i % 8)
        return bytes(bits) + SW_OK

    def _can_write(self) -> bool:
        return self.verified and not self.locked

    def _write(self, p1: int, addr: int, lc: int, body: bytes) -> bytes:
        if p1 != 0:
            return SW_WRONG_PARAMS
        if lc == 0 or len(body) != lc:
            return SW_WRONG_LENGTH
        if addr + lc > MEMORY_SIZE:
            return SW_OUT_OF_RANGE
        if not self._can_write():
            return SW_OK  # the real chip ignores the write without complaint
        for offset, value in enumerate(body):
            target = addr + offset
            if target < ROM_SIZE or self.protected(target):
                continue
            self.memory[target] = value
        return SW_OK

    def _write_protection(self, p1: int, addr: int, lc: int, body: bytes) -> bytes:
        if p1 != 0:
            return SW_WRONG_PARAMS
        if lc == 0 or len(body) != lc:
            return SW_WRONG_LENGTH
        if addr + lc > PROTECTED_SIZE:
            return SW_OUT_OF_RANGE
        if not self._can_write():
            return SW_OK
        for offset, value in enumerate(body):
            target = addr + offset
            # the chip protects a byte only when the caller proves it knows its content
            if self.memory[target] == value:
                self._writable[target] = False
        return SW_OK

    def _present_psc(self, p1: int, p2: int, lc: int, body: bytes) -> bytes:
        if (p1, p2) != (0, 0):
            return SW_WRONG_PARAMS
        if lc != 3 or len(body) != 3:
            return SW_WRONG_LENGTH
        if self.locked:
            return SW_OK
        if body == self._psc:
            self._tries_left = MAX_TRIES
            self.verified = True
            return bytes([0x90, counter_byte(MAX_TRIES)])
        self._tries_left -= 1
        self.verified = False
        return bytes([0x90, counter_byte(self._tries_left)])

    def _change_psc(self, p1: int, p2: int, lc: int, body: bytes) -> bytes:
        if (p1, p2) != (0, 1):
            return SW_WRONG_PARAMS
        if lc != 3 or len(body) != 3:
            return SW_WRONG_LENGTH
        if self._can_write():
            self._psc = bytes(body)
        return SW_OK
