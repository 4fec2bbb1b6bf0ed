"""Makers' cards end to end: the C maker double through the host process, the interface driver,
detection among three card drivers, and the crash-safe sale on an interface card.

Runs on SQLite (the services are tested on both databases elsewhere); the double's libraries
are compiled once per session by gcc.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.counter.cards import SaleUnsettled, SaleVoided
from app.devices.cardreader import CardReaderError, NoCard, UnknownCard
from app.devices.makers.codes import InterfaceCardError
from app.devices.makers.meter import InterfaceMeterSimulator, MeterOutcome
from app.devices.sle4442 import Sle4442
from app.domain.cards import CountRule
from app.errors import RuleViolation
from app.services.cards import ReplaceCardRequest
from app.services.queries import account_view, tier_usage
from app.services.security import ApprovalInput
from app.vocabulary import CardClaim, ToolCardKind
from db.models import CounterTransaction
from tests.card_support import foreign_card, opening_request
from tests.maker_support import MARKS, MakerStation, build_libraries
from tests.support import PASSWORD, m3

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture(scope="session")
def libraries(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    return build_libraries(tmp_path_factory.mktemp("makers"))


@pytest.fixture
def slot_dir(tmp_path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "slot"
    path.mkdir()
    monkeypatch.setenv("GASDESK_MAKER_DOUBLE_DIR", str(path))
    return path


@pytest.fixture
def station(libraries, slot_dir):  # type: ignore[no-untyped-def]
    made = MakerStation(libraries, slot_dir)
    yield made
    made.close()


@contextlib.contextmanager
def refused(kind: type[Exception], text: str):  # type: ignore[no-untyped-def]
    """The operation is refused with ``text`` in what the clerk reads."""
    with pytest.raises(kind) as error:
        yield
    assert text in getattr(error.value, "user_message", str(error.value)), error.value


def approvals(hall):  # type: ignore[no-untyped-def]
    return (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)


def open_on(hall, station, maker: str, n: int = 1):  # type: ignore[no-untyped-def]
    station.insert_new(maker)
    request = opening_request(n=n)
    return station.counter(hall.ctx).open_account(hall.clerk, request)


def card(station) -> dict:  # type: ignore[no-untyped-def]
    return station.double.card()


@pytest.mark.parametrize("maker", ["xfa", "qcb"])
def test_an_interface_card_through_the_host_issue_sell_load_refund_replace_format(
    hall, station, maker
):
    opened = open_on(hall, station, maker)
    on_card = card(station)
    assert (on_card["state"], on_card["kh"], on_card["yhh"]) == (
        "opening",
        opened.card_serial,
        opened.account_no,
    )
    assert (on_card["cs"], on_card["ql"], on_card["dqdm"]) == (
        0,
        0,
        "9A01" if maker == "xfa" else "9A02",
    )
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.summary.card_serial == opened.card_serial
    counter = station.counter(hall.ctx)
    read = counter.read(hall.clerk)
    assert read.maker == maker and read.image.count_rule is CountRule.RISES_WHEN_EMPTY

    sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(20))
    assert sold.settlement.outcome == "completed"
    assert (card(station)["cs"], card(station)["ql"], card(station)["ljgql"]) == (1, 20, 20)
    with refused(RuleViolation, "未插表"):  # the count would not rise: refused
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(5))

    meter = InterfaceMeterSimulator(opened.meter_no, MARKS[maker])
    loaded = meter.insert(station.double)
    assert (loaded.outcome, loaded.credited) == (MeterOutcome.LOADED, m3(20))
    assert meter.insert(station.double).outcome is MeterOutcome.NOTHING_NEW
    meter.use(m3(3))
    meter.insert(station.double)  # the meter writes its use back onto the card
    back = counter.read(hall.clerk)
    assert (back.image.remaining_volume, back.image.cumulative_volume) == (m3(17), m3(3))

    second = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))
    assert second.sale.purchase_count == 2 and card(station)["cs"] == 2
    refunded = counter.refund(hall.clerk, uuid.uuid4(), "客户退气", approvals(hall))
    assert refunded.settlement.outcome == "completed"
    assert (card(station)["cs"], card(station)["ql"], card(station)["ljgql"]) == (1, 0, 20)
    assert meter.insert(station.double).outcome is MeterOutcome.NOTHING_NEW
    assert tier_usage(hall.ctx, hall.clerk, opened.account_no).total_used == m3(20)

    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert meter.insert(station.double).credited == m3(10)
    before = card(station)
    with refused(RuleViolation, "已插表"):
        counter.refund(hall.clerk, uuid.uuid4(), "客户退气", approvals(hall))
    assert card(station) == before  # refused before anything was written

    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(15))  # unloaded when the card is lost
    old_card = station.take_out()
    station.insert_new(maker)
    replaced = counter.replace(
        hall.clerk,
        ReplaceCardRequest(uuid.uuid4(), opened.account_no, "NEW0000001", "lost"),
    )
    assert replaced.card_serial == "NEW0000001"
    new = card(station)
    assert (new["state"], new["kh"], new["cs"], new["ql"], new["bkcs"]) == (
        "user",
        "NEW0000001",
        3,
        15,
        1,
    )
    assert new["ljgql"] == 45  # 20 + 10 + 15: carried onto the replacement
    assert meter.insert(station.double).credited == m3(15)  # the meter takes the new card
    station.insert_card(old_card)
    assert meter.insert(station.double).outcome is MeterOutcome.REFUSED_OTHER_METER
    with refused(RuleViolation, "黑名单"):
        counter.read(hall.clerk)

    formatted = counter.format_card(hall.clerk)  # the replaced card becomes a new card again
    assert formatted == opened.card_serial
    assert (card(station)["state"], card(station)["kh"]) == ("new", "")
    assert counter.read(hall.clerk).image is None


def test_the_active_card_of_an_open_account_is_not_formatted(hall, station):
    open_on(hall, station, "xfa")
    before = card(station)
    with refused(RuleViolation, "在用"):
        station.counter(hall.ctx).format_card(hall.clerk)
    assert card(station) == before


def test_a_maker_changing_keys_gets_each_new_key_back_and_never_in_the_log(hall, station, caplog):
    caplog.set_level("DEBUG")
    opened = open_on(hall, station, "qcb")
    counter = station.counter(hall.ctx)
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    key_after_sale = card(station)["key"]
    assert key_after_sale not in ("FACTORY-B", "")
    InterfaceMeterSimulator(opened.meter_no, "B").insert(station.double)
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))  # presented the stored key
    assert card(station)["psc_failures"] == 0 and card(station)["cs"] == 2
    assert key_after_sale not in caplog.text and card(station)["key"] not in caplog.text


def test_detection_finds_each_drivers_card_and_refuses_an_unknown_one_without_a_psc(hall, station):
    counter = station.counter(hall.ctx)
    station.insert_chip(Sle4442.blank())
    assert station.slot.detect()[0] is station.v1
    assert counter.read(hall.clerk).maker == "gasdesk"
    for maker in ("xfa", "qcb"):
        station.insert_new(maker)
        driver, claim = station.slot.detect()
        assert (driver.maker, claim) == (maker, CardClaim.CARD)
    station.remove()
    station.double.insert_tool("B", "check", key="FACTORY-B")
    assert station.slot.detect()[1] is CardClaim.TOOL
    at_counter = counter.read(hall.clerk)
    # the double tells the kind in kzt (interface.h, GasDesk's convention for tool cards)
    assert at_counter.tool is ToolCardKind.CHECK and at_counter.image is None
    with refused(Exception, "工具卡"):
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))

    station.double.reset_stats()
    station.remove()
    station.double.insert_blank()  # nobody's card
    with refused(UnknownCard, "无法识别"):
        counter.read(hall.clerk)
    station.remove()
    station.double.insert_new("C", key="FACTORY-C")  # a maker the hall has not configured
    with pytest.raises(UnknownCard):
        counter.read(hall.clerk)
    station.insert_chip(foreign_card())  # another utility's SLE4442
    with pytest.raises(UnknownCard):
        counter.read(hall.clerk)
    assert station.double.stats().get("psc_presented", 0) == 0
    assert station.transport.psc_presented == 0
    station.remove()
    with pytest.raises(NoCard):
        counter.read(hall.clerk)


def test_a_hall_sells_on_format_v1_and_two_makers_cards_from_one_counter(hall, station):
    counter = station.counter(hall.ctx)
    chip = Sle4442.blank()
    station.insert_chip(chip)
    counter.open_account(hall.clerk, opening_request(n=1))
    first = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    opened = {"gasdesk": first}
    for n, maker in ((2, "xfa"), (3, "qcb")):
        open_on(hall, station, maker, n=n)
        opened[maker] = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert {k: v.sale.purchase_count for k, v in opened.items()} == dict.fromkeys(opened, 1)
    station.insert_chip(chip)  # the v1 card again, at the same counter
    assert counter.read(hall.clerk).account.summary.account_no == first.sale.account_no


def test_a_hung_host_is_killed_and_the_sale_settles_on_the_next_read(hall, libraries, slot_dir):
    station = MakerStation(libraries, slot_dir, timeout=1.5)
    try:
        open_on(hall, station, "xfa")
        counter = station.counter(hall.ctx)
        # the third call from now: check, read, then the write hangs after writing the card
        station.double.set_faults(hang_at=3, after_write=True)
        started = time.monotonic()
        with pytest.raises(SaleUnsettled):
            counter.sell(hall.clerk, uuid.uuid4(), volume=m3(20))
        assert time.monotonic() - started < 10
        station.double.clear_faults()
        settled = counter.read(hall.clerk)  # a fresh host process answers
        assert settled.settlement.outcome == "completed"
        assert card(station)["cs"] == 1

        station.double.set_faults(hang_at=3)  # hangs before writing: the sale is voided
        InterfaceMeterSimulator(settled.image.meter_no, "A").insert(station.double)
        with pytest.raises(SaleUnsettled):
            counter.sell(hall.clerk, uuid.uuid4(), volume=m3(5))
        station.double.clear_faults()
        voided = counter.read(hall.clerk)
        assert voided.settlement.outcome == "voided"
        assert card(station)["cs"] == 1 and card(station)["ql"] == 0
    finally:
        station.close()


@pytest.mark.parametrize("after_write", [True, False])
def test_a_host_crashing_mid_write_is_settled_from_the_card(hall, station, after_write):
    open_on(hall, station, "xfa")
    counter = station.counter(hall.ctx)
    station.double.set_faults(crash_at=3, after_write=after_write)
    if after_write:
        sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(20))
        assert sold.settlement.outcome == "completed"  # re-read in a new host: it landed
    else:
        with pytest.raises(SaleVoided):
            counter.sell(hall.clerk, uuid.uuid4(), volume=m3(20))
    station.double.clear_faults()
    assert card(station)["cs"] == (1 if after_write else 0)


def test_a_host_killed_mid_write_is_settled_from_the_card(hall, station):
    open_on(hall, station, "xfa")
    counter = station.counter(hall.ctx)
    station.double.set_faults(hang_at=3, after_write=True)
    host = station.hosts["xfa"]

    def kill_when_hung() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if station.double.calls_seen() >= 3 and host.pid is not None:
                time.sleep(0.2)
                os.kill(host.pid, signal.SIGKILL)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_when_hung)
    killer.start()
    try:
        sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(20))
    finally:
        killer.join()
        station.double.clear_faults()
    assert sold.settlement.outcome == "completed"
    assert card(station)["cs"] == 1


@pytest.mark.parametrize("library", ["no-such-maker.so", "junk.so"])
def test_a_missing_or_unloadable_library_names_its_path(
    hall, libraries, slot_dir, tmp_path, library
):
    path = tmp_path / library
    if library == "junk.so":
        path.write_text("not a library")
    station = MakerStation(dict(libraries, xfa=path), slot_dir)
    try:
        station.insert_new("xfa")
        with pytest.raises(CardReaderError) as error:
            station.counter(hall.ctx).read(hall.clerk)
        assert library in error.value.user_message
    finally:
        station.close()


@pytest.mark.parametrize(
    ("code", "text"), [(-16, "卡号"), (-10, "写卡"), (-9, "密码"), (-150, "表具已锁定")]
)
def test_an_interface_error_code_reaches_the_clerk_in_chinese(hall, station, code, text):
    open_on(hall, station, "xfa")
    counter = station.counter(hall.ctx)
    station.double.set_faults(fail_at=3, fail_code=code)
    with pytest.raises(SaleVoided):  # refused by the library: the card was not written
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(20))
    station.double.clear_faults()
    station.double.set_faults(fail_at=1, fail_code=code)
    with pytest.raises(InterfaceCardError) as error:
        station.drivers["xfa"].read()
    assert text in error.value.user_message
    assert error.value.rc == code


def test_only_whole_cubic_metres_go_onto_a_makers_card(hall, station):
    open_on(hall, station, "xfa")
    counter = station.counter(hall.ctx)
    with refused(Exception, "立方米的整数倍"):
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(1) + 50)
    assert card(station)["cs"] == 0


def _hosts_of(library: Path) -> list[int]:
    """Host processes that have ``library`` loaded (a dying counter leaves its host behind)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if str(library).encode() in cmdline and b"host" in cmdline:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize(
    ("step", "landed"),
    [
        ("after_pending", False),
        ("mid_write_lost", False),
        ("mid_write_landed", True),
        ("after_write", True),
    ],
)
def test_kill_9_of_the_counter_at_each_step_of_an_interface_sale_settles_once(
    hall, database, station, libraries, slot_dir, tmp_path, step, landed
):
    from tests import card_crash_worker
    from tests.maker_support import PORT, maker_entries

    opened = open_on(hall, station, "xfa")
    station.close()  # the dying counter has the card to itself
    if step.startswith("mid_write"):  # the dying counter's read, then its write hangs
        station.double.set_faults(hang_at=2, after_write=step.endswith("landed"))
    job = {
        "die": step if not step.startswith("mid_write") else "none",
        "db_url": database.url,
        "when": hall.clock().isoformat(),
        "actor": [hall.users["lina"], hall.counter_id],
        "request_id": str(uuid.uuid4()),
        "volume": m3(30),
        "maker": maker_entries(libraries)[0],
        "port": PORT,
        "slot_dir": str(slot_dir),
    }
    output = tmp_path / "counter.log"
    process = card_crash_worker.start(job, str(output))
    if step.startswith("mid_write"):
        deadline = time.monotonic() + 30
        while station.double.calls_seen() < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # the hanging call is inside the library now
        os.kill(process.pid, signal.SIGKILL)
    process.join(timeout=60)
    assert process.exitcode == -signal.SIGKILL, output.read_text()
    for pid in _hosts_of(libraries["xfa"]):  # the orphaned host of the dead counter
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    station.double.clear_faults()
    assert (card(station)["cs"] == 1) is landed

    counter = station.counter(hall.ctx)  # the counter restarts: the card decides the sale
    settlement = counter.read(hall.clerk).settlement
    assert settlement.outcome == ("completed" if landed else "voided")
    assert counter.read(hall.clerk).settlement is None  # settled once, never again
    with hall.ctx.reading() as s:
        kinds = list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))
        money = s.scalar(select(func.sum(CounterTransaction.amount_fen)))
    assert kinds == ["opening", "purchase"] + ([] if landed else ["void"])
    assert money == (7830 if landed else 0)
    meter = InterfaceMeterSimulator(opened.meter_no, "A")
    meter.insert(station.double)
    meter.insert(station.double)
    assert meter.credited_total == (m3(30) if landed else 0)  # never a double credit


