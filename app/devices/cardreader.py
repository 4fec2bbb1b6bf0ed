"""Gas-card operations over a card reader, independent of how APDUs travel.

``GasCardReader`` reads, verifies and writes GasDesk cards (``app.domain.cardformat``) through a
reader family's command set (``Acr38``) over a ``CardTransport`` (pyscard in ``app.devices.pcsc``,
or an in-process chip for fast tests). Every write is read back and compared: an SLE4442 ignores
writes it refuses and a card pulled mid-command may still look present for a moment.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from app.domain import cardformat
from app.domain.cardformat import CardKey
from app.domain.cards import GASDESK_MAKER, CardImage, CardIssue
from app.domain.toolcards import ToolCardImage, ToolCardOrder
from app.errors import GasDeskError
from app.vocabulary import CardClaim, ToolCardKind

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


class UnknownCard(CardReaderError):
    """No configured card driver claims the card in the slot."""

    code = "unknown_card"


class NotSupportedByCard(CardReaderError):
    """The card's driver cannot do this (e.g. format v1 cannot be formatted back to blank)."""

    code = "not_supported_by_card"


@dataclass(frozen=True)
class CardRead:
    """One full read of a card by its driver: the typed image, and what the driver needs to
    write it again.

    ``memory`` and ``tries_left`` are format v1's (the raw SLE4442 memory, the PSC tries left;
    b"" and None for a maker's card). ``unfinished`` is set on a format-v1 card whose issue
    stopped half-way (``cardformat.issue_progress``: which PSC it holds); such a card has no
    image until the issue is finished. ``tool`` is set for a tool card (its kind), with what
    it carries and brought back from a meter in ``tool_card`` (None while a format-v1 tool card
    is unfinished).
    """

    memory: bytes
    tries_left: int | None
    image: CardImage | None  # None for a blank (or maker's new) card and an unfinished issue
    unfinished: str | None = None
    maker: str = GASDESK_MAKER  # the driver that read it
    tool: ToolCardKind | None = None
    # a maker's card: every field ReadGasCard returned (kmm never), for the next write
    fields: Mapping[str, object] = dataclasses.field(default_factory=dict)
    tool_card: ToolCardImage | None = None

    @property
    def blank(self) -> bool:
        """A card that may be issued: a blank SLE4442, or a maker's formatted new card."""
        return self.image is None and self.unfinished is None and self.tool is None


_STAGE = cardformat.ISSUE_STAGE


