"""管理 → 本柜台设备 through real widgets and keys: the network printer chosen with the keyboard,
host and port typed, a test print reaches the ESC/POS emulator and its outcome shows, 保存 writes
config.toml; a bad port shows its message (the port field gets the focus) and nothing is
written; a clerk's save is refused on screen.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.config import load_config
from app.counter import DeviceSetup
from app.services.setup import Workstation
from app.vocabulary import PrinterKind, ReaderKind
from ui.dialogs.devices import DevicesDialog

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

STATION = Workstation("城东燃气客户服务中心", "2号柜台", None, 0)
ORIGINAL = """# 本机配置
hall_code = "01"
counter_code = "2"

[printer]
type = "file"
path = "/dev/usb/lp0"
"""
READERS = ["ACS ACR38U 00 00", "ACS ACR39U 01 00"]


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL, encoding="utf-8")
    monkeypatch.setenv("GASDESK_CONFIG", str(path))
    monkeypatch.setenv("GASDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GASDESK_DB_URL", raising=False)
    return path


def open_dialog(qtbot, hall, config_file, username="admin") -> DevicesDialog:
    setup = DeviceSetup(
        hall.ctx,
        hall.users[username],
        STATION,
        config_file=config_file,
        list_readers=lambda: list(READERS),  # two readers plugged in (pcscd's answer)
    )
    dialog = DevicesDialog(setup)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.working and dialog.reader.count() > 0)
    return dialog


def choose_network_printer(qtbot, dialog, host: str, port: str) -> None:
    dialog.printer_kind.setFocus()
    qtbot.keyClick(dialog.printer_kind, Qt.Key.Key_Home)  # 无打印机
    qtbot.keyClick(dialog.printer_kind, Qt.Key.Key_Down)  # 网络打印机
    assert dialog.chosen_kind() is PrinterKind.NETWORK
    qtbot.mouseClick(dialog.host, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.host, host)
    qtbot.mouseClick(dialog.port, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.port, port)


def click_and_wait(qtbot, dialog, button, words: str) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.working and words in dialog.outcome.text(), timeout=10_000)


def test_choose_a_network_printer_test_print_and_save(qtbot, hall, config_file, emulator):
    dialog = open_dialog(qtbot, hall, config_file)
    # the file printer of config.toml is shown with its path; the readers pcscd listed are offered
    assert dialog.chosen_kind() is PrinterKind.FILE
    assert dialog.path.text() == "/dev/usb/lp0" and dialog.path.isVisible()
    names = [dialog.reader.itemText(i) for i in range(dialog.reader.count())]
    assert names[:2] == READERS and "找到 2 个读卡器" in dialog.reader_note.text()
    assert dialog.chosen_reader().kind is ReaderKind.NONE  # config.toml names none

    choose_network_printer(qtbot, dialog, "127.0.0.1", str(emulator.port))
    assert dialog.host.isVisible() and dialog.port.isVisible()
    assert not dialog.path.isVisible() and not dialog.vendor.isVisible()
    dialog.reader.setFocus()
    qtbot.keyClick(dialog.reader, Qt.Key.Key_Home)  # the first reader pcscd listed
    assert dialog.chosen_reader().name == READERS[0]

    click_and_wait(qtbot, dialog, dialog.test_button, "测试页已打印")
    emulator.wait_idle()
    assert "打印测试" in emulator.transcript()
    assert config_file.read_text(encoding="utf-8") == ORIGINAL  # a test saves nothing

    click_and_wait(qtbot, dialog, dialog.status_button, "打印机正常")

    click_and_wait(qtbot, dialog, dialog.save_button, "已保存")
    config = load_config()
    assert config.extra["printer"] == {
        "type": "network",
        "host": "127.0.0.1",
        "port": emulator.port,
        "profile": "通用80mm中文",
    }
    assert config.extra["reader"] == READERS[0]
    assert "# 本机配置" in config_file.read_text(encoding="utf-8")


def test_a_bad_port_shows_its_message_and_nothing_is_written(qtbot, hall, config_file):
    dialog = open_dialog(qtbot, hall, config_file)
    choose_network_printer(qtbot, dialog, "192.168.1.50", "70000")
    click_and_wait(qtbot, dialog, dialog.save_button, "1 到 65535")
    assert "端口" in dialog.outcome.text()
    assert dialog.port.hasFocus()  # the field at fault
    assert config_file.read_text(encoding="utf-8") == ORIGINAL
    # the USB ids are checked as well: only their fields are shown
    qtbot.keyClick(dialog.printer_kind, Qt.Key.Key_Down)  # USB打印机
    assert dialog.vendor.isVisible() and not dialog.host.isVisible()
    qtbot.mouseClick(dialog.vendor, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.vendor, "xyz")
    qtbot.mouseClick(dialog.product, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.product, "0202")
    click_and_wait(qtbot, dialog, dialog.save_button, "十六进制")
    assert dialog.vendor.hasFocus()
    assert config_file.read_text(encoding="utf-8") == ORIGINAL


def test_opened_from_a_clerks_counter_the_save_is_refused(qtbot, hall, config_file, counter):
    """The counter window opens the screen with what it holds (its session): a clerk's save is
    refused by the service, on screen, and config.toml (GASDESK_CONFIG) stays as it was."""
    dialog = DevicesDialog(counter)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.working and dialog.reader.count() > 0)
    assert dialog.setup.config_file == config_file
    choose_network_printer(qtbot, dialog, "192.168.1.50", "9100")
    click_and_wait(qtbot, dialog, dialog.save_button, "无权")
    assert config_file.read_text(encoding="utf-8") == ORIGINAL


def test_without_pcscd_the_screen_says_so_and_offers_the_emulated_devices(qtbot, hall, config_file):
    from app.devices.pcsc import PcscUnavailable

    def no_pcscd():
        raise PcscUnavailable("智能卡服务（pcscd）未运行，无法列出读卡器", "no pcscd")

    setup = DeviceSetup(
        hall.ctx, hall.users["admin"], STATION, config_file=config_file, list_readers=no_pcscd
    )
    dialog = DevicesDialog(setup)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.working and dialog.reader.count() > 0)
    assert "pcscd" in dialog.reader_note.text()
    kinds = [dialog.reader.itemData(i).kind for i in range(dialog.reader.count())]
    assert kinds == [ReaderKind.EMULATED, ReaderKind.NONE]
