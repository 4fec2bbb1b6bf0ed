"""Makers' cards on the screens, offscreen, with real objects (the C double compiled by gcc, its
host processes, the hall's makers): the counter window's card line names whose card is in the
reader (本公司卡, the maker's name, a tool card, an unknown card's message), and 管理 → 卡片厂家
edits the hall's makers (add, edit, remove, move up and down), saves them all at once through
``AdminDesk`` after checking every entry (a bad one: its message, nothing saved), and tests a
maker's library off the GUI thread."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool

from app.counter.admin import AdminDesk, MakerForm
from app.counter.compose import Devices
from app.counter.session import CounterSession
from app.devices.detect import UNKNOWN_CARD_MESSAGE
from app.services.administration import card_makers, change_card_makers
from app.services.security import AdminActor, login
from app.services.setup import Workstation
from tests.card_support import foreign_card, opening_request
from tests.maker_support import MARKS, PORT, MakerStation, build_libraries, maker_entries
from tests.support import PASSWORD, m3
from tests.test_ui_accounts import show, type_text

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

WAIT = 20_000


@pytest.fixture(scope="session")
def libraries(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    return build_libraries(tmp_path_factory.mktemp("ui-makers"))


@pytest.fixture
def station(libraries, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    slot_dir = tmp_path / "slot"
    slot_dir.mkdir()
    monkeypatch.setenv("GASDESK_MAKER_DOUBLE_DIR", str(slot_dir))  # before any host starts
    made = MakerStation(libraries, slot_dir)
    yield made
    made.close()


def session_of(hall, username: str, station) -> CounterSession:  # type: ignore[no-untyped-def]
    user = login(hall.ctx, username, PASSWORD, hall.counter_id)
    workstation = Workstation("城东燃气客户服务中心", "2号柜台", hall.counter_id, 0)
    return CounterSession(hall.ctx, user, workstation, Devices(reader=station.slot))


def counter_window(qtbot, session):  # type: ignore[no-untyped-def]
    from ui.counter_window import CounterWindow

    win = CounterWindow(session)
    qtbot.addWidget(win)
    qtbot.addWidget(win.customer_display)
    win.show()
    qtbot.waitExposed(win)
    return win


def closed(qtbot, win) -> None:  # type: ignore[no-untyped-def]
    win.close()
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)


@pytest.fixture
def clerk_window(qtbot, hall, station):  # type: ignore[no-untyped-def]
    session = session_of(hall, "lina", station)
    win = counter_window(qtbot, session)
    yield win
    closed(qtbot, win)


@pytest.fixture
def admin_window(qtbot, hall, station):  # type: ignore[no-untyped-def]
    win = counter_window(qtbot, session_of(hall, "admin", station))
    yield win
    closed(qtbot, win)


def owner(win) -> str:  # type: ignore[no-untyped-def]
    return win.card_owner.text()


def emptied(qtbot, win, station) -> None:  # type: ignore[no-untyped-def]
    """Take whatever card out and wait until the window has seen the reader empty."""
    station.remove()
    qtbot.waitUntil(lambda: owner(win) == "读卡器中无卡", timeout=WAIT)


# ---------------------------------------------------------------- the counter window


def test_the_card_line_names_whose_card_is_in_the_reader(qtbot, hall, station, clerk_window):
    win, session = clerk_window, clerk_window.session
    assert owner(win) == "读卡器中无卡"

    # a maker's new card, then the same card issued and sold on: the hall's name for the maker
    station.insert_new("xfa")
    qtbot.waitUntil(lambda: "先锋（测试）" in owner(win), timeout=WAIT)
    assert owner(win) == "读卡器中：先锋（测试）（新卡，尚未发卡）"
    opened = session.cards.open_account(session.actor, opening_request(n=61))
    session.cards.sell(session.actor, uuid.uuid4(), volume=m3(8))
    card = station.double.card()
    assert card["kh"] == opened.card_serial and card["maker"] == MARKS["xfa"]
    carried = station.take_out()  # out and back in: the window reads the card anew
    qtbot.waitUntil(lambda: owner(win) == "读卡器中无卡", timeout=WAIT)
    station.insert_card(carried)
    qtbot.waitUntil(lambda: opened.card_serial in owner(win), timeout=WAIT)
    assert owner(win) == f"读卡器中：先锋（测试），卡号 {opened.card_serial}"
    qtbot.waitUntil(lambda: win.current_account_no == opened.account_no, timeout=WAIT)
    assert session.maker_name("xfa") == "先锋（测试）"
    assert session.maker_name("qcb") == "秦川（测试）"

    # the second maker's card, detected after the first said "not mine"
    emptied(qtbot, win, station)
    station.insert_new("qcb")
    qtbot.waitUntil(lambda: "秦川（测试）" in owner(win), timeout=WAIT)

    # GasDesk's own format v1 card
    emptied(qtbot, win, station)
    from app.devices.sle4442 import Sle4442

    station.insert_chip(Sle4442.blank())
    qtbot.waitUntil(lambda: "本公司卡" in owner(win), timeout=WAIT)
    assert owner(win) == "读卡器中：本公司卡（新卡，尚未发卡）"
    assert session.maker_name("gasdesk") is None


def test_an_old_card_is_formatted_from_the_card_menu_and_the_active_card_refused(
    qtbot, hall, station, clerk_window
):
    from PySide6.QtWidgets import QMessageBox

    from app.services.cards import ReplaceCardRequest

    win, session = clerk_window, clerk_window.session
    station.insert_new("xfa")
    opened = session.cards.open_account(session.actor, opening_request(n=62))
    qtbot.waitUntil(lambda: opened.card_serial in owner(win), timeout=WAIT)

    def answer_yes() -> None:
        qtbot.waitUntil(lambda: win.format_box is not None, timeout=WAIT)
        box = win.format_box
        yes = next(
            b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
        )
        yes.click()

    win.format_card_action.trigger()  # the account's card in use: refused, the card unchanged
    answer_yes()
    qtbot.waitUntil(lambda: "不能格式化" in win.message.text(), timeout=WAIT)
    assert station.double.card()["kh"] == opened.card_serial

    old = station.take_out()
    qtbot.waitUntil(lambda: owner(win) == "读卡器中无卡", timeout=WAIT)
    station.insert_new("xfa")
    session.cards.replace(
        session.actor, ReplaceCardRequest(uuid.uuid4(), opened.account_no, "NEW0000062", "lost")
    )
    emptied(qtbot, win, station)  # the window sees the slot empty, then the old card
    station.insert_card(old)
    qtbot.waitUntil(lambda: "黑名单" in win.message.text(), timeout=WAIT)
    win.format_card_action.trigger()
    answer_yes()
    qtbot.waitUntil(lambda: "已格式化为新卡" in win.message.text(), timeout=WAIT)
    assert opened.card_serial in win.message.text()
    assert (station.double.card()["state"], station.double.card()["kh"]) == ("new", "")


def test_a_tool_card_and_an_unknown_card_are_said_so(qtbot, hall, station, clerk_window):
    win = clerk_window
    station.double.insert_tool(MARKS["qcb"], "clear")
    qtbot.waitUntil(lambda: "工具卡" in owner(win), timeout=WAIT)
    assert owner(win) == "工具卡（秦川（测试））— 不能办理业务"
    assert win.message.text() == owner(win)
    assert "b00020" in win.card_owner.styleSheet()  # red: nothing is sold on it

    emptied(qtbot, win, station)
    station.double.insert_blank()  # no maker's mark: nobody claims it
    qtbot.waitUntil(lambda: owner(win) == UNKNOWN_CARD_MESSAGE, timeout=WAIT)
    assert win.message.text() == UNKNOWN_CARD_MESSAGE

    emptied(qtbot, win, station)
    station.insert_chip(foreign_card())  # another utility's SLE4442: not ours, no maker's
    qtbot.waitUntil(lambda: owner(win) == UNKNOWN_CARD_MESSAGE, timeout=WAIT)


# ---------------------------------------------------------------- 管理 → 卡片厂家


def makers_screen(qtbot, desk):  # type: ignore[no-untyped-def]
    from ui.dialogs.makers import CardMakersDialog

    screen = show(qtbot, CardMakersDialog(desk))
    idle(qtbot, screen)
    return screen


def idle(qtbot, screen) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not screen.working, timeout=WAIT)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tick(qtbot, box) -> None:  # type: ignore[no-untyped-def]
    """A click on the check box's square (its widget may be wider than its text)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(6, box.height() // 2))