class GasCardReader:
    """Read, issue and write GasDesk cards in one reader slot.

    The pyscard transport serialises single calls on its device thread; ``lock`` is held by
    ``app.counter.cards.CardOperations`` for a whole operation (read, settle, write,
    read-back), so a background poll can never interleave with a sale. Implements the
    ``app.devices.ports.CardReader`` port for the SLE4442 family.
    """

    family = "sle4442"
    maker = GASDESK_MAKER

    def __init__(self, transport: CardTransport, key: CardKey, family: type[Acr38] = Acr38):
        # one card operation at a time: a poll must never interleave with a write
        self.lock = threading.RLock()
        self.transport = transport
        self.key = key
        self.commands = family(transport)
        self._connected = False
        self._token: object = None  # the transport's card insertion token at connect
        self._verified_serial: str | None = None  # PSC accepted in this power session
        # PSC tries left as read in this session; only our own PSC presentations change it
        self._tries_left: int | None = None
        self._all_protected = False  # bytes 0-31 seen protected in this session

    @property
    def apdu_count(self) -> int:
        return self.transport.apdu_count

    def card_token(self) -> tuple[bool, object] | None:
        """(card present, which insertion) from the reader service (no APDU); None when the
        transport cannot tell. Raises ReaderUnplugged/NoReader when the reader is gone."""
        token = getattr(self.transport, "card_token", None)
        if token is None:
            return None
        try:
            return token()
        except (ReaderUnplugged, NoReader):
            raise  # the reader itself is gone: the status bar says so
        except CardReaderError:
            return None

    def _ensure_connected(self) -> None:
        if self._connected:
            token = self.card_token()
            if token is not None and self._token is not None and token != self._token:
                # the card was pulled and put back (or swapped) since the session began: the
                # old session is gone with it, so start a new one rather than fail on it
                self.forget()
        if not self._connected:
            self._token = self.card_token()
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
            self._all_protected = False

    def forget(self) -> None:
        """The card left the reader: the next operation connects afresh."""
        if self._connected:
            with contextlib.suppress(CardReaderError):
                self.transport.disconnect()
        self._lose_session()

    def _lose_session(self) -> None:
        self._connected = False
        self._token = None
        self._verified_serial = None
        self._tries_left = None
        self._all_protected = False

    def _guard(self, operation):  # type: ignore[no-untyped-def]
        try:
            return operation()
        except CardTimeout:
            # The card stopped answering: the device thread may still be stuck in the command,
            # so nothing more is sent now (a disconnect would wait out a second time-out). The
            # session is unknown: the next operation connects afresh (see PcscTransport).
            self._lose_session()
            raise
        except CardReaderError:
            self.forget()  # the transport dropped its connection: start afresh next time
            raise

    def read(self) -> CardRead:
        """One full read of the card format area, the PSC error counter and the protection
        bits (no PSC is sent).

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
            # every read looks at the protection bits: an issue that stopped half-way must be
            # recognised before anyone presents a PSC to the card
            if self._all_protected:
                bits = bytes(4)  # protection is for ever: seen once in this session is enough
            else:
                bits = self.commands.protection_bits()
                self._all_protected = not any(bits)
            progress = cardformat.issue_progress(memory, bits, self.key)
            tool = cardformat.is_tool_card(memory)
            if progress is not None:
                kind = cardformat.TOOL_KINDS.get(memory[cardformat.TOOL_KIND]) if tool else None
                return CardRead(memory, tries, None, progress, tool=kind)
            if tool:
                made = cardformat.parse_tool(memory, self.key)
                return CardRead(memory, tries, None, tool=made.kind, tool_card=made)
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
        self._present(psc, serial)

    def _present(self, psc: bytes, serial: str) -> None:
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
        """Personalise a blank card: data, MAC, PSC change, protection of bytes 0-31.

        The stage byte is written around the PSC change so that a card interrupted at any step
        tells which PSC it holds (``cardformat.issue_progress``, ``finish_issue``).
        """
        if not read.blank:
            raise cardformat.WrongCardType("此卡不是空白卡，不能发卡", "card is not blank")

        def run() -> None:
            self._ensure_connected()
            self._unlock(read, cardformat.FACTORY_PSC, "")
            self._personalise(read.memory, new_memory, serial)

        self._guard(run)

    def _personalise(self, current: bytes, memory: bytes, serial: str) -> None:
        """From the factory PSC (presented) to an issued card, skipping what is on it already."""
        self._write_data(current, memory)
        self._write_verified(_STAGE, bytes([cardformat.STAGE_PSC_CHANGING]))
        self.commands.change_psc(self.key.psc(serial))
        self._verified_serial = serial  # the session stays verified until power-down
        self._write_verified(_STAGE, bytes([cardformat.STAGE_PSC_CHANGED]))
        self._protect(memory)

    def _write_data(self, current: bytes, memory: bytes) -> None:
        mac, used = cardformat.MAC, cardformat.USED_SIZE
        # the data first, then the MAC: a card without its MAC is not mistaken for a good one;
        # the stage byte between them is written by the steps around the PSC change
        for start, stop in ((4, mac.start), (_STAGE + 1, used), (mac.start, mac.stop)):
            if current[start:stop] != memory[start:stop]:
                self._write_verified(start, memory[start:stop])

    def _protect(self, memory: bytes) -> None:
        """With the derived PSC in place and presented: protect bytes 0-31, close the stage."""
        self.commands.protect(0, memory[: cardformat.PROTECTED_SIZE])
        bits = self.commands.protection_bits()
        if any(bits):
            raise CardWriteFailed("写保护未成功，请换一张空白卡", f"bits {bits.hex()}")
        self._write_verified(_STAGE, bytes([cardformat.STAGE_DONE]))

    def finish_issue(self, read: CardRead, new_memory: bytes, serial: str) -> str:
        """Complete an issue that stopped half-way (``read.unfinished``); returns how its PSC
        was known: ``"state"`` (the card's state proves it), ``"asked"`` (the chip was asked)
        or ``"refused_before"`` (a derived PSC already refused proves the factory one).

        Only a PSC the card's state proves is presented (``_finishing_psc``). The one state that
        proves nothing (the process stopped at the PSC change itself) is resolved with the
        derived PSC: accepted, it is the card's; refused, the chip still holds the factory one,
        which is then certain and whose acceptance restores the try at once. That refusal is on
        the card itself (its error counter), so a finish killed between the two presentations
        resumes with the factory PSC and never presents the derived one a second time.
        """
        progress = read.unfinished
        if progress is None:
            raise cardformat.WrongCardType("此卡不是未完成发卡的卡", "issue is not unfinished")
        derived = self.key.psc(serial)

        def run() -> str:
            self._ensure_connected()
            how = "state"
            if self._verified_serial != serial:
                psc = self._finishing_psc(progress, read.tries_left, derived)
                if psc is None:  # unknown, no try used: ask the chip with the derived PSC
                    how = "asked"
                    left = self.commands.present_psc(derived)
                    self._tries_left = left
                    if left == 3:
                        self._verified_serial = serial
                    else:
                        log.warning("unfinished issue of %s: PSC still the factory one", serial)
                        self._present(cardformat.FACTORY_PSC, "")
                else:
                    if psc == cardformat.FACTORY_PSC and progress == cardformat.PSC_UNKNOWN:
                        how = "refused_before"
                        log.warning("unfinished issue of %s: derived PSC refused before", serial)
                    self._present(psc, "" if psc == cardformat.FACTORY_PSC else serial)
            if self._verified_serial == serial:
                self._write_data(read.memory, new_memory)
                self._write_verified(_STAGE, bytes([cardformat.STAGE_PSC_CHANGED]))
                self._protect(new_memory)
            else:
                self._personalise(read.memory, new_memory, serial)
            return how

        return self._guard(run)

    @staticmethod
    def _finishing_psc(progress: str, tries_left: int, derived: bytes) -> bytes | None:
        """The PSC an unfinished card's state proves, None when the chip must be asked (the
        state proves nothing and no try is used); raises PscTriesUsed when nothing may be sent.

        A used try is tolerated in one state only: unknown (stage ``5A``, or ``00`` of an old
        issue; nothing protected, our MAC) with exactly 2 tries left. GasDesk presents nothing
        but the derived PSC to a card in that state (a finish asking, an old sale), the card
        enters it with 3 tries (the factory PSC presented just before), and a right PSC resets
        the counter: one used try there is a refused derived PSC, so the factory PSC is the
        card's. With fewer tries, or a try used in any other state, nothing is sent.
        """
        if tries_left == 3:
            if progress == cardformat.PSC_FACTORY:
                return cardformat.FACTORY_PSC
            return derived if progress == cardformat.PSC_DERIVED else None
        if progress == cardformat.PSC_UNKNOWN and tries_left == 2:
            return cardformat.FACTORY_PSC
        raise PscTriesUsed(
            f"此卡密码校验已失败{3 - tries_left}次，为防止锁卡，系统不再尝试，请联系班长",
            f"unfinished ({progress}) with {tries_left} tries left",
        )

    # ---------------------------------------------------------------- the card port

    def claims(self) -> CardClaim:
        """Format v1 owns an SLE4442 (its ATR) that is blank from the factory or carries this
        utility's code (a tool card by its type byte); nothing but reads is sent (no PSC)."""
        with self.lock:
            try:
                self._ensure_connected()
                header = self._guard(lambda: self.commands.read(0, cardformat.CARD_TYPE + 1))
            except NoCard:
                return CardClaim.NO_CARD
            except cardformat.WrongCardType:
                return CardClaim.NOT_MINE
            if header[:4] != cardformat.FACTORY_HEADER:
                return CardClaim.NOT_MINE
            if cardformat.is_blank(header):
                return CardClaim.CARD
            if header[cardformat.UTILITY] == self.key.utility_code:
                return CardClaim.TOOL if cardformat.is_tool_card(header) else CardClaim.CARD
            return CardClaim.NOT_MINE

    def use_keys(self, keys) -> None:  # type: ignore[no-untyped-def]
        """Format v1 derives each card's PSC from the utility key: no per-card keys."""

    def write_gas(self, read: CardRead, *, purchase_count: int, pending_volume: int) -> None:
        """The purchase count and the pending gas (0: a refund) written, changed bytes only."""
        self.write(
            read, cardformat.with_purchase(read.memory, self.key, purchase_count, pending_volume)
        )

    def _issue_image(self, read: CardRead, issue: CardIssue) -> bytes:
        return cardformat.issued(
            read.memory,
            self.key,
            serial=issue.serial,
            account_no=issue.account_no,
            meter_no=issue.meter_no,
            purchase_count=issue.purchase_count,
            pending_volume=issue.pending_volume,
        )

    def issue_card(self, read: CardRead, issue: CardIssue) -> CardImage:
        """Personalise the blank SLE4442 as the account's card (``issue``)."""
        memory = self._issue_image(read, issue)
        self.issue(read, memory, issue.serial)
        return cardformat.parse(memory, self.key)

    def finish_issue_card(self, read: CardRead, issue: CardIssue) -> str:
        """``finish_issue`` with the image ``issue`` describes."""
        return self.finish_issue(read, self._issue_image(read, issue), issue.serial)

    def unfinished_issue(self, read: CardRead) -> tuple[str, str]:
        """(serial, account number) an unfinished issue carries in its protected area."""
        account_no = read.memory[cardformat.ACCOUNT].rstrip(b" \x00")
        return cardformat.serial_of(read.memory), account_no.decode("ascii", "replace")

    def tool_kinds(self) -> frozenset[ToolCardKind]:
        """Format v1 makes every tool card of its layout (docs/card-format.md)."""
        return frozenset(cardformat.TOOL_CODES)

    def make_tool_card(self, read: CardRead, order: ToolCardOrder) -> ToolCardImage:
        """A blank SLE4442 personalised as the tool card ``order`` describes (the issue's
        steps, with the tool card's own PSC derived from its number), or a tool card whose
        making stopped half-way finished as ``order`` (its number is the one it carries)."""
        if order.kind not in cardformat.TOOL_CODES:
            raise NotSupportedByCard(
                f"本公司格式的卡不能制作{order.kind.label}", f"format v1 has no {order.kind}"
            )
        memory = cardformat.tool_card(read.memory, self.key, order)
        if read.unfinished is not None and read.tool is not None:
            if cardformat.serial_of(read.memory) != order.serial:
                raise cardformat.WrongCardType(
                    "此工具卡上次制作中断，卡号与本次不符",
                    f"unfinished {cardformat.serial_of(read.memory)}",
                )
            self.finish_issue(read, memory, order.serial)
        else:
            self.issue(read, memory, order.serial)
        return cardformat.parse_tool(memory, self.key)

    def format_card(self, read: CardRead) -> None:
        """An issued SLE4442 keeps its protected bytes for ever: it cannot become blank."""
        raise NotSupportedByCard(
            "本公司格式的燃气卡不能格式化（卡头已永久写保护），请作废后换新卡", "format v1"
        )


