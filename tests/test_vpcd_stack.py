"""VirtualCard through the real PC/SC stack: pyscard -> pcscd -> vpcd -> emulated SLE4442."""

from __future__ import annotations

import time

import pytest

from app.devices.sle4442 import ATR, Sle4442
from tests.pcsc_fixtures import close, connect, transmit

OK = b"\x90\x00"
FF3 = b"\xff\xff\xff"
PRESENT_FACTORY_PSC = bytes.fromhex("FF20000003") + FF3
WRITE_20 = bytes.fromhex("FFD0002003") + b"\xab\xcd\xef"
READ_20 = bytes.fromhex("FFB0002003")

try:
    from smartcard.Exceptions import CardConnectionException
except ImportError:  # pcsc_stack then skips (or fails on CI) with what to install
    CardConnectionException = Exception


def test_readers_are_listed(pcsc_stack):
    assert "Virtual PCD 00 00" in pcsc_stack.reader_names
    assert "Virtual PCD 00 01" in pcsc_stack.reader_names


def test_atr_read_present_write_read_back(virtual_card):
    chip = Sle4442.blank()
    card = virtual_card(chip)
    card.insert()
    connection = connect()
    try:
        assert bytes(connection.getATR()) == ATR
        assert transmit(connection, bytes.fromhex("FFA4000001") + b"\x06") == (b"", OK)
        assert transmit(connection, bytes.fromhex("FFB0000004")) == (
            bytes.fromhex("A2131091"),
            OK,
        )
        data, sw = transmit(connection, bytes.fromhex("FFB0000000"))
        assert data == bytes(chip.memory) and sw == OK  # a full 256-byte read fits
        assert transmit(connection, PRESENT_FACTORY_PSC) == (b"", b"\x90\x07")
        assert transmit(connection, WRITE_20) == (b"", OK)
        assert transmit(connection, READ_20) == (b"\xab\xcd\xef", OK)
    finally:
        close(connection)
    assert chip.memory[0x20:0x23] == b"\xab\xcd\xef"
    assert card.apdu_log[-1] == READ_20  # APDUs arrive verbatim


def test_second_slot_is_its_own_reader(virtual_card):
    chip = Sle4442(bytes.fromhex("A2131091") + b"\x5a" * 252)
    virtual_card(chip, slot=1).insert()
    connection = connect("Virtual PCD 00 01")
    try:
        assert transmit(connection, bytes.fromhex("FFB0000402")) == (b"\x5a\x5a", OK)
    finally:
        close(connection)


def test_card_pulled_before_write_lands(virtual_card):
    chip = Sle4442.blank()
    card = virtual_card(chip, drop_before_apdu=2)
    card.insert()
    connection = connect()
    try:
        assert transmit(connection, PRESENT_FACTORY_PSC) == (b"", b"\x90\x07")
        with pytest.raises(CardConnectionException):
            transmit(connection, WRITE_20)
    finally:
        close(connection)
    assert card.wait_removed(2)
    assert chip.memory[0x20:0x23] == FF3
    assert card.apdu_count == 2


def test_answer_lost_after_write_landed(virtual_card):
    chip = Sle4442.blank()
    card = virtual_card(chip, drop_after_apdu=2)
    card.insert()
    connection = connect()
    try:
        assert transmit(connection, PRESENT_FACTORY_PSC) == (b"", b"\x90\x07")
        with pytest.raises(CardConnectionException):
            transmit(connection, WRITE_20)
    finally:
        close(connection)
    assert card.wait_removed(2)
    assert chip.memory[0x20:0x23] == b"\xab\xcd\xef"


def test_ignored_write_is_caught_by_read_back(virtual_card):
    chip = Sle4442.blank()
    virtual_card(chip, ignore_writes=True).insert()
    connection = connect()
    try:
        assert transmit(connection, PRESENT_FACTORY_PSC) == (b"", b"\x90\x07")
        assert transmit(connection, WRITE_20) == (b"", OK)
        data, sw = transmit(connection, READ_20)
        assert sw == OK and data == FF3 and data != WRITE_20[5:]
    finally:
        close(connection)
    assert chip.memory[0x20:0x23] == FF3


def test_slow_card_answers_late(virtual_card):
    virtual_card(Sle4442.blank(), apdu_delay=0.3).insert()
    connection = connect()
    try:
        started = time.monotonic()
        assert transmit(connection, bytes.fromhex("FFB0000001")) == (b"\xa2", OK)
        assert time.monotonic() - started >= 0.3
    finally:
        close(connection)


def test_reinsert_after_removal_is_a_new_connection_and_session(virtual_card):
    chip = Sle4442.blank()
    card = virtual_card(chip)
    card.insert()
    connection = connect()
    try:
        assert transmit(connection, PRESENT_FACTORY_PSC) == (b"", b"\x90\x07")
    finally:
        close(connection)
    card.remove()
    assert not card.inserted and not chip.verified

    card.insert()
    connection = connect()
    try:
        # the card was out of the reader: the PSC must be presented again before a write lands
        assert transmit(connection, WRITE_20) == (b"", OK)
        assert transmit(connection, READ_20) == (FF3, OK)
        assert transmit(connection, PRESENT_FACTORY_PSC) == (b"", b"\x90\x07")
        assert transmit(connection, WRITE_20) == (b"", OK)
        assert transmit(connection, READ_20) == (b"\xab\xcd\xef", OK)
    finally:
        close(connection)
    assert card.apdu_count == 6


def test_removed_card_is_seen_as_gone(virtual_card):
    card = virtual_card(Sle4442.blank())
    card.insert()
    connection = connect()
    try:
        card.remove()
        with pytest.raises(CardConnectionException):
            transmit(connection, bytes.fromhex("FFB0000001"))
    finally:
        close(connection)


def test_card_presence_and_swaps_are_seen_without_touching_the_card(virtual_card):
    """The counter window's cheap poll: pcscd's state and event count, no APDU sent."""
    from app.devices.pcsc import PcscTransport, wait_for_card

    transport = PcscTransport("Virtual PCD 00 00")
    try:
        card = virtual_card(Sle4442.blank())
        card.insert()
        assert wait_for_card("Virtual PCD 00 00", present=True)
        present, first = transport.card_token()
        assert present
        card.remove()
        assert wait_for_card("Virtual PCD 00 00", present=False)
        assert transport.card_token()[0] is False
        other = virtual_card(Sle4442.blank())  # another card in the same slot
        other.insert()
        assert wait_for_card("Virtual PCD 00 00", present=True)
        present, second = transport.card_token()
        assert present and second != first  # a new insertion, though the state looks the same
        assert card.apdu_log == [] and other.apdu_log == []
        other.remove()
    finally:
        transport.close()
