"""The GasDesk layout of an SLE4442 gas card (format version 1); see docs/card-format.md.

Pure functions over the card's 256-byte memory image: parse it, check its MAC, derive its PSC,
and build the image after an issue, a purchase, a refund or a meter load. Nothing here talks to
a reader.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass

from app.domain.cards import GASDESK_MAKER, CardImage
from app.domain.toolcards import MeterState, ToolCardImage, ToolCardOrder
from app.errors import GasDeskError
from app.vocabulary import ToolCardKind

MEMORY_SIZE = 256
PROTECTED_SIZE = 32  # bytes 0x00-0x1F can be write-protected for ever
FACTORY_HEADER = bytes.fromhex("A2131091")  # bytes 0-3 of an SLE4442, the ATR's history bytes
FACTORY_PSC = b"\xff\xff\xff"
FORMAT_VERSION = 1
USER_CARD = 0x01
TOOL_CARD = 0x02  # 工具卡: see ``tool_card`` and docs/card-format.md

# offsets
UTILITY = slice(0x04, 0x08)
VERSION = 0x08
CARD_TYPE = 0x09
SERIAL = slice(0x0A, 0x16)
ACCOUNT = slice(0x20, 0x2C)
METER = slice(0x2C, 0x3C)
COUNT = slice(0x40, 0x42)
PENDING = slice(0x42, 0x46)
MAC = slice(0x46, 0x4E)
REMAINING = slice(0x50, 0x54)
CUMULATIVE = slice(0x54, 0x58)
METER_STATUS = 0x58
LOADED_COUNT = slice(0x59, 0x5B)
USED_SIZE = 0x60  # bytes 0x00-0x5F carry the format; a "full read" reads these

# a tool card's own fields (card type TOOL_CARD); header, serial, meter number, MAC and the
# meter's write-back area are where a user card has them
TOOL_KIND = 0x20
TOOL_USED = 0x21  # 0 until a meter took the card, then 1
ALARM_LEVEL = slice(0x3C, 0x40)  # set-up card: uint32, 0.01 m³
RECHARGE_CEILING = slice(0x40, 0x44)  # set-up card: uint32, 0.01 m³
TOOL_CODES: dict[ToolCardKind, int] = {
    ToolCardKind.CLEAR: 1,
    ToolCardKind.SETUP: 2,
    ToolCardKind.CHECK: 3,
    ToolCardKind.TRANSFER: 4,
    ToolCardKind.VALVE_OPEN: 5,
    ToolCardKind.VALVE_CLOSE: 6,
}
TOOL_KINDS = {code: kind for kind, code in TOOL_CODES.items()}

# How far an issue got, in a reserved byte outside the MAC. The chip cannot say which PSC it
# holds without a try being risked, so the issue writes this byte before and after changing the
# PSC and writes the protection bits only after that: every interruption but one leaves a card
# whose PSC is known (see ``issue_progress``).
ISSUE_STAGE = 0x4E
STAGE_PSC_FACTORY = 0xFF  # as on a blank card: the data are being written, PSC still factory
STAGE_PSC_CHANGING = 0x5A  # written just before the PSC change: the PSC is one of the two
STAGE_PSC_CHANGED = 0xA5  # written with the derived PSC in place, before the protection bits
STAGE_DONE = 0x00  # issued (also what cards issued before the stage byte carry)

# what an unfinished issue leaves, as ``issue_progress`` tells it
PSC_FACTORY = "factory"  # the PSC is certainly still FF FF FF
PSC_DERIVED = "derived"  # the PSC is certainly the derived one
PSC_UNKNOWN = "unknown"  # interrupted at the PSC change itself: the chip must be asked

SERIAL_LENGTH = SERIAL.stop - SERIAL.start
ACCOUNT_LENGTH = ACCOUNT.stop - ACCOUNT.start
METER_LENGTH = METER.stop - METER.start


class CardFormatError(GasDeskError):
    """The card's content is not a valid GasDesk card of this utility."""

    code = "card_format"


class BlankCard(CardFormatError):
    code = "blank_card"


class ForeignCard(CardFormatError):
    code = "foreign_card"


class WrongCardType(CardFormatError):
    code = "wrong_card_type"


