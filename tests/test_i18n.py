"""The English translation: every string of the counter UI translated in the .ts, and the counter
window in English once the translator is installed (removed again so other tests stay Chinese)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, QThreadPool

from ui.counter_window import CounterWindow
from ui.i18n import TRANSLATIONS, install_translator

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_every_message_is_translated(backend):
    tree = ET.parse(TRANSLATIONS / "gasdesk_en.ts")
    messages = list(tree.getroot().iter("message"))
    assert messages
    unfinished = [
        (message.findtext("source"), translation.get("type"))
        for message in messages
        if (translation := message.find("translation")) is not None
        and translation.get("type") == "unfinished"
    ]
    assert unfinished == []


@pytest.fixture
def english(qapp):
    translator = install_translator(qapp, "en")
    assert translator is not None
    try:
        yield translator
    finally:
        QCoreApplication.removeTranslator(translator)


def test_counter_window_in_english(qtbot, counter, english):
    window = CounterWindow(counter)
    qtbot.addWidget(window)
    qtbot.addWidget(window.customer_display)
    try:
        window.show()
        assert "Purchase" in window.operation_buttons["F1"].text()
        texts = [button.text() for button in window.operation_buttons.values()]
        assert len(texts) == 12
        assert [text for text in texts if CJK.search(text)] == []
        assert not CJK.search(window.search.placeholderText())
    finally:
        window.close()
        QThreadPool.globalInstance().waitForDone(10_000)  # nothing runs on a closed database
        qtbot.wait(50)
