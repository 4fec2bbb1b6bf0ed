"""本柜台设备 (DeviceSetup): the counter's reader and printer chosen by the administrator,
written to config.toml (other keys and comments kept) and audited; bad values refused in
Chinese with the file unchanged; a test slip and a status query through the ESC/POS emulator
and against a closed port; a clerk refused. Services on SQLite and PostgreSQL (``hall``).
"""

from __future__ import annotations

import json
import re
import socket
import stat

import pytest
from sqlalchemy import select

from app.config import load_config
from app.counter.devices import DeviceSetup, PrinterConfig, ReaderConfig
from app.devices.pcsc import PcscUnavailable
from app.errors import InvalidInput, PermissionDenied
from app.services.setup import Workstation
from app.vocabulary import PrinterKind, PrinterState, ReaderKind
from db.models import AuditEntry

CJK = re.compile(r"[\u4e00-\u9fff]")
ORIGINAL = """# 本机配置（手写的注释要留下）
hall_code = "01"  # 营业厅
counter_code = "2"
backup_keep = 12

[printer]
type = "file"
path = "/dev/usb/lp0"
"""
STATION = Workstation("城东燃气客户服务中心", "2号柜台", None, 0)


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    path.write_text(ORIGINAL, encoding="utf-8")
    monkeypatch.setenv("GASDESK_CONFIG", str(path))
    monkeypatch.setenv("GASDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GASDESK_DB_URL", raising=False)
    return path


def setup_for(hall, username, config_file, **kwargs) -> DeviceSetup:
    return DeviceSetup(hall.ctx, hall.users[username], STATION, config_file=config_file, **kwargs)


def network(host="127.0.0.1", port="9100", profile="") -> PrinterConfig:
    return PrinterConfig(PrinterKind.NETWORK, host=host, port=port, profile=profile)


def events(ctx, kind):
    with ctx.reading() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.kind == kind)))


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_saving_a_network_printer_writes_config_toml_that_load_config_reads(hall, config_file):
    setup = setup_for(hall, "admin", config_file)
    saved = setup.save(
        ReaderConfig(ReaderKind.PCSC, "Virtual PCD 00 00"), network("192.168.1.50", "9101")
    )
    assert saved.changed and str(config_file) in saved.message
    config = load_config()
    assert config.extra["printer"] == {
        "type": "network",
        "host": "192.168.1.50",
        "port": 9101,
        "profile": "通用80mm中文",
    }
    assert config.extra["reader"] == "Virtual PCD 00 00"
    assert (config.hall_code, config.counter_code, config.extra["backup_keep"]) == ("01", "2", 12)
    text = config_file.read_text(encoding="utf-8")
    assert "# 本机配置（手写的注释要留下）" in text and "# 营业厅" in text
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    # the screen reads back what it wrote
    current = setup.current()
    assert current.reader == ReaderConfig(ReaderKind.PCSC, "Virtual PCD 00 00")
    assert current.printer == PrinterConfig(
        PrinterKind.NETWORK, host="192.168.1.50", port="9101", profile="通用80mm中文"
    )
    (entry,) = events(hall.ctx, "counter_devices_changed")
    data = json.loads(entry.data)
    assert entry.user_id == hall.users["admin"]
    assert data["printer"] == {
        "old": "设备文件 /dev/usb/lp0（通用80mm中文）",
        "new": "网络打印机 192.168.1.50:9101（通用80mm中文）",
    }
    assert data["reader"] == {"old": "不使用读卡器", "new": "PC/SC读卡器 Virtual PCD 00 00"}
    # the same choice again changes nothing and logs nothing
    again = setup.save(
        ReaderConfig(ReaderKind.PCSC, "Virtual PCD 00 00"), network("192.168.1.50", "9101")
    )
    assert not again.changed
    assert len(events(hall.ctx, "counter_devices_changed")) == 1


