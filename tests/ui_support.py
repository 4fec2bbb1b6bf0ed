"""UI test helpers: a logged-in counter on a real database with training-mode devices
(in-process card reader, ESC/POS emulator on loopback), for pytest-qt tests offscreen."""

from __future__ import annotations

import pytest

from app.counter.compose import training_devices
from app.counter.session import CounterSession
from app.services.security import login
from app.services.setup import Workstation
from tests.card_support import KEY
from tests.support import PASSWORD


@pytest.fixture
def counter(hall):
    """李娜 logged in at counter 2 (her shift open, float 500.00), training devices."""
    devices = training_devices(KEY)
    user = login(hall.ctx, "lina", PASSWORD, hall.counter_id)
    session = CounterSession(
        hall.ctx, user, Workstation("城东燃气客户服务中心", "2号柜台", hall.counter_id, 0), devices
    )
    yield session
    devices.close()


def issue_card(counter: CounterSession, hall, name: str = "张秀英", n: int = 1):
    """Open an account through the counter on a blank training card left in the reader."""
    from tests.card_support import opening_request

    counter.devices.training.insert_blank_card()
    return counter.cards.open_account(counter.actor, opening_request(name=name, n=n))


class KeyCount:
    """Keys sent to the focused widget of a window, as a keyboard sends them, and counted: the
    issue's key-count goals are checked against ``pressed`` (a count, never a timing)."""

    def __init__(self, qtbot):  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.pressed = 0

    @staticmethod
    def target(window):  # type: ignore[no-untyped-def]
        return window.focusWidget() or window

    def key(self, window, key, modifier=None) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import Qt

        self.pressed += 1
        self.qtbot.keyClick(self.target(window), key, modifier or Qt.KeyboardModifier.NoModifier)

    def type(self, window, text: str) -> None:  # type: ignore[no-untyped-def]
        assert text.isascii(), "type Chinese with an input method, not counted keys"
        self.pressed += len(text)
        self.qtbot.keyClicks(self.target(window), text)


def buy(qtbot, dialog, volume: str, tendered: str) -> None:  # type: ignore[no-untyped-def]
    """Sell ``volume`` in an open F1 dialog; an empty ``tendered`` is exact cash, its own key
    (F5)."""
    from PySide6.QtCore import Qt

    dialog.volume.setFocus()
    qtbot.keyClicks(dialog.volume, volume)
    if not tendered:
        qtbot.keyClick(dialog.volume, Qt.Key.Key_F5)
        return
    dialog.tendered.setFocus()
    qtbot.keyClicks(dialog.tendered, tendered)
    qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)


@pytest.fixture
def window(qtbot, counter):  # type: ignore[no-untyped-def]
    """The counter window of ``counter``, shown (with its customer display) and active."""
    from PySide6.QtCore import QThreadPool

    from ui.counter_window import CounterWindow

    win = CounterWindow(counter)
    qtbot.addWidget(win)
    qtbot.addWidget(win.customer_display)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    yield win
    win.close()
    QThreadPool.globalInstance().waitForDone(10_000)  # nothing runs on a closed database
    qtbot.wait(50)  # deliver the last results to the (closed) window
