"""The maker host process and its client, against a small C library (tests/maker_host_lib.c)."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.devices.cardreader import CardReaderError, CardTimeout, NoCard, NoReader
from app.devices.makers import client, codes
from app.devices.makers.client import (
    HostAnswer,
    HostBadRequest,
    HostCrashed,
    HostTimeout,
    LibraryMissing,
    LibraryNotLoadable,
    MakerHost,
    host_command,
)

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "maker_host_lib.c"
HEADER_DIR = ROOT / "app" / "devices" / "makers"
VARIANTS = {
    "plain": {"yhh_in_write": False, "price_by_ptr": False},
    "yhh": {"yhh_in_write": True, "price_by_ptr": False},
    "ptr": {"yhh_in_write": False, "price_by_ptr": True},
    "yhh_ptr": {"yhh_in_write": True, "price_by_ptr": True},
}
DEFINES = {"yhh_in_write": "-DGASCARD_YHH_IN_WRITE", "price_by_ptr": "-DGASCARD_PRICE_BY_PTR"}
SECRET = "Sk-7731-secret"
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or shutil.which("gcc") is None, reason="needs gcc (POSIX)"
)

INITIAL = {
    "klx": 1,
    "kzt": 1,
    "kh": "20261204001",
    "dqdm": "9A0B",
    "yhh": "张三",
    "tm": "TM-7",
    "ql": 123,
    "cs": 4,
    "ljgql": 5678,
    "bkcs": 2,
    "ljyql": 123456,
    "syql": -1,
    "bjql": 10,
    "czsx": 500,
    "tzed": 20,
    "sqrq": "20261201",
    "oldprice": 325,
    "newprice": 350,
    "sxrq": "20270101",
    "sxbj": "1",
}


@pytest.fixture(scope="module")
def libraries(tmp_path_factory):
    """The test library built once per header variant."""
    folder = tmp_path_factory.mktemp("makerlib")
    built = {}
    for name, variant in VARIANTS.items():
        target = folder / f"maker_{name}.so"
        flags = [DEFINES[key] for key, on in variant.items() if on]
        subprocess.run(
            [
                "gcc",
                "-shared",
                "-fPIC",
                "-O1",
                "-Wall",
                *flags,
                f"-I{HEADER_DIR}",
                "-o",
                target,
                SOURCE,
            ],
            check=True,
        )
        built[name] = target
    return built


@pytest.fixture
def host(libraries):
    with MakerHost(libraries["plain"], timeout=5.0) as maker:
        yield maker


def read(maker, kmm="K0", com=1):
    return maker.call("ReadGasCard", {"com": com, "baud": 9600, "kmm": kmm})


def new_card(**changes):
    fields = {
        "com": 1,
        "baud": 9600,
        "kmm": "K0",
        "klx": 2,
        "kzt": 0,
        "kh": "31000000000077",
        "dqdm": "9AZZ",
        "yhh": "上海市浦东新区燃气路88号",
        "tm": "条码-12",
        "ql": 99_999_999,
        "cs": 1,
        "ljgql": 2_000_000_000,
        "bkcs": 255,
        "ljyql": -7,
        "bjql": 5,
        "czsx": 800,
        "tzed": 15,
        "sqrq": "20261204",
        "oldprice": 298,
        "newprice": 312,
        "sxrq": "20270201",
        "sxbj": "0",
    }
    fields.update(changes)
    return fields


def sale(kh, dqdm, kmm, **changes):
    fields = {
        "com": 1,
        "baud": 9600,
        "kmm": kmm,
        "klx": 3,
        "kh": kh,
        "dqdm": dqdm,
        "yhh": "李四",
        "ql": 45,
        "cs": 5,
        "ljgql": 5723,
        "bjql": 11,
        "czsx": 600,
        "tzed": 25,
        "sqrq": "20261205",
        "oldprice": 350,
        "newprice": 366,
        "sxrq": "20270301",
        "sxbj": "1",
    }
    fields.update(changes)
    return fields


def pid_gone(pid, within=3.0):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


# -- every function round-trips --------------------------------------------------------------


def test_check_gas_card_answers_the_library_return_code(host):
    assert host.call("CheckGasCard", {"com": 1, "baud": 9600}) == HostAnswer(0, {})
    assert host.call("CheckGasCard", {"com": 1, "baud": 4800}).rc == 1
    assert host.call("CheckGasCard", {"com": 1, "baud": 1200}).rc == -4
    assert host.call("CheckGasCard", {"com": 71, "baud": 115200}).rc == 115200
    assert host.calls == 4 and host.spawns == 1


def test_read_gas_card_returns_every_output_decoded_from_gbk(host):
    answer = read(host)
    assert answer.rc == 0
    assert answer.out == INITIAL
    assert read(host, kmm="wrong").rc == -9


def test_write_new_card_round_trips_every_input_and_returns_the_new_seed(host):
    card = INITIAL
    assert host.call(
        "FormatGasCard",
        {"com": 1, "baud": 9600, "kmm": "K0", "klx": 1, "kh": card["kh"], "dqdm": card["dqdm"]},
    ) == HostAnswer(0, {})
    assert read(host).out["kzt"] == -1
    fields = new_card()
    answer = host.call("WriteNewCard", fields)
    assert answer == HostAnswer(0, {"kmm": "K0+1"})
    back = read(host, kmm="K0+1")
    assert back.rc == 0
    expected = {name: fields[name] for name in INITIAL if name in fields}
    assert {name: back.out[name] for name in expected} == expected
    assert back.out["syql"] == 0  # read only: WriteNewCard has no syql
    # the card is no longer new
    assert host.call("WriteNewCard", new_card(kmm="K0+1")).rc == -15


@pytest.mark.parametrize("name", list(VARIANTS))
def test_write_gas_card_in_each_header_variant(libraries, name):
    variant = VARIANTS[name]
    with MakerHost(libraries[name], timeout=5.0) as maker:
        fields = sale(INITIAL["kh"], INITIAL["dqdm"], "K0")
        answer = maker.call("WriteGasCard", fields, variant)
        expected_out = {"kmm": "K0+1"}
        if variant["price_by_ptr"]:
            expected_out |= {"oldprice": 350, "newprice": 366}
        assert answer == HostAnswer(0, expected_out)
        back = read(maker, kmm="K0+1").out
        written = (
            "klx",
            "ql",
            "cs",
            "ljgql",
            "bjql",
            "czsx",
            "tzed",
            "sqrq",
            "oldprice",
            "newprice",
            "sxrq",
            "sxbj",
        )
        assert {key: back[key] for key in written} == {key: fields[key] for key in written}
        # yhh reaches the library only in the headers that have it
        assert back["yhh"] == ("李四" if variant["yhh_in_write"] else "张三")
        # a second sale with the returned seed, and a mismatched card number
        assert (
            maker.call("WriteGasCard", sale(INITIAL["kh"], "9A0B", "K0+1", ql=0), variant).out[
                "kmm"
            ]
            == "K0+1+1"
        )
        assert maker.call("WriteGasCard", sale("999", "9A0B", "K0+1+1"), variant).rc == -16


def test_the_variant_can_be_chosen_when_the_host_starts(libraries):
    """host.py --yhh-in-write --price-by-ptr: requests without a variant use those flags."""
    command = host_command(libraries["yhh_ptr"]) + ["--yhh-in-write", "--price-by-ptr"]
    request = {"id": 1, "call": "WriteGasCard", "args": sale(INITIAL["kh"], INITIAL["dqdm"], "K0")}
    done = subprocess.run(
        command, input=json.dumps(request) + "\n", capture_output=True, text=True, timeout=10
    )
    ready, answer = (json.loads(line) for line in done.stdout.splitlines())
    assert ready["variant"] == {"yhh_in_write": True, "price_by_ptr": True}
    assert answer == {"id": 1, "rc": 0, "out": {"kmm": "K0+1", "oldprice": 350, "newprice": 366}}
    assert done.returncode == 0


def test_gbk_text_round_trips_and_text_gbk_cannot_hold_is_refused(host):
    host.call(
        "FormatGasCard",
        {
            "com": 1,
            "baud": 9600,
            "kmm": "K0",
            "klx": 1,
            "kh": INITIAL["kh"],
            "dqdm": INITIAL["dqdm"],
        },
    )
    assert host.call("WriteNewCard", new_card(yhh="燃气用户·王五", tm="表№12")).rc == 0
    back = read(host, kmm="K0+1").out
    assert (back["yhh"], back["tm"]) == ("燃气用户·王五", "表№12")
    with pytest.raises(HostBadRequest, match="yhh has characters gbk cannot encode"):
        host.call("WriteNewCard", new_card(kmm="K0+1", yhh="😀"))
    # 32 Chinese characters are 64 GBK bytes: one more than a GASCARD_TEXT field holds
    with pytest.raises(HostBadRequest, match="yhh is 64 bytes"):
        host.call("WriteNewCard", new_card(kmm="K0+1", yhh="气" * 32))


def test_the_library_printing_on_stdout_does_not_corrupt_the_protocol(host):
    assert read(host, com=68).out == INITIAL


# -- time-outs and crashes -----------------------------------------------------------------------


def test_a_call_that_does_not_answer_kills_the_host_and_the_next_call_starts_a_new_one(libraries):
    with MakerHost(libraries["plain"], timeout=1.0) as maker:
        first = read(maker)
        assert first.rc == 0
        pid = maker.pid
        started = time.monotonic()
        with pytest.raises(HostTimeout) as raised:
            read(maker, com=66)
        assert 0.9 < time.monotonic() - started < 4
        assert isinstance(raised.value, CardTimeout)
        assert "1 秒" in raised.value.user_message
        assert pid_gone(pid)
        assert read(maker) == first
        assert maker.pid not in (None, pid)
        assert (maker.calls, maker.spawns) == (3, 2)


def test_kill_9_of_the_host_mid_call_is_a_crash_and_the_next_call_recovers(libraries):
    with MakerHost(libraries["plain"], timeout=10.0) as maker:
        read(maker)
        pid = maker.pid
        outcome = {}

        def slow_call():
            try:
                read(maker, com=66)
            except CardReaderError as error:
                outcome["error"] = error

        worker = threading.Thread(target=slow_call)
        started = time.monotonic()
        worker.start()
        time.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        worker.join(5)
        assert time.monotonic() - started < 3  # not the 10 s time-out
        error = outcome["error"]
        assert type(error) is HostCrashed
        assert str(libraries["plain"]) in error.user_message and CJK.search(error.user_message)
        assert f"exit {-signal.SIGKILL}" in str(error)
        assert read(maker).out == INITIAL
        assert maker.spawns == 2


def test_a_host_killed_between_calls_is_replaced_quietly(host):
    read(host)
    os.kill(host.pid, signal.SIGKILL)
    deadline = time.monotonic() + 3
    while host.pid is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert host.pid is None
    assert read(host).rc == 0
    assert host.spawns == 2


def test_abort_in_the_library_is_a_crash_and_the_next_call_recovers(host):
    with pytest.raises(HostCrashed, match=rf"exit {-signal.SIGABRT}"):
        read(host, com=67)
    assert read(host).out == INITIAL


# -- libraries that cannot be used ---------------------------------------------------------------


def test_a_missing_library_names_its_path_and_starts_nothing(tmp_path):
    missing = tmp_path / "厂家" / "gone.dll"
    maker = MakerHost(missing)
    with pytest.raises(LibraryMissing) as raised:
        maker.call("CheckGasCard", {"com": 1, "baud": 9600})
    assert isinstance(raised.value, NoReader)
    assert str(missing) in raised.value.user_message and str(missing) in str(raised.value)
    assert maker.spawns == 0 and maker.pid is None


def test_a_file_that_is_not_a_library_is_not_loadable_with_the_host_detail(tmp_path):
    fake = tmp_path / "maker.dll"
    fake.write_text("MZ: not a library, only text that is long enough to be read as a header\n" * 8)
    with MakerHost(fake) as maker, pytest.raises(LibraryNotLoadable) as raised:
        maker.call("CheckGasCard", {"com": 1, "baud": 9600})
    error = raised.value
    assert isinstance(error, NoReader)
    assert str(fake) in error.user_message and CJK.search(error.user_message)
    assert "invalid ELF header" in error.details["detail"] and "invalid ELF header" in str(error)


def test_a_library_without_the_five_functions_is_not_loadable(tmp_path):
    source = tmp_path / "other.c"
    source.write_text("int CheckGasCard(int com, int baud) { return com + baud; }\n")
    target = tmp_path / "other.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", target, source], check=True)
    with pytest.raises(LibraryNotLoadable) as raised, MakerHost(target) as maker:
        maker.call("CheckGasCard", {"com": 1, "baud": 9600})
    assert (
        "ReadGasCard, WriteNewCard, WriteGasCard, FormatGasCard" in raised.value.details["detail"]
    )


def test_the_host_exits_3_when_the_library_cannot_be_loaded(tmp_path):
    command = host_command(tmp_path / "none.so")
    done = subprocess.run(command, input="", capture_output=True, text=True, timeout=10)
    assert done.returncode == 3
    first = json.loads(done.stdout)
    assert first["ready"] is False and first["error"] == "load_failed"


def test_python_m_runs_the_host(libraries):
    command = [sys.executable, "-m", "app.devices.makers.host", str(libraries["plain"])]
    request = {"id": 9, "call": "CheckGasCard", "args": {"com": 1, "baud": 4800}}
    done = subprocess.run(
        command,
        input=json.dumps(request) + "\n",
        capture_output=True,
        text=True,
        timeout=10,
        cwd=ROOT,
    )
    ready, answer = (json.loads(line) for line in done.stdout.splitlines())
    assert ready["ready"] is True and ready["library"] == str(libraries["plain"])
    assert answer == {"id": 9, "rc": 1, "out": {}}


def test_the_frozen_bundle_runs_the_host_through_its_own_executable(monkeypatch, tmp_path):
    lib = tmp_path / "m.dll"
    assert host_command(lib)[:3] == [sys.executable, "-I", str(client.HOST_SCRIPT)]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert host_command(lib, encoding="gb18030") == [
        sys.executable,
        "--maker-host",
        str(lib),
        "--encoding",
        "gb18030",
    ]
    assert host_command(lib, python="py32.exe")[:2] == ["py32.exe", "-I"]


# -- requests the host refuses -------------------------------------------------------------------


def test_bad_requests_are_refused_and_the_host_keeps_serving(host):
    read(host)
    pid = host.pid
    cases = [
        ("EraseCard", {"com": 1}, "unknown call"),
        ("CheckGasCard", {"com": 1}, "missing argument\\(s\\) baud"),
        ("CheckGasCard", {"com": 1, "baud": 9600, "speed": 1}, "unknown argument\\(s\\) speed"),
        ("CheckGasCard", {"com": "1", "baud": 9600}, "com must be an integer"),
        ("CheckGasCard", {"com": True, "baud": 9600}, "com must be an integer"),
        ("CheckGasCard", {"com": 1, "baud": 2**31}, "baud is outside the range of a C int"),
        ("ReadGasCard", {"com": 1, "baud": 9600, "kmm": 5}, "kmm must be a string"),
        ("ReadGasCard", {"com": 1, "baud": 9600, "kmm": "a\0b"}, "kmm contains a NUL"),
        ("WriteNewCard", {"com": 1}, "missing argument"),
    ]
    for function, args, detail in cases:
        with pytest.raises(HostBadRequest, match=detail) as raised:
            host.call(function, args)
        assert CJK.search(raised.value.user_message)
    with pytest.raises(HostBadRequest, match="unknown variant key"):
        host.call("WriteGasCard", sale("1", "9A0B", "K0"), {"yhh_first": True})
    assert host.pid == pid
    assert read(host).rc == 0


def test_a_line_that_is_not_json_gets_a_bad_request_with_no_id(libraries):
    command = host_command(libraries["plain"])
    done = subprocess.run(
        command, input="{oops\n[1, 2]\n", capture_output=True, text=True, timeout=10
    )
    lines = [json.loads(line) for line in done.stdout.splitlines()[1:]]
    assert lines == [
        {"id": None, "error": "bad_request", "detail": "not a UTF-8 JSON line"},
        {"id": None, "error": "bad_request", "detail": "a request is a JSON object"},
    ]


# -- one call at a time, keep-alive, secrets --------------------------------------------------------


def test_two_threads_get_their_own_answers_one_call_at_a_time(host):
    results = {4800: [], 9600: []}

    def calls(baud):
        for _ in range(10):
            results[baud].append(host.call("CheckGasCard", {"com": 71, "baud": baud}).rc)

    threads = [threading.Thread(target=calls, args=(baud,)) for baud in results]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert results == {4800: [4800] * 10, 9600: [9600] * 10}
    assert host.calls == 20 and host.spawns == 1


def test_without_keep_alive_every_call_has_a_host_of_its_own(libraries):
    with MakerHost(libraries["plain"], keep_alive=False) as maker:
        assert [read(maker).rc for _ in range(3)] == [0, 0, 0]
        assert (maker.calls, maker.spawns) == (3, 3)
        assert maker.pid is None


def test_the_key_never_reaches_the_log_or_an_error(libraries, caplog):
    caplog.set_level(logging.DEBUG)
    errors = []
    with MakerHost(
        libraries["plain"], timeout=1.0, env={"GASDESK_MAKER_HOST_LOG": "DEBUG"}
    ) as maker:
        assert read(maker, kmm=SECRET).rc == -9
        # the library itself prints the key on stderr
        assert read(maker, kmm=SECRET, com=69).rc == -9
        # a leaky write: the new seed is printed before the counter has seen it
        fields = sale(INITIAL["kh"], INITIAL["dqdm"], "K0", com=69)
        answer = maker.call("WriteGasCard", fields)
        assert answer.out["kmm"] == "K0+1" and "K0+1" not in repr(answer)
        for com in (66, 67):
            try:
                read(maker, kmm=SECRET, com=com)
            except CardReaderError as error:
                errors.append(error)
        try:
            maker.call("ReadGasCard", {"com": 1, "baud": 9600, "kmm": SECRET, "bogus": 1})
        except HostBadRequest as error:
            errors.append(error)
        read(maker, kmm="K0+1", com=69)
    assert [type(error) for error in errors] == [HostTimeout, HostCrashed, HostBadRequest]
    text = caplog.text
    assert "maker debug: key ***" in text  # the leaks were seen, and scrubbed
    assert re.search(r"maker debug: new key \*\*\*$", text, re.MULTILINE)  # not "***+1"
    assert "ReadGasCard" in text and "***" in text
    for secret in (SECRET, "K0+1"):
        assert secret not in text
        for error in errors:
            assert secret not in str(error) and secret not in error.user_message
            assert secret not in repr(error.details)


# -- return codes -----------------------------------------------------------------------------------


def test_every_code_of_the_interface_table_has_a_chinese_message():
    standard = [codes.message_for(rc) for rc in range(-1, -19, -1)]
    assert all(CJK.search(message) for message in standard)
    assert len(set(standard)) == 18
    assert codes.message_for(-4) == "读卡器中没有卡，请插卡"
    assert codes.message_for(-16) == "卡号或地区代码与卡内不符"
    for rc in range(-19, -31, -1):
        assert CJK.search(codes.message_for(rc)) and str(rc) in codes.message_for(rc)
    assert codes.message_for(-31) == "读卡器返回错误代码 -31（厂家未说明）"
    assert codes.message_for(7) == "读卡器返回错误代码 7（厂家未说明）"


def test_a_maker_table_explains_its_own_codes_but_not_the_standard_ones():
    maker = {-128: "卡内还有气，不能购气", -131: "购气次数小于表内次数", -4: "厂家的无卡"}
    assert codes.message_for(-128, maker) == "卡内还有气，不能购气"
    assert codes.message_for(-131, maker) == "购气次数小于表内次数"
    assert codes.message_for(-4, maker) == "读卡器中没有卡，请插卡"
    assert codes.message_for(-150, maker) == "读卡器返回错误代码 -150（厂家未说明）"


def test_interface_errors_are_typed_and_no_card_is_a_no_card():
    no_card = codes.InterfaceCardError.from_rc("ReadGasCard", -4)
    assert isinstance(no_card, NoCard) and isinstance(no_card, codes.InterfaceCardError)
    assert no_card.code == NoCard.code and (no_card.rc, no_card.function) == (-4, "ReadGasCard")
    failed = codes.InterfaceCardError.from_rc("WriteGasCard", -10)
    assert type(failed) is codes.InterfaceCardError and not isinstance(failed, NoCard)
    assert failed.user_message == "写卡失败，请重新插卡后重试（错误代码 -10）"
    assert str(failed) == "WriteGasCard returned -10"
    maker = codes.InterfaceCardError.from_rc("WriteGasCard", -128, {-128: "卡内还有气，不能购气"})
    assert maker.user_message == "卡内还有气，不能购气（错误代码 -128）"
    unknown = codes.InterfaceCardError.from_rc("FormatGasCard", -200)
    assert unknown.user_message == "读卡器返回错误代码 -200（厂家未说明）"
    with pytest.raises(ValueError):
        codes.InterfaceCardError.from_rc("CheckGasCard", 0)


# -- timing (printed, not asserted) ----------------------------------------------------------------


def test_keep_alive_against_spawn_per_call_timing(libraries):
    rounds = 10
    figures = {}
    for keep_alive in (True, False):
        with MakerHost(libraries["plain"], keep_alive=keep_alive) as maker:
            read(maker)  # the first start counts for neither
            started = time.perf_counter()
            for _ in range(rounds):
                assert read(maker).rc == 0
            figures[keep_alive] = (time.perf_counter() - started) / rounds * 1000
    print(
        f"\nmaker host ReadGasCard: keep-alive {figures[True]:.2f} ms/call, spawn per call {figures[False]:.1f} ms/call"
    )
    assert all(value > 0 for value in figures.values())


# -- the host file itself ------------------------------------------------------------------------


class _DecoratedDll:
    """Exports as MSVC names 32-bit __stdcall functions without a .def file (_Name@bytes)."""

    def __init__(self, symbols):
        self.symbols = set(symbols)
        self.called = []

    def __getattr__(self, symbol):
        if symbol in self.symbols:
            return self[symbol]
        raise AttributeError(symbol)

    def __getitem__(self, symbol):
        dll = self

        class Function:
            argtypes = restype = None

            def __call__(self, *args):
                dll.called.append((symbol, len(args)))
                return 0

        return Function()


def test_the_host_finds_msvc_decorated_stdcall_exports(monkeypatch):
    from app.devices.makers import host as host_module

    symbols = [
        "_CheckGasCard@8",
        "_ReadGasCard@92",
        "_WriteNewCard@88",
        "_WriteGasCard@72",
        "FormatGasCard",
    ]
    monkeypatch.setattr(host_module.ctypes, "CDLL", lambda library: _DecoratedDll(symbols))
    loaded = host_module.Host("maker.dll", "gbk", {"yhh_in_write": True, "price_by_ptr": False})
    assert loaded.handle({"call": "CheckGasCard", "args": {"com": 1, "baud": 9600}}) == {
        "rc": 0,
        "out": {},
    }
    answer = loaded.handle({"call": "WriteGasCard", "args": sale("1", "9A0B", "K0")})
    assert answer["rc"] == 0 and answer["out"] == {"kmm": "K0"}
    assert (
        loaded.handle(
            {
                "call": "FormatGasCard",
                "args": {"com": 1, "baud": 9600, "kmm": "K", "klx": 1, "kh": "1", "dqdm": "9A0B"},
            }
        )["rc"]
        == 0
    )
    assert loaded.dll.called == [
        ("_CheckGasCard@8", 2),
        ("_WriteGasCard@72", 18),
        ("FormatGasCard", 6),
    ]
    # the decoration tells the size of the arguments: 17 parameters are not this library's
    with pytest.raises(host_module.BadRequest, match="exports no WriteGasCard for variant"):
        loaded.handle(
            {
                "call": "WriteGasCard",
                "args": sale("1", "9A0B", "K0"),
                "variant": {"yhh_in_write": False},
            }
        )
    monkeypatch.setattr(host_module.ctypes, "CDLL", lambda library: _DecoratedDll(symbols[:2]))
    with pytest.raises(OSError, match="does not export WriteNewCard, WriteGasCard, FormatGasCard"):
        host_module.Host("maker.dll", "gbk", {"yhh_in_write": False, "price_by_ptr": False})


def test_host_py_is_one_stdlib_file_for_an_older_embeddable_python():
    import ast

    tree = ast.parse(client.HOST_SCRIPT.read_text(encoding="utf-8"), feature_version=(3, 8))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported and imported <= set(sys.stdlib_module_names) | {"__future__"}
    assert "app" not in imported


def _fake_python(tmp_path, body):
    """An executable standing in for the host's Python (it ignores its arguments)."""
    script = tmp_path / "fake-python"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return str(script)


def test_a_host_of_another_protocol_version_is_refused(libraries, tmp_path):
    python = _fake_python(tmp_path, """echo '{"ready": true, "protocol": 2}'\ncat > /dev/null\n""")
    with (
        MakerHost(libraries["plain"], python=python) as maker,
        pytest.raises(client.HostProtocolError, match="protocol 2"),
    ):
        read(maker)


def test_a_host_answering_garbage_is_killed(libraries, tmp_path):
    python = _fake_python(
        tmp_path, """echo '{"ready": true, "protocol": 1}'\nread line\necho garbage\nsleep 30\n"""
    )
    with MakerHost(libraries["plain"], python=python) as maker:
        with pytest.raises(client.HostProtocolError, match="not a JSON line"):
            read(maker)
        assert maker.pid is None


def test_a_missing_host_python_is_a_clear_error(libraries, tmp_path):
    missing = tmp_path / "python32" / "python.exe"
    with (
        MakerHost(libraries["plain"], python=str(missing)) as maker,
        pytest.raises(client.HostStartFailed) as raised,
    ):
        read(maker)
    assert str(missing) in raised.value.user_message