def fill(qtbot, screen, **values: str) -> None:  # type: ignore[no-untyped-def]
    for key, text in values.items():
        edit = screen.edits[key]
        edit.setFocus()
        edit.selectAll()
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
        type_text(qtbot, edit, text)


def saved_codes(hall) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(entry["code"]) for entry in card_makers(hall.ctx)]


@pytest.fixture
def admin_desk(hall):  # type: ignore[no-untyped-def]
    user = login(hall.ctx, "admin", PASSWORD, hall.counter_id)
    return AdminDesk(hall.ctx, user, {"xfa": {"port": PORT, "baud": 9600}})


def test_makers_screen_opens_from_the_admin_menu_with_the_counters_ports(
    qtbot, hall, libraries, admin_window
):
    from ui.dialogs.makers import CardMakersDialog

    admin = AdminActor(hall.users["admin"])
    change_card_makers(hall.ctx, admin, tuple(maker_entries(libraries)))
    action = admin_window.admin_actions["makers"]
    assert action.isVisible() and action.text() == "卡片厂家"
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(admin_window.current_dialog, CardMakersDialog), timeout=WAIT)
    screen = admin_window.current_dialog
    qtbot.waitUntil(lambda: screen.list.count() == 2, timeout=WAIT)
    assert [screen.list.item(i).text() for i in range(2)] == [
        "xfa — 先锋（测试）",
        "qcb — 秦川（测试）",
    ]
    # the counter's own [makers.<code>] port, read only
    assert screen.port.text() == f"COM{PORT}，9600 波特"
    assert screen.edits["dqdm"].text() == "9A01"
    assert screen.messages.toPlainText() == "-150=表具已锁定（厂家代码）"
    qtbot.keyClick(screen, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: admin_window.current_dialog is None, timeout=WAIT)