class MacMismatch(CardFormatError):
    code = "mac_mismatch"


@dataclass(frozen=True)
class CardKey:
    """The utility's card key and code. Kept in local configuration, never in the database."""

    secret: bytes
    utility_code: bytes  # 4 ASCII bytes identifying the utility on its cards

    def __post_init__(self) -> None:
        if len(self.utility_code) != 4 or not self.utility_code.isascii():
            raise ValueError("utility code must be 4 ASCII bytes")
        if len(self.secret) < 16:
            raise ValueError("card key must be at least 16 bytes")

    def psc(self, serial: str) -> bytes:
        """The card's PSC, derived from the key and the serial (never a fixed PSC)."""
        digest = hmac.new(self.secret, b"PSC" + _text(serial, SERIAL_LENGTH), hashlib.sha256)
        psc = digest.digest()[:3]
        return psc if psc != FACTORY_PSC else b"\xfe\xff\xff"

    def mac(self, memory: bytes) -> bytes:
        """MAC over everything the counter and the meter write (utility code to meter area)."""
        covered = memory[UTILITY.start : MAC.start] + memory[REMAINING.start : USED_SIZE]
        return hmac.new(self.secret, b"GDv1" + covered, hashlib.sha256).digest()[:8]


def serial_fits(serial: str) -> bool:
    """Whether a card serial fits this card format (ASCII, at most ``SERIAL_LENGTH`` bytes)."""
    return serial.isascii() and len(serial.strip()) <= SERIAL_LENGTH


def _text(value: str, length: int) -> bytes:
    raw = value.encode("ascii")
    if len(raw) > length:
        raise ValueError(f"{value!r} longer than {length} bytes")
    return raw.ljust(length, b" ")


def _untext(raw: bytes) -> str:
    return raw.rstrip(b" \x00").decode("ascii", errors="replace")


def is_blank(memory: bytes) -> bool:
    return memory[UTILITY] == b"\xff\xff\xff\xff"


def issue_progress(memory: bytes, protection: bytes, key: CardKey) -> str | None:
    """Which PSC a card of ours whose issue stopped half-way holds; None for a blank card, a
    finished card or a card that is not ours (``parse`` then says which).

    ``protection`` is the chip's 4 protection bytes (a set bit: byte still writable). The
    protection bits are written only after the PSC change, so any protected byte means the
    derived PSC; with none protected the stage byte says how far the issue got. Cards issued
    before the stage byte existed carry 00 there and changed the PSC before protecting, so an
    unprotected one with 00 is one whose PSC is not known either.
    """
    if len(memory) < USED_SIZE or memory[:4] != FACTORY_HEADER or is_blank(memory):
        return None
    if memory[UTILITY] != key.utility_code:
        return None
    writable = int.from_bytes(protection[:4], "little")
    stage = memory[ISSUE_STAGE]
    past_data = stage != STAGE_PSC_FACTORY or writable != (1 << PROTECTED_SIZE) - 1
    # past the data, the MAC is on the card: without it the card was not written by this
    # utility's issue, and nothing it says about its PSC is believed (``parse`` refuses it)
    if past_data and not hmac.compare_digest(memory[MAC], key.mac(memory)):
        return None
    if writable != (1 << PROTECTED_SIZE) - 1:
        # the protection write started, so the PSC was changed before it; finished only once
        # the stage byte was closed after it
        return None if writable == 0 and stage == STAGE_DONE else PSC_DERIVED
    if stage == STAGE_PSC_FACTORY:
        return PSC_FACTORY
    if stage == STAGE_PSC_CHANGED:
        return PSC_DERIVED
    return PSC_UNKNOWN