def test_usb_serial_emulated_and_no_printer_are_written_as_config_toml_says(hall, config_file):
    setup = setup_for(hall, "admin", config_file)
    usb = PrinterConfig(PrinterKind.USB, vendor="04B8", product="0x0202", profile="通用58mm中文")
    setup.save(ReaderConfig(ReaderKind.EMULATED), usb)
    config = load_config()
    assert config.extra["emulated_devices"] is True and "reader" not in config.extra
    assert config.extra["printer"] == {
        "type": "usb",
        "vendor": "0x04b8",
        "product": "0x0202",
        "profile": "通用58mm中文",
    }
    serial = PrinterConfig(PrinterKind.SERIAL, device="/dev/ttyS0", baudrate="19200")
    setup.save(ReaderConfig(ReaderKind.NONE), serial)
    config = load_config()
    assert "emulated_devices" not in config.extra and "reader" not in config.extra
    assert config.extra["printer"]["device"] == "/dev/ttyS0"
    assert config.extra["printer"]["baudrate"] == 19200
    setup.save(ReaderConfig(ReaderKind.NONE), None)
    assert "printer" not in load_config().extra
    assert len(events(hall.ctx, "counter_devices_changed")) == 3


@pytest.mark.parametrize(
    ("reader", "printer", "field", "words"),
    [
        (ReaderConfig(ReaderKind.NONE), network(port="70000"), "port", "1 到 65535"),
        (ReaderConfig(ReaderKind.NONE), network(port="abc"), "port", "整数"),
        (ReaderConfig(ReaderKind.NONE), network(host=""), "host", "未填写"),
        (ReaderConfig(ReaderKind.NONE), network(host="打印机 一"), "host", "IP地址"),
        (
            ReaderConfig(ReaderKind.NONE),
            PrinterConfig(PrinterKind.USB, vendor="xyz", product="0202"),
            "vendor",
            "十六进制",
        ),
        (
            ReaderConfig(ReaderKind.NONE),
            PrinterConfig(PrinterKind.USB, vendor="0000", product="0202"),
            "vendor",
            "0x0001",
        ),
        (
            ReaderConfig(ReaderKind.NONE),
            PrinterConfig(PrinterKind.SERIAL, device="ttyS0"),
            "device",
            "绝对路径",
        ),
        (
            ReaderConfig(ReaderKind.NONE),
            PrinterConfig(PrinterKind.SERIAL, device="/dev/ttyS0", baudrate="1234"),
            "baudrate",
            "9600",
        ),
        (ReaderConfig(ReaderKind.PCSC, ""), None, "reader", "读卡器"),
        (ReaderConfig(ReaderKind.PCSC, "A\x00B"), None, None, "控制字符"),
    ],
)
def test_a_bad_value_is_refused_in_chinese_and_the_file_is_unchanged(
    hall, config_file, reader, printer, field, words
):
    setup = setup_for(hall, "admin", config_file)
    before = config_file.read_bytes()
    with pytest.raises(InvalidInput) as caught:
        setup.save(reader, printer)
    assert CJK.search(caught.value.user_message)
    assert words in caught.value.user_message, caught.value.user_message
    if field is not None:
        assert caught.value.field == field
    assert config_file.read_bytes() == before
    assert events(hall.ctx, "counter_devices_changed") == []


def test_a_clerk_is_refused_and_the_refusal_is_logged(hall, config_file):
    before = config_file.read_bytes()
    with pytest.raises(PermissionDenied) as caught:
        setup_for(hall, "lina", config_file).save(ReaderConfig(ReaderKind.NONE), network())
    assert "无权" in caught.value.user_message
    assert config_file.read_bytes() == before
    assert events(hall.ctx, "counter_devices_changed") == []
    (refusal,) = events(hall.ctx, "permission_denied")
    assert refusal.user_id == hall.users["lina"]


def test_a_test_print_arrives_at_the_emulator(hall, config_file, emulator):
    setup = setup_for(hall, "admin", config_file)
    check = setup.test_print(network(port=str(emulator.port)))
    assert check.ok and check.state is PrinterState.READY and check.sent > 0
    assert "测试页已打印" in check.message
    emulator.wait_idle()
    paper = emulator.transcript()
    assert "打印测试" in paper and "2号柜台" in paper and "城东燃气客户服务中心" in paper
    assert f"127.0.0.1:{emulator.port}" in paper
    assert config_file.read_text(encoding="utf-8") == ORIGINAL  # testing saves nothing


