"""Kill -9 of a counter process at each step of a card sale (the real PC/SC stack).

After the kill, a fresh counter reads the card: the sale is exactly one of {completed once,
voided}. The meter simulator never credits twice, and there is never money without gas on the
card nor gas without money in the ledger.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import uuid

import pytest
from sqlalchemy import func, select

from app.devices.meter import GasMeterSimulator
from app.devices.sle4442 import Sle4442
from app.devices.vpcd import VirtualCard, vpcd_port
from app.domain import cardformat
from db.models import CounterTransaction
from tests import card_crash_worker
from tests.card_support import FINISH_STEPS, KEY, WatchedChip, issue_step, opening_request
from tests.pcsc_fixtures import PcscStack
from tests.support import m3

pytestmark = [pytest.mark.pcsc, pytest.mark.parametrize("backend", ["sqlite"])]


# The dying counter works at the second slot, the counter after it at the station's (the
# first). pcscd sees a card come or go only at its next poll of the reader (every 400 ms), so
# each wait for it costs a poll: a card pulled from one slot is seen gone at the same poll that
# sees the next card go into the other slot, and that removal is checked after the insertion
# (``_left``) instead of waited for on its own.
KILL_SLOT = 1
KILL_READER = PcscStack.reader_name(KILL_SLOT)


def _left(reader: str) -> None:
    """pcscd has seen the card pulled from ``reader``."""
    from app.devices.pcsc import wait_for_card

    assert wait_for_card(reader, present=False)


class KillingCard(VirtualCard):
    """Kills the counter process when the sale's card write arrives, then lands it or not."""

    def __init__(self, chip, victim: list[int], land: bool):  # type: ignore[no-untyped-def]
        super().__init__(chip, port=vpcd_port(KILL_SLOT))
        self.victim = victim
        self.land = land

    def _apdu(self, apdu: bytes) -> bytes | None:
        is_sale_write = apdu[:2] == b"\xff\xd0" and apdu[3] >= cardformat.COUNT.start
        if is_sale_write and self.victim:
            os.kill(self.victim[0], signal.SIGKILL)
            if not self.land:
                return None  # pulled before it landed
        return super()._apdu(apdu)


class KillingIssueCard(VirtualCard):
    """Kills the counter process when the chosen step of a card issue arrives (``issue_step``),
    then lands it (the card answers a process that is gone) or is pulled before it lands."""

    def __init__(self, chip, victim: list[int], step: str, land: bool, slot: int):  # type: ignore[no-untyped-def]
        super().__init__(chip, port=vpcd_port(slot))
        self.victim, self.step, self.land = victim, step, land

    def _apdu(self, apdu: bytes) -> bytes | None:
        if self.victim and self.step is not None and issue_step(apdu) == self.step:
            self.step = None
            os.kill(self.victim[0], signal.SIGKILL)
            if not self.land:
                return None
        return super()._apdu(apdu)


def run_counter(hall, database, tmp_path, step: str, victim: list[int], reader: str, **operation):  # type: ignore[no-untyped-def]
    """Run one counter process on the card in ``reader``; (its exit code, its output)."""
    job = {
        "die": step,
        "db_url": database.url,
        "reader": reader,
        "when": hall.clock().isoformat(),
        "actor": [hall.users["lina"], hall.counter_id],
        "request_id": str(uuid.uuid4()),
        "volume": m3(30),
        **operation,
    }
    output = tmp_path / f"counter-{job['request_id']}.log"
    process = card_crash_worker.start(job, str(output))
    victim.append(process.pid)
    process.join(timeout=60)
    if process.exitcode is None:
        process.kill()
        process.join()
        raise AssertionError(f"the counter process hung: {output.read_text()}")
    return process.exitcode, output.read_text()


