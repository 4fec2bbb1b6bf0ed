"""The counter's composition root: training devices, the card-driver registry, and a device
that cannot be set up being left out (the counter works without it)."""

from __future__ import annotations

import logging

import pytest

from app.config import LocalConfig
from app.counter.compose import devices_from_config, training_devices
from app.devices.cardreader import (
    CARD_DRIVERS,
    CardRemoved,
    CardWriteFailed,
    ChipTransport,
    GasCardReader,
    NoReader,
    ReaderUnplugged,
    card_reader,
)
from app.devices.sle4442 import Sle4442
from app.vocabulary import PrinterState, TrainingFault
from tests.card_support import KEY


def test_card_drivers_are_registered_by_family():
    assert CARD_DRIVERS[GasCardReader.family] is GasCardReader
    reader = card_reader("sle4442", ChipTransport(Sle4442.blank()), KEY)
    assert reader.family == "sle4442" and reader.card_token() is not None
    with pytest.raises(NoReader) as refused:
        card_reader("maker-2012", ChipTransport(Sle4442.blank()), KEY)
    assert "不支持的卡片类型" in refused.value.user_message


def test_training_devices_are_the_emulators():
    devices = training_devices(KEY)
    try:
        assert devices.training is not None and devices.reader is not None
        assert not devices.training.card_present
        devices.training.insert_blank_card()
        assert devices.reader.card_token()[0] is True
        assert devices.printer is not None and devices.printer.state() is PrinterState.READY
        assert devices.training.paper() == ""
    finally:
        devices.close()


def test_training_faults_drive_the_emulators():
    """One call per switch; each fault is met by the reader and printer as a real one is."""
    devices = training_devices(KEY)
    training, reader, printer = devices.training, devices.reader, devices.printer
    try:
        training.insert_blank_card()
        read = reader.read()

        def write() -> None:  # one verified write of byte 0x40 (0xFF on a blank card)
            reader._guard(lambda: (reader._ensure_connected(), reader._write_verified(0x40, b"\0")))

        training.set_fault(TrainingFault.READER_UNPLUGGED, True)
        with pytest.raises(ReaderUnplugged):
            reader.card_token()
        with pytest.raises(ReaderUnplugged):
            reader.read()
        training.set_fault(TrainingFault.READER_UNPLUGGED, False)
        assert reader.card_token()[0] is True

        training.set_fault(TrainingFault.WRITE_IGNORED, True)
        with pytest.raises(CardWriteFailed):  # 90 00, but the read-back tells
            write()
        training.set_fault(TrainingFault.WRITE_IGNORED, False)

        training.set_fault(TrainingFault.CARD_PULLED, True)
        assert training.faults() == {TrainingFault.CARD_PULLED}
        memory = bytes(training.transport.chip.memory)
        with pytest.raises(CardRemoved):
            write()
        assert not training.card_present  # out of the reader, the write not landed
        assert bytes(training.transport.chip.memory) == memory
        assert training.faults() == frozenset()  # once: the next write goes through
        training.reinsert()
        assert reader.read().memory == read.memory

        training.set_fault(TrainingFault.PAPER_OUT, True)
        assert printer.state() is PrinterState.PAPER_OUT
        training.set_fault(TrainingFault.PAPER_OUT, False)
        training.set_fault(TrainingFault.PRINTER_OFFLINE, True)
        assert printer.state() is PrinterState.OFFLINE
        assert training.faults() == {TrainingFault.PRINTER_OFFLINE}
        training.set_fault(TrainingFault.PRINTER_OFFLINE, False)
        assert printer.state() is PrinterState.READY
        assert training.paper_columns == printer.columns == 48
    finally:
        devices.close()


def test_an_unknown_card_family_or_printer_is_left_out_with_a_warning(tmp_path, caplog):
    config = LocalConfig(
        tmp_path,
        "sqlite://",
        extra={"reader": "ACS ACR38U", "card_family": "maker-2012", "printer": {"type": "fax"}},
    )
    with caplog.at_level(logging.WARNING, logger="app.counter.compose"):
        devices = devices_from_config(config)
    assert devices.reader is None and devices.printer is None and devices.training is None
    assert "card reader" in caplog.text and "receipt printer" in caplog.text
