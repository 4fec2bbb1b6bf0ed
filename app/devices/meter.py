"""A prepaid IC-card gas meter that takes GasDesk cards through the chip's APDU interface.

It follows what a real meter does so that training mode and the tests see the same outcomes a
customer would at home: a purchase is credited once (the meter remembers the last purchase count
it took), a card it does not trust is refused without writing, and it never presents a PSC to a
card that has already used a try.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.devices.sle4442 import MAX_TRIES, Sle4442, tries_from_counter
from app.domain import cardformat
from app.domain.cardformat import BlankCard, CardFormatError, CardKey, MacMismatch
from app.domain.toolcards import STATUS_TAMPER, STATUS_VALVE_CLOSED, ToolCardImage
from app.vocabulary import ToolCardKind

LOADED = "loaded"
NOTHING_NEW = "nothing_new"
REFUSED_COUNT = "refused_count"
REFUSED_MAC = "refused_mac"
REFUSED_OTHER_METER = "refused_other_meter"
REFUSED_FOREIGN = "refused_foreign"
REFUSED_BLANK = "refused_blank"
REFUSED_TRIES_USED = "refused_tries_used"
REFUSED_PSC = "refused_psc"  # the card rejected the PSC derived from its serial
CARD_ERROR = "card_error"  # the card did not answer a read as a working SLE4442 does
TOOL_DONE = "tool_done"  # a tool card: the meter did what it says and wrote its state onto it
REFUSED_TOOL_USED = "refused_tool_used"  # a tool card a meter took already (one use only)

SELECT_SLE4442 = bytes.fromhex("FFA4000001") + b"\x06"
READ_COUNTER = bytes.fromhex("FFB1000004")
SW_OK = b"\x90\x00"
SW_PSC_OK = b"\x90\x07"


@dataclass(frozen=True)
class MeterResult:
    """What the meter did with one card insertion."""

    outcome: str
    credited: int  # 0.01 m³ added to the meter by this insertion
    message: str
    written_back: bool = False  # the card now carries the meter's state (verified by read-back)


class _CardIOError(Exception):
    pass


class GasRegister:
    """The gas a simulated meter holds and has burnt (0.01 m³), for every kind of meter."""

    remaining: int
    cumulative: int

    def use_gas(self, volume: int) -> int:
        """Burn up to ``volume`` (never below 0 remaining); returns what was consumed."""
        if volume < 0:
            raise ValueError("gas volume cannot be negative")
        used = min(volume, self.remaining)
        self.remaining -= used
        self.cumulative += used
        return used


class GasMeterSimulator(GasRegister):
    """One household meter: its number, the utility's key and the gas it holds (0.01 m³)."""

    def __init__(
        self,
        meter_no: str,
        key: CardKey,
        *,
        loaded_count: int = 0,
        remaining: int = 0,
        cumulative: int = 0,
    ) -> None:
        self.meter_no = meter_no
        self.key = key
        self.loaded_count = loaded_count
        self.remaining = remaining
        self.cumulative = cumulative
        self.loads: list[tuple[int, int]] = []  # (purchase count, volume) credited
        self.credited_total = 0
        self.status = 0  # fault flags (app.domain.toolcards STATUS_*), written onto every card
        self.alarm_level = 0  # what a set-up card wrote (0.01 m³)
        self.recharge_ceiling = 0

    def insert(self, chip: Sle4442) -> MeterResult:
        """Take a card: credit a new purchase at most once and write the meter state back."""
        chip.power_on()
        try:
            return self._take(chip)
        except _CardIOError as error:
            return MeterResult(CARD_ERROR, 0, str(error))
        finally:
            chip.power_off()

    def _take(self, chip: Sle4442) -> MeterResult:
        _expect_ok(chip, SELECT_SLE4442, "select card type")
        memory = _expect_ok(
            chip, bytes([0xFF, 0xB0, 0x00, 0x00, cardformat.USED_SIZE]), "read card"
        )
        if len(memory) != cardformat.USED_SIZE:
            raise _CardIOError(f"read {len(memory)} bytes instead of {cardformat.USED_SIZE}")
        if cardformat.is_tool_card(memory):
            return self._take_tool(chip, memory)
        try:
            card = cardformat.parse(memory, self.key)
        except BlankCard:
            return MeterResult(REFUSED_BLANK, 0, "blank card: not issued yet")
        except MacMismatch:
            return MeterResult(REFUSED_MAC, 0, "card data fails its MAC: edited or damaged")
        except CardFormatError as error:  # ForeignCard, WrongCardType: not a card of ours
            return MeterResult(REFUSED_FOREIGN, 0, f"not a card of this utility: {error}")
        if card.meter_no != self.meter_no:
            return MeterResult(
                REFUSED_OTHER_METER, 0, f"card is for meter {card.meter_no}, not {self.meter_no}"
            )
        refused = _unlockable(chip)
        if refused is not None:
            return refused

        if card.purchase_count == self.loaded_count + 1 and card.pending_volume > 0:
            outcome, credit = LOADED, card.pending_volume
        elif card.purchase_count == self.loaded_count:
            outcome, credit = NOTHING_NEW, 0
        else:
            return MeterResult(
                REFUSED_COUNT,
                0,
                f"card purchase {card.purchase_count} does not follow meter's {self.loaded_count}",
            )

        loaded = card.purchase_count
        updated = cardformat.with_meter_load(
            memory,
            self.key,
            remaining=self.remaining + credit,
            cumulative=self.cumulative,
            status=self.status,
            loaded=loaded,
        )
        span = cardformat.changed_span(memory, updated)
        if span is not None:
            refused = _present_psc(chip, self.key.psc(card.serial))
            if refused is not None:
                return refused

        # credit before writing: the purchase count makes a retry safe, a lost write is not
        if credit:
            self.remaining += credit
            self.loaded_count = loaded
            self.loads.append((loaded, credit))
            self.credited_total += credit
        written = span is None or _write_verified(chip, *span)
        verb = f"credited {credit}" if credit else "nothing new to credit"
        note = "" if written else "; writing the meter state back to the card failed"
        return MeterResult(outcome, credit, f"purchase {loaded}: {verb}{note}", written)

    def _take_tool(self, chip: Sle4442, memory: bytes) -> MeterResult:
        """A tool card of this utility for this meter, used once: the meter does what it says
        and writes its state onto the card (verified by read-back) before it lets any gas go.

        清零 resets the gas, the purchase count and the faults (the cumulative use is the
        register's: it stays); 设置 takes the alarm level and the recharge ceiling; 检查 only
        writes the state; 转移 writes the remaining gas out and then zeroes it (it moved out
        with the card); 开阀 opens the valve and clears a tamper fault; 关阀 shuts the valve.
        """
        try:
            tool = cardformat.parse_tool(memory, self.key)
        except MacMismatch:
            return MeterResult(REFUSED_MAC, 0, "tool card fails its MAC: edited or damaged")
        except CardFormatError as error:
            return MeterResult(REFUSED_FOREIGN, 0, f"not a tool card of this utility: {error}")
        if tool.meter_no != self.meter_no:
            return MeterResult(
                REFUSED_OTHER_METER,
                0,
                f"tool card is for meter {tool.meter_no}, not {self.meter_no}",
            )
        if tool.used:
            return MeterResult(REFUSED_TOOL_USED, 0, "tool card was used already")
        refused = _unlockable(chip) or _present_psc(chip, self.key.psc(tool.serial))
        if refused is not None:
            return refused
        before = (
            self.remaining,
            self.loaded_count,
            self.status,
            self.alarm_level,
            self.recharge_ceiling,
        )
        self._apply(tool)
        updated = cardformat.with_tool_use(
            memory,
            self.key,
            remaining=self.remaining,  # a transfer's: what moves out with the card
            cumulative=self.cumulative,
            status=self.status,
            loaded=self.loaded_count,
        )
        span = cardformat.changed_span(memory, updated)
        written = span is None or _write_verified(chip, *span)
        if not written:
            # the card does not carry the meter's answer: the meter did nothing
            (
                self.remaining,
                self.loaded_count,
                self.status,
                self.alarm_level,
                self.recharge_ceiling,
            ) = before
            return MeterResult(CARD_ERROR, 0, f"{tool.kind}: writing the state back failed")
        if tool.kind is ToolCardKind.TRANSFER:
            self.remaining = 0  # only now: the card holds what moved out
        return MeterResult(TOOL_DONE, 0, f"{tool.kind} card taken", True)

    def _apply(self, tool: ToolCardImage) -> None:
        """What a tool card does to the meter (a transfer's zeroing waits for the write-back)."""
        if tool.kind is ToolCardKind.CLEAR:
            self.remaining, self.loaded_count, self.status = 0, 0, 0
        elif tool.kind is ToolCardKind.SETUP:
            self.alarm_level = tool.parameters.get("alarm_level", self.alarm_level)
            self.recharge_ceiling = tool.parameters.get("recharge_ceiling", self.recharge_ceiling)
        elif tool.kind is ToolCardKind.VALVE_OPEN:
            self.status &= ~(STATUS_VALVE_CLOSED | STATUS_TAMPER)
        elif tool.kind is ToolCardKind.VALVE_CLOSE:
            self.status |= STATUS_VALVE_CLOSED