@pytest.mark.parametrize(
    ("step", "landed"),
    [
        ("after_pending", False),
        ("mid_write_lost", False),
        ("mid_write_landed", True),
        ("after_write", True),
    ],
)
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_kill_at_each_step_settles_exactly_once(
    hall, database, station, virtual_card, tmp_path, step, landed
):
    from tests.card_support import opening_request

    chip = Sle4442.blank()
    station.insert(chip)
    opened = station.counter(hall.ctx).open_account(hall.clerk, opening_request())
    station.remove()

    victim: list[int] = []
    if step.startswith("mid_write"):
        card = KillingCard(chip, victim, land=step.endswith("landed"))
    else:
        card = VirtualCard(chip, port=vpcd_port(KILL_SLOT))
    card.insert()
    from app.devices.pcsc import wait_for_card

    assert wait_for_card(KILL_READER, present=True)
    worker_step = step if not step.startswith("mid_write") else "none"
    code, output = run_counter(hall, database, tmp_path, worker_step, victim, KILL_READER)
    assert code == -signal.SIGKILL, output  # the counter really died
    card.remove()
    assert (cardformat.parse(bytes(chip.memory), KEY).purchase_count == 1) is landed

    # the counter restarts: the card is read and decides the sale
    station.insert(chip)
    _left(KILL_READER)
    counter = station.counter(hall.ctx)
    settlement = counter.read(hall.clerk).settlement
    assert settlement.outcome == ("completed" if landed else "voided")
    assert counter.read(hall.clerk).settlement is None  # settled once, never again
    with hall.ctx.reading() as s:
        kinds = list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))
        money = s.scalar(select(func.sum(CounterTransaction.amount_fen)))
    assert kinds == ["opening", "purchase"] + ([] if landed else ["void"])
    assert money == (7830 if landed else 0)  # 30 m³ × 2.61 only when the gas is on the card

    station.remove()
    meter = GasMeterSimulator(opened.meter_no, KEY)
    meter.insert(chip)
    meter.insert(chip)
    assert meter.credited_total == (m3(30) if landed else 0)  # never a double credit


def _kill_during_issue(hall, database, tmp_path, chip, step, land, slot=KILL_SLOT, **operation):  # type: ignore[no-untyped-def]
    """Run a counter process on ``chip`` in ``slot`` and SIGKILL it at ``step`` (see
    KillingIssueCard), then pull the card; returns the reader, for ``_left`` once the next
    card is in."""
    from app.devices.pcsc import wait_for_card

    reader = PcscStack.reader_name(slot)
    victim: list[int] = []
    card = KillingIssueCard(chip, victim, step, land, slot)
    card.insert()
    assert wait_for_card(reader, present=True)
    code, output = run_counter(hall, database, tmp_path, "none", victim, reader, **operation)
    assert code == -signal.SIGKILL, output  # the counter really died, at that step
    assert card.step is None, output
    card.remove()
    return reader


def _assert_finished_and_sellable(hall, station, chip, serial):  # type: ignore[no-untyped-def]
    assert chip.psc == KEY.psc(serial)
    assert all(chip.protected(i) for i in range(cardformat.PROTECTED_SIZE))
    assert chip.tries_left == 3
    # never a wrong PSC on a card with a used try; one only where the card cannot tell
    assert all(tries == 3 for right, tries in chip.presented if not right), chip.presented
    assert chip.wrong_presentations <= 1
    sold = station.counter(hall.ctx).sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert sold.settlement.outcome == "completed"
    assert chip.tries_left == 3


# every step of an issue, the PSC change and the steps next to it both lost and landed
ISSUE_KILLS = [
    ("present_factory", False),
    ("data", False),
    ("data", True),
    ("meter_area", True),
    ("mac", True),
    ("stage_changing", True),
    ("change_psc", False),
    ("change_psc", True),
    ("stage_changed", False),
    ("stage_changed", True),
    ("protect", False),
    ("protect", True),
    ("stage_done", False),
]


@pytest.mark.parametrize(("step", "land"), ISSUE_KILLS)
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_kill_at_each_issue_step_the_next_read_finishes_the_card(
    hall, database, station, virtual_card, tmp_path, step, land
):
    """开户 killed by SIGKILL at each APDU of the issue: the next read (or, if the card was
    still blank, the clerk's retry) ends with an issued, sellable card, no try lost, no money."""
    request_id = uuid.uuid4()
    chip = WatchedChip.blank()
    job = {"operation": "open", "n": 3, "request_id": str(request_id)}
    left = _kill_during_issue(hall, database, tmp_path, chip, step, land, **job)
    wrong = 1 if (step, land) in {("stage_changing", True), ("change_psc", False)} else 0
    assert chip.wrong_presentations == 0  # the dying counter presented only the factory PSC

    station.insert(chip)
    _left(left)
    counter = station.counter(hall.ctx)
    at = counter.read(hall.clerk)
    request = dataclasses.replace(opening_request(n=3), request_id=request_id)
    if at.image is None:  # killed before anything landed: a blank card, the retry issues it
        assert cardformat.is_blank(bytes(chip.memory))
        counter.open_account(hall.clerk, request)
        at = counter.read(hall.clerk)
    assert at.image.serial == request.card_serial
    _assert_finished_and_sellable(hall, station, chip, request.card_serial)
    assert chip.wrong_presentations == wrong, chip.presented
    with hall.ctx.reading() as s:
        kinds = list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))
        money = s.scalar(select(func.sum(CounterTransaction.amount_fen)))
    assert kinds == ["opening", "purchase"]
    assert money == 2610  # the 10 m³ sold on the finished card, nothing else