def test_a_clerk_has_no_makers_screen(qtbot, clerk_window):
    action = clerk_window.admin_actions["makers"]
    assert not action.isVisible() and not action.isEnabled()


def test_add_edit_move_remove_and_save_all_at_once(qtbot, hall, libraries, admin_desk):
    screen = makers_screen(qtbot, admin_desk)
    assert screen.list.count() == 0 and not screen.fields.isEnabled()

    click(qtbot, screen.add_button)
    fill(qtbot, screen, code="xfa", name="先锋", library=str(libraries["xfa"]), dqdm="9a05")
    fill(qtbot, screen, czsx="300", key_seed="FACTORY-A")
    screen.messages.setPlainText("-150=表具已锁定\n-151=卡内仍有气量")
    click(qtbot, screen.add_button)
    fill(qtbot, screen, code="qcb", name="秦川", library=str(libraries["qcb"]), klx="2")
    tick(qtbot, screen.yhh_in_write)
    tick(qtbot, screen.price_by_ptr)
    click(qtbot, screen.add_button)
    fill(qtbot, screen, code="tmp", library="/nowhere/libtmp.so")
    assert [screen.list.item(i).text() for i in range(3)] == ["xfa — 先锋", "qcb — 秦川", "tmp"]

    click(qtbot, screen.remove_button)  # tmp goes
    assert screen.list.count() == 2 and screen.list.currentRow() == 1
    click(qtbot, screen.up_button)  # qcb before xfa
    assert screen.list.currentRow() == 0 and screen.list.item(0).text() == "qcb — 秦川"
    assert saved_codes(hall) == []  # nothing is saved before 保存全部

    click(qtbot, screen.save_button)
    idle(qtbot, screen)
    assert screen.error.text() == ""
    assert "已保存 2 个卡片厂家" in screen.note.text()
    saved = card_makers(hall.ctx)
    assert [entry["code"] for entry in saved] == ["qcb", "xfa"]
    qcb, xfa = saved
    assert (qcb["klx"], qcb["yhh_in_write"], qcb["price_by_ptr"]) == (2, True, True)
    assert (xfa["dqdm"], xfa["czsx"], xfa["key_seed"]) == ("9A05", 300, "FACTORY-A")
    assert xfa["messages"] == {"-150": "表具已锁定", "-151": "卡内仍有气量"}

    # edit one, move it down, save again; a new screen shows what was saved
    screen.list.setCurrentRow(1)
    fill(qtbot, screen, name="先锋燃气表")
    click(qtbot, screen.up_button)
    click(qtbot, screen.save_button)
    idle(qtbot, screen)
    assert saved_codes(hall) == ["xfa", "qcb"]
    again = makers_screen(qtbot, admin_desk)
    qtbot.waitUntil(lambda: again.list.count() == 2, timeout=WAIT)
    assert again.list.item(0).text() == "xfa — 先锋燃气表"
    assert again.messages.toPlainText() == "-150=表具已锁定\n-151=卡内仍有气量"


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"dqdm": "9AIO"}, "厂家 xfa 的地区代码（9A00-9AZZ，不含I和O）无效"),
        ({"klx": "abc"}, "厂家 xfa 的卡类型必须是整数"),
        ({"code": "Xfa!"}, "厂家代码无效"),
        ({"library": ""}, "厂家 xfa 的动态库路径无效"),
        ({"czsx": "100000000"}, "厂家 xfa 的充值上限无效"),
    ],
)
def test_a_bad_entry_is_refused_and_nothing_saved(qtbot, hall, libraries, admin_desk, values, said):
    admin = AdminActor(hall.users["admin"])
    change_card_makers(hall.ctx, admin, tuple(maker_entries(libraries)))
    before = card_makers(hall.ctx)
    screen = makers_screen(qtbot, admin_desk)
    qtbot.waitUntil(lambda: screen.list.count() == 2, timeout=WAIT)
    click(qtbot, screen.down_button)  # a change that would be saved with the bad entry
    screen.list.setCurrentRow(1)
    fill(qtbot, screen, **values)
    click(qtbot, screen.save_button)
    idle(qtbot, screen)
    assert said in screen.error.text()
    assert card_makers(hall.ctx) == before  # nothing saved, not even the new order


