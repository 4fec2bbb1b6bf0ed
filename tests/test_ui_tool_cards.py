"""工具卡 through the counter window and the training window, by keyboard, offscreen: a check
card made on a blank training card (卡片 → 制作工具卡), carried to the simulated meter from the
training window, read back (卡片 → 工具卡回读) and shown with the figures the meter wrote; the
same with the training maker's check card (the double, built by gcc)."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.devices.meter import GasMeterSimulator
from app.vocabulary import ToolCardKind
from db.models import ToolCard, ToolCardReturn
from tests.card_support import opening_request
from tests.support import m3
from tests.test_training_makers import click as mouse_click
from tests.test_training_makers import maker_counter, maker_window, training_data  # noqa: F401
from tests.test_ui_accounts import type_text
from tests.test_ui_training import WAIT, click, loaded

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


TOOL_CARD_KEYS = {"make": "Ctrl+T", "read": "Ctrl+Shift+T"}  # 制作工具卡, 工具卡回读


def opened_dialog(qtbot, window, key):  # type: ignore[no-untyped-def]
    window.menu_actions[TOOL_CARD_KEYS[key]].trigger()
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    return dialog


def test_make_a_check_card_carry_it_to_the_meter_and_read_it_back(qtbot, counter, hall, window):
    opened = loaded(qtbot, counter, hall, window)
    training = counter.devices.training
    # the household's meter: 42.00 m³ left, 8.00 m³ used, the tamper flag (2) up
    meter = training.meters[opened.meter_no] = GasMeterSimulator(
        opened.meter_no, training.key, remaining=m3(42), cumulative=m3(8)
    )
    meter.status = 2
    tools = window.training_window
    click(qtbot, tools.card_button)  # the customer's card out
    click(qtbot, tools.blank_button)  # a blank card in

    dialog = opened_dialog(qtbot, window, "make")
    qtbot.waitUntil(lambda: dialog.kind.count() == 6, timeout=WAIT)
    qtbot.waitUntil(lambda: dialog.meter.text() == opened.meter_no, timeout=WAIT)
    assert dialog.kind.currentData() == ToolCardKind.CLEAR.value
    assert not dialog.alarm.isEnabled()  # only a set-up card carries parameters
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.alarm.isEnabled()  # 设置卡
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.kind.currentData() == ToolCardKind.CHECK.value
    dialog.meter.setFocus()
    qtbot.keyClick(dialog.meter, Qt.Key.Key_Return)  # the meter as filled in: on
    assert dialog.focusWidget() is dialog.technician
    type_text(qtbot, dialog.technician, "王师傅")
    qtbot.keyClick(dialog.technician, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.reason
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # no reason yet: refused, nothing made
    qtbot.waitUntil(lambda: not dialog.working and bool(dialog.error.text()), timeout=WAIT)
    assert "制卡原因" in dialog.error.text()
    with hall.ctx.reading() as session:
        assert session.scalars(select(ToolCard)).all() == []
    type_text(qtbot, dialog.reason, "用户反映表具异常")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.completed, timeout=WAIT)
    assert "检查卡" in dialog.info.text() and "王师傅" in dialog.info.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)

    click(qtbot, tools.card_button)  # the tool card out of the reader…
    click(qtbot, tools.meter_button)  # …into the household's meter…
    qtbot.waitUntil(lambda: "工具卡已执行" in tools.last.text(), timeout=WAIT)
    click(qtbot, tools.card_button)  # …and back into the reader

    dialog = opened_dialog(qtbot, window, "read")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.completed, timeout=WAIT)
    shown = dialog.state.text()
    assert "表内剩余气量：42 立方米" in shown and "累计用气量：8 立方米" in shown
    assert "异常（被干扰）" in shown
    with hall.ctx.reading() as session:
        back = session.scalars(select(ToolCardReturn)).one()
        assert (back.remaining_volume, back.cumulative_volume, back.meter_status) == (4200, 800, 2)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)


def test_a_makers_check_card_is_recorded_carried_to_its_meter_and_read_back(
    qtbot,
    hall,
    maker_counter,  # noqa: F811
    maker_window,  # noqa: F811
):
    """The training maker's library cannot make a tool card: the training window puts one in
    as the maker's tool software would; the counter records it, reads it back."""
    panel = maker_window.training_window
    training = maker_counter.devices.training
    mouse_click(qtbot, panel.maker_new_button)
    opened = maker_counter.cards.open_account(maker_counter.actor, opening_request(n=44))
    maker_counter.cards.sell(maker_counter.actor, uuid.uuid4(), volume=m3(7))
    maker_window.load_account(opened.account_no)
    qtbot.waitUntil(lambda: maker_window.current_account_no == opened.account_no, timeout=WAIT)
    mouse_click(qtbot, panel.maker_card_button)  # the customer's card out, into the meter
    mouse_click(qtbot, panel.maker_meter_button)
    qtbot.waitUntil(lambda: "充入 7 立方米" in panel.last.text(), timeout=WAIT)

    mouse_click(qtbot, panel.maker_tool_button)  # the maker's check card in the reader
    assert "已插入厂家检查卡" in panel.last.text() and training.maker_card_present
    dialog = opened_dialog(qtbot, maker_window, "make")
    qtbot.waitUntil(lambda: dialog.kind.count() == 1, timeout=WAIT)  # what the card is
    assert dialog.kind.currentData() == ToolCardKind.CHECK.value
    qtbot.waitUntil(lambda: dialog.meter.text() == opened.meter_no, timeout=WAIT)
    dialog.technician.setFocus()
    type_text(qtbot, dialog.technician, "赵师傅")
    qtbot.keyClick(dialog.technician, Qt.Key.Key_Return)
    type_text(qtbot, dialog.reason, "抄表核对")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.completed, timeout=WAIT)
    assert "本次只登记" in dialog.info.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: maker_window.current_dialog is None, timeout=WAIT)

    mouse_click(qtbot, panel.maker_card_button)  # out of the reader, into the meter, back
    mouse_click(qtbot, panel.maker_meter_button)
    qtbot.waitUntil(lambda: "工具卡已执行" in panel.last.text(), timeout=WAIT)
    mouse_click(qtbot, panel.maker_card_button)
    dialog = opened_dialog(qtbot, maker_window, "read")
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.completed, timeout=WAIT)
    assert "表内剩余气量：7 立方米" in dialog.state.text()
    with hall.ctx.reading() as session:
        back = session.scalars(select(ToolCardReturn)).one()
        # 7.00 m³ in the meter, nothing burnt yet
        assert (back.remaining_volume, back.cumulative_volume, back.meter_status) == (700, 0, None)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