def test_a_replacement_after_the_meter_took_the_last_purchase_neither_credits_nor_sticks(
    hall, station
):
    opened = open_on(hall, station, "xfa")
    counter = station.counter(hall.ctx)
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(20))
    meter = InterfaceMeterSimulator(opened.meter_no, "A")
    assert meter.insert(station.double).credited == m3(20)  # taken, then the card is lost
    station.take_out()
    station.insert_new("xfa")
    counter.replace(
        hall.clerk, ReplaceCardRequest(uuid.uuid4(), opened.account_no, "NEW0000009", "lost")
    )
    assert (card(station)["cs"], card(station)["ql"]) == (1, 20)  # whether taken is not known
    again = meter.insert(station.double)  # the meter knows: its count is the card's
    assert again.outcome is MeterOutcome.NOTHING_NEW and meter.credited_total == m3(20)
    assert card(station)["ql"] == 0
    sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(5))  # sells on as usual
    assert sold.sale.purchase_count == 2
    assert meter.insert(station.double).credited == m3(5)


def test_a_replacement_onto_another_makers_card_is_refused_before_anything_is_recorded(
    hall, station
):
    opened = open_on(hall, station, "xfa")
    station.take_out()
    station.insert_new("qcb")
    with refused(RuleViolation, "同一厂家"):
        station.counter(hall.ctx).replace(
            hall.clerk, ReplaceCardRequest(uuid.uuid4(), opened.account_no, "NEW0000010", "lost")
        )
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.summary.card_serial == opened.card_serial  # the old card is still the one
    assert card(station)["state"] == "new"


def test_a_card_never_registered_still_holding_gas_is_not_formatted(hall, station):
    station.insert_new("xfa")
    foreign = dict(station.double.card(), state="user", kh="OLD0000001", dqdm="9A01", ql=7, cs=3)
    station.double.write_card(foreign)  # an old system's card, its gas never loaded
    with refused(RuleViolation, "未在本系统登记"):
        station.counter(hall.ctx).format_card(hall.clerk)
    assert card(station)["ql"] == 7 and card(station)["state"] == "user"
