"""Training mode's maker card beside the GasDesk card: the double built by gcc into the training
data folder, its host reading the training slot, one card in the slot at a time, the maker's
meters loading what the counter sold; without gcc, the GasDesk card only and the log says why;
the training window's buttons for it, offscreen."""

from __future__ import annotations

import logging
import uuid

import pytest
from PySide6.QtCore import Qt

from app.config import LocalConfig
from app.counter.compose import (
    TRAINING_MAKER_CODE,
    TRAINING_MAKER_NAME,
    devices_from_config,
    training_devices,
)
from app.counter.session import CounterSession
from app.devices.cardreader import GasCardReader
from app.devices.detect import CardSlot
from app.devices.makers.driver import InterfaceCardDriver
from app.devices.makers.meter import MeterOutcome
from app.errors import RuleViolation
from app.services.queries import account_view
from app.services.security import login
from app.services.setup import Workstation
from tests.card_support import KEY, opening_request
from tests.support import PASSWORD, m3

SQLITE = pytest.mark.parametrize("backend", ["sqlite"])  # the tests with a hall

WAIT = 20_000


@pytest.fixture(scope="session")
def training_data(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One training data folder for the module's tests (gcc builds the double once)."""
    return tmp_path_factory.mktemp("training-data")


def session_on(hall, devices) -> CounterSession:  # type: ignore[no-untyped-def]
    user = login(hall.ctx, "lina", PASSWORD, hall.counter_id)
    workstation = Workstation("城东燃气客户服务中心", "2号柜台", hall.counter_id, 0)
    return CounterSession(hall.ctx, user, workstation, devices)


@pytest.fixture
def maker_counter(hall, training_data):  # type: ignore[no-untyped-def]
    devices = training_devices(KEY, training_data)
    session = session_on(hall, devices)
    yield session
    devices.close()


def test_training_builds_the_double_and_puts_both_drivers_in_one_slot(training_data):
    devices = training_devices(KEY, training_data)
    try:
        training, reader = devices.training, devices.reader
        assert isinstance(reader, CardSlot)
        chip, maker = reader.drivers
        assert isinstance(chip, GasCardReader) and isinstance(maker, InterfaceCardDriver)
        assert (maker.maker, maker.config.name) == (TRAINING_MAKER_CODE, TRAINING_MAKER_NAME)
        assert training.maker is not None and training.maker_unavailable is None
        library = training_data / "makers" / "lib"
        assert maker.host.library.parent == library.absolute()
        # the host's library reads the training slot, not the double's default folder
        slot_dir = training_data / "makers" / "slot"
        assert maker.host.env["GASDESK_MAKER_DOUBLE_DIR"] == str(slot_dir)
        assert training.maker.slot.dir == slot_dir
        assert not training.card_present
    finally:
        devices.close()


@SQLITE
def test_sell_on_the_maker_card_and_load_it_into_the_makers_meter(hall, maker_counter):
    training = maker_counter.devices.training
    training.insert_new_maker_card()
    assert training.card_present and training.maker_card_present and not training.chip_present
    opened = maker_counter.cards.open_account(maker_counter.actor, opening_request(n=41))
    read = maker_counter.read_card()
    assert read.maker == TRAINING_MAKER_CODE and read.image.serial == opened.card_serial
    assert maker_counter.maker_name(read.maker) == TRAINING_MAKER_NAME

    sold = maker_counter.cards.sell(maker_counter.actor, uuid.uuid4(), volume=m3(12))
    assert sold.settlement.outcome == "completed"
    assert training.maker.slot.card()["ql"] == 12

    # out of the reader, into the customer's meter, and back into the trainee's hand
    training.remove_maker_card()
    assert not training.card_present and training.maker.held is not None
    loaded = training.load_maker_into_meter(opened.meter_no)
    assert (loaded.outcome, loaded.credited) == (MeterOutcome.LOADED, m3(12))
    assert "充入 12 立方米" in loaded.message
    assert not training.card_present  # the card came back to the hand, not the reader
    again = training.load_maker_into_meter(opened.meter_no)
    assert again.outcome is MeterOutcome.NOTHING_NEW  # one meter per number: credited once
    assert set(training.maker.meters) == {opened.meter_no}
    assert training.maker.meters[opened.meter_no].credited_total == m3(12)

    assert training.reinsert_maker_card()
    back = maker_counter.read_card()
    assert back.image.pending_volume == 0 and back.image.remaining_volume == m3(12)
    # the next sale: the card's gas was loaded, so the count rises
    second = maker_counter.cards.sell(maker_counter.actor, uuid.uuid4(), volume=m3(5))
    assert second.sale.purchase_count == 2
    view = account_view(hall.ctx, maker_counter.actor, opened.account_no)
    assert view.purchase_count == 2


@SQLITE
def test_one_card_in_the_slot_at_a_time(hall, maker_counter):
    training = maker_counter.devices.training
    training.insert_new_maker_card()
    opened = maker_counter.cards.open_account(maker_counter.actor, opening_request(n=42))
    # the GasDesk blank card goes in: the maker's card comes out into the hand
    training.insert_blank_card()
    assert training.chip_present and not training.maker_card_present
    assert training.maker.held is not None
    blank = maker_counter.read_card()
    assert blank.maker == "gasdesk" and blank.image is None
    assert maker_counter.maker_name(blank.maker) is None  # the screens say 本公司卡
    # and back: the GasDesk card is taken out, the maker's card read again
    assert training.reinsert_maker_card()
    assert not training.chip_present
    assert maker_counter.read_card().image.serial == opened.card_serial
    # the GasDesk card's buttons keep working: it goes back in, the maker's card out
    training.reinsert()
    assert training.chip_present and not training.maker_card_present
    assert maker_counter.read_card().maker == "gasdesk"
    # with nothing in hand there is nothing to put back
    training.remove()
    training.insert_new_maker_card()
    training.remove_maker_card()
    assert training.reinsert_maker_card()
    assert not training.reinsert_maker_card()


@SQLITE
def test_without_gcc_training_offers_the_gasdesk_card_only(hall, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("PATH", str(tmp_path / "no-compilers-here"))
    with caplog.at_level(logging.WARNING, logger="app.counter.compose"):
        devices = training_devices(KEY, tmp_path / "data")
    try:
        training = devices.training
        assert training.maker is None
        assert isinstance(devices.reader, GasCardReader)
        assert "gcc" in training.maker_unavailable
        assert any("GasDesk card only" in r.getMessage() for r in caplog.records)
        training.insert_blank_card()  # the GasDesk card still works
        assert devices.reader.read().image is None
        with pytest.raises(RuleViolation) as refused:
            training.insert_new_maker_card()
        assert "gcc" in refused.value.user_message
    finally:
        devices.close()


def test_training_config_builds_the_double_in_the_data_folder(training_data, tmp_path):
    data_dir = tmp_path / "counter-data"
    data_dir.mkdir()
    config = LocalConfig(data_dir=data_dir, db_url="sqlite://", training=True)
    devices = devices_from_config(config)
    try:
        assert devices.training.maker is not None
        assert (data_dir / "makers" / "lib").is_dir()
    finally:
        devices.close()


# ---------------------------------------------------------------- the training window


@pytest.fixture
def maker_window(qtbot, maker_counter):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QThreadPool

    from ui.counter_window import CounterWindow

    win = CounterWindow(maker_counter)
    qtbot.addWidget(win)
    qtbot.addWidget(win.customer_display)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@SQLITE
def test_training_window_buttons_for_the_maker_card(qtbot, hall, maker_counter, maker_window):
    panel = maker_window.training_window
    training = maker_counter.devices.training
    assert panel.maker_new_button.isVisible() and TRAINING_MAKER_NAME in panel.maker_note.text()
    click(qtbot, panel.maker_new_button)
    assert training.maker_card_present
    assert TRAINING_MAKER_NAME in panel.state.text()
    assert panel.maker_card_button.text() == "拔出厂家卡"
    qtbot.waitUntil(lambda: "新卡" in maker_window.card_owner.text(), timeout=WAIT)
    assert TRAINING_MAKER_NAME in maker_window.card_owner.text()

    opened = maker_counter.cards.open_account(maker_counter.actor, opening_request(n=43))
    maker_counter.cards.sell(maker_counter.actor, uuid.uuid4(), volume=m3(7))
    maker_window.load_account(opened.account_no)
    qtbot.waitUntil(lambda: maker_window.current_account_no == opened.account_no, timeout=WAIT)

    click(qtbot, panel.maker_card_button)  # take it out
    assert not training.card_present and panel.maker_card_button.text() == "插入厂家卡"
    assert "拔出厂家卡" in panel.last.text()
    click(qtbot, panel.maker_meter_button)  # into the loaded account's meter
    qtbot.waitUntil(lambda: "充入 7 立方米" in panel.last.text(), timeout=WAIT)
    assert training.maker.meters[opened.meter_no].remaining == m3(7)

    click(qtbot, panel.blank_button)  # the GasDesk blank card: the maker's stays in hand
    assert training.chip_present and training.maker.held is not None
    qtbot.waitUntil(lambda: "本公司卡" in maker_window.card_owner.text(), timeout=WAIT)
    click(qtbot, panel.maker_card_button)  # the maker's card back in: the chip comes out
    assert training.maker_card_present and not training.chip_present
    assert panel.card_button.text() == "插入卡"
    qtbot.waitUntil(lambda: opened.card_serial in maker_window.card_owner.text(), timeout=WAIT)
    assert TRAINING_MAKER_NAME in maker_window.card_owner.text()


@SQLITE
def test_training_window_without_a_maker_says_nothing_of_it(qtbot, hall):
    from ui.training_window import TrainingWindow

    devices = training_devices(KEY)  # no data folder (the UI tests' devices): no maker
    try:
        panel = TrainingWindow(session_on(hall, devices), lambda: None)
        qtbot.addWidget(panel)
        panel.show()
        assert devices.training.maker is None
        assert not panel.maker_new_button.isVisible()
        assert not panel.maker_note.isVisible()
        panel.shut()
    finally:
        devices.close()


@SQLITE
def test_training_window_without_gcc_shows_the_reason(qtbot, hall, tmp_path, monkeypatch):
    from ui.training_window import TrainingWindow

    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    devices = training_devices(KEY, tmp_path / "data")
    try:
        panel = TrainingWindow(session_on(hall, devices), lambda: None)
        qtbot.addWidget(panel)
        panel.show()
        assert not panel.maker_new_button.isVisible()
        assert panel.maker_note.isVisible() and "gcc" in panel.maker_note.text()
        panel.shut()
    finally:
        devices.close()
