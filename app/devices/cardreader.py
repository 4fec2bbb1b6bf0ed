"""Gas-card operations over a card reader, independent of how APDUs travel.

``GasCardReader`` reads, verifies and writes GasDesk cards (``app.domain.cardformat``) through a
reader family's command set (``Acr38``) over a ``CardTransport`` (pyscard in ``app.devices.pcsc``,
or an in-process chip for fast tests). Every write is read back and compared: an SLE4442 ignores
writes it refuses and a card pulled mid-command may still look present for a moment.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from app.domain import cardformat
from app.domain.cardformat import CardImage, CardKey
from app.errors import GasDeskError

log = logging.getLogger(__name__)


class CardReaderError(GasDeskError):
    """A reader or card problem; ``user_message`` tells the clerk what to do."""

    code = "card_reader"


class NoReader(CardReaderError):
    code = "no_reader"


class ReaderUnplugged(CardReaderError):
    code = "reader_unplugged"


class NoCard(CardReaderError):
    code = "no_card"


class CardRemoved(CardReaderError):
    code = "card_removed"


class CardLocked(CardReaderError):
    code = "card_locked"


class PscTriesUsed(CardReaderError):
    code = "psc_tries_used"


class CardWriteFailed(CardReaderError):
    code = "card_write_failed"


class CardTimeout(CardReaderError):
    code = "card_timeout"


class CardTransport(Protocol):
    """Moves APDUs to the card in one reader slot."""

    apdu_count: int

    def connect(self) -> bytes:
        """Power the card and return its ATR; raises NoCard/NoReader/ReaderUnplugged."""
        ...

    def transmit(self, apdu: bytes) -> bytes:
        """Response data followed by SW1 SW2; raises CardRemoved when the card is gone."""
        ...

    def disconnect(self) -> None: ...


SLE4442_ATR = bytes.fromhex("3B04A2131091")
_TRIES = {0x07: 3, 0x03: 2, 0x01: 1, 0x00: 0}


class Acr38:
    """The ACS ACR38/ACR39 family's pseudo-APDUs for SLE4442 memory cards.

    Other reader families (e.g. HID OMNIKEY) use other commands: add a class with the same
    methods and pass it to ``GasCardReader``.
    """

    name = "ACS ACR38/ACR39"

    def __init__(self, transport: CardTransport):
        self.transport = transport

    def _send(self, apdu: bytes) -> bytes:
        response = self.transport.transmit(apdu)
        data, sw = response[:-2], response[-2:]
        if sw[0] != 0x90:
            raise CardReaderError(
                "读卡器返回错误，请重新插卡", f"{apdu[:2].hex()} answered {sw.hex()}"
            )
        return data if sw == b"\x90\x00" else data + sw[1:]

    def select_card_type(self) -> None:
        self._send(bytes.fromhex("FFA4000001") + b"\x06")

    def read(self, address: int, length: int) -> bytes:
        data = self._send(bytes([0xFF, 0xB0, 0x00, address, length]))
        if len(data) != length:
            raise CardReaderError("读卡数据不完整，请重新插卡", f"read {len(data)}/{length} bytes")
        return data

    def tries_left(self) -> int:
        data = self._send(bytes.fromhex("FFB1000004"))
        return _TRIES.get(data[0] & 0x07, 0)

    def protection_bits(self) -> bytes:
        return self._send(bytes.fromhex("FFB2000004"))

    def write(self, address: int, data: bytes) -> None:
        self._send(bytes([0xFF, 0xD0, 0x00, address, len(data)]) + data)

    def protect(self, address: int, data: bytes) -> None:
        self._send(bytes([0xFF, 0xD1, 0x00, address, len(data)]) + data)

    def present_psc(self, psc: bytes) -> int:
        """Tries left after presenting ``psc`` (3 means it was accepted)."""
        response = self.transport.transmit(bytes.fromhex("FF20000003") + psc)
        if response[0] != 0x90:
            raise CardReaderError("校验密码时读卡器出错", f"PSC answered {response.hex()}")
        return _TRIES.get(response[-1] & 0x07, 0)

    def change_psc(self, psc: bytes) -> None:
        self._send(bytes.fromhex("FFD2000103") + psc)


@dataclass(frozen=True)
class CardRead:
    """One full read of a card: its raw memory, the tries left, and the parsed image."""

    memory: bytes
    tries_left: int
    image: CardImage | None  # None for a blank card

    @property
    def blank(self) -> bool:
        return self.image is None


class GasCardReader:
    """Read, issue and write GasDesk cards in one reader slot.

    The pyscard transport serialises single calls on its device thread; ``lock`` is held by
    ``CardCounter`` for a whole operation (read, settle, write, read-back), so a background
    poll can never interleave with a sale.
    """

    def __init__(self, transport: CardTransport, key: CardKey, family: type[Acr38] = Acr38):
        # one card operation at a time: a poll must never interleave with a write
        self.lock = threading.RLock()
        self.transport = transport
        self.key = key
        self.commands = family(transport)
        self._connected = False
        self._verified_serial: str | None = None  # PSC accepted in this power session
        # PSC tries left as read in this session; only our own PSC presentations change it
        self._tries_left: int | None = None

    @property
    def apdu_count(self) -> int:
        return self.transport.apdu_count

    def _ensure_connected(self) -> None:
        if not self._connected:
            atr = self.transport.connect()
            if atr != SLE4442_ATR:
                self.transport.disconnect()
                raise cardformat.WrongCardType(
                    "卡片类型不符，请使用燃气IC卡", f"unexpected ATR {atr.hex()}"
                )
            self.commands.select_card_type()
            self._connected = True
            self._verified_serial = None
            self._tries_left = None

    def forget(self) -> None:
        """The card left the reader: the next operation connects afresh."""
        if self._connected:
            with contextlib.suppress(CardReaderError):
                self.transport.disconnect()
        self._connected = False
        self._verified_serial = None
        self._tries_left = None

    def _guard(self, operation):  # type: ignore[no-untyped-def]
        try:
            return operation()
        except CardTimeout:
            raise  # the device thread may still be busy with the command: keep the session
        except CardReaderError:
            self.forget()  # the transport dropped its connection: start afresh next time
            raise

    def read(self) -> CardRead:
        """One full read of the card format area plus the PSC error counter (no PSC is sent).

        A card swapped quickly can answer the first command after connecting with "card was
        reset" while the reader service catches up; reading is harmless to repeat, so a read
        (never a write) reconnects and tries once more.
        """
        try:
            return self._read_once()
        except CardRemoved:
            time.sleep(0.2)
            return self._read_once()

    def _read_once(self) -> CardRead:
        def run() -> CardRead:
            self._ensure_connected()
            memory = self.commands.read(0, cardformat.USED_SIZE)
            if self._tries_left is None:
                self._tries_left = self.commands.tries_left()
            tries = self._tries_left
            if tries == 0:
                raise CardLocked("此卡已锁死（密码错误次数用尽），无法使用，请办理补卡", "locked")
            if cardformat.is_blank(memory) and memory[:4] == cardformat.FACTORY_HEADER:
                return CardRead(memory, tries, None)
            return CardRead(memory, tries, cardformat.parse(memory, self.key))

        return self._guard(run)

    def require_unlockable(self, read: CardRead) -> None:
        """Refuse, before anything is written anywhere, a card whose PSC tries were used."""
        serial = read.image.serial if read.image else ""
        if self._verified_serial != serial and read.tries_left < 3:
            raise PscTriesUsed(
                f"此卡密码校验已失败{3 - read.tries_left}次，为防止锁卡，系统不再尝试，请联系班长",
                f"{read.tries_left} tries left",
            )

    def _unlock(self, read: CardRead, psc: bytes, serial: str) -> None:
        if self._verified_serial == serial:
            return
        self.require_unlockable(read)
        left = self.commands.present_psc(psc)
        self._tries_left = left
        if left != 3:
            raise PscTriesUsed(
                "卡片密码校验失败，为防止锁卡请勿再次尝试，请联系班长", f"PSC refused, {left} left"
            )
        self._verified_serial = serial

    def write(self, read: CardRead, new_memory: bytes) -> None:
        """Write only the changed span of an issued card, then read it back and compare."""
        assert read.image is not None
        span = cardformat.changed_span(read.memory, new_memory[: cardformat.USED_SIZE])
        if span is None:
            return

        def run() -> None:
            self._ensure_connected()
            self._unlock(read, self.key.psc(read.image.serial), read.image.serial)
            self._write_verified(*span)

        self._guard(run)

    def _write_verified(self, address: int, data: bytes) -> None:
        self.commands.write(address, data)
        if self.commands.read(address, len(data)) != data:
            raise CardWriteFailed("写卡失败（回读数据不一致），请重新插卡确认", f"at {address:#x}")

    def issue(self, read: CardRead, new_memory: bytes, serial: str) -> None:
        """Personalise a blank card: data, protection of bytes 0-31, then the derived PSC."""
        if not read.blank:
            raise cardformat.WrongCardType("此卡不是空白卡，不能发卡", "card is not blank")

        def run() -> None:
            self._ensure_connected()
            self._unlock(read, cardformat.FACTORY_PSC, "")
            body = new_memory[4 : cardformat.USED_SIZE]
            self._write_verified(4, body)
            self._seal(new_memory, serial)

        self._guard(run)

    def _seal(self, memory: bytes, serial: str) -> None:
        # The PSC changes before the protection bits are written, so a card whose bytes 0-31
        # are all protected certainly has its derived PSC (see finish_issue).
        self.commands.change_psc(self.key.psc(serial))
        self._verified_serial = serial  # the session stays verified until power-down
        self.commands.protect(0, memory[: cardformat.PROTECTED_SIZE])
        bits = self.commands.protection_bits()
        if any(bits):
            raise CardWriteFailed("写保护未成功，请换一张空白卡", f"bits {bits.hex()}")

    def finish_issue(self, read: CardRead) -> None:
        """Complete an issue interrupted after the data were written (not all bytes protected).

        Its PSC is still the factory one or already the derived one. The factory PSC is tried
        first, then the derived one: at most one failed try, which the accepted one resets.
        """
        assert read.image is not None
        serial = read.image.serial

        def run() -> None:
            self._ensure_connected()
            if not any(self.commands.protection_bits()):
                return  # finished: protected, so the derived PSC is in place
            self.require_unlockable(read)
            factory_ok = self.commands.present_psc(cardformat.FACTORY_PSC) == 3
            if not factory_ok and self.commands.present_psc(self.key.psc(serial)) != 3:
                raise PscTriesUsed("卡片密码校验失败，请联系班长", "unfinished issue, no PSC")
            self._seal(read.memory, serial)

        self._guard(run)


class ChipTransport:
    """An in-process transport to an emulated chip (fast unit tests; no pcscd involved)."""

    def __init__(self, chip):  # type: ignore[no-untyped-def]
        self.chip = chip
        self.apdu_count = 0
        self.present = True

    def card_token(self) -> tuple[bool, object]:
        """(card present, which card): the in-process slot knows both."""
        return (bool(self.present), id(self.chip))

    def connect(self) -> bytes:
        if not self.present:
            raise NoCard("请插入燃气卡", "no card in the in-process reader")
        self.chip.power_on()
        return self.chip.atr()

    def transmit(self, apdu: bytes) -> bytes:
        if not self.present:
            raise CardRemoved("卡片已拔出，请重新插卡", "card removed")
        self.apdu_count += 1
        return self.chip.process(apdu)

    def disconnect(self) -> None:
        self.chip.power_off()
