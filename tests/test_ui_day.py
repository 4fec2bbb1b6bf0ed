"""A clerk's day at the counter, end to end and keyboard only: log in, open the shift, open an
account on a blank card, sell gas, replace the card, refund, hand cash over to finance and close
the shift with a blind count, all in Chinese (the issue's "done when").

Only key events reach the windows: ``qtbot.keyClick``/``keyClicks`` for keys and ASCII text, and
``QLineEdit.insert`` on the focused field for Chinese, as an input method commits it (QTest cannot
click non-ASCII keys). The card arriving in the training reader is a device action, not a UI step.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from sqlalchemy import select

from app.config import LocalConfig
from app.devices.meter import LOADED
from app.domain.cash import DENOMINATIONS, count_of
from app.domain.identity import make_resident_id
from app.domain.money import format_money
from app.services import shifts as shift_service
from app.services.queries import account_view
from db.models import Approval, CashMovement, CounterTransaction
from tests.support import PASSWORD, m3, rid, terminals

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 15_000  # ms: argon2 checks, card writes and prints run in the background
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9.\-]*")
NOT_WORDS = {"GasDesk", "Enter", "Esc", "m", "Z"}  # product name, key names, m³, Z报表


# ---------------------------------------------------------------- the keyboard


class Keyboard:
    """Keys go to the widget that has the focus in the given window, as a real keyboard's do;
    every window title and label passed by is remembered for the language check."""

    def __init__(self, qtbot):  # type: ignore[no-untyped-def]
        self.qtbot = qtbot
        self.seen: set[str] = set()

    def target(self, window: QWidget) -> QWidget:
        """The focused widget; with none, Qt gives the active window's keys to the window."""
        return window.focusWidget() or window

    def key(self, window: QWidget, key: Qt.Key) -> None:
        self.look(window)
        self.qtbot.keyClick(self.target(window), key)

    def type(self, window: QWidget, text: str) -> None:
        focused = self.target(window)
        if text.isascii():
            self.qtbot.keyClicks(focused, text)
        else:
            assert isinstance(focused, QLineEdit), f"Chinese typed into {focused!r}"
            focused.insert(text)  # what an input method commits

    def enter(self, window: QWidget, text: str = "") -> None:
        """Type into the focused field, then Enter (next field, or confirm in the last one)."""
        if text:
            self.type(window, text)
        self.key(window, Qt.Key.Key_Return)

    def look(self, window: QWidget) -> None:
        self.seen.add(window.windowTitle())
        self.seen.update(
            label.text()
            for label in window.findChildren(QLabel)
            if label.isVisibleTo(window) and label.text()
        )

    def not_chinese(self) -> list[str]:
        """Texts with a Latin word and no Chinese character (identifiers with digits are fine)."""
        return [
            text
            for text in self.seen
            if not CJK.search(text)
            and any(
                word not in NOT_WORDS and not re.search(r"\d", word)
                for word in LATIN_WORD.findall(text)
            )
        ]


def operation(kb: Keyboard, window, key: Qt.Key):  # type: ignore[no-untyped-def]
    """Press an F-key in the counter window; its dialog is returned once it is open."""
    kb.key(window, key)
    kb.qtbot.waitUntil(lambda: window.current_dialog is not None, timeout=WAIT)
    return window.current_dialog


def on_close(dialog) -> list:  # type: ignore[no-untyped-def]
    """Filled with the dialog's result when it closes (the window deletes it right after)."""
    box: list = []
    dialog.finished.connect(lambda _code: box.append(dialog.result_value))
    return box


def closed(kb: Keyboard, window) -> None:  # type: ignore[no-untyped-def]
    """The dialog has closed (and is deleted)."""
    kb.qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)


def enter_until(kb: Keyboard, dialog, done, limit: int = 20) -> None:  # type: ignore[no-untyped-def]
    """Enter through the remaining (empty) fields until the dialog confirms."""
    for _ in range(limit):
        if done() or dialog.working:
            break
        kb.enter(dialog)
    kb.qtbot.waitUntil(lambda: done() or bool(dialog.error.text()), timeout=WAIT)
    assert done(), dialog.error.text()