def _checked(memory: bytes, key: CardKey, card_type: int) -> None:
    """The checks every read makes (docs/card-format.md), for a card of ``card_type``."""
    if len(memory) < USED_SIZE:
        raise WrongCardType("卡片类型不符（读取数据不完整）", f"only {len(memory)} bytes")
    if memory[:4] != FACTORY_HEADER:
        raise WrongCardType("卡片类型不符，请使用燃气IC卡", f"header {memory[:4].hex()}")
    if is_blank(memory):
        raise BlankCard("这是一张空白卡，尚未发卡", "blank card")
    if memory[UTILITY] != key.utility_code:
        raise ForeignCard(
            "这不是本公司的燃气卡", f"utility code {memory[UTILITY]!r} != {key.utility_code!r}"
        )
    if memory[VERSION] != FORMAT_VERSION or memory[CARD_TYPE] != card_type:
        raise WrongCardType(
            "卡片格式版本不支持", f"version {memory[VERSION]} type {memory[CARD_TYPE]}"
        )
    if not hmac.compare_digest(memory[MAC], key.mac(memory)):
        raise MacMismatch("卡内数据校验失败（卡片可能被非法改写），请联系班长", "MAC mismatch")


def is_tool_card(memory: bytes) -> bool:
    """Whether the card (of any utility) says it is a tool card: its type byte."""
    return len(memory) > CARD_TYPE and not is_blank(memory) and memory[CARD_TYPE] == TOOL_CARD


def parse(memory: bytes, key: CardKey) -> CardImage:
    """Check and decode a card image; raises a typed error for anything not ours or edited."""
    _checked(memory, key, USER_CARD)
    return CardImage(
        serial=_untext(memory[SERIAL]),
        account_no=_untext(memory[ACCOUNT]),
        meter_no=_untext(memory[METER]),
        purchase_count=struct.unpack(">H", memory[COUNT])[0],
        pending_volume=struct.unpack(">I", memory[PENDING])[0],
        remaining_volume=struct.unpack(">I", memory[REMAINING])[0],
        cumulative_volume=struct.unpack(">I", memory[CUMULATIVE])[0],
        meter_status=memory[METER_STATUS],
        meter_loaded_count=struct.unpack(">H", memory[LOADED_COUNT])[0],
    )


def serial_of(memory: bytes) -> str:
    """The serial written in the protected area (also on a card whose MAC is broken)."""
    return _untext(memory[SERIAL])


def _sealed(memory: bytearray, key: CardKey) -> bytes:
    memory[MAC] = key.mac(memory)
    return bytes(memory)


def issued(
    blank: bytes,
    key: CardKey,
    *,
    serial: str,
    account_no: str,
    meter_no: str,
    purchase_count: int,
    pending_volume: int = 0,
) -> bytes:
    """The image of a newly issued card.

    A replacement carries the account's purchase count forward together with the last
    purchase's volume as pending and a loaded count one below: the meter credits that purchase
    only if it never took it from the lost card (its count check), so no gas is lost or created.
    """
    memory = bytearray(blank[:MEMORY_SIZE].ljust(MEMORY_SIZE, b"\xff"))
    memory[UTILITY] = key.utility_code
    memory[VERSION] = FORMAT_VERSION
    memory[CARD_TYPE] = USER_CARD
    memory[SERIAL] = _text(serial, SERIAL_LENGTH)
    memory[0x16:0x20] = bytes(10)
    memory[ACCOUNT] = _text(account_no, ACCOUNT_LENGTH)
    memory[METER] = _text(meter_no, METER_LENGTH)
    memory[0x3C:0x40] = bytes(4)
    memory[COUNT] = struct.pack(">H", purchase_count)
    memory[PENDING] = struct.pack(">I", pending_volume)
    memory[0x4E:0x50] = bytes(2)
    memory[REMAINING] = struct.pack(">I", 0)
    memory[CUMULATIVE] = struct.pack(">I", 0)
    memory[METER_STATUS] = 0
    loaded = purchase_count - 1 if pending_volume else purchase_count
    memory[LOADED_COUNT] = struct.pack(">H", loaded)
    memory[0x5B:USED_SIZE] = bytes(USED_SIZE - 0x5B)
    return _sealed(memory, key)


def with_purchase(memory: bytes, key: CardKey, purchase_count: int, pending_volume: int) -> bytes:
    """The image after a purchase (count + 1, volume pending) or a refund (count back, 0)."""
    if not 0 <= purchase_count <= 0xFFFF or not 0 <= pending_volume <= 0xFFFFFFFF:
        raise ValueError("purchase count or volume out of the card's range")
    updated = bytearray(memory)
    updated[COUNT] = struct.pack(">H", purchase_count)
    updated[PENDING] = struct.pack(">I", pending_volume)
    return _sealed(updated, key)