def test_a_bad_error_table_line_and_a_twice_used_code_are_refused(
    qtbot, hall, libraries, admin_desk
):
    screen = makers_screen(qtbot, admin_desk)
    click(qtbot, screen.add_button)
    fill(qtbot, screen, code="xfa", library=str(libraries["xfa"]))
    screen.messages.setPlainText("-150 表具已锁定")
    click(qtbot, screen.save_button)
    idle(qtbot, screen)
    assert "错误代码表第 1 行无效" in screen.error.text()
    screen.messages.setPlainText("")
    click(qtbot, screen.add_button)
    fill(qtbot, screen, code="xfa", library=str(libraries["qcb"]))
    click(qtbot, screen.save_button)
    idle(qtbot, screen)
    assert screen.error.text() == "厂家代码重复：xfa"
    assert saved_codes(hall) == []


def test_the_test_button_loads_the_library_off_the_gui_thread(
    qtbot, hall, libraries, station, admin_desk
):
    screen = makers_screen(qtbot, admin_desk)
    click(qtbot, screen.add_button)
    fill(qtbot, screen, code="xfa", library=str(libraries["xfa"]))
    station.insert_new("xfa")
    calls = station.double.stats().get("CheckGasCard", 0)
    click(qtbot, screen.test_button)
    assert screen.working  # the host runs on a worker: the screen is not blocked
    idle(qtbot, screen)
    assert screen.error.text() == ""
    assert screen.checked is not None and screen.checked.rc == 0
    assert screen.note.text() == (
        f"动态库已加载（COM{PORT}，9600）；CheckGasCard 返回 0：读卡器中是本厂家的用户卡"
    )
    assert station.double.stats()["CheckGasCard"] == calls + 1  # once

    station.remove()  # no card: the library answers -4, said in Chinese
    click(qtbot, screen.test_button)
    idle(qtbot, screen)
    assert screen.checked.rc == -4 and "读卡器中没有卡" in screen.note.text()
    assert saved_codes(hall) == []  # a test saves nothing


def test_the_test_button_says_when_the_library_is_missing_or_not_loadable(
    qtbot, tmp_path, admin_desk
):
    screen = makers_screen(qtbot, admin_desk)
    click(qtbot, screen.add_button)
    fill(qtbot, screen, code="xfa", library=str(tmp_path / "libgone.so"))
    click(qtbot, screen.test_button)
    idle(qtbot, screen)
    assert screen.checked is None
    assert screen.error.text().startswith("找不到读卡器厂家动态库")

    junk = tmp_path / "libjunk.so"
    junk.write_text("not a library\n")
    fill(qtbot, screen, library=str(junk))
    click(qtbot, screen.test_button)
    idle(qtbot, screen)
    assert screen.checked is None
    assert screen.error.text().startswith("无法加载读卡器厂家动态库")


def test_the_desk_checks_and_refuses_a_clerk(hall, libraries):
    from app.errors import PermissionDenied

    clerk = AdminDesk(hall.ctx, login(hall.ctx, "lina", PASSWORD, hall.counter_id))
    form = MakerForm.of(maker_entries(libraries)[0])
    assert form.entry()["messages"] == {"-150": "表具已锁定（厂家代码）"}
    with pytest.raises(PermissionDenied):
        clerk.save_card_makers([form])
    assert saved_codes(hall) == []


def test_a_counter_without_a_reader_says_so_on_the_card_line(qtbot, hall):
    user = login(hall.ctx, "lina", PASSWORD, hall.counter_id)
    workstation = Workstation("城东燃气客户服务中心", "2号柜台", hall.counter_id, 0)
    win = counter_window(qtbot, CounterSession(hall.ctx, user, workstation, Devices()))
    try:
        qtbot.waitUntil(lambda: owner(win) == "本柜台未配置读卡器", timeout=WAIT)
    finally:
        closed(qtbot, win)
