"""The counter's smaller promises (issue 13 item 11), offscreen with real keys, in Chinese and in
English: 请先开班 before any money operation, whether the last receipt printed, the gas still on
the card, a status line that never moves the layout, one word for a price tier, F12 printing and
saving in the documents folder, the manual lock and log-out keys, and a lockout that warns."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app.counter import CashMoveRequest, CloseAccountRequest, CountRequest, ReplaceCardRequest
from app.counter.compose import training_devices
from app.counter.session import CounterSession
from app.domain.cash import Payment, count_of
from app.errors import RuleViolation
from app.services.security import login
from app.services.setup import Workstation, ensure_counter
from app.vocabulary import CashMovementKind
from tests.card_support import KEY
from tests.support import PASSWORD, refused, terminals
from tests.ui_support import issue_card
from ui.counter_window import CounterWindow
from ui.i18n import install_translator

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 10_000
LANGS = ["zh_CN", "en"]


@pytest.fixture(params=LANGS)
def lang(request, qapp):
    """The counter in Chinese (the source language) and in English (the translator installed,
    removed again so other tests stay Chinese)."""
    translator = install_translator(qapp, request.param)
    assert (translator is None) == (request.param == "zh_CN")
    yield request.param
    if translator is not None:
        QCoreApplication.removeTranslator(translator)


def open_window(qtbot, session: CounterSession) -> CounterWindow:
    window = CounterWindow(session)
    qtbot.addWidget(window)
    qtbot.addWidget(window.customer_display)
    window.resize(1366, 768)
    window.show()
    return window


def close_window(qtbot, window: CounterWindow) -> None:
    window.close()
    QThreadPool.globalInstance().waitForDone(10_000)  # nothing runs on a closed database
    qtbot.wait(50)


@pytest.fixture
def window(qtbot, counter, lang):
    win = open_window(qtbot, counter)
    yield win
    close_window(qtbot, win)


@pytest.fixture
def no_shift(hall):
    """周杰 logged in at a new counter 4 where he has opened no shift (training devices)."""
    counter4 = ensure_counter(hall.ctx, hall.hall_id, "4")
    devices = training_devices(KEY)
    user = login(hall.ctx, "zhoujie", PASSWORD, counter4)
    session = CounterSession(
        hall.ctx,
        user,
        Workstation("城东燃气客户服务中心", "4号柜台", counter4, 0, hall.hall_id),
        devices,
    )
    yield session
    devices.close()


def open_dialog(qtbot, window, key):
    qtbot.keyClick(window, key)
    qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    return window.current_dialog


def sell(qtbot, window, volume: str):
    """F1, the volume, the cash handed over, Enter; Enter on the done screen."""
    dialog = open_dialog(qtbot, window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: dialog.context is not None, timeout=WAIT)
    dialog.volume.setFocus()
    qtbot.keyClicks(dialog.volume, volume)
    dialog.tendered.setFocus()
    qtbot.keyClicks(dialog.tendered, "1000")
    qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.sale is not None or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.sale is not None, dialog.error.text()
    receipt = dialog.sale.sale.receipt_no
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    return receipt


def status(window, key: str) -> str:
    return window.status_labels[key].text()


# ------------------------------------------------------------------ 请先开班


def test_money_operations_before_the_shift_is_open_say_open_the_shift(qtbot, no_shift, lang):
    window = open_window(qtbot, no_shift)
    try:
        # F1 with no card in the reader: the missing shift is said, not the missing card
        dialog = open_dialog(qtbot, window, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: "请先开班" in dialog.error.text(), timeout=WAIT)
        assert "请插入燃气卡" not in dialog.error.text()
        assert dialog.context is None  # nothing to sell
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)

        # F4 退气 and F5 补气 the same, before they look for a card
        for key in (Qt.Key.Key_F4, Qt.Key.Key_F5):
            dialog = open_dialog(qtbot, window, key)
            qtbot.waitUntil(lambda d=dialog: "请先开班" in d.error.text(), timeout=WAIT)
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
            qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)
    finally:
        close_window(qtbot, window)

    # every money operation of the counter answers the same before it touches the card (or
    # looks up a name)
    request, account = uuid.uuid4(), "0200000001"
    for call in (
        lambda: no_shift.purchase(
            request, volume=1000, amount_fen=None, cash_tendered_fen=None, payment=Payment()
        ),
        lambda: no_shift.refund(request, "客户要求", ()),
        lambda: no_shift.supplement(request, 1000, "表具故障", ()),
        lambda: no_shift.start_on_card(),
        lambda: no_shift.start_purchase(),
        lambda: no_shift.replace_card(ReplaceCardRequest(request, account, "C1", "lost"), None),
        lambda: no_shift.close_account(CloseAccountRequest(request, account, 0, "搬迁")),
        lambda: no_shift.move_cash(CashMoveRequest(request, CashMovementKind.CASH_IN, 100, "零钱")),
        lambda: no_shift.hand_over(request, count_of(10000), "", ("nobody", PASSWORD)),
    ):
        with refused(RuleViolation, "请先开班"):
            call()


# ------------------------------------------------------------------ the last receipt


def test_status_bar_says_whether_the_last_receipt_printed(qtbot, counter, hall, window, lang):
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    label = window.status_labels["receipt"]
    assert "—" in label.text()

    receipt = sell(qtbot, window, "10")
    qtbot.waitUntil(lambda: receipt in label.text(), timeout=WAIT)
    printed, unprinted = ("已打印", "未打印") if lang == "zh_CN" else ("printed", "not printed")
    assert printed in label.text() and unprinted not in label.text()
    assert label.styleSheet() == ""

    emulator = counter.devices.training.emulator
    counter.devices.training.load_into_meter(window.account.summary.meter_no)
    emulator.paper_out = True
    second = sell(qtbot, window, "10")
    qtbot.waitUntil(lambda: second in label.text(), timeout=WAIT)
    assert "b00020" in label.styleSheet()  # red: the customer has no receipt yet
    assert unprinted in label.text()
    assert "缺纸" in label.toolTip()  # the print outcome is the service's Chinese message

    emulator.paper_out = False
    qtbot.mouseClick(window.queue_button, Qt.MouseButton.LeftButton)  # 补打
    qtbot.waitUntil(lambda: second in emulator.transcript(), timeout=WAIT)
    qtbot.waitUntil(lambda: label.styleSheet() == "", timeout=WAIT)
    assert second in label.text()


# ------------------------------------------------------------------ gas on the card


def test_loaded_account_shows_the_gas_still_on_the_card(qtbot, counter, hall, window):
    opened = issue_card(counter, hall, name="欧阳明月")
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    pending = window.account_panel.fields["pending"]
    assert window.account_panel.pending_volume == 0  # the card was read: nothing on it

    sell(qtbot, window, "20")
    # the sale wrote the card: it is read again and shows what the meter has not loaded yet
    qtbot.waitUntil(lambda: window.account_panel.pending_volume == 2000, timeout=WAIT)
    assert "20 m³" in pending.text()
    assert "bold" in pending.styleSheet()

    # another customer's card is read; then the first one loaded by a search: her card is not
    # in the reader, so what it holds is not known
    other = issue_card(counter, hall, name="王勇", n=2)
    qtbot.waitUntil(lambda: window.current_account_no == other.account_no, timeout=WAIT)
    window.search.setFocus()
    qtbot.keyClicks(window.search, opened.account_no)
    qtbot.waitUntil(lambda: window.results.rowCount() == 1, timeout=WAIT)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    assert window.account_panel.pending_volume is None
    assert "20 m³" not in pending.text() and "—" in pending.text()


# ------------------------------------------------------------------ the status line


def test_a_status_message_never_moves_the_layout(qtbot, counter, window):
    qtbot.waitUntil(lambda: "…" not in status(window, "shift"), timeout=WAIT)
    qtbot.wait(50)
    central = window.centralWidget().geometry()
    results = window.results.geometry()
    bar = window.statusBar().geometry()
    width = window.width()  # (fitting 1366 px in English is the layout's own work)

    qtbot.keyClick(window, Qt.Key.Key_F3)  # no account loaded: a message, in red
    assert window.message.text()
    long = window.tr("请先读卡或查询并加载账户，再办理{name}").format(name="补卡") * 12
    window.show_message(long, error=True)
    qtbot.wait(50)
    assert window.centralWidget().geometry() == central
    assert window.results.geometry() == results
    assert window.statusBar().geometry() == bar
    assert window.message.text() == long  # whole, elided on screen only
    assert window.message.toolTip() == long
    assert window.message.height() <= window.statusBar().height()
    assert window.width() == width  # a long message never widens the window


# ------------------------------------------------------------------ the tier word


def test_the_receipt_names_the_tier_as_the_screen_does(qtbot, counter, hall, window, lang):
    opened = issue_card(counter, hall)
    qtbot.waitUntil(lambda: window.current_account_no == opened.account_no, timeout=WAIT)
    receipt = sell(qtbot, window, "10")
    emulator = counter.devices.training.emulator
    qtbot.waitUntil(lambda: receipt in emulator.transcript(), timeout=WAIT)
    paper = emulator.transcript()
    assert "第1档" in paper and "第1阶" not in paper
    bar = window.account_panel.tier_bars[0].format()
    assert bar.startswith("第1档" if lang == "zh_CN" else "Tier 1")


# ------------------------------------------------------------------ F12


def test_f12_prints_the_z_report_and_saves_in_the_documents_folder(
    qtbot, counter, hall, window, tmp_path, monkeypatch
):
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    counter.count_drawer(CountRequest(uuid.uuid4(), count_of(50000), terminals()))  # counted first

    dialog = open_dialog(qtbot, window, Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: dialog.shift_combo.count() > 0, timeout=WAIT)
    assert not dialog.print_button.isEnabled()  # nothing generated yet
    qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.report is not None or bool(dialog.error.text()), timeout=WAIT)
    assert dialog.report is not None, dialog.error.text()
    assert dialog.print_button.isEnabled()

    emulator = counter.devices.training.emulator
    before = emulator.transcript()
    qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "交班报表已在打印机" in dialog.info.text(), timeout=WAIT)
    assert len(emulator.transcript()) > len(before) and "交班报表" in emulator.transcript()

    # 导出PDF: Qt's own save dialog, in the documents folder, its words in the counter's language
    seen: dict[str, object] = {}

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QFileDialog)
        seen["native"] = not box.testOption(QFileDialog.Option.DontUseNativeDialog)
        seen["folder"] = Path(box.directory().absolutePath())
        seen["accept"] = box.labelText(QFileDialog.DialogLabel.Accept)
        seen["name"] = box.labelText(QFileDialog.DialogLabel.FileName)
        seen["selected"] = box.selectedFiles()
        qtbot.keyClick(box, Qt.Key.Key_Return)  # 保存: the suggested name

    QTimer.singleShot(200, answer)
    qtbot.mouseClick(dialog.export_buttons["pdf"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "folder" in seen, timeout=WAIT)
    assert seen["native"] is False
    assert seen["folder"] == documents
    if window.tr("保存") == "保存":
        assert seen["accept"] == "保存" and seen["name"] == "文件名："
    name = f"{dialog.report.name}.pdf"
    qtbot.waitUntil(lambda: (documents / name).exists(), timeout=WAIT)
    assert (documents / name).read_bytes().startswith(b"%PDF")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)


def test_hall_reports_are_not_offered_to_the_receipt_printer(qtbot, no_shift, lang):
    window = open_window(qtbot, no_shift)  # 周杰, a team leader: he may read the daily report
    try:
        dialog = open_dialog(qtbot, window, Qt.Key.Key_F12)
        qtbot.waitUntil(lambda: not dialog.working, timeout=WAIT)
        dialog.select("daily")
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: dialog.report is not None or bool(dialog.error.text()), timeout=WAIT
        )
        assert dialog.report is not None, dialog.error.text()
        assert dialog.export_buttons["pdf"].isEnabled()
        # an A4 report is not for the receipt printer: exported as PDF, printed elsewhere
        assert not dialog.print_button.isEnabled()
        assert dialog.print_button.toolTip()
        paper = no_shift.devices.training.emulator.transcript()
        qtbot.keyClick(dialog, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
        assert no_shift.devices.training.emulator.transcript() == paper
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    finally:
        close_window(qtbot, window)


# ------------------------------------------------------------------ lock and log-out


def test_ctrl_l_locks_and_ctrl_shift_l_logs_out(qtbot, qapp, hall, tmp_path, lang):
    from tests.test_ui_login import start_flow, type_login

    flow = start_flow(qtbot, qapp, hall, tmp_path)
    try:
        type_login(qtbot, flow.login_window, "lina", PASSWORD)
        qtbot.waitUntil(lambda: flow.counter_window is not None, timeout=WAIT)
        window = flow.counter_window  # the flow deletes it at the log-out
        qtbot.addWidget(window.customer_display)
        window.activateWindow()

        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: flow.idle_lock.screen is not None, timeout=WAIT)
        screen = flow.idle_lock.screen
        assert screen.isVisible() and flow.idle_lock.lock.locked
        if lang == "zh_CN":  # locked by the clerk, not for idle time
            assert screen.notice.text().startswith("李娜已锁定柜台")
        screen.reject()  # Esc does nothing
        assert screen.isVisible()
        with qtbot.waitSignal(flow.idle_lock.unlocked, timeout=WAIT):
            qtbot.keyClicks(screen.password, PASSWORD)
            qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        assert flow.idle_lock.screen is None

        # log-out asks first: Esc keeps the counter
        shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        qtbot.keyClick(window, Qt.Key.Key_L, shift)
        qtbot.waitUntil(lambda: window.logout_box is not None, timeout=WAIT)
        box = window.logout_box
        assert isinstance(box, QMessageBox) and box.isVisible()
        qtbot.keyClick(box, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: window.logout_box is None, timeout=WAIT)
        assert flow.counter_window is window and window.isVisible()

        # Enter logs out: the counter closes, the login shows again, the shift stays open
        qtbot.keyClick(window, Qt.Key.Key_L, shift)
        qtbot.waitUntil(lambda: window.logout_box is not None, timeout=WAIT)
        qtbot.keyClick(window.logout_box, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: flow.counter_window is None, timeout=WAIT)
        assert flow.session is None and flow.idle_lock is None
        assert flow.login_window.isVisible()
        assert hall_shift_open(hall, "lina")

        type_login(qtbot, flow.login_window, "lina", PASSWORD)  # back at work
        qtbot.waitUntil(lambda: flow.counter_window is not None, timeout=WAIT)
        qtbot.addWidget(flow.counter_window)
        qtbot.addWidget(flow.counter_window.customer_display)
    finally:
        if flow.counter_window is not None:
            flow.counter_window.close()
        flow.close()
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(50)


def hall_shift_open(hall, username: str) -> bool:
    from app.services.shifts import current_shift

    return current_shift(hall.ctx, hall.clerk) is not None


def test_lock_screen_warns_of_the_tries_left_and_says_when_the_lockout_ends(
    qtbot, counter, clock, lang
):
    from PySide6.QtWidgets import QWidget

    from ui.lock_screen import IdleLockController

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    controller = IdleLockController(window, counter, interval_ms=3_600_000)
    try:
        controller.lock_now()
        screen = controller.screen
        assert screen is not None and screen.isVisible()

        def wrong(password: str = "wrong-password") -> str:
            screen.password.setFocus()
            qtbot.keyClicks(screen.password, password)
            qtbot.keyClick(screen.password, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: not screen.busy and bool(screen.error.text()), timeout=WAIT)
            text = screen.error.text()
            screen.error.clear()
            return text

        # another name is told nothing about that name (no oracle of which names exist)
        screen.username.setText("wangfang")
        assert wrong() == "用户名或密码错误"

        screen.username.setText("lina")  # the locked clerk's own name, shown already
        first = wrong()
        assert "还可再试 4 次" in first and "再错将锁定 5 分钟" in first
        assert [wrong() for _ in range(3)] == [
            "密码错误，还可再试 3 次，再错将锁定 5 分钟",
            "密码错误，还可再试 2 次，再错将锁定 5 分钟",
            "密码错误，还可再试 1 次，再错将锁定 5 分钟",
        ]
        until = counter.local_time(clock() + dt.timedelta(minutes=5))
        said = wrong()
        assert f"已锁定至 {until:%H:%M}" in said
        assert f"已锁定至 {until:%H:%M}" in wrong(PASSWORD)  # even the right password waits
        assert controller.screen is screen and controller.lock.locked

        screen.username.setText("zhoujie")  # the team leader unlocks meanwhile
        with qtbot.waitSignal(controller.unlocked, timeout=WAIT):
            qtbot.keyClicks(screen.password, PASSWORD)
            qtbot.keyClick(screen.password, Qt.Key.Key_Return)
        assert controller.screen is None
    finally:
        controller.stop()