def with_meter_load(
    memory: bytes, key: CardKey, *, remaining: int, cumulative: int, status: int, loaded: int
) -> bytes:
    """The image a meter writes back after taking (or refusing) the card's purchase."""
    updated = bytearray(memory)
    updated[PENDING] = struct.pack(">I", 0) if loaded == _count(memory) else updated[PENDING]
    updated[REMAINING] = struct.pack(">I", remaining)
    updated[CUMULATIVE] = struct.pack(">I", cumulative)
    updated[METER_STATUS] = status
    updated[LOADED_COUNT] = struct.pack(">H", loaded)
    return _sealed(updated, key)


def _count(memory: bytes) -> int:
    return struct.unpack(">H", memory[COUNT])[0]


def changed_span(old: bytes, new: bytes) -> tuple[int, bytes] | None:
    """The smallest contiguous range covering every changed byte: (address, new bytes)."""
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if not changed:
        return None
    start, stop = changed[0], changed[-1] + 1
    return start, new[start:stop]


def _uint(memory: bytes, field: slice) -> int:
    return struct.unpack(">I", memory[field])[0]


def tool_card(blank: bytes, key: CardKey, order: ToolCardOrder) -> bytes:
    """The image of a blank card made into the tool card ``order`` describes (not used yet)."""
    if order.kind not in TOOL_CODES:
        raise ValueError(f"format v1 has no {order.kind} tool card")
    memory = bytearray(blank[:MEMORY_SIZE].ljust(MEMORY_SIZE, b"\xff"))
    memory[UTILITY] = key.utility_code
    memory[VERSION] = FORMAT_VERSION
    memory[CARD_TYPE] = TOOL_CARD
    memory[SERIAL] = _text(order.serial, SERIAL_LENGTH)
    memory[0x16:0x20] = bytes(10)
    memory[0x20:0x2C] = bytes(12)
    memory[TOOL_KIND] = TOOL_CODES[order.kind]
    memory[METER] = _text(order.meter_no, METER_LENGTH)
    memory[ALARM_LEVEL] = struct.pack(">I", order.parameters.get("alarm_level", 0))
    memory[RECHARGE_CEILING] = struct.pack(">I", order.parameters.get("recharge_ceiling", 0))
    memory[0x44:0x46] = bytes(2)
    memory[0x4E:0x50] = bytes(2)
    memory[0x50:USED_SIZE] = bytes(USED_SIZE - 0x50)
    return _sealed(memory, key)


def parse_tool(memory: bytes, key: CardKey) -> ToolCardImage:
    """Check and decode a tool card; raises a typed error for anything not ours or edited."""
    _checked(memory, key, TOOL_CARD)
    kind = TOOL_KINDS.get(memory[TOOL_KIND], ToolCardKind.OTHER)
    meter_no = _untext(memory[METER])
    parameters = {}
    if kind is ToolCardKind.SETUP:
        parameters = {
            "alarm_level": _uint(memory, ALARM_LEVEL),
            "recharge_ceiling": _uint(memory, RECHARGE_CEILING),
        }
    state = None
    if memory[TOOL_USED]:
        state = MeterState(
            meter_no=meter_no,
            remaining_volume=_uint(memory, REMAINING),
            cumulative_volume=_uint(memory, CUMULATIVE),
            meter_status=memory[METER_STATUS],
            loaded_count=struct.unpack(">H", memory[LOADED_COUNT])[0],
        )
    return ToolCardImage(_untext(memory[SERIAL]), kind, meter_no, GASDESK_MAKER, parameters, state)


def with_tool_use(
    memory: bytes, key: CardKey, *, remaining: int, cumulative: int, status: int, loaded: int
) -> bytes:
    """The tool card after a meter took it: used, with the meter's state written back."""
    updated = bytearray(memory)
    updated[TOOL_USED] = 1
    updated[REMAINING] = struct.pack(">I", remaining)
    updated[CUMULATIVE] = struct.pack(">I", cumulative)
    updated[METER_STATUS] = status
    updated[LOADED_COUNT] = struct.pack(">H", loaded)
    return _sealed(updated, key)
