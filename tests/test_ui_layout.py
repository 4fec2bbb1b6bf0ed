"""The counter at 1366×768 in Chinese and in English: every visible label and button lies inside
the window (and inside each widget that holds it) and its text fits, checked by widget geometry;
the hall's vocabulary (payment methods, kinds, states, ID types…) shows in the screen's language;
the font scale."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QWidget,
)

from app.config import load_config
from app.counter.session import CounterStatus
from app.services.shifts import DrawerStatus
from app.vocabulary import (
    AccountKind,
    AccountStatus,
    CalendarDay,
    CardClaim,
    CardStatus,
    CardWriteOutcome,
    CashMovementKind,
    CheckOutcome,
    CustomerKind,
    DrawerLevel,
    FloatSource,
    HallMode,
    IdType,
    ImportBatchKind,
    ImportBatchStatus,
    InspectionResult,
    InspectionSource,
    MeterStatus,
    OpeningEntryKind,
    OverrideKind,
    PaymentMethod,
    PrinterFaultReason,
    PrinterKind,
    PrinterState,
    ReaderKind,
    ReaderState,
    ReplacementReason,
    Role,
    SettingUnit,
    TariffStatus,
    ToolCardKind,
    TrainingFault,
    TransactionKind,
    _Labelled,
)
from tests.ui_support import issue_card
from ui.app import save_font_scale
from ui.counter_window import CounterWindow
from ui.i18n import (
    BASE_POINT_SIZE,
    apply_font_scale,
    auto_font_scale,
    denomination_text,
    install_translator,
    ui_language,
    vocabulary_text,
)

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 10_000
SCREEN = (1366, 768)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
VOCABULARY = (
    TransactionKind,
    Role,
    CashMovementKind,
    IdType,
    ReplacementReason,
    FloatSource,
    PaymentMethod,
    CustomerKind,
    CardWriteOutcome,
    DrawerLevel,
    ReaderState,
    PrinterState,
    PrinterFaultReason,
    TrainingFault,
    TariffStatus,
    CalendarDay,
    SettingUnit,
    ReaderKind,
    PrinterKind,
    HallMode,
    CheckOutcome,
    CardClaim,
    ToolCardKind,
    MeterStatus,
    InspectionResult,
    InspectionSource,
    OverrideKind,
    AccountKind,
    AccountStatus,
    CardStatus,
    ImportBatchKind,
    ImportBatchStatus,
    OpeningEntryKind,
)


@pytest.fixture(params=["zh_CN", "en"])
def language(request, qapp):
    """The interface in Chinese or English (the translator removed again afterwards)."""
    translator = install_translator(qapp, request.param)
    assert (translator is None) == (request.param == "zh_CN")
    try:
        yield request.param
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)


@pytest.fixture(params=[None, 125])
def screen_font(request, qapp):
    """The application font as GasDesk sizes it for a 1366×768 screen, or as a clerk who
    wants larger type sets it (restored afterwards)."""
    before = qapp.font()
    scale = apply_font_scale(qapp, request.param or auto_font_scale(SCREEN[1]))
    yield scale
    qapp.setFont(before)


@pytest.fixture
def window(qtbot, counter, language, screen_font):
    win = CounterWindow(counter)
    qtbot.addWidget(win)
    qtbot.addWidget(win.customer_display)
    win.show()
    win.resize(*SCREEN)
    yield win
    win.close()
    QThreadPool.globalInstance().waitForDone(10_000)  # nothing runs on a closed database
    qtbot.wait(50)


def shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.height() > 0


def text_room(widget: QWidget) -> int:
    """How wide the widget's text may be without being cut."""
    if isinstance(widget, QPushButton):
        option = QStyleOptionButton()
        option.initFrom(widget)
        option.text = widget.text()
        option.icon = widget.icon()
        rect = widget.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, widget
        )
        return rect.width()
    return widget.contentsRect().width() - 2 * max(widget.indent(), 0) - 2 * widget.margin()


def in_scroll_area(widget: QWidget) -> bool:
    """Whether the widget sits in a scroll area (it may be scrolled out of view, not cut)."""
    parent = widget.parentWidget()
    while parent is not None:
        holder = parent.parentWidget()
        if isinstance(holder, QAbstractScrollArea) and parent is holder.viewport():
            return True
        parent = holder
    return False


