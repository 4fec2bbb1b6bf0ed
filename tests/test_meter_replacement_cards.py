"""Meter replacement (换表) on the cards: the new meter's card issued through the card port,
carry-over written with it and in instalments, for GasDesk's format v1 and a maker's card
through the 2012 interface; kill -9 of the counter while the new card or an instalment is
written settles by the card. Runs on SQLite (the services are tested on both databases in
tests/test_meter_replacement.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import uuid

import pytest
from sqlalchemy import func, select

from app.counter.meters import MeterOperations
from app.devices.makers.meter import InterfaceMeterSimulator, MeterOutcome
from app.devices.meter import GasMeterSimulator
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.services.meters import ReplaceMeterRequest
from app.services.queries import account_view, tier_usage
from db.models import CounterTransaction, MeterReplacement
from tests.card_support import KEY, opening_request
from tests.maker_support import MARKS, MakerStation, build_libraries
from tests.support import m3

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def _request(account_no, final_reading, meter_no="NEWM000001", serial="NEWC000001", **extra):
    return ReplaceMeterRequest(
        uuid.uuid4(), account_no, final_reading, "王师傅", meter_no, serial, **extra
    )


@pytest.mark.parametrize("station", ["inprocess"], indirect=True)
def test_format_v1_replacement_writes_the_carry_over_with_the_new_card_and_later(hall, station):
    chip = Sle4442.blank()
    station.insert(chip)
    counter = station.counter(hall.ctx)
    opened = counter.open_account(hall.clerk, opening_request())
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(100))  # count 1, 100 × 2.61 = 261.00
    station.remove()
    old_meter = GasMeterSimulator(opened.meter_no, KEY)
    old_meter.insert(chip)
    old_meter.use_gas(m3(55))

    # final reading 55 (installed at 0): used 55, bought 100 → 45 carried over; 25 now, 20 later
    new_chip = Sle4442.blank()
    station.insert(new_chip)
    meters = MeterOperations(hall.ctx, counter)
    done = meters.replace(hall.clerk, _request(opened.account_no, m3(55)), m3(25))
    assert done.replaced.figures.carry_over_volume == m3(45)
    assert done.carry_over.settlement.outcome == "completed"
    assert (done.carry_over.sale.purchase_count, done.carry_over_remaining) == (1, m3(20))
    image = cardformat.parse(bytes(new_chip.memory), KEY)
    assert (image.serial, image.meter_no) == ("NEWC000001", "NEWM000001")
    assert (image.purchase_count, image.pending_volume) == (1, m3(25))

    station.remove()
    new_meter = GasMeterSimulator("NEWM000001", KEY)
    assert new_meter.insert(new_chip).credited == m3(25)  # count 1 follows the new meter's 0
    assert GasMeterSimulator("NEWM000001", KEY).insert(chip).outcome == "refused_other_meter"

    station.insert(new_chip)
    second = meters.write_carry_over(hall.clerk, uuid.uuid4(), m3(20))
    assert (second.sale.purchase_count, second.settlement.outcome) == (2, "completed")
    station.remove()
    assert new_meter.insert(new_chip).credited == m3(20)
    assert new_meter.credited_total == m3(45)  # the carry-over exactly, once
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert (view.carry_over_remaining, view.purchase_count) == (0, 2)
    assert tier_usage(hall.ctx, hall.clerk, opened.account_no).total_used == m3(100)


@pytest.fixture(scope="session")
def libraries(tmp_path_factory):  # type: ignore[no-untyped-def]
    return build_libraries(tmp_path_factory.mktemp("makers"))


@pytest.fixture
def slot_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    path = tmp_path / "slot"
    path.mkdir()
    monkeypatch.setenv("GASDESK_MAKER_DOUBLE_DIR", str(path))
    return path


@pytest.fixture
def maker_station(libraries, slot_dir):  # type: ignore[no-untyped-def]
    made = MakerStation(libraries, slot_dir)
    yield made
    made.close()


def _open_and_buy(hall, station, volume=3000):  # type: ignore[no-untyped-def]  # 30 m³
    station.insert_new("xfa")
    counter = station.counter(hall.ctx)
    opened = counter.open_account(hall.clerk, opening_request())
    counter.sell(hall.clerk, uuid.uuid4(), volume=volume)
    return opened, counter


def test_a_makers_card_opens_the_new_meter_and_takes_the_instalments(hall, maker_station):
    station = maker_station
    opened, counter = _open_and_buy(hall, station)  # 30 m³ at count 1
    old_meter = InterfaceMeterSimulator(opened.meter_no, MARKS["xfa"])
    assert old_meter.insert(station.double).credited == m3(30)
    old_card = station.take_out()

    # final reading 10: used 10, bought 30 → 20 carried over: 12 with the new card, 8 later
    station.insert_new("xfa")
    meters = MeterOperations(hall.ctx, counter)
    done = meters.replace(hall.clerk, _request(opened.account_no, m3(10)), m3(12))
    on_card = station.double.card()
    assert (on_card["state"], on_card["tm"], on_card["bkcs"]) == ("opening", "NEWM000001", 0)
    assert (on_card["cs"], on_card["ql"]) == (1, 12)
    assert done.carry_over_remaining == m3(8)

    new_meter = InterfaceMeterSimulator("NEWM000001", MARKS["xfa"])
    loaded = new_meter.insert(station.double)  # the opening card binds the new meter
    assert (loaded.outcome, loaded.credited) == (MeterOutcome.LOADED, m3(12))
    later = meters.write_carry_over(hall.clerk, uuid.uuid4(), m3(8))
    assert (later.sale.purchase_count, station.double.card()["cs"]) == (2, 2)
    assert new_meter.insert(station.double).credited == m3(8)
    assert new_meter.credited_total == m3(20)
    sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(5))  # the new meter sells on
    assert sold.sale.purchase_count == 3
    assert new_meter.insert(station.double).credited == m3(5)

    station.insert_card(old_card)  # the old card is nothing to the new meter
    assert new_meter.insert(station.double).outcome is MeterOutcome.REFUSED_OTHER_METER


def _hosts_of(library) -> list[int]:  # type: ignore[no-untyped-def]
    from tests.test_maker_cards import _hosts_of as hosts

    return hosts(library)


def _kill_9(hall, database, libraries, slot_dir, tmp_path, die, **operation):  # type: ignore[no-untyped-def]
    """A counter process does ``operation`` on the card in the slot and dies by SIGKILL at
    ``die``; its orphaned library host is killed too."""
    from tests import card_crash_worker
    from tests.maker_support import PORT, maker_entries

    job = {
        "die": die,
        "db_url": database.url,
        "when": hall.clock().isoformat(),
        "actor": [hall.users["lina"], hall.counter_id],
        "request_id": str(uuid.uuid4()),
        "maker": maker_entries(libraries)[0],
        "port": PORT,
        "slot_dir": str(slot_dir),
        **operation,
    }
    output = tmp_path / f"counter-{job['request_id']}.log"
    process = card_crash_worker.start(job, str(output))
    process.join(timeout=60)
    assert process.exitcode == -signal.SIGKILL, output.read_text()
    for pid in _hosts_of(libraries["xfa"]):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return job


def _kinds(hall):  # type: ignore[no-untyped-def]
    with hall.ctx.reading() as s:
        return list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))


def test_kill_9_while_the_new_card_is_written_then_the_retry_finishes_it(
    hall, database, maker_station, libraries, slot_dir, tmp_path
):
    station = maker_station
    opened, counter = _open_and_buy(hall, station)
    station.take_out()
    station.insert_new("xfa")
    station.close()  # the dying counter has the card to itself
    # used 10, bought 30 → 20 carried over, all of it with the new card
    job = _kill_9(
        hall,
        database,
        libraries,
        slot_dir,
        tmp_path,
        "at_issue",
        operation="meter_replace",
        account_no=opened.account_no,
        final_reading=m3(10),
        new_meter_no="NEWM000002",
        new_serial="NEWC000002",
        carry_now=m3(20),
    )
    assert station.double.card()["state"] == "new"  # died before the card was written
    assert _kinds(hall)[-1] == "meter_replacement"  # committed: the replacement stands

    from tests.card_crash_worker import meter_request

    counter = station.counter(hall.ctx)  # the counter restarts; the clerk submits again
    done = MeterOperations(hall.ctx, counter).replace(hall.clerk, meter_request(job), m3(20))
    assert done.carry_over.settlement.outcome == "completed"
    assert (station.double.card()["cs"], station.double.card()["ql"]) == (1, 20)
    assert _kinds(hall) == ["opening", "purchase", "meter_replacement", "carry_over"]
    with hall.ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(MeterReplacement)) == 1
    assert done.carry_over_remaining == 0


@pytest.mark.parametrize(("die", "landed"), [("after_pending", False), ("after_write", True)])
def test_kill_9_during_an_instalment_settles_by_the_card(
    hall, database, maker_station, libraries, slot_dir, tmp_path, die, landed
):
    station = maker_station
    opened, counter = _open_and_buy(hall, station)
    station.take_out()
    station.insert_new("xfa")
    meters = MeterOperations(hall.ctx, counter)
    meters.replace(hall.clerk, _request(opened.account_no, m3(10)))  # 20 carried, none written
    station.close()
    _kill_9(
        hall, database, libraries, slot_dir, tmp_path, die, operation="carry_over", volume=m3(15)
    )
    assert (station.double.card()["cs"] == 1) is landed

    counter = station.counter(hall.ctx)  # restarted: the card decides the instalment
    settlement = counter.read(hall.clerk).settlement
    assert settlement.outcome == ("completed" if landed else "voided")
    assert counter.read(hall.clerk).settlement is None
    remaining = MeterOperations(hall.ctx, counter).remaining(hall.clerk, opened.account_no)
    # 20 carried: 15 written when it landed (5 left); voided, all 20 are still owed
    assert remaining == (m3(5) if landed else m3(20))
    assert _kinds(hall)[-1] == ("carry_over" if landed else "void")
    new_meter = InterfaceMeterSimulator("NEWM000001", MARKS["xfa"])
    new_meter.insert(station.double)
    new_meter.insert(station.double)
    assert new_meter.credited_total == (m3(15) if landed else 0)


@pytest.mark.pcsc
@pytest.mark.parametrize(("step", "land"), [("change_psc", False), ("change_psc", True)])
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_kill_9_while_a_format_v1_new_card_is_issued_then_read_and_retry_finish(
    hall, database, station, virtual_card, tmp_path, step, land
):
    from tests.card_crash_worker import meter_request
    from tests.card_support import WatchedChip
    from tests.test_card_crash import _kill_during_issue, _left

    chip = Sle4442.blank()
    station.insert(chip)
    counter = station.counter(hall.ctx)
    opened = counter.open_account(hall.clerk, opening_request())
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))  # count 1, 30 m³
    station.remove()

    # final reading 10: used 10, bought 30 → 20 carried over, all with the new card
    new_chip = WatchedChip.blank()
    operation = {
        "operation": "meter_replace",
        "request_id": str(uuid.uuid4()),
        "account_no": opened.account_no,
        "final_reading": m3(10),
        "new_meter_no": "NEWM000003",
        "new_serial": "NEWC000003",
        "carry_now": m3(20),
    }
    left = _kill_during_issue(hall, database, tmp_path, new_chip, step, land, **operation)
    station.insert(new_chip)
    _left(left)
    counter = station.counter(hall.ctx)
    at = counter.read(hall.clerk)  # the half-issued card is finished for the new meter
    assert (at.image.serial, at.image.meter_no, at.image.purchase_count) == (
        "NEWC000003",
        "NEWM000003",
        0,
    )
    done = MeterOperations(hall.ctx, counter).replace(hall.clerk, meter_request(operation), m3(20))
    assert (done.carry_over.sale.purchase_count, done.carry_over_remaining) == (1, 0)
    assert _kinds(hall) == ["opening", "purchase", "meter_replacement", "carry_over"]
    station.remove()
    new_meter = GasMeterSimulator("NEWM000003", KEY)
    new_meter.insert(new_chip)
    new_meter.insert(new_chip)
    assert new_meter.credited_total == m3(20)  # the carry-over exactly, once


@pytest.mark.pcsc
@pytest.mark.parametrize("landed", [False, True])
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_kill_9_mid_write_of_a_format_v1_instalment_settles_by_the_card(
    hall, database, station, virtual_card, tmp_path, landed
):
    from app.devices.pcsc import wait_for_card
    from tests.test_card_crash import KILL_READER, KillingCard, _left, run_counter

    chip = Sle4442.blank()
    station.insert(chip)
    counter = station.counter(hall.ctx)
    opened = counter.open_account(hall.clerk, opening_request())
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))
    station.remove()
    new_chip = Sle4442.blank()
    station.insert(new_chip)
    meters = MeterOperations(hall.ctx, counter)
    meters.replace(hall.clerk, _request(opened.account_no, m3(10)))  # 20 carried, none written
    station.remove()

    victim: list[int] = []
    card = KillingCard(new_chip, victim, land=landed)
    card.insert()
    assert wait_for_card(KILL_READER, present=True)
    code, output = run_counter(
        hall,
        database,
        tmp_path,
        "none",
        victim,
        KILL_READER,
        operation="carry_over",
        volume=m3(15),
    )
    card.remove()
    assert code == -signal.SIGKILL, output
    assert (cardformat.parse(bytes(new_chip.memory), KEY).purchase_count == 1) is landed

    station.insert(new_chip)
    _left(KILL_READER)
    counter = station.counter(hall.ctx)
    assert counter.read(hall.clerk).settlement.outcome == ("completed" if landed else "voided")
    assert counter.read(hall.clerk).settlement is None
    # 20 carried: 15 written when it landed (5 left); voided, all 20 still owed
    remaining = MeterOperations(hall.ctx, counter).remaining(hall.clerk, opened.account_no)
    assert remaining == (m3(5) if landed else m3(20))
    station.remove()
    new_meter = GasMeterSimulator("NEWM000001", KEY)
    new_meter.insert(new_chip)
    new_meter.insert(new_chip)
    assert new_meter.credited_total == (m3(15) if landed else 0)


def test_a_makers_own_card_is_reinitialised_for_the_new_meter(hall, maker_station):
    station = maker_station
    opened, counter = _open_and_buy(hall, station)  # 30 m³ at count 1
    InterfaceMeterSimulator(opened.meter_no, MARKS["xfa"]).insert(station.double)  # loaded
    # the old card stays in the reader: used 10, bought 30 → 20 carried over, all written
    meters = MeterOperations(hall.ctx, counter)
    done = meters.replace(hall.clerk, _request(opened.account_no, m3(10)), m3(20), True)
    on_card = station.double.card()
    assert (on_card["kh"], on_card["state"], on_card["tm"]) == (
        "NEWC000001",
        "opening",
        "NEWM000001",
    )
    assert (on_card["cs"], on_card["ql"]) == (1, 20)
    assert done.carry_over_remaining == 0
    new_meter = InterfaceMeterSimulator("NEWM000001", MARKS["xfa"])
    assert new_meter.insert(station.double).credited == m3(20)
    statuses = {
        c.serial: c.status for c in account_view(hall.ctx, hall.clerk, opened.account_no).cards
    }
    assert statuses == {opened.card_serial: "retired", "NEWC000001": "active"}


@pytest.mark.parametrize("station", ["inprocess"], indirect=True)
def test_a_format_v1_card_cannot_be_reinitialised(hall, station):
    from app.errors import RuleViolation

    chip = Sle4442.blank()
    station.insert(chip)
    counter = station.counter(hall.ctx)
    opened = counter.open_account(hall.clerk, opening_request())
    with pytest.raises(RuleViolation) as refused:
        MeterOperations(hall.ctx, counter).replace(
            hall.clerk, _request(opened.account_no, 0), 0, True
        )
    assert "请放入空白卡" in refused.value.user_message
    assert account_view(hall.ctx, hall.clerk, opened.account_no).meter_history[-1].meter_no == (
        opened.meter_no
    )


def test_a_replacement_onto_the_re_initialised_card_cannot_be_reversed(hall, maker_station):
    """The customer's maker card was formatted and issued for the new meter: the card the
    reversal would make the account's again no longer exists, so nothing is reversed."""
    from app.errors import RuleViolation
    from app.services.meters import ReverseReplacementRequest
    from app.services.security import ApprovalInput
    from tests.support import PASSWORD, row_counts

    station = maker_station
    opened, counter = _open_and_buy(hall, station)
    InterfaceMeterSimulator(opened.meter_no, MARKS["xfa"]).insert(station.double)
    meters = MeterOperations(hall.ctx, counter)
    meters.replace(hall.clerk, _request(opened.account_no, m3(10)), 0, True)
    before = row_counts(hall.ctx)
    leader = (ApprovalInput(hall.users["zhoujie"], "同意", PASSWORD),)
    request = ReverseReplacementRequest(uuid.uuid4(), opened.account_no, "录错", leader)
    with pytest.raises(RuleViolation) as refused:
        meters.reverse(hall.clerk, request)
    assert "原卡已重新初始化为新表的卡" in refused.value.user_message
    assert row_counts(hall.ctx) == before
