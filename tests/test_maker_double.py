"""The maker double (C library over a card file) through ctypes, and the meter that loads its
cards: every return code of the interface as the double gives it, its header variants, the
new-key variant, the fault switch, password counting, and the meter's count and ceiling rules."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap
from ctypes import POINTER, byref, c_char_p, c_int, create_string_buffer
from pathlib import Path

import pytest

from app.devices.makers import double as double_module
from app.devices.makers.double import (
    CompilerMissing,
    DoubleSlot,
    build,
    library_name,
)
from app.devices.makers.meter import InterfaceMeterSimulator, MeterOutcome
from app.errors import GasDeskError, InvalidInput

TEXT = 64  # GASCARD_TEXT
FACTORY = "FACTORY-A"
KH, DQDM = "31000001", "9A01"
NUMBER_OUTPUTS = (
    "klx", "kzt", "ql", "cs", "ljgql", "bkcs", "ljyql", "syql", "bjql", "czsx", "tzed",
    "oldprice", "newprice",
)  # fmt: skip


class Lib:
    """The five functions with their argtypes from interface.h (the header variant given)."""

    def __init__(self, path: Path, *, yhh_in_write: bool = False, price_by_ptr: bool = False):
        self.dll = ctypes.CDLL(str(path))
        self.yhh_in_write = yhh_in_write
        self.price_by_ptr = price_by_ptr
        ip, s, i = POINTER(c_int), c_char_p, c_int
        self.dll.CheckGasCard.argtypes = [i, i]
        self.dll.ReadGasCard.argtypes = [i, i, s, ip, ip, s, s, s, s, *[ip] * 9, s, ip, ip, s, s]
        self.dll.WriteNewCard.argtypes = [i, i, s, i, i, s, s, s, s, *[i] * 8, s, i, i, s, s]
        price = ip if price_by_ptr else i
        yhh = [s] if yhh_in_write else []
        self.dll.WriteGasCard.argtypes = [i, i, s, i, s, s, *yhh, *[i] * 6, s, price, price, s, s]
        self.dll.FormatGasCard.argtypes = [i, i, s, i, s, s]
        for name in ("CheckGasCard", "ReadGasCard", "WriteNewCard", "WriteGasCard"):
            getattr(self.dll, name).restype = c_int
        self.dll.FormatGasCard.restype = c_int

    def check(self, com: int = 1, baud: int = 9600) -> int:
        return self.dll.CheckGasCard(com, baud)

    def read(self, kmm: str = "", *, com: int = 1) -> tuple[int, dict[str, str | int]]:
        texts = {name: create_string_buffer(TEXT) for name in ("kh", "dqdm", "yhh", "tm")}
        texts.update({name: create_string_buffer(TEXT) for name in ("sqrq", "sxrq", "sxbj")})
        numbers = {name: c_int(-99) for name in NUMBER_OUTPUTS}
        n, t = numbers, texts
        rc = self.dll.ReadGasCard(
            com, 9600, kmm.encode(), byref(n["klx"]), byref(n["kzt"]), t["kh"], t["dqdm"],
            t["yhh"], t["tm"], byref(n["ql"]), byref(n["cs"]), byref(n["ljgql"]),
            byref(n["bkcs"]), byref(n["ljyql"]), byref(n["syql"]), byref(n["bjql"]),
            byref(n["czsx"]), byref(n["tzed"]), t["sqrq"], byref(n["oldprice"]),
            byref(n["newprice"]), t["sxrq"], t["sxbj"],
        )  # fmt: skip
        out: dict[str, str | int] = {k: v.value.decode("gbk") for k, v in texts.items()}
        out.update({k: v.value for k, v in numbers.items()})
        return rc, out

    def write_new(
        self, kmm: str = FACTORY, *, com: int = 1, kzt: int = 1, kh: str = KH,
        dqdm: str = DQDM, yhh: str = "Y0001", tm: str = "", ql: int = 10, cs: int = 1,
        ljgql: int = 10, bkcs: int = 0, ljyql: int = 0, bjql: int = 5, czsx: int = 9999,
        tzed: int = 0, sqrq: str = "20261204", oldprice: int = 300, newprice: int = 300,
        sxrq: str = "", sxbj: str = "0", klx: int = 1,
    ) -> tuple[int, str]:  # fmt: skip
        key = create_string_buffer(kmm.encode(), TEXT)
        rc = self.dll.WriteNewCard(
            com, 9600, key, klx, kzt, kh.encode(), dqdm.encode(), yhh.encode("gbk"),
            tm.encode(), ql, cs, ljgql, bkcs, ljyql, bjql, czsx, tzed, sqrq.encode(),
            oldprice, newprice, sxrq.encode(), sxbj.encode(),
        )  # fmt: skip
        return rc, key.value.decode()

    def write_gas(
        self, kmm: str = FACTORY, *, com: int = 1, kh: str = KH, dqdm: str = DQDM,
        yhh: str = "Y0001", ql: int, cs: int, ljgql: int = 0, bjql: int = 5, czsx: int = 9999,
        tzed: int = 0, sqrq: str = "20261205", oldprice: int | None = 300,
        newprice: int | None = 320, sxrq: str = "20270101", sxbj: str = "1", klx: int = 1,
    ) -> tuple[int, str]:  # fmt: skip
        key = create_string_buffer(kmm.encode(), TEXT)
        if self.price_by_ptr:
            prices = [None if p is None else byref(c_int(p)) for p in (oldprice, newprice)]
        else:
            prices = [oldprice, newprice]
        yhh_arg = [yhh.encode("gbk")] if self.yhh_in_write else []
        rc = self.dll.WriteGasCard(
            com, 9600, key, klx, kh.encode(), dqdm.encode(), *yhh_arg, ql, cs, ljgql, bjql,
            czsx, tzed, sqrq.encode(), *prices, sxrq.encode(), sxbj.encode(),
        )  # fmt: skip
        return rc, key.value.decode()

    def format(self, kmm: str = FACTORY, *, com: int = 1, kh: str = KH, dqdm: str = DQDM) -> int:
        return self.dll.FormatGasCard(com, 9600, kmm.encode(), 1, kh.encode(), dqdm.encode())


VARIANTS = {
    "plain": {},
    "yhh": {"yhh_in_write": True},
    "ptr": {"price_by_ptr": True},
    "both": {"yhh_in_write": True, "price_by_ptr": True},
    "newkey": {"new_key_each_write": True},
}


@pytest.fixture(scope="module")
def libraries(tmp_path_factory) -> dict[str, Path]:
    # one directory per variant: a process loads one library per path
    root = tmp_path_factory.mktemp("maker-double")
    return {name: build(root / name, "A", **options) for name, options in VARIANTS.items()}


def lib_of(libraries: dict[str, Path], name: str) -> Lib:
    options = VARIANTS[name]
    return Lib(
        libraries[name],
        yhh_in_write=options.get("yhh_in_write", False),
        price_by_ptr=options.get("price_by_ptr", False),
    )


@pytest.fixture
def lib(libraries) -> Lib:
    return lib_of(libraries, "plain")


@pytest.fixture
def slot(tmp_path, monkeypatch) -> DoubleSlot:
    directory = tmp_path / "slot"
    monkeypatch.setenv("GASDESK_MAKER_DOUBLE_DIR", str(directory))
    return DoubleSlot(directory, 1)


def user_card(lib: Lib, slot: DoubleSlot, **fields) -> None:
    slot.insert_new("A")
    rc, _ = lib.write_new(**fields)
    assert rc == 0


# ---- build -------------------------------------------------------------------------------


def test_build_is_cached_until_the_options_change(tmp_path):
    first = build(tmp_path, "B")
    assert first == tmp_path / library_name("B") and first.is_file()
    mtime = first.stat().st_mtime_ns
    assert build(tmp_path, "B") == first
    assert first.stat().st_mtime_ns == mtime  # not rebuilt
    build(tmp_path, "B", yhh_in_write=True)
    assert first.stat().st_mtime_ns != mtime  # other options: rebuilt
    assert not list(tmp_path.glob("*.part"))


def test_build_without_gcc_says_so_in_chinese(tmp_path, monkeypatch):
    monkeypatch.setattr(double_module.shutil, "which", lambda name: None)
    with pytest.raises(CompilerMissing) as caught:
        build(tmp_path, "A")
    assert isinstance(caught.value, GasDeskError)
    assert "gcc" in caught.value.user_message and "编译器" in caught.value.user_message


def test_build_refuses_a_maker_code_that_is_not_a_mark(tmp_path):
    with pytest.raises(InvalidInput):
        build(tmp_path, 'A"; evil')


def test_another_makers_library_does_not_know_card_a(tmp_path, slot):
    other = Lib(build(tmp_path / "b", "B"))
    slot.insert_new("A")
    assert other.check() == -14
    slot.insert_new("B")
    assert other.check() == 0


# ---- CheckGasCard --------------------------------------------------------------------------


def test_check_tells_the_cards_apart_and_never_presents_a_password(lib, slot):
    assert lib.check() == -4  # empty slot
    slot.path.parent.mkdir(parents=True, exist_ok=True)
    slot.path.write_bytes(b"")
    assert lib.check() == -4  # an empty file is no card either
    slot.insert_blank()
    assert lib.check() == -14
    slot.insert_new("B", key="FACTORY-B")
    assert lib.check() == -14
    slot.insert_tool("A", "clear")
    assert lib.check() == 1
    slot.insert_new("A")
    assert lib.check() == 0
    assert lib.write_new(kzt=0)[0] == 0
    assert lib.check() == 0  # opening card
    slot.write_card({**slot.card(), "state": "user"})
    assert lib.check() == 0
    assert lib.check(com=0) == -2 and lib.check(com=256) == -2 and lib.check(baud=300) == -2
    assert DoubleSlot(slot.dir, 2).card() == {}
    assert lib.check(com=2) == -4  # the card is in port 1's reader
    stats = slot.stats()
    assert stats["CheckGasCard"] == 12 and stats["WriteNewCard"] == 1 and stats["calls"] == 13
    assert stats["psc_presented"] == 1  # the write's, none of the checks'
    assert slot.card()["psc_attempts"] == 1


# ---- ReadGasCard ---------------------------------------------------------------------------


def test_read_refuses_what_is_not_a_user_card(lib, slot):
    assert lib.read()[0] == -4
    slot.insert_blank()
    assert lib.read()[0] == -14
    slot.insert_new("B")
    assert lib.read()[0] == -14
    slot.insert_tool("A", "check")
    assert lib.read()[0] == -8


@pytest.mark.parametrize(
    ("tool", "kzt"),
    [
        ("clear", 2),
        ("setup", 3),
        ("check", 4),
        ("transfer", 5),
        ("valve_open", 6),
        ("valve_close", 7),
        ("test_gas", -1),
    ],
)
def test_read_of_a_tool_card_answers_minus_8_and_tells_what_it_carries(lib, slot, tool, kzt):
    slot.insert_tool("A", tool, kh="TK0001", dqdm=DQDM, tm="M-1", ljyql=4321, syql=1234, cs=3)
    slot.reset_stats()
    rc, out = lib.read()
    assert rc == -8
    assert (out["kzt"], out["kh"], out["tm"], out["dqdm"]) == (kzt, "TK0001", "M-1", DQDM)
    assert (out["ljyql"], out["syql"], out["cs"]) == (4321, 1234, 3)
    assert slot.stats()["psc_presented"] == 0


def test_meter_acts_on_each_tool_card_once_and_writes_its_data_onto_it(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A", count=4, remaining=5600, cumulative=800)
    slot.insert_tool("A", "check", kh="TK1", tm="M-1")
    assert meter.insert(slot).outcome == MeterOutcome.TOOL_DONE
    assert (slot.card()["syql"], slot.card()["ljyql"], slot.card()["cs"]) == (5600, 800, 4)
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_TOOL_USED
    # a transfer card carries the 56.00 m³ out; the meter keeps none
    slot.insert_tool("A", "transfer", kh="TK2", tm="M-1")
    assert meter.insert(slot).outcome == MeterOutcome.TOOL_DONE
    assert (slot.card()["syql"], meter.remaining) == (5600, 0)
    slot.insert_tool("A", "valve_close", kh="TK3")  # no meter named: any of the maker's
    assert meter.insert(slot).outcome == MeterOutcome.TOOL_DONE and not meter.valve_open
    assert slot.card()["tm"] == "M-1"
    slot.insert_tool("A", "setup", kh="TK4", tm="M-1", czsx=300, bjql=2)
    assert meter.insert(slot).outcome == MeterOutcome.TOOL_DONE
    assert (meter.czsx, meter.bjql) == (300, 2)
    slot.insert_tool("A", "clear", kh="TK5", tm="M-1")
    assert meter.insert(slot).outcome == MeterOutcome.TOOL_DONE
    assert (meter.count, meter.remaining, meter.cumulative) == (0, 0, 800)


def test_read_of_a_new_card_gives_empty_text_and_minus_one(lib, slot):
    slot.insert_new("A")
    rc, out = lib.read()
    assert rc == 0
    assert out["kh"] == "" and out["dqdm"] == "" and out["sqrq"] == ""
    assert {name: out[name] for name in NUMBER_OUTPUTS} == dict.fromkeys(NUMBER_OUTPUTS, -1)


def test_read_returns_what_the_write_put_and_presents_no_password(lib, slot):
    user_card(lib, slot, yhh="用户甲", tm="M-7", ql=25, cs=1, ljgql=25, bkcs=2, ljyql=130)
    slot.reset_stats()
    rc, out = lib.read(kmm="WRONG-KEY")  # reading needs no key: a wrong one costs nothing
    assert rc == 0
    assert out == {
        "kh": KH, "dqdm": DQDM, "yhh": "用户甲", "tm": "M-7", "sqrq": "20261204", "sxrq": "",
        "sxbj": "0", "klx": 1, "kzt": 1, "ql": 25, "cs": 1, "ljgql": 25, "bkcs": 2,
        "ljyql": 130, "syql": -1, "bjql": 5, "czsx": 9999, "tzed": 0, "oldprice": 300,
        "newprice": 300,
    }  # fmt: skip
    assert slot.stats()["psc_presented"] == 0
    assert slot.card()["psc_attempts"] == 1 and slot.card()["psc_failures"] == 0


def test_a_field_that_does_not_parse_is_a_damaged_card(lib, slot):
    user_card(lib, slot)
    slot.write_card({**slot.card(), "ql": "12x"})
    assert lib.check() == 0  # the maker's mark is intact
    assert lib.read()[0] == -6
    assert lib.write_gas(ql=1, cs=2)[0] == -6


# ---- WriteNewCard ---------------------------------------------------------------------------


def test_write_new_card_only_on_a_new_card(lib, slot):
    assert lib.write_new()[0] == -4
    slot.insert_blank()
    assert lib.write_new()[0] == -14
    slot.insert_tool("A", "setup")
    assert lib.write_new()[0] == -15
    user_card(lib, slot)
    assert lib.write_new()[0] == -15
    assert slot.stats()["psc_presented"] == 1  # the refusals presented nothing


def test_write_new_card_with_a_wrong_key_counts_a_failure_and_writes_nothing(lib, slot):
    slot.insert_new("A")
    assert lib.write_new("FACTORY-B")[0] == -9
    card = slot.card()
    assert card["state"] == "new" and card["kh"] == ""
    assert card["psc_attempts"] == 1 and card["psc_failures"] == 1
    assert slot.stats()["psc_presented"] == 1 and slot.stats()["psc_failures"] == 1


@pytest.mark.parametrize(("kzt", "state"), [(0, "opening"), (1, "user")])
def test_write_new_card_personalises_an_opening_or_a_user_card(lib, slot, kzt, state):
    slot.insert_new("A")
    assert lib.write_new(kzt=kzt, ql=40, cs=1, ljgql=40) == (0, FACTORY)  # kmm unchanged
    card = slot.card()
    assert card["state"] == state and card["kh"] == KH and card["dqdm"] == DQDM
    assert card["ql"] == 40 and card["cs"] == 1 and card["ljgql"] == 40
    assert card["key"] == FACTORY and card["psc_failures"] == 0
    assert lib.read()[1]["kzt"] == kzt


def test_write_new_card_refuses_what_the_card_cannot_hold(lib, slot):
    slot.insert_new("A")
    before = slot.path.read_bytes()
    assert lib.write_new(ql=100_000)[0] == -18
    assert lib.write_new(kzt=2)[0] == -10
    assert lib.write_new(yhh="two\nlines")[0] == -10
    assert lib.write_new(kh="9" * TEXT)[0] == -10
    assert slot.path.read_bytes() == before
    assert slot.stats()["psc_presented"] == 0
    assert lib.write_new(ql=99_999)[0] == 0


# ---- WriteGasCard ---------------------------------------------------------------------------


def test_write_gas_refusals_in_order(lib, slot):
    assert lib.write_gas(ql=1, cs=1)[0] == -4
    slot.insert_blank()
    assert lib.write_gas(ql=1, cs=1)[0] == -14
    slot.insert_new("A")
    assert lib.write_gas(ql=1, cs=1)[0] == -13
    slot.insert_tool("A", "transfer")
    assert lib.write_gas(ql=1, cs=1)[0] == -8
    user_card(lib, slot, ql=10, cs=1)
    slot.reset_stats()
    before = slot.path.read_bytes()
    assert lib.write_gas(kh="31000002", ql=5, cs=1)[0] == -16
    assert lib.write_gas(dqdm="9A02", ql=5, cs=1)[0] == -16
    assert lib.write_gas(ql=100_000, cs=1)[0] == -18
    assert slot.stats()["psc_presented"] == 0  # no password before those refusals
    assert slot.path.read_bytes() == before
    assert lib.write_gas("FACTORY-X", ql=5, cs=1)[0] == -9
    card = slot.card()
    assert card["ql"] == 10 and card["psc_failures"] == 1
    assert slot.stats()["psc_presented"] == 1 and slot.stats()["psc_failures"] == 1


def test_write_gas_writes_exactly_what_is_passed(lib, slot):
    user_card(lib, slot, ql=10, cs=1)
    # the library does not enforce the count rule: a wrong count is written as passed
    assert lib.write_gas(ql=30, cs=7, ljgql=40, bjql=8, czsx=500, tzed=3) == (0, FACTORY)
    card = slot.card()
    assert (card["ql"], card["cs"], card["ljgql"]) == (30, 7, 40)
    assert (card["bjql"], card["czsx"], card["tzed"]) == (8, 500, 3)
    assert (card["sqrq"], card["oldprice"], card["newprice"]) == ("20261205", 300, 320)
    assert (card["sxrq"], card["sxbj"]) == ("20270101", "1")
    assert card["yhh"] == "Y0001" and card["state"] == "user"


def test_refund_takes_the_unloaded_gas_back_and_an_empty_card_has_none(lib, slot):
    user_card(lib, slot, ql=10, cs=1, ljgql=10)
    assert lib.write_gas(ql=0, cs=0, ljgql=0)[0] == 0
    card = slot.card()
    assert card["ql"] == 0 and card["cs"] == 0
    before = slot.path.read_bytes()
    assert lib.write_gas(ql=0, cs=0)[0] == -128  # card holds no gas
    assert slot.path.read_bytes() == before


# ---- FormatGasCard --------------------------------------------------------------------------


def test_format_turns_a_user_card_back_into_a_new_card(lib, slot):
    slot.insert_new("A")
    assert lib.format() == -13  # already new
    assert lib.write_new(ql=10)[0] == 0
    assert lib.format(kh="31000009") == -16
    assert lib.format(dqdm="9A77") == -16
    assert lib.format("BAD") == -9
    assert slot.card()["state"] == "user"
    assert lib.format() == 0
    card = slot.card()
    assert card["state"] == "new" and card["kh"] == "" and card["ql"] == -1
    assert card["key"] == FACTORY and card["maker"] == "A"
    assert card["psc_attempts"] == 3 and card["psc_failures"] == 1
    assert lib.read()[1]["kh"] == ""
    assert lib.write_new(kh="31000010")[0] == 0  # issued again


def test_format_recycles_a_tool_card(lib, slot):
    slot.insert_tool("A", "clear", dqdm=DQDM)
    assert lib.format(kh="") == 0
    assert slot.card()["state"] == "new" and slot.card()["tool"] == ""


# ---- the count rule as the meter enforces it ------------------------------------------------


def test_count_rule_first_purchase_one_then_only_after_the_gas_is_loaded(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A")
    user_card(lib, slot, kzt=0, ql=10, cs=1, ljgql=10)
    load = meter.insert(slot)
    assert load.outcome == MeterOutcome.LOADED and load.credited == 1000 and load.bound
    assert meter.count == 1 and meter.remaining == 1000 and meter.card_no == KH
    card = slot.card()
    assert card["ql"] == 0 and card["state"] == "user" and card["syql"] == 1000
    assert meter.use(250) == 250
    # the card's gas is 0: the next purchase raises the count
    assert lib.write_gas(ql=20, cs=2, ljgql=30)[0] == 0
    # a second purchase before loading keeps the count and adds to the card's gas ...
    assert lib.write_gas(ql=25, cs=2, ljgql=35)[0] == 0
    # ... a host that raised the count instead gets the card refused by the meter
    assert lib.write_gas(ql=25, cs=3, ljgql=35)[0] == 0
    before = slot.path.read_bytes()
    refused = meter.insert(slot)
    assert refused.outcome == MeterOutcome.REFUSED_COUNT and refused.credited == 0
    assert "购气次数" in refused.message
    assert slot.path.read_bytes() == before and meter.remaining == 750 and meter.count == 1
    assert lib.write_gas(ql=25, cs=2, ljgql=35)[0] == 0
    load = meter.insert(slot)
    assert load.outcome == MeterOutcome.LOADED and load.credited == 2500 and not load.bound
    assert meter.count == 2 and meter.remaining == 3250 and meter.loads == [(1, 1000), (2, 2500)]
    card = slot.card()
    assert card["ql"] == 0 and card["ljyql"] == 250 and card["syql"] == 3250
    again = meter.insert(slot)  # the same card again: nothing new, only the write-back
    assert again.outcome == MeterOutcome.NOTHING_NEW and again.credited == 0
    assert again.written_back and meter.remaining == 3250


def test_refund_before_loading_then_refused_once_loaded(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A")
    user_card(lib, slot, kzt=0, ql=10, cs=1, ljgql=10)
    assert lib.write_gas(ql=0, cs=0, ljgql=0)[0] == 0  # refunded before the meter saw it
    load = meter.insert(slot)
    assert load.outcome == MeterOutcome.NOTHING_NEW and meter.remaining == 0 and load.bound
    assert lib.write_gas(ql=12, cs=1, ljgql=12)[0] == 0
    assert meter.insert(slot).outcome == MeterOutcome.LOADED
    assert lib.write_gas(ql=0, cs=1, ljgql=0)[0] == -128  # loaded: nothing to take back
    assert meter.remaining == 1200


# ---- the new-key variant ---------------------------------------------------------------------


def test_new_key_each_write_hands_the_host_the_next_seed(libraries, slot):
    lib = lib_of(libraries, "newkey")
    slot.insert_new("A")
    rc, seed1 = lib.write_new(ql=10)
    assert rc == 0 and seed1 != FACTORY and seed1 == slot.card()["key"]
    assert lib.write_gas(FACTORY, ql=20, cs=1)[0] == -9  # the old key no longer opens it
    rc, seed2 = lib.write_gas(seed1, ql=20, cs=1)
    assert rc == 0 and seed2 not in (seed1, FACTORY) and seed2 == slot.card()["key"]
    assert lib.write_gas(seed1, ql=0, cs=0)[0] == -9
    assert lib.format(seed1) == -9
    assert lib.format(seed2) == 0
    assert slot.card()["key"] == FACTORY  # a new card carries the factory seed again
    assert lib.write_new(seed2)[0] == -9
    rc, seed3 = lib.write_new(FACTORY)
    assert rc == 0 and seed3 not in (seed1, seed2)  # derived from the count too


# ---- header variants ---------------------------------------------------------------------------


def test_yhh_in_write_variant_writes_the_customer_number(libraries, slot):
    lib = lib_of(libraries, "yhh")
    user_card(lib, slot, yhh="Y0001")
    assert lib.write_gas(yhh="客户乙", ql=8, cs=1)[0] == 0
    card = slot.card()
    assert card["yhh"] == "客户乙" and card["ql"] == 8
    assert lib.read()[1]["yhh"] == "客户乙"


def test_price_by_pointer_variant_reads_the_prices_through_pointers(libraries, slot):
    lib = lib_of(libraries, "ptr")
    user_card(lib, slot, oldprice=300, newprice=300)
    assert lib.write_gas(ql=8, cs=1, oldprice=310, newprice=335)[0] == 0
    assert (slot.card()["oldprice"], slot.card()["newprice"]) == (310, 335)
    assert lib.write_gas(ql=9, cs=1, oldprice=None, newprice=340)[0] == 0  # NULL: kept
    assert (slot.card()["oldprice"], slot.card()["newprice"]) == (310, 340)


def test_both_variants_together(libraries, slot):
    lib = lib_of(libraries, "both")
    user_card(lib, slot)
    assert lib.write_gas(yhh="Y0002", ql=8, cs=1, oldprice=301, newprice=302)[0] == 0
    card = slot.card()
    assert (card["yhh"], card["ql"], card["oldprice"], card["newprice"]) == ("Y0002", 8, 301, 302)
    assert lib.write_gas(kh="0", yhh="Y0003", ql=8, cs=1)[0] == -16


# ---- the fault switch ------------------------------------------------------------------------


def test_fail_at_returns_the_code_and_leaves_the_card_alone(lib, slot):
    user_card(lib, slot, ql=10, cs=1)
    slot.set_faults(fail_at=2, fail_code=-7)
    assert lib.check() == 0  # call 1
    before = slot.path.read_bytes()
    assert lib.write_gas(ql=30, cs=1)[0] == -7  # call 2
    assert slot.path.read_bytes() == before
    assert slot.calls_seen() == 2
    assert lib.write_gas(ql=30, cs=1)[0] == 0  # call 3: the fault was one call
    assert slot.card()["ql"] == 30
    slot.set_faults(fail_at=1)  # armed anew: the count restarts
    assert lib.read()[0] == -10
    slot.clear_faults()
    assert lib.read()[0] == 0


SUBPROCESS_CALL = textwrap.dedent(
    """
    import ctypes, sys
    lib = ctypes.CDLL(sys.argv[1])
    s, i = ctypes.c_char_p, ctypes.c_int
    lib.WriteGasCard.argtypes = [i, i, s, i, s, s, *[i] * 6, s, i, i, s, s]
    key = ctypes.create_string_buffer(b"FACTORY-A", 64)
    print("calling", flush=True)
    rc = lib.WriteGasCard(1, 9600, key, 1, b"31000001", b"9A01", 55, 2, 65, 5, 9999, 0,
                          b"20261206", 300, 300, b"", b"0")
    print("rc", rc, flush=True)
    """
)


def run_write_in_subprocess(library: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SUBPROCESS_CALL, str(library)],
        capture_output=True,
        text=True,
        timeout=20,
    )


@pytest.mark.parametrize("after_write", [False, True])
def test_crash_at_kills_the_caller_with_the_card_old_or_whole(libraries, slot, after_write):
    lib = lib_of(libraries, "plain")
    user_card(lib, slot, ql=10, cs=1)
    before = slot.path.read_bytes()
    slot.set_faults(crash_at=1, after_write=after_write)
    done = run_write_in_subprocess(libraries["plain"])
    assert done.returncode != 0 and done.stdout.split() == ["calling"]
    if sys.platform != "win32":
        assert done.returncode == -6  # SIGABRT
    if after_write:
        card = slot.card()
        assert (card["ql"], card["cs"], card["ljgql"], card["sqrq"]) == (55, 2, 65, "20261206")
    else:
        assert slot.path.read_bytes() == before
    assert not list(slot.dir.glob("*.tmp*"))
    assert lib.read()[0] == 0  # the card reads whole either way


@pytest.mark.parametrize("after_write", [False, True])
def test_hang_at_never_returns_and_is_killed(libraries, slot, after_write):
    lib = lib_of(libraries, "plain")
    user_card(lib, slot, ql=10, cs=1)
    before = slot.path.read_bytes()
    slot.set_faults(hang_at=1, after_write=after_write)
    process = subprocess.Popen(
        [sys.executable, "-c", SUBPROCESS_CALL, str(libraries["plain"])],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline().strip() == "calling"
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=0.5)  # the call does not come back
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
    assert slot.stats()["WriteGasCard"] == 1  # it was called (and counted) before it hung
    if after_write:
        assert slot.card()["ql"] == 55
    else:
        assert slot.path.read_bytes() == before
    assert lib.check() == 0  # call 2: no hang


# ---- password counting -----------------------------------------------------------------------


def test_check_and_read_never_present_a_password(lib, slot):
    user_card(lib, slot)
    slot.reset_stats()
    for _ in range(5):
        assert lib.check() == 0
        assert lib.read("ANY")[0] == 0
    assert slot.card()["psc_attempts"] == 1  # the issuing write's only
    slot.insert_tool("A", "check")
    assert lib.check() == 1 and lib.read()[0] == -8
    stats = slot.stats()
    assert stats["calls"] == 12 and stats["CheckGasCard"] == 6 and stats["ReadGasCard"] == 6
    assert stats["psc_presented"] == 0


# ---- the slot ----------------------------------------------------------------------------------


def test_a_card_taken_out_can_be_put_back(lib, slot):
    user_card(lib, slot)
    carried = slot.remove()
    assert carried and slot.card() == {} and lib.check() == -4
    assert slot.remove() is None
    other = DoubleSlot(slot.dir, 3)
    other.insert_file(carried)
    assert lib.check(com=3) == 0 and lib.read(com=3)[1]["kh"] == KH
    saved = slot.dir / "saved.card"
    saved.write_bytes(carried)
    slot.insert_file(saved)
    assert lib.check() == 0


# ---- the meter ---------------------------------------------------------------------------------


def test_meter_refuses_cards_that_are_not_its_makers_user_cards(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A")
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_NO_CARD
    slot.insert_blank()
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_FOREIGN
    slot.insert_new("B")
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_FOREIGN
    slot.insert_new("A")
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_NOT_USER_CARD
    slot.insert_tool("A", "clear", tm="M-2")  # another meter's tool card
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_OTHER_METER
    slot.insert_tool("A", "test_gas")  # a tool card this meter does not know
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_NOT_USER_CARD
    user_card(lib, slot, kzt=1)  # a user card in a meter no opening card has bound
    load = meter.insert(slot)
    assert load.outcome == MeterOutcome.REFUSED_OTHER_METER and "开户卡" in load.message
    assert meter.remaining == 0 and meter.count == 0


def test_meter_is_bound_by_the_opening_card(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A")
    user_card(lib, slot, kzt=0, kh="31000001", ql=5)
    assert meter.insert(slot).bound and meter.card_no == "31000001"
    # another household's opening and user cards
    user_card(lib, slot, kzt=0, kh="31000002", ql=5)
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_OTHER_METER
    user_card(lib, slot, kzt=1, kh="31000002", ql=5)
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_OTHER_METER
    # a card written for another meter's bar code
    user_card(lib, slot, kzt=1, kh="31000001", tm="M-2", ql=5, cs=2)
    assert meter.insert(slot).outcome == MeterOutcome.REFUSED_OTHER_METER
    assert meter.remaining == 500 and meter.count == 1


def test_meter_takes_no_gas_above_its_recharge_ceiling(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A", czsx=20, remaining=2001, count=3, card_no=KH)
    user_card(lib, slot, ql=10, cs=4)
    before = slot.path.read_bytes()
    load = meter.insert(slot)
    assert load.outcome == MeterOutcome.REFUSED_CEILING and load.credited == 0
    assert "上限" in load.message
    assert slot.path.read_bytes() == before
    assert (meter.remaining, meter.count, meter.cumulative) == (2001, 3, 0)
    meter.use(1)  # at the ceiling, not above it: taken
    load = meter.insert(slot)
    assert load.outcome == MeterOutcome.LOADED and meter.remaining == 3000 and meter.count == 4
    assert slot.card()["syql"] == 3000 and slot.card()["ljyql"] == 1


def test_meter_with_an_empty_card_only_writes_back(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A", count=1, remaining=800, cumulative=4000, card_no=KH)
    user_card(lib, slot, ql=0, cs=7)  # ql 0: the count is not looked at
    load = meter.insert(slot)
    assert load.outcome == MeterOutcome.NOTHING_NEW and load.credited == 0 and load.written_back
    card = slot.card()
    assert (card["ljyql"], card["syql"], card["cs"]) == (4000, 800, 7)
    assert meter.count == 1
    # the library reads the meter's write-back
    assert lib.read()[1]["syql"] == 800 and lib.read()[1]["ljyql"] == 4000


def test_meter_use_burns_gas_down_to_zero(slot):
    meter = InterfaceMeterSimulator("M-1", "A", remaining=300, cumulative=10)
    assert meter.use(200) == 200 and meter.use(500) == 100
    assert (meter.remaining, meter.cumulative) == (0, 310)
    with pytest.raises(ValueError):
        meter.use(-1)


def test_meter_refuses_a_card_whose_fields_do_not_read(lib, slot):
    meter = InterfaceMeterSimulator("M-1", "A", card_no=KH)
    user_card(lib, slot)
    slot.write_card({**slot.card(), "cs": "x"})
    assert meter.insert(slot).outcome == MeterOutcome.CARD_ERROR