def clipped(top: QWidget, *, scrolling: bool = False) -> list[str]:
    """Every visible label and button of ``top`` that is cut: outside ``top`` or outside any
    widget it sits in, or with a text wider (single line) or taller (wrapped) than itself.
    ``scrolling``: what a scroll area holds may lie outside its view (it scrolls)."""
    problems = []
    widgets = top.findChildren(QLabel) + top.findChildren(QAbstractButton)
    for widget in widgets:
        if not shown(widget, top) or not widget.text():
            continue
        name = f"{type(widget).__name__} {widget.objectName() or ''} {widget.text()!r}"
        rect = QRect(QPoint(0, 0), widget.size())
        child, parent = widget, widget.parentWidget()
        while parent is not None and not (scrolling and in_scroll_area(widget)):
            rect.translate(child.pos())
            if not QRect(QPoint(0, 0), parent.size()).contains(rect):
                problems.append(f"{name}: {rect} outside {type(parent).__name__} {parent.size()}")
                break
            if parent is top:
                break
            child, parent = parent, parent.parentWidget()
        if isinstance(widget, QLabel) and widget.textFormat() == Qt.TextFormat.RichText:
            continue
        if isinstance(widget, QLabel) and widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height():
                problems.append(f"{name}: needs {needed} px high, has {widget.height()}")
            continue
        lines = widget.text().split("\n")
        advance = max(widget.fontMetrics().horizontalAdvance(line) for line in lines)
        if advance > text_room(widget):
            problems.append(f"{name}: text {advance} px wide, room {text_room(widget)}")
    return problems


def status_text(window, key):
    return window.status_labels[key].text()


def assert_bars_fit(window) -> None:
    """The F-key bar and every item of the status bar on the screen, none squeezed."""
    for key, button in window.operation_buttons.items():
        assert window.rect().contains(QRect(button.mapTo(window, QPoint(0, 0)), button.size()))
        assert key in button.text()
    bar = window.statusBar()
    for item in [*window.status_labels.values(), window.queue_button, window.form_button]:
        assert item.isVisible()
        assert item.width() >= item.sizeHint().width(), item.text()
        assert bar.rect().contains(QRect(item.mapTo(bar, QPoint(0, 0)), item.size()))


def longest_states(window, counter) -> None:
    """The status bar's longest words: no reader, no paper, the drawer over its limit, a dozen
    receipts queued (shown as the background refresh would show them)."""
    window._status_timer.stop()
    snap = CounterStatus(
        ReaderState.NOT_CONFIGURED,
        PrinterState.PAPER_OUT,
        None,
        counter.status(ask_printer=False).shift,
        DrawerStatus(1, None, DrawerLevel.STOP, "钱箱现金已达上限，现金收费已暂停，请立即交款", ()),
        12,
    )
    window._status_done(snap)


def test_counter_window_fits_1366(qtbot, counter, hall, window, language, screen_font):
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    shift = "Shift" if language == "en" else "已开班"
    qtbot.waitUntil(lambda: shift in status_text(window, "shift"), timeout=WAIT)
    qtbot.waitUntil(lambda: window.account_panel.history.rowCount() > 0, timeout=WAIT)
    window.show_message(window.tr("已加载 {account} {name}").format(account="1", name="张秀英"))
    qtbot.wait(50)  # the layout settles
    assert (window.width(), window.height()) == SCREEN
    # larger type than the screen's own may scroll the account panel, nothing else
    scrolling = screen_font > auto_font_scale(SCREEN[1])

    assert clipped(window, scrolling=scrolling) == []
    assert_bars_fit(window)
    qtbot.waitUntil(lambda: not window._refreshing, timeout=WAIT)
    longest_states(window, counter)
    qtbot.wait(50)
    assert DrawerLevel.STOP.text(language) in status_text(window, "drawer")
    assert clipped(window, scrolling=scrolling) == []
    assert_bars_fit(window)
    if language == "en":
        texts = [label.text() for label in window.status_labels.values()]
        texts += [button.text() for button in window.operation_buttons.values()]
        texts.append(window.queue_button.text())
        assert [text for text in texts if CJK.search(text)] == []
        history = window.account_panel.history
        kinds = [history.item(row, 1).text() for row in range(history.rowCount())]
        assert TransactionKind.OPENING.label_en in kinds
        assert [kind for kind in kinds if CJK.search(kind)] == []