def _unlockable(chip: Sle4442) -> MeterResult | None:
    """A card whose PSC already failed once is refused: a wrong PSC here could lock it."""
    counter = _expect_ok(chip, READ_COUNTER, "read error counter")
    tries = tries_from_counter(counter[0]) if counter else 0
    if tries < MAX_TRIES:
        return MeterResult(REFUSED_TRIES_USED, 0, f"card has {tries} PSC tries left")
    return None


def _present_psc(chip: Sle4442, psc: bytes) -> MeterResult | None:
    _, sw = _transmit(chip, bytes([0xFF, 0x20, 0x00, 0x00, 3]) + psc)
    if sw != SW_PSC_OK:
        return MeterResult(REFUSED_PSC, 0, f"card rejected its PSC (SW {sw.hex()})")
    return None


def _transmit(chip: Sle4442, apdu: bytes) -> tuple[bytes, bytes]:
    response = chip.process(apdu)
    return response[:-2], response[-2:]


def _expect_ok(chip: Sle4442, apdu: bytes, what: str) -> bytes:
    data, sw = _transmit(chip, apdu)
    if sw != SW_OK:
        raise _CardIOError(f"{what} failed with SW {sw.hex()}")
    return data


def _write_verified(chip: Sle4442, addr: int, data: bytes) -> bool:
    _, sw = _transmit(chip, bytes([0xFF, 0xD0, 0x00, addr, len(data)]) + data)
    if sw != SW_OK:
        return False
    # the chip ignores refused writes silently: only a read-back proves the write
    back, sw = _transmit(chip, bytes([0xFF, 0xB0, 0x00, addr, len(data)]))
    return sw == SW_OK and back == data