def card_noticed(window) -> bool:  # type: ignore[no-untyped-def]
    """The window's card poll has seen the chip now in the training reader."""
    transport = window.session.devices.training.transport
    return window.card_token == (True, id(transport.chip))


# ---------------------------------------------------------------- the database


def transactions(ctx) -> list[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    with ctx.reading() as session:
        rows = session.execute(
            select(
                CounterTransaction.kind, CounterTransaction.volume, CounterTransaction.amount_fen
            ).order_by(CounterTransaction.id)
        )
        return [tuple(r) for r in rows]


def movements(ctx, shift_id: int) -> list[tuple[str, int, int | None]]:  # type: ignore[no-untyped-def]
    with ctx.reading() as session:
        rows = session.execute(
            select(CashMovement.kind, CashMovement.amount_fen, CashMovement.counterpart_id)
            .where(CashMovement.shift_id == shift_id)
            .order_by(CashMovement.id)
        )
        return [tuple(r) for r in rows]


def approvals_of(ctx, transaction_id: int) -> list[tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    with ctx.reading() as session:
        rows = session.execute(
            select(Approval.role, Approval.reason).where(Approval.transaction_id == transaction_id)
        )
        return [tuple(r) for r in rows]


def expected_cash(ctx, shift_id: int) -> int:  # type: ignore[no-untyped-def]
    with ctx.reading() as session:
        return shift_service.expected_by_method(session, shift_id)["cash"]


def pieces_of(amount_fen: int) -> tuple[dict[int, int], int]:
    """How a careful clerk counts ``amount_fen``: notes and coins by face, the rest as coins."""
    pieces = {}
    for face in DENOMINATIONS:
        pieces[face], amount_fen = divmod(amount_fen, face)
    return pieces, amount_fen


# ---------------------------------------------------------------- the day


def test_a_clerks_day_in_chinese_with_the_keyboard_only(qtbot, qapp, hall, tmp_path):
    from app.counter.compose import devices_from_config
    from ui.app import StartupFlow

    ctx, clerk = hall.ctx, hall.clerk
    # the seeded shift is closed (balanced): the day starts with no shift
    shift_service.count_drawer(
        ctx, clerk, shift_service.CountRequest(rid(), count_of(50000), terminals())
    )
    shift_service.close_shift(ctx, clerk, shift_service.CloseShiftRequest(rid()))
    assert shift_service.current_shift(ctx, clerk) is None

    config = LocalConfig(
        data_dir=tmp_path, db_url="sqlite://", hall_code="02", counter_code="2", training=True
    )
    flow = StartupFlow(ctx, config, qapp, devices_from_config, autologin="")
    kb = Keyboard(qtbot)
    window = None
    try:
        # 1. log in ------------------------------------------------------------------------
        flow.show_login()
        login = flow.login_window
        qtbot.addWidget(login)
        kb.enter(login, "lina")  # → the password
        kb.enter(login, PASSWORD)
        qtbot.waitUntil(lambda: flow.counter_window is not None, timeout=WAIT)
        window = flow.counter_window
        qtbot.addWidget(window)
        qtbot.addWidget(window.customer_display)
        assert not login.isVisible() and window.isVisible()
        assert flow.session.user.username == "lina"
        emulator = flow.session.devices.training.emulator
        training = flow.session.devices.training
        qtbot.waitUntil(lambda: "未开班" in window.status_labels["shift"].text(), timeout=WAIT)
        kb.look(window)

        # 2. open the shift: 5 × 100元 float --------------------------------------------------
        dialog = operation(kb, window, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: dialog.mode == "open", timeout=WAIT)
        assert kb.target(dialog) is dialog.float_count.spins[10000]
        qtbot.waitUntil(lambda: kb.target(dialog) is dialog.float_count.spins[10000], timeout=WAIT)
        kb.type(dialog, "5")  # the first spin box has the focus, its "0" selected
        assert "500.00" in dialog.float_count.total_label.text()
        done = on_close(dialog)
        enter_until(kb, dialog, lambda: bool(done))
        [opened_shift] = done
        closed(kb, window)
        shift = shift_service.current_shift(ctx, clerk)
        assert shift is not None and shift.shift_id == opened_shift.shift_id
        shift_id = shift.shift_id
        assert movements(ctx, shift_id) == [("float", 50000, None)]
        qtbot.waitUntil(lambda: "已开班" in window.status_labels["shift"].text(), timeout=WAIT)

        # 3. open an account on the blank card -------------------------------------------------
        training.insert_blank_card()  # the card arrives (training panel: 空白卡)
        qtbot.waitUntil(lambda: card_noticed(window), timeout=WAIT)
        assert "空白卡" in window.message.text()
        dialog = operation(kb, window, Qt.Key.Key_F2)
        done = on_close(dialog)
        # 民用户 with a 居民身份证 by default: the form starts at the name
        kb.enter(dialog, "陈秀兰")  # → 证件号码 (Enter skips the drop-downs)
        kb.enter(dialog, make_resident_id("310104", dt.date(1985, 6, 1), 21))
        kb.enter(dialog, "13912345678")
        kb.enter(dialog, "解放路88号3单元401")
        kb.key(dialog, Qt.Key.Key_Backspace)  # 家庭人口: 1 → 3
        kb.enter(dialog, "3")
        kb.enter(dialog, "18A0000777")  # 表号
        kb.enter(dialog, "IC-G2.5")  # 表型号
        kb.enter(dialog, "0")  # 表底数
        kb.enter(dialog, "SLE0000777")  # 卡号
        kb.enter(dialog, "HT-2026-0777")  # 合同编号
        kb.enter(dialog)  # 签订日期: today
        kb.enter(dialog)  # 代办人姓名: none
        kb.enter(dialog)  # 代办人身份证号
        kb.look(dialog)
        enter_until(kb, dialog, lambda: bool(done), limit=1)  # 与户主关系: the last field
        [opened] = done
        closed(kb, window)
        account_no = opened.account_no
        view = account_view(ctx, flow.session.actor, account_no)
        assert (view.summary.customer_name, view.summary.card_serial) == ("陈秀兰", "SLE0000777")
        assert transactions(ctx) == [("opening", 0, 0)]
        qtbot.waitUntil(lambda: window.current_account_no == account_no, timeout=WAIT)
        qtbot.waitUntil(lambda: opened.receipt_no in emulator.transcript(), timeout=WAIT)

        # 4. sell 200 m³ on the card, 600 tendered -----------------------------------------------
        dialog = operation(kb, window, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: dialog.context is not None, timeout=WAIT)  # card re-read
        assert kb.target(dialog) is dialog.volume
        kb.enter(dialog, "200")  # → 实收现金
        kb.type(dialog, "600")
        assert "522.00" in dialog.quote_label.text()
        assert dialog.change_label.text() == "找零 78.00 元"
        kb.look(dialog)
        kb.enter(dialog)
        qtbot.waitUntil(lambda: dialog.sale is not None or bool(dialog.error.text()), timeout=WAIT)
        assert dialog.error.text() == ""
        first_sale = dialog.sale.sale
        assert "找零 78.00" in dialog.result_label.text()
        kb.enter(dialog)  # 完成: the window prints the receipt
        closed(kb, window)
        assert transactions(ctx)[1:] == [("purchase", m3(200), 52200)]
        assert (first_sale.cash_tendered_fen, first_sale.change_fen) == (60000, 7800)
        qtbot.waitUntil(lambda: first_sale.receipt_no in emulator.transcript(), timeout=WAIT)
        assert "522.00" in emulator.transcript()
        qtbot.waitUntil(lambda: window.account.purchase_count == 1, timeout=WAIT)

        # 5. replace the card (lost: 20.00 fee) -----------------------------------------------
        training.remove()  # the customer's old card out, a blank one in
        training.insert_blank_card()
        qtbot.waitUntil(lambda: card_noticed(window), timeout=WAIT)
        dialog = operation(kb, window, Qt.Key.Key_F3)
        done = on_close(dialog)
        assert kb.target(dialog) is dialog.reason
        kb.key(dialog, Qt.Key.Key_Down)
        assert dialog.reason.currentData() == "damaged"
        kb.key(dialog, Qt.Key.Key_Up)
        assert dialog.reason.currentData() == "lost"
        # the fee to collect, before confirming
        qtbot.waitUntil(lambda: dialog.money.text() == "应收 20.00 元", timeout=WAIT)
        kb.enter(dialog)  # → 备注
        kb.enter(dialog)  # → 新卡号
        kb.enter(dialog, "SLE0000778")  # → 实收现金 (the fee exactly: left empty)
        kb.look(dialog)
        kb.enter(dialog)  # confirms
        qtbot.waitUntil(lambda: dialog.completed or bool(dialog.error.text()), timeout=WAIT)
        assert dialog.error.text() == ""
        assert dialog.money.text() == "已收工本费 20.00 元　找零 0.00 元"  # the done screen
        kb.look(dialog)
        kb.enter(dialog)  # Enter closes it
        assert done
        [replaced] = done
        closed(kb, window)
        assert transactions(ctx)[2:] == [(replaced.kind, 0, 2000)]
        assert replaced.amount_fen == 2000
        qtbot.waitUntil(lambda: replaced.receipt_no in emulator.transcript(), timeout=WAIT)
        assert "20.00" in emulator.transcript()
        card = flow.session.cards.read(flow.session.actor)
        # the new card carries the purchase count and the last purchase, still unloaded
        assert (card.image.serial, card.image.purchase_count) == ("SLE0000778", 1)
        assert card.image.pending_volume == m3(200)
        assert account_view(ctx, flow.session.actor, account_no).summary.card_serial == "SLE0000778"

        # 6. sell 50 m³ on the new card, then refund it ------------------------------------------
        # No more gas goes on a card whose last purchase is not in the meter yet (卡内还有气量
        # 未插表): the customer puts the new card into the meter first (training panel, 插表).
        assert training.load_into_meter("18A0000777") == LOADED
        dialog = operation(kb, window, Qt.Key.Key_F1)
        qtbot.waitUntil(lambda: dialog.context is not None, timeout=WAIT)
        kb.enter(dialog, "50")  # → 实收现金, left empty
        kb.enter(dialog)  # an empty field is never taken for exact cash
        assert "F5" in dialog.error.text() and dialog.sale is None and not dialog.working
        kb.key(dialog, Qt.Key.Key_F5)  # 现金正好: its own key
        qtbot.waitUntil(lambda: dialog.sale is not None or bool(dialog.error.text()), timeout=WAIT)
        assert dialog.error.text() == ""
        second_sale = dialog.sale.sale
        kb.enter(dialog)
        closed(kb, window)
        assert transactions(ctx)[3][:2] == ("purchase", m3(50))
        qtbot.waitUntil(lambda: second_sale.receipt_no in emulator.transcript(), timeout=WAIT)

        dialog = operation(kb, window, Qt.Key.Key_F4)
        done = on_close(dialog)
        qtbot.waitUntil(lambda: dialog.card is not None, timeout=WAIT)
        qtbot.waitUntil(lambda: not dialog.approvals.pending, timeout=WAIT)
        assert "未插表气量 50 立方米" in dialog.card_label.text()
        assert kb.target(dialog) is dialog.reason
        kb.enter(dialog, "客户购错气量")  # 退气原因 → the approver's user name
        assert kb.target(dialog) is dialog.approvals.rows[0].username
        kb.enter(dialog, "admin")
        kb.enter(dialog, PASSWORD)
        kb.look(dialog)
        kb.type(dialog, "同意退气")  # the approver's opinion, the last field: Enter confirms
        enter_until(kb, dialog, lambda: dialog.completed, limit=1)
        assert dialog.money.text() == f"应退 {format_money(second_sale.amount_fen)} 元"
        kb.look(dialog)
        kb.enter(dialog)  # the done screen: Enter closes
        [refund] = done
        closed(kb, window)
        assert (refund.kind, refund.volume, refund.amount_fen) == (
            "refund",
            -m3(50),
            -second_sale.amount_fen,
        )
        assert transactions(ctx)[4:] == [("refund", -m3(50), -second_sale.amount_fen)]
        assert approvals_of(ctx, refund.transaction_id) == [("administrator", "同意退气")]
        qtbot.waitUntil(lambda: refund.receipt_no in emulator.transcript(), timeout=WAIT)
        card = flow.session.cards.read(flow.session.actor)
        assert card.image.pending_volume == 0

        # 7. hand 5 × 100元 over to finance -----------------------------------------------------
        dialog = operation(kb, window, Qt.Key.Key_F10)
        qtbot.waitUntil(lambda: kb.target(dialog) is dialog.count.spins[10000], timeout=WAIT)
        kb.type(dialog, "5")
        assert "500.00" in dialog.count.total_label.text()
        while kb.target(dialog) is not dialog.finance_user:
            kb.enter(dialog)  # the other notes, coins and the note stay empty
        kb.enter(dialog, "zhaomin")
        kb.enter(dialog, PASSWORD)
        qtbot.waitUntil(lambda: dialog.moved is not None or bool(dialog.error.text()), timeout=WAIT)
        assert dialog.error.text() == ""
        slip_no = dialog.moved.slip_no
        assert slip_no in dialog.info.text()
        kb.look(dialog)
        kb.key(dialog, Qt.Key.Key_Escape)  # recorded: Esc closes
        closed(kb, window)
        assert movements(ctx, shift_id)[1:] == [("handover", 50000, hall.users["zhaomin"])]
        qtbot.waitUntil(lambda: slip_no in emulator.transcript(), timeout=WAIT)
        assert "交款单" in emulator.transcript()

        # 8. close the shift: the blind count of what the drawer holds ---------------------------
        cash = expected_cash(ctx, shift_id)  # 500 + 522 + 20 + sale − refund − 500
        assert cash == 50000 + 52200 + 2000 - 50000
        pieces, coins = pieces_of(cash)
        dialog = operation(kb, window, Qt.Key.Key_F11)
        qtbot.waitUntil(lambda: dialog.mode == "count", timeout=WAIT)
        kb.look(dialog)
        shown = f"{cash / 100:.2f}"
        blind = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
        assert "交班盘点：请按面额清点钱箱现金，并填写各终端的非现金合计" in blind
        assert not any(shown in text for text in blind)  # nothing tells what to count
        qtbot.waitUntil(lambda: kb.target(dialog) is dialog.drawer_count.spins[10000], timeout=WAIT)
        for face in DENOMINATIONS:
            assert kb.target(dialog) is dialog.drawer_count.spins[face]
            if pieces[face]:
                kb.type(dialog, str(pieces[face]))
            kb.enter(dialog)
        assert kb.target(dialog) is dialog.drawer_count.coins
        if coins:
            kb.type(dialog, f"{coins / 100:.2f}")
        assert shown in dialog.drawer_count.total_label.text()
        for edit in dialog.noncash.values():  # every terminal's total: none took anything
            kb.enter(dialog)
            assert kb.target(dialog) is edit
            kb.type(dialog, "0")
        enter_until(kb, dialog, lambda: dialog.mode == "review")
        assert dialog.count_result.balanced
        assert dialog.difference.text() == "盘点相符，无长短款"
        assert [dialog.table.item(0, c).text() for c in range(5)] == [
            "现金",
            shown,
            shown,
            "0.00",
            "相符",
        ]
        kb.look(dialog)
        kb.enter(dialog)  # 确认交班
        qtbot.waitUntil(lambda: dialog.mode == "closed" or bool(dialog.error.text()), timeout=WAIT)
        assert dialog.error.text() == ""
        assert shift_service.current_shift(ctx, clerk) is None
        assert [m for m in movements(ctx, shift_id) if m[0] == "over_short"] == []
        kb.look(dialog)  # the Z-report prints at once; F9 would print it again
        qtbot.waitUntil(lambda: "交班报表已在打印机" in dialog.info.text(), timeout=WAIT)
        qtbot.waitUntil(lambda: "交班报表" in emulator.transcript(), timeout=WAIT)
        kb.look(dialog)
        kb.key(dialog, Qt.Key.Key_Escape)
        closed(kb, window)
        qtbot.waitUntil(lambda: "未开班" in window.status_labels["shift"].text(), timeout=WAIT)

        # all in Chinese ---------------------------------------------------------------------
        kb.look(window)
        kb.look(window.customer_display)
        assert "柜台" in window.windowTitle()
        assert "登录" in login.windowTitle()
        assert kb.not_chinese() == []
    finally:
        if window is not None:
            window.close()
        QThreadPool.globalInstance().waitForDone(10_000)  # nothing runs on a closed database
        qtbot.wait(50)
        flow.close()
        QApplication.processEvents()