@pytest.mark.parametrize("scale", [125, 150])
def test_counter_window_fits_1920_with_large_type(qtbot, counter, hall, window, qapp, scale):
    """On 1920×1080 (automatic: 125 %) and at the largest size, nothing is cut either."""
    if window.font().pointSizeF() > BASE_POINT_SIZE:
        pytest.skip("once is enough")  # the window fixture's own 125 % run
    apply_font_scale(qapp, scale)
    window.resize(1920, 1080)
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    qtbot.waitUntil(lambda: window.account_panel.history.rowCount() > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: not window._refreshing, timeout=WAIT)
    longest_states(window, counter)
    qtbot.waitUntil(
        lambda: window.operation_buttons["F1"].font().pointSizeF() > BASE_POINT_SIZE,
        timeout=WAIT,
    )
    qtbot.wait(50)
    assert clipped(window) == []
    assert_bars_fit(window)


def test_window_needs_no_more_than_a_maximised_1366_screen(qtbot, window, screen_font):
    """A maximised window on 1366×768 has about 1366×700 (title bar, task bar)."""
    hint = window.minimumSizeHint()
    assert hint.width() <= SCREEN[0]
    assert hint.height() <= SCREEN[1] - 68


def test_status_bar_in_the_interface_language(qtbot, window, language):
    window.refresh_status()
    expected = ReaderState.READY.text(language)
    qtbot.waitUntil(lambda: expected in status_text(window, "reader"), timeout=WAIT)
    assert ui_language() == language
    assert vocabulary_text(PaymentMethod.CASH) == PaymentMethod.CASH.text(language)


def test_every_vocabulary_member_has_both_labels(qapp, backend):
    assert set(VOCABULARY) == set(_Labelled.__subclasses__())  # a new kind is listed here too
    for kind in VOCABULARY:
        for member in kind:
            assert CJK.search(member.label), member
            assert member.label_en and not CJK.search(member.label_en), member
            assert member.text("zh_CN") == member.label
            assert member.text("en") == member.label_en
    # one Chinese word, one English word: the translator can answer any screen's tr(label)
    english: dict[str, set[str]] = {}
    for kind in VOCABULARY:
        for member in kind:
            english.setdefault(member.label, set()).add(member.label_en)
    assert {label: words for label, words in english.items() if len(words) > 1} == {}


def test_english_translator_answers_vocabulary_in_any_context(qapp, backend):
    """Screens that show ``self.tr(member.label)`` (payment methods in the sale, 保险柜 in the
    float, 居民身份证 in the opening) get the English label without a .ts entry."""
    translate = QCoreApplication.translate
    assert ui_language() == "zh_CN"
    assert translate("PurchaseDialog", PaymentMethod.WECHAT.label) == "微信"
    assert denomination_text(50) == "5角"
    translator = install_translator(qapp, "en")
    try:
        assert ui_language() == "en"
        assert translate("PurchaseDialog", PaymentMethod.WECHAT.label) == "WeChat Pay"
        assert translate("ShiftDialog", FloatSource.SAFE.label) == "Safe"
        assert translate("OpenAccountDialog", IdType.RESIDENT_ID.label) == "Resident ID card"
        assert translate("ReplaceCardDialog", ReplacementReason.LOST.label) == (
            ReplacementReason.LOST.label_en
        )
        assert translate("CounterWindow", "购气") == "Purchase gas"  # the .qm still comes first
        assert translate("CounterWindow", "没有译文的话") == "没有译文的话"  # never empty
        assert translate("ShiftDialog", "5角") == "5 jiao" == denomination_text(50)
    finally:
        QCoreApplication.removeTranslator(translator)
    assert ui_language() == "zh_CN"
    assert translate("PurchaseDialog", PaymentMethod.WECHAT.label) == "微信"
    assert denomination_text(50) == "5角"


