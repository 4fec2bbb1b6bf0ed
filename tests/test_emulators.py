"""The card emulators without pcscd: the SLE4442 chip, the vpcd wire protocol, the gas meter."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from app.devices.meter import GasMeterSimulator, MeterResult
from app.devices.sle4442 import ATR, Sle4442, counter_byte, tries_from_counter
from app.devices.vpcd import VirtualCard, vpcd_port
from app.domain import cardformat
from app.domain.cardformat import CardKey

KEY = CardKey(secret=b"gasdesk-test-secret-0123456789", utility_code=b"GDTU")
OTHER_UTILITY_KEY = CardKey(secret=b"someone-else-secret-0123456789", utility_code=b"XXXX")
HEADER = bytes.fromhex("A2131091")
FF3 = b"\xff\xff\xff"
OK = b"\x90\x00"


def tx(chip: Sle4442, hex_apdu: str, data: bytes = b"") -> bytes:
    return chip.process(bytes.fromhex(hex_apdu) + data)


def powered(chip: Sle4442 | None = None) -> Sle4442:
    chip = chip if chip is not None else Sle4442.blank()
    chip.power_on()
    return chip


def present(chip: Sle4442, psc: bytes) -> bytes:
    return tx(chip, "FF20000003", psc)


def write(chip: Sle4442, addr: int, data: bytes) -> bytes:
    return chip.process(bytes([0xFF, 0xD0, 0x00, addr, len(data)]) + data)


def read(chip: Sle4442, addr: int, length: int) -> bytes:
    return chip.process(bytes([0xFF, 0xB0, 0x00, addr, length]))


# --- SLE4442 ----------------------------------------------------------------------------------


def test_blank_card_is_factory_fresh():
    chip = Sle4442.blank()
    assert chip.memory == bytearray(HEADER + b"\xff" * 252)
    assert chip.atr() == bytes.fromhex("3B04A2131091") == ATR
    assert chip.tries_left == 3 and not chip.locked
    assert chip.psc == FF3
    assert not chip.verified and not chip.powered
    assert not any(chip.protected(addr) for addr in range(256))


def test_constructor_rejects_impossible_chips():
    with pytest.raises(ValueError):
        Sle4442(b"\x00" * 255)
    with pytest.raises(ValueError):
        Sle4442(psc=b"\x00\x00")
    with pytest.raises(ValueError):
        Sle4442(tries_left=4)


def test_unpowered_chip_takes_no_command():
    with pytest.raises(RuntimeError):
        Sle4442.blank().process(bytes.fromhex("FFB0000004"))


def test_select_card_type():
    chip = powered()
    assert tx(chip, "FFA4000001", b"\x06") == OK
    assert tx(chip, "FFA4000001", b"\x05") == b"\x6a\x81"
    assert tx(chip, "FFA4000002", b"\x06\x06") == b"\x67\x00"


def test_read_main_memory():
    chip = powered(Sle4442(bytes(range(256))))
    assert read(chip, 0x10, 4) == bytes([0x10, 0x11, 0x12, 0x13]) + OK
    assert read(chip, 0, 0) == bytes(range(256)) + OK  # length 0 reads the whole card
    assert read(chip, 0xFC, 4) == bytes([0xFC, 0xFD, 0xFE, 0xFF]) + OK
    assert read(chip, 0xFD, 4) == b"\x6a\x82"  # past the end: no data
    assert read(chip, 0x01, 0) == b"\x6a\x82"
    assert tx(chip, "FFB0000004", b"\x00") == b"\x67\x00"  # a read carries no data


def test_error_counter_masks_psc_until_verified():
    chip = powered(Sle4442.blank())
    assert tx(chip, "FFB1000004") == b"\x07\x00\x00\x00" + OK
    assert present(chip, FF3) == b"\x90\x07"
    assert tx(chip, "FFB1000004") == b"\x07" + FF3 + OK
    chip.power_off()
    chip.power_on()
    assert tx(chip, "FFB1000004") == b"\x07\x00\x00\x00" + OK
    assert tx(chip, "FFB1000003") == b"\x67\x00"


@pytest.mark.parametrize(("tries", "byte"), [(3, 0x07), (2, 0x03), (1, 0x01), (0, 0x00)])
def test_counter_byte_encoding(tries, byte):
    assert counter_byte(tries) == byte
    assert tries_from_counter(byte) == tries
    chip = powered(Sle4442(tries_left=tries))
    assert tx(chip, "FFB1000004")[0] == byte


def test_write_ignored_until_psc_presented():
    chip = powered()
    assert write(chip, 0x20, b"\x01\x02") == OK  # answers OK like the chip...
    assert chip.memory[0x20:0x22] == b"\xff\xff"  # ...but nothing changed
    assert present(chip, FF3) == b"\x90\x07"
    assert write(chip, 0x20, b"\x01\x02") == OK
    assert read(chip, 0x20, 2) == b"\x01\x02" + OK


def test_write_never_changes_factory_rom():
    chip = powered()
    present(chip, FF3)
    assert write(chip, 0x00, b"\x00" * 6) == OK
    assert chip.memory[:6] == bytearray(HEADER + b"\x00\x00")


def test_write_length_and_range_errors():
    chip = powered()
    present(chip, FF3)
    assert tx(chip, "FFD0001002", b"\xaa") == b"\x67\x00"  # Lc says 2, one byte sent
    assert tx(chip, "FFD0001000") == b"\x67\x00"
    assert write(chip, 0xFF, b"\x01\x02") == b"\x6a\x82"
    assert chip.memory[0xFF] == 0xFF


def test_protection_bits_and_protected_byte_ignores_writes():
    chip = powered()
    assert tx(chip, "FFB2000004") == b"\xff\xff\xff\xff" + OK
    present(chip, FF3)
    write(chip, 0x04, b"GDTU")
    # byte 5 is offered with the wrong value, so only 4, 6 and 7 become protected
    assert chip.process(bytes.fromhex("FFD1000404") + b"GXTU") == OK
    assert [chip.protected(a) for a in range(4, 8)] == [True, False, True, True]
    assert tx(chip, "FFB2000004") == bytes([0b00101111, 0xFF, 0xFF, 0xFF]) + OK
    assert write(chip, 0x04, b"ABCD") == OK
    assert chip.memory[4:8] == bytearray(b"GBTU")  # only the still-writable byte 5 changed
    assert tx(chip, "FFB2000003") == b"\x67\x00"


def test_protection_write_ignored_when_not_verified_and_limited_to_32_bytes():
    chip = powered()
    assert chip.process(bytes.fromhex("FFD1000004") + HEADER) == OK
    assert not chip.protected(0)
    present(chip, FF3)
    assert chip.process(bytes.fromhex("FFD1001F02") + b"\xff\xff") == b"\x6a\x82"
    assert chip.process(bytes.fromhex("FFD1000004") + HEADER) == OK
    assert all(chip.protected(a) for a in range(4))


def test_wrong_psc_counts_down_to_locked():
    chip = powered()
    assert present(chip, b"\x12\x34\x56") == b"\x90\x03"
    assert chip.tries_left == 2
    assert present(chip, b"\x12\x34\x56") == b"\x90\x01"
    assert present(chip, b"\x12\x34\x56") == b"\x90\x00"
    assert chip.tries_left == 0 and chip.locked
    # a locked card refuses even the right PSC and stays read-only for ever
    assert present(chip, FF3) == OK
    assert chip.locked and not chip.verified
    write(chip, 0x20, b"\x00")
    assert chip.memory[0x20] == 0xFF
    assert tx(chip, "FFB1000004") == b"\x00\x00\x00\x00" + OK


def test_right_psc_resets_tries():
    chip = powered()
    assert present(chip, b"\x00\x00\x00") == b"\x90\x03"
    assert present(chip, FF3) == b"\x90\x07"
    assert chip.tries_left == 3 and chip.verified
    assert present(chip, b"\x00\x00\x00") == b"\x90\x03"
    assert not chip.verified  # a failed presentation ends the verified session


def test_change_psc_then_power_cycle_needs_the_new_psc():
    chip = powered()
    new_psc = b"\x11\x22\x33"
    assert tx(chip, "FFD2000103", new_psc) == OK  # not verified: ignored
    assert chip.psc == FF3
    present(chip, FF3)
    assert tx(chip, "FFD2000103", new_psc) == OK
    assert chip.psc == new_psc and chip.verified  # the session stays open
    assert write(chip, 0x30, b"\x42") == OK and chip.memory[0x30] == 0x42
    chip.power_off()
    chip.power_on()
    assert present(chip, FF3) == b"\x90\x03"
    assert present(chip, new_psc) == b"\x90\x07"
    assert tx(chip, "FFD2000003", new_psc) == b"\x6b\x00"  # P2 must be 01
    assert tx(chip, "FFD2000102", b"\x00\x00") == b"\x67\x00"


def test_reset_starts_a_new_session():
    chip = powered()
    present(chip, FF3)
    chip.power_on()  # already powered: the session goes on
    assert chip.verified
    chip.reset()
    assert chip.powered and not chip.verified


def test_malformed_and_unknown_commands():
    chip = powered()
    assert chip.process(b"") == b"\x67\x00"
    assert chip.process(b"\xff\xb0\x00") == b"\x67\x00"
    assert tx(chip, "FF20000002", b"\xff\xff") == b"\x67\x00"
    assert tx(chip, "FF99000000") == b"\x6d\x00"
    assert tx(chip, "00A4040000") == b"\x6e\x00"
    assert chip.tries_left == 3


# --- VirtualCard against a fake vpcd (the wire protocol, no pcscd) --------------------------


class FakeVpcd:
    """The reader side of the vpcd protocol: listens, and talks to one card at a time."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(5)
        self.port = self.server.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn, _ = self.server.accept()
        self.conn.settimeout(5)
        self.conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(struct.pack(">H", len(payload)) + payload)

    def recv(self) -> bytes | None:
        """The card's next message, or None when the card left (connection closed)."""
        assert self.conn is not None
        header = self._exact(2)
        if header is None:
            return None
        return self._exact(struct.unpack(">H", header)[0])

    def _exact(self, size: int) -> bytes | None:
        assert self.conn is not None
        data = b""
        while len(data) < size:
            chunk = self.conn.recv(size - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def apdu(self, hex_apdu: str, data: bytes = b"") -> bytes | None:
        self.send(bytes.fromhex(hex_apdu) + data)
        return self.recv()

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.server.close()


@pytest.fixture
def fake_vpcd():
    vpcd = FakeVpcd()
    cards: list[VirtualCard] = []

    def insert(chip: Sle4442 | None = None, **faults) -> VirtualCard:
        card = VirtualCard(chip if chip is not None else Sle4442.blank(), port=vpcd.port, **faults)
        cards.append(card)
        card.insert(timeout=2)
        vpcd.accept()
        return card

    vpcd.insert = insert  # type: ignore[attr-defined]
    yield vpcd
    for card in cards:
        card.remove()
    vpcd.close()


def test_vpcd_port_per_slot():
    assert vpcd_port(0) == 35963
    assert vpcd_port(1) == 35964


def test_insert_without_vpcd_raises_connection_error():
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there any more
    card = VirtualCard(Sle4442.blank(), port=port)
    started = time.monotonic()
    with pytest.raises(ConnectionError, match="vpcd"):
        card.insert(timeout=0.3)
    assert time.monotonic() - started < 2
    assert not card.inserted


def test_controls_and_apdus_on_the_wire(fake_vpcd):
    chip = Sle4442.blank()
    card = fake_vpcd.insert(chip)
    assert card.inserted
    fake_vpcd.send(b"\x01")  # power on: no answer expected
    fake_vpcd.send(b"\x04")
    assert fake_vpcd.recv() == ATR  # so the next message is the ATR, not a power-on echo
    assert chip.powered
    assert fake_vpcd.apdu("FFB0000004") == HEADER + OK
    assert fake_vpcd.apdu("FF20000003", FF3) == b"\x90\x07"
    fake_vpcd.send(b"\x02")  # reset: a new session
    assert fake_vpcd.apdu("FFB1000004") == b"\x07\x00\x00\x00" + OK
    fake_vpcd.send(b"\x00")
    fake_vpcd.send(b"\x04")
    assert fake_vpcd.recv() == ATR
    assert not chip.powered
    assert card.apdu_count == 3
    assert card.apdu_log == [
        bytes.fromhex("FFB0000004"),
        bytes.fromhex("FF20000003") + FF3,
        bytes.fromhex("FFB1000004"),
    ]


def test_drop_before_apdu_pulls_the_card_before_the_write(fake_vpcd):
    chip = Sle4442.blank()
    card = fake_vpcd.insert(chip, drop_before_apdu=2)
    fake_vpcd.send(b"\x01")
    assert fake_vpcd.apdu("FF20000003", FF3) == b"\x90\x07"
    assert fake_vpcd.apdu("FFD0002001", b"\x00") is None  # connection closed, no answer
    assert card.wait_removed(2)
    assert not card.inserted
    assert chip.memory[0x20] == 0xFF
    assert card.apdu_count == 2
    assert not chip.powered  # a card out of the reader has no power


def test_drop_after_apdu_lands_the_write_and_loses_the_answer(fake_vpcd):
    chip = Sle4442.blank()
    card = fake_vpcd.insert(chip, drop_after_apdu=2)
    fake_vpcd.send(b"\x01")
    assert fake_vpcd.apdu("FF20000003", FF3) == b"\x90\x07"
    assert fake_vpcd.apdu("FFD0002001", b"\x00") is None
    assert card.wait_removed(2)
    assert chip.memory[0x20] == 0x00


def test_ignore_writes_answers_ok_without_writing(fake_vpcd):
    chip = Sle4442.blank()
    fake_vpcd.insert(chip, ignore_writes=True)
    fake_vpcd.send(b"\x01")
    assert fake_vpcd.apdu("FF20000003", FF3) == b"\x90\x07"  # presenting is not a write
    assert fake_vpcd.apdu("FFD0002001", b"\x00") == OK
    assert fake_vpcd.apdu("FFD1000004", HEADER) == OK
    assert fake_vpcd.apdu("FFD2000103", b"\x01\x02\x03") == OK
    assert fake_vpcd.apdu("FFB0002001") == b"\xff" + OK
    assert chip.memory[0x20] == 0xFF and not chip.protected(0) and chip.psc == FF3


def test_apdu_delay_slows_each_answer(fake_vpcd):
    fake_vpcd.insert(Sle4442.blank(), apdu_delay=0.2)
    fake_vpcd.send(b"\x01")
    started = time.monotonic()
    assert fake_vpcd.apdu("FFB0000001") == b"\xa2" + OK
    assert time.monotonic() - started >= 0.2


def test_remove_twice_and_reinsert_keeps_counting(fake_vpcd):
    chip = Sle4442.blank()
    card = fake_vpcd.insert(chip, drop_before_apdu=2)
    fake_vpcd.send(b"\x01")
    assert fake_vpcd.apdu("FFB0000001") == b"\xa2" + OK
    card.remove()
    card.remove()
    assert not card.inserted and card.wait_removed(0)
    assert fake_vpcd.recv() is None  # the reader sees the card leave
    card.insert(timeout=2)
    fake_vpcd.accept()
    assert card.inserted
    fake_vpcd.send(b"\x01")
    assert fake_vpcd.apdu("FFB0000001") is None  # the 2nd APDU since construction drops
    assert card.wait_removed(2)
    card.drop_before_apdu = None
    card.insert(timeout=2)
    fake_vpcd.accept()
    fake_vpcd.send(b"\x01")
    assert fake_vpcd.apdu("FFB0000001") == b"\xa2" + OK
    assert card.apdu_count == 3


def test_insert_twice_is_an_error(fake_vpcd):
    card = fake_vpcd.insert(Sle4442.blank())
    with pytest.raises(RuntimeError):
        card.insert(timeout=1)


# --- gas meter --------------------------------------------------------------------------------


class RecordingChip(Sle4442):
    """A chip that records the APDUs it gets and can refuse writes silently (a worn card)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.apdus: list[bytes] = []
        self.drop_writes = False

    def process(self, apdu: bytes) -> bytes:
        self.apdus.append(bytes(apdu))
        if self.drop_writes and apdu[1] == 0xD0:
            return OK
        return super().process(apdu)

    def writes(self) -> list[bytes]:
        return [a for a in self.apdus if a[1] == 0xD0]


def issue(
    serial: str = "C0001", meter_no: str = "M0001", count: int = 0, key: CardKey = KEY
) -> RecordingChip:
    """Issue a blank card the way the counter does: factory PSC, write, change to derived PSC."""
    chip = RecordingChip()
    chip.power_on()
    assert present(chip, FF3) == b"\x90\x07"
    image = cardformat.issued(
        bytes(chip.memory),
        key,
        serial=serial,
        account_no="A0001",
        meter_no=meter_no,
        purchase_count=count,
    )
    assert write(chip, 4, image[4 : cardformat.USED_SIZE]) == OK
    assert tx(chip, "FFD2000103", key.psc(serial)) == OK
    chip.power_off()
    assert bytes(chip.memory) == image
    chip.apdus.clear()
    return chip


def sell(chip: Sle4442, count: int, volume: int, key: CardKey = KEY) -> None:
    """Put a purchase on the card (as the counter does) with the derived PSC."""
    chip.power_on()
    old = bytes(chip.memory[: cardformat.USED_SIZE])
    assert present(chip, key.psc(cardformat.serial_of(old))) == b"\x90\x07"
    span = cardformat.changed_span(old, cardformat.with_purchase(old, key, count, volume))
    assert span is not None
    write(chip, *span)
    chip.power_off()
    if isinstance(chip, RecordingChip):
        chip.apdus.clear()  # the tests look at what the meter sends


def card(chip: Sle4442) -> cardformat.CardImage:
    return cardformat.parse(bytes(chip.memory), KEY)


def test_purchase_is_loaded_once():
    chip = issue()
    sell(chip, 1, 5000)
    meter = GasMeterSimulator("M0001", KEY)
    result = meter.insert(chip)
    assert result == MeterResult("loaded", 5000, result.message, True)
    assert meter.remaining == 5000 and meter.loaded_count == 1
    assert meter.loads == [(1, 5000)] and meter.credited_total == 5000
    on_card = card(chip)
    assert on_card.pending_volume == 0 and on_card.remaining_volume == 5000
    assert on_card.meter_loaded_count == 1 and on_card.purchase_count == 1
    assert len(chip.writes()) == 1  # only the changed span, in one write
    assert chip.tries_left == 3 and not chip.powered

    for _ in range(3):
        again = meter.insert(chip)
        assert again.outcome == "nothing_new" and again.credited == 0
    assert meter.remaining == 5000 and meter.credited_total == 5000
    assert len(chip.writes()) == 1  # nothing changed, nothing written


def test_reinsertion_writes_back_gas_used_and_next_purchase_loads():
    chip = issue()
    sell(chip, 1, 5000)
    meter = GasMeterSimulator("M0001", KEY)
    meter.insert(chip)
    assert meter.use_gas(1200) == 1200
    result = meter.insert(chip)
    assert result.outcome == "nothing_new" and result.written_back
    on_card = card(chip)
    assert (on_card.remaining_volume, on_card.cumulative_volume) == (3800, 1200)
    sell(chip, 2, 3000)
    assert meter.insert(chip).outcome == "loaded"
    assert meter.remaining == 6800 and meter.loads == [(1, 5000), (2, 3000)]
    assert card(chip).remaining_volume == 6800


def test_refunded_purchase_is_nothing_new():
    chip = issue()
    sell(chip, 1, 5000)
    sell(chip, 0, 0)  # refund before the meter took it: count back, nothing pending
    meter = GasMeterSimulator("M0001", KEY)
    assert meter.insert(chip).outcome == "nothing_new"
    assert meter.remaining == 0


def test_use_gas_stops_at_empty():
    meter = GasMeterSimulator("M0001", KEY, remaining=300, cumulative=100)
    assert meter.use_gas(500) == 300
    assert (meter.remaining, meter.cumulative) == (0, 400)
    with pytest.raises(ValueError):
        meter.use_gas(-1)


def test_count_out_of_sequence_is_refused_without_writing():
    chip = issue(count=3)
    sell(chip, 4, 1000)
    meter = GasMeterSimulator("M0001", KEY, loaded_count=1)
    before = bytes(chip.memory)
    result = meter.insert(chip)
    assert result.outcome == "refused_count" and result.credited == 0
    assert bytes(chip.memory) == before and chip.writes() == []
    assert meter.remaining == 0 and meter.loaded_count == 1


def test_card_of_another_meter_is_refused():
    chip = issue(meter_no="M0002")
    sell(chip, 1, 5000)
    meter = GasMeterSimulator("M0001", KEY)
    before = bytes(chip.memory)
    assert meter.insert(chip).outcome == "refused_other_meter"
    assert bytes(chip.memory) == before and meter.remaining == 0 and meter.loads == []


def test_edited_card_is_refused_by_mac():
    chip = issue()
    sell(chip, 1, 5000)
    chip.memory[cardformat.PENDING.stop - 1] ^= 0x01  # someone adds 0.01 m³ by hand
    before = bytes(chip.memory)
    meter = GasMeterSimulator("M0001", KEY)
    assert meter.insert(chip).outcome == "refused_mac"
    assert bytes(chip.memory) == before and meter.remaining == 0


def test_card_with_a_try_used_is_refused_and_not_touched():
    chip = issue()
    sell(chip, 1, 5000)
    chip.power_on()
    assert present(chip, b"\x00\x00\x00") == b"\x90\x03"
    chip.power_off()
    chip.apdus.clear()
    meter = GasMeterSimulator("M0001", KEY)
    result = meter.insert(chip)
    assert result.outcome == "refused_tries_used" and result.credited == 0
    assert chip.tries_left == 2  # the meter presented nothing
    assert chip.apdus and not any(a[1] in (0x20, 0xD0) for a in chip.apdus)
    assert meter.remaining == 0 and card(chip).pending_volume == 5000


def test_blank_and_foreign_cards_are_refused():
    meter = GasMeterSimulator("M0001", KEY)
    assert meter.insert(Sle4442.blank()).outcome == "refused_blank"
    foreign = issue(key=OTHER_UTILITY_KEY)
    assert meter.insert(foreign).outcome == "refused_foreign"
    not_a_gas_card = Sle4442(b"\x00" * 256)
    assert meter.insert(not_a_gas_card).outcome == "refused_foreign"
    assert meter.loads == []


def test_card_with_wrong_psc_is_refused_without_credit():
    chip = issue()
    sell(chip, 1, 5000)
    wrong = Sle4442(bytes(chip.memory), psc=b"\x01\x02\x03")
    meter = GasMeterSimulator("M0001", KEY)
    assert meter.insert(wrong).outcome == "refused_psc"
    assert meter.remaining == 0 and meter.loaded_count == 0


def test_failed_write_back_keeps_the_credit_and_never_doubles_it():
    chip = issue()
    sell(chip, 1, 5000)
    chip.drop_writes = True
    meter = GasMeterSimulator("M0001", KEY)
    first = meter.insert(chip)
    assert first.outcome == "loaded" and first.credited == 5000 and not first.written_back
    assert card(chip).pending_volume == 5000  # the card still shows the purchase
    chip.drop_writes = False
    second = meter.insert(chip)
    assert second.outcome == "nothing_new" and second.credited == 0 and second.written_back
    assert card(chip).pending_volume == 0 and card(chip).remaining_volume == 5000
    assert meter.credited_total == 5000