@pytest.mark.parametrize(("step", "land"), [("change_psc", False), ("change_psc", True)])
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_kill_during_a_replacement_issue_the_next_read_finishes_the_card(
    hall, database, station, virtual_card, tmp_path, step, land
):
    chip = Sle4442.blank()
    station.insert(chip)
    opened = station.counter(hall.ctx).open_account(hall.clerk, opening_request())
    station.remove()

    new_chip = WatchedChip.blank()
    operation = {"account_no": opened.account_no, "new_serial": "SLE9000001"}
    left = _kill_during_issue(
        hall, database, tmp_path, new_chip, step, land, operation="replace", **operation
    )
    station.insert(new_chip)
    _left(left)
    at = station.counter(hall.ctx).read(hall.clerk)
    assert (at.image.serial, at.image.account_no) == ("SLE9000001", opened.account_no)
    _assert_finished_and_sellable(hall, station, new_chip, "SLE9000001")


# the finish of each unknown state a killed issue leaves, killed at each of its APDUs; with the
# factory PSC on the card the finish asks with the derived PSC, is refused, presents the factory
# PSC and issues: "present_factory" landed is the kill between the two presentations
UNKNOWN_STARTS = {"factory_psc": ("stage_changing", True), "derived_psc": ("change_psc", True)}
FINISH_KILLS = [
    ("factory_psc", "present_derived", True),
    ("factory_psc", "present_factory", False),
    ("factory_psc", "present_factory", True),
    *(("factory_psc", step, land) for step in FINISH_STEPS[2:] for land in (False, True)),
    ("derived_psc", "present_derived", True),
    ("derived_psc", "stage_changed", True),
    ("derived_psc", "protect", False),
    ("derived_psc", "protect", True),
]


@pytest.mark.parametrize(("start", "step", "land"), FINISH_KILLS)
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_kill_at_each_step_of_a_finish_the_next_read_finishes_the_card(
    hall, database, station, virtual_card, tmp_path, start, step, land
):
    """开户 killed in the unknown state, then the read that finishes the card killed by SIGKILL
    at each APDU of the finish: the next read ends with an issued, sellable card with 3 tries,
    no wrong PSC presented with a try used, and no money or gas moved but the sale after."""
    request_id = uuid.uuid4()
    chip = WatchedChip.blank()
    job = {"operation": "open", "n": 3, "request_id": str(request_id)}
    # the two counters in turn in the two slots, then the station in the first one's again
    first = _kill_during_issue(
        hall, database, tmp_path, chip, *UNKNOWN_STARTS[start], slot=0, **job
    )
    assert cardformat.issue_progress(bytes(chip.memory), b"\xff" * 4, KEY) == "unknown"
    second = _kill_during_issue(hall, database, tmp_path, chip, step, land, operation="read")
    _left(first)
    if (start, step, land) == ("factory_psc", "present_derived", True):
        assert chip.tries_left == 2  # killed between the refused derived PSC and the factory one

    station.insert(chip)
    _left(second)
    serial = opening_request(n=3).card_serial
    assert station.counter(hall.ctx).read(hall.clerk).image.serial == serial
    _assert_finished_and_sellable_after_finish(hall, station, chip, serial)
    with hall.ctx.reading() as s:
        kinds = list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))
        money = s.scalar(select(func.sum(CounterTransaction.amount_fen)))
    assert kinds == ["opening", "purchase"]
    assert money == 2610  # the 10 m³ sold on the finished card, nothing else
    station.remove()
    meter = GasMeterSimulator(opening_request(n=3).meter_no, KEY)
    meter.insert(chip)
    meter.insert(chip)
    assert meter.credited_total == m3(10)  # the sale's gas, once


def _assert_finished_and_sellable_after_finish(hall, station, chip, serial):  # type: ignore[no-untyped-def]
    """As ``_assert_finished_and_sellable``; a finish killed after the factory PSC was accepted
    asks the chip again (the state still proves nothing), so up to two wrong presentations,
    each of the derived PSC to a card with all its tries."""
    assert chip.psc == KEY.psc(serial)
    assert all(chip.protected(i) for i in range(cardformat.PROTECTED_SIZE))
    assert chip.memory[cardformat.ISSUE_STAGE] == cardformat.STAGE_DONE
    assert chip.tries_left == 3
    assert all(tries == 3 for right, tries in chip.presented if not right), chip.presented
    assert chip.wrong_presentations <= 2, chip.presented
    sold = station.counter(hall.ctx).sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert sold.settlement.outcome == "completed"
    assert chip.tries_left == 3