def test_font_scale_from_the_screen_and_the_menu(qtbot, counter, qapp, tmp_path, monkeypatch):
    monkeypatch.setenv("GASDESK_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text('hall_code = "07"\n', encoding="utf-8")
    assert auto_font_scale(1080) == 125  # 12.5 pt on 1920×1080
    assert auto_font_scale(768) == 100
    before = qapp.font()
    config = load_config()
    assert config.font_scale is None
    saved = []
    win = CounterWindow(
        counter,
        font_scale=config.font_scale,
        save_font_scale=lambda scale: (saved.append(scale), save_font_scale(config, scale)),
    )
    qtbot.addWidget(win)
    qtbot.addWidget(win.customer_display)
    try:
        win.show()
        assert win.font_scale_actions[None].isChecked()
        win.font_scale_actions[150].trigger()
        assert saved == [150]
        assert QApplication.font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 1.5)
        button = win.operation_buttons["F1"]  # every widget follows
        qtbot.waitUntil(lambda: button.font().pointSizeF() == pytest.approx(15), timeout=WAIT)
        assert win.font_scale_actions[150].isChecked()
        again = load_config()
        assert again.font_scale == 150
        assert again.hall_code == "07"  # the other settings stay
        win.font_scale_actions[None].trigger()
        assert load_config().font_scale is None
    finally:
        win.close()
        qapp.setFont(before)
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(50)


@pytest.mark.parametrize("key", ["F1", "F2", "F4", "F11"])
def test_operation_dialogs_fit_1366(
    qtbot, counter, hall, window, language, screen_font, key, monkeypatch
):
    """The sale (F1), the account opening (F2), the refund (F4, with its approvers) and the
    shift (F11) as the counter opens them: on the screen, every label and button whole."""
    import ui.fitting

    # the offscreen platform's screen is 800×600: give the dialogs a maximised 1366×768's room
    room = QRect(0, 0, SCREEN[0], SCREEN[1] - 68)
    monkeypatch.setattr(ui.fitting, "available_room", lambda _window: room)
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    qtbot.keyClick(window, getattr(Qt.Key, f"Key_{key}"))
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    dialog = window.current_dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=WAIT)
    if key == "F1":
        qtbot.waitUntil(lambda: dialog.context is not None, timeout=WAIT)  # the card re-read
    if key == "F4":
        qtbot.waitUntil(lambda: dialog.card is not None, timeout=WAIT)
        qtbot.waitUntil(lambda: not dialog.approvals._asking, timeout=WAIT)
    qtbot.wait(100)  # the layout settles
    assert dialog.width() <= SCREEN[0] and dialog.height() <= SCREEN[1] - 68
    assert clipped(dialog) == []
    if language == "en":  # the payment methods and ID types in English too
        from PySide6.QtWidgets import QComboBox

        items = [
            box.itemText(i) for box in dialog.findChildren(QComboBox) for i in range(box.count())
        ]
        assert [item for item in items if CJK.search(item)] == []
        expected = {"F1": PaymentMethod.WECHAT, "F2": IdType.RESIDENT_ID}.get(key)
        assert expected is None or expected.label_en in items
    dialog.reject()


def test_approvers_named_in_the_interface_language(qtbot, counter, language):
    """The roles a large refund needs come from the service as roles, shown in the screen's
    language (班长 / Team leader)."""
    from ui.dialogs.approvals import ApprovalsWidget

    widget = ApprovalsWidget(counter)
    qtbot.addWidget(widget)
    widget.set_slots(counter.approval_slots(120_000))  # 1,200 m³: three written approvals
    texts = [row.role.text() for row in widget.rows]
    assert len(texts) == 4
    for role in (Role.ADMINISTRATOR, Role.DEPARTMENT_MANAGER, Role.FINANCE, Role.VICE_PRESIDENT):
        assert any(role.text(language) in text for text in texts)
        assert role.text(language) in widget.rule.text()
    if language == "en":
        assert [text for text in texts if CJK.search(text)] == []


def test_counter_window_opens_maximised_with_the_workstation_font_scale(
    qtbot, qapp, hall, tmp_path
):
    from app.counter.compose import devices_from_config
    from tests.support import PASSWORD
    from tests.test_ui_login import hall_config, type_login
    from ui.app import StartupFlow

    config = hall_config(tmp_path)
    config.font_scale = 150
    flow = StartupFlow(hall.ctx, config, qapp, devices_from_config, autologin="")
    flow.show_login()
    qtbot.addWidget(flow.login_window)
    try:
        type_login(qtbot, flow.login_window, "lina", PASSWORD)
        qtbot.waitUntil(lambda: flow.counter_window is not None, timeout=WAIT)
        window = flow.counter_window
        qtbot.addWidget(window)
        qtbot.addWidget(window.customer_display)
        assert window.windowState() & Qt.WindowState.WindowMaximized
        assert window.font_scale_actions[150].isChecked()
    finally:
        flow.close()
        if flow.counter_window is not None:
            flow.counter_window.close()
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(50)