def test_status_of_the_emulator_and_of_faults(hall, config_file, emulator):
    setup = setup_for(hall, "admin", config_file)
    printer = network(port=str(emulator.port))
    ready = setup.printer_status(printer)
    assert ready.ok and ready.state is PrinterState.READY and "正常" in ready.message
    emulator.set_state(paper_out=True)
    out = setup.printer_status(printer)
    assert not out.ok and out.state is PrinterState.PAPER_OUT and "缺纸" in out.message
    printed = setup.test_print(printer)
    assert not printed.ok and "缺纸" in printed.message


def test_a_closed_port_fails_at_once_with_a_clear_message(hall, config_file):
    setup = setup_for(hall, "admin", config_file, status_timeout=1.0)
    printer = network(port=str(closed_port()))
    status = setup.printer_status(printer)
    assert not status.ok and status.state is PrinterState.UNREACHABLE
    assert "未连接打印机" in status.message
    printed = setup.test_print(printer)
    assert not printed.ok and "未连接打印机" in printed.message


def test_a_bad_value_is_refused_by_the_test_print_too(hall, config_file):
    with pytest.raises(InvalidInput) as caught:
        setup_for(hall, "admin", config_file).test_print(network(port="0"))
    assert "1 到 65535" in caught.value.user_message


def test_without_pcscd_the_reader_list_says_so(hall, config_file):
    def no_pcscd():
        raise PcscUnavailable("智能卡服务（pcscd）未运行，无法列出读卡器", "test: no pcscd")

    listed = setup_for(hall, "admin", config_file, list_readers=no_pcscd).readers()
    assert not listed.available and listed.names == ()
    assert "pcscd" in listed.message and CJK.search(listed.message)
    empty = setup_for(hall, "admin", config_file, list_readers=list).readers()
    assert empty.available and empty.names == () and "没有找到读卡器" in empty.message


@pytest.mark.pcsc
def test_the_reader_list_shows_what_pcscd_lists(config_file, pcsc_stack):
    # listing readers touches neither the database nor the file: one run, not one per backend
    listed = DeviceSetup(None, 1, STATION, config_file=config_file).readers()  # type: ignore[arg-type]
    assert listed.available
    assert pcsc_stack.reader_name(0) in listed.names


def test_an_unaudited_change_does_not_stay_in_the_file(hall, config_file, monkeypatch):
    """The file is written before the audit entry: when the entry cannot be written (here the
    database refuses it), the file goes back to what it said."""
    from app.counter import devices
    from app.errors import SystemFault

    def database_down(*_args, **_kwargs):
        raise SystemFault("数据库不可用", "test: database down")

    monkeypatch.setattr(devices, "record_devices_changed", database_down)
    before = config_file.read_bytes()
    with pytest.raises(SystemFault):
        setup_for(hall, "admin", config_file).save(ReaderConfig(ReaderKind.NONE), network())
    assert config_file.read_bytes() == before
    assert events(hall.ctx, "counter_devices_changed") == []


def test_a_new_config_file_is_made_when_there_is_none(hall, tmp_path):
    path = tmp_path / "fresh" / "config.toml"
    saved = setup_for(hall, "admin", path).save(ReaderConfig(ReaderKind.EMULATED), None)
    assert saved.changed
    assert path.read_text(encoding="utf-8").strip() == "emulated_devices = true"


def test_without_a_workstation_the_slip_names_config_tomls_codes(hall, config_file, emulator):
    class Desk:  # what the 管理 menu holds: the context and the logged-in user
        ctx = hall.ctx
        user = type("User", (), {"user_id": hall.users["admin"]})()

    setup = DeviceSetup.of(Desk())
    assert setup.workstation is None and setup.config_file == config_file
    assert setup.test_print(network(port=str(emulator.port))).ok
    emulator.wait_idle()
    paper = emulator.transcript()
    assert "营业厅 01" in paper and "2号柜台" in paper