class ChipTransport:
    """An in-process transport to an emulated chip (fast unit tests and 培训模式; no pcscd).

    Its faults are the ones a clerk must learn (``app.counter.compose.TrainingDevices``):
    ``unplugged`` (the reader's cable is out), ``ignore_writes`` (the chip answers 90 00 to a
    write it does not keep, as an SLE4442 does to a write it refuses) and ``pull_at_next_write``
    (the card leaves the reader as the next write command reaches it: the write does not land
    and no answer comes back; once).
    """

    def __init__(self, chip):  # type: ignore[no-untyped-def]
        self.chip = chip
        self.apdu_count = 0
        self.present = True
        self.unplugged = False
        self.ignore_writes = False
        self.pull_at_next_write = False

    def _require_reader(self) -> None:
        if self.unplugged:
            raise ReaderUnplugged("读卡器已断开，请检查连接", "in-process reader unplugged")

    def card_token(self) -> tuple[bool, object]:
        """(card present, which card): the in-process slot knows both."""
        self._require_reader()
        return (bool(self.present), id(self.chip))

    def connect(self) -> bytes:
        self._require_reader()
        if not self.present:
            raise NoCard("请插入燃气卡", "no card in the in-process reader")
        self.chip.power_on()
        return self.chip.atr()

    def transmit(self, apdu: bytes) -> bytes:
        from app.devices.sle4442 import CLA, WRITE_INSTRUCTIONS

        self._require_reader()
        if not self.present:
            raise CardRemoved("卡片已拔出，请重新插卡", "card removed")
        self.apdu_count += 1
        if len(apdu) > 1 and apdu[0] == CLA and apdu[1] in WRITE_INSTRUCTIONS:
            if self.pull_at_next_write:
                self.pull_at_next_write = False
                self.present = False
                self.chip.power_off()  # out of the reader: no power, its PSC session ends
                raise CardRemoved("卡片已拔出，请重新插卡", "card pulled during the write")
            if self.ignore_writes:
                return b"\x90\x00"
        return self.chip.process(apdu)

    def disconnect(self) -> None:
        self.chip.power_off()


CardDriver = Callable[[CardTransport, CardKey], GasCardReader]

# card family → the driver that reads and writes it behind the ``CardReader`` port; makers'
# cards (the 2012 common interface) register here under their own family name
CARD_DRIVERS: dict[str, CardDriver] = {GasCardReader.family: GasCardReader}


def card_reader(family: str, transport: CardTransport, key: CardKey) -> GasCardReader:
    """The reader for ``family`` over ``transport``; NoReader for a family nobody drives."""
    driver = CARD_DRIVERS.get(family)
    if driver is None:
        raise NoReader(f"不支持的卡片类型：{family}", f"no card driver {family!r}")
    return driver(transport, key)
