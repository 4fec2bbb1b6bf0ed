"""The reader adapter's own behaviour: events, typed errors, the card key file."""

from __future__ import annotations

import threading
import uuid

import pytest

from app.config import LocalConfig
from app.devices.cardreader import GasCardReader, NoCard, NoReader, ReaderUnplugged
from app.devices.pcsc import CardEvents, PcscTransport, _translate
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.errors import InvalidInput
from tests.card_support import KEY, READER

pytestmark = pytest.mark.pcsc


def test_insertion_and_removal_arrive_as_events(pcsc_stack, virtual_card):
    events = CardEvents()
    seen: list[tuple[str, str, bytes]] = []
    inserted, removed = threading.Event(), threading.Event()

    def on_event(event):  # type: ignore[no-untyped-def]
        seen.append((event.kind, event.reader, event.atr))
        (inserted if event.kind == "inserted" else removed).set()

    events.subscribe(on_event)
    try:
        card = virtual_card(Sle4442.blank())
        card.insert()
        assert inserted.wait(5)
        card.remove()
        assert removed.wait(5)
    finally:
        events.close()
    assert ("inserted", READER, bytes.fromhex("3B04A2131091")) in seen
    assert [kind for kind, reader, _ in seen if reader == READER][-1] == "removed"


def test_missing_reader_and_missing_card_are_typed_errors(pcsc_stack, virtual_card):
    with pytest.raises(NoReader) as error:
        PcscTransport("ACS ACR39U 00 00").connect()
    assert "读卡器" in error.value.user_message
    transport = PcscTransport(READER)
    try:
        with pytest.raises(NoCard) as error:
            transport.connect()
        assert "请插入" in error.value.user_message
    finally:
        transport.close()


def test_wrong_card_type_is_refused_by_its_atr(pcsc_stack, virtual_card):
    class OtherChip(Sle4442):
        def atr(self) -> bytes:
            return bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")  # a contactless card

    card = virtual_card(OtherChip.blank())
    card.insert()
    transport = PcscTransport(READER)
    try:
        with pytest.raises(cardformat.WrongCardType):
            GasCardReader(transport, KEY).read()
    finally:
        transport.close()


def test_reader_gone_is_reported_as_unplugged():
    from smartcard.Exceptions import CardConnectionException

    error = _translate(CardConnectionException("gone"), f"Unplugged Reader {uuid.uuid4()}")
    assert isinstance(error, ReaderUnplugged)
    assert "读卡器已断开" in error.user_message


def test_card_key_file_and_training_key(tmp_path):
    from app.cardkey import card_key_path, load_card_key, write_card_key

    real = LocalConfig(data_dir=tmp_path, db_url="sqlite://")
    with pytest.raises(InvalidInput) as error:
        load_card_key(real)
    assert "密钥" in error.value.user_message
    write_card_key(card_key_path(real), KEY)
    assert load_card_key(real) == KEY
    assert oct(card_key_path(real).stat().st_mode & 0o777) == "0o600"

    training = LocalConfig(data_dir=tmp_path, db_url="sqlite://", training=True)
    key = load_card_key(training)
    assert key.utility_code == b"TRNG" and key != KEY
    assert load_card_key(training) == key  # created once, then reused
