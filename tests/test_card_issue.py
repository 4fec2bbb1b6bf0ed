"""A card issue interrupted at each of its steps (in-process chip; kill -9 on the real stack is
in tests/test_card_crash.py): the next read finishes it, the card ends issued and sellable, no
PSC try is lost, and no money or gas moves.
"""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from app.counter.cards import CardOperations
from app.devices.cardreader import ChipTransport, GasCardReader
from app.devices.meter import GasMeterSimulator
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.services.cards import ReplaceCardRequest
from db.models import AuditEntry, CounterTransaction
from tests.card_support import (
    FINISH_STEPS,
    ISSUE_STEPS,
    KEY,
    WatchedChip,
    issue_step,
    opening_request,
)
from tests.support import m3

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

# interrupted there, the card still holds the factory PSC with nothing that proves it is not
# the derived one: the chip is asked once (derived PSC refused, factory then accepted)
PSC_ASKED_AND_REFUSED = {("stage_changing", True), ("change_psc", False)}


class Killed(BaseException):
    """The counter process died: nothing after this runs (not even ``except Exception``)."""


class DyingTransport(ChipTransport):
    """An in-process reader whose counter dies when the chosen issue step reaches the card,
    after the card processed it (``land``) or before."""

    def __init__(self, chip, step: str, land: bool):  # type: ignore[no-untyped-def]
        super().__init__(chip)
        self.step, self.land = step, land

    def transmit(self, apdu: bytes) -> bytes:
        if self.step is not None and issue_step(apdu) == self.step:
            self.step = None
            if self.land:
                super().transmit(apdu)
            self.chip.power_off()  # the process is gone: its PSC session ends with it
            raise Killed(self.step)
        return super().transmit(apdu)


def fresh_counter(hall, chip) -> CardOperations:  # type: ignore[no-untyped-def]
    """The counter restarted: a new reader session on the same card."""
    return CardOperations(hall.ctx, GasCardReader(ChipTransport(chip), KEY))


def audited_finishes(hall) -> int:  # type: ignore[no-untyped-def]
    with hall.ctx.reading() as s:
        query = select(func.count()).where(AuditEntry.kind == "card_issue_completed")
        return s.scalar(query)


def assert_issued_and_sellable(hall, chip, serial, account_no, meter=None):  # type: ignore[no-untyped-def]
    assert chip.psc == KEY.psc(serial)
    assert all(chip.protected(i) for i in range(cardformat.PROTECTED_SIZE))
    assert chip.memory[cardformat.ISSUE_STAGE] == cardformat.STAGE_DONE
    assert chip.tries_left == 3
    if meter is not None:  # a replacement carries the unloaded purchase: the meter takes it
        meter.insert(chip)
    counter = fresh_counter(hall, chip)
    at = counter.read(hall.clerk)
    assert (at.image.serial, at.image.account_no) == (serial, account_no)
    sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert sold.settlement.outcome == "completed"
    assert cardformat.parse(bytes(chip.memory), KEY).pending_volume == m3(10)
    assert chip.tries_left == 3


@pytest.mark.parametrize("land", [False, True], ids=["lost", "landed"])
@pytest.mark.parametrize("step", ISSUE_STEPS)
def test_an_opening_interrupted_at_any_issue_step_is_finished_by_the_next_read(hall, step, land):
    chip = WatchedChip.blank()
    request = opening_request(n=3)
    dying = CardOperations(hall.ctx, GasCardReader(DyingTransport(chip, step, land), KEY))
    with pytest.raises(Killed):
        dying.open_account(hall.clerk, request)

    counter = fresh_counter(hall, chip)
    at = counter.read(hall.clerk)  # the first read after the restart
    # finished by that read (and audited) unless it never got past the blank card
    done = at.image is None or (step, land) == ("stage_done", True)
    assert audited_finishes(hall) == (0 if done else 1)
    if at.image is None:
        # stopped before anything was written: still a blank card, the clerk's retry issues it
        assert cardformat.is_blank(bytes(chip.memory))
        counter.open_account(hall.clerk, request)
        at = counter.read(hall.clerk)
    account_no = at.account.summary.account_no
    assert at.image.serial == request.card_serial
    assert_issued_and_sellable(hall, chip, request.card_serial, account_no)

    # the card's error counter never lost a try for good, and a wrong PSC was presented only
    # where the card's state cannot prove which PSC it holds, once, never with a try used (the
    # factory PSC presented right after it is then certain, and gives the try back)
    wrong = 1 if (step, land) in PSC_ASKED_AND_REFUSED else 0
    assert chip.wrong_presentations == wrong, chip.presented
    assert all(tries == 3 for right, tries in chip.presented if not right)
    with hall.ctx.reading() as s:
        kinds = list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))
        money = s.scalar(select(func.sum(CounterTransaction.amount_fen)))
    assert kinds == ["opening", "purchase"]  # one opening, and the sale made afterwards
    assert money == 2610  # only the 10 m³ sold after the issue was finished


@pytest.mark.parametrize(
    ("step", "land"),
    [("mac", True), ("change_psc", False), ("change_psc", True), ("protect", False)],
)
def test_a_replacement_interrupted_mid_issue_is_finished_by_the_next_read(hall, step, land):
    from tests.card_support import Station
    from tests.test_card_counter import issue as open_with_card

    station = Station("inprocess")
    opened, old_chip = open_with_card(hall, station)
    station.counter(hall.ctx).sell(hall.clerk, uuid.uuid4(), volume=m3(40))
    station.remove()

    chip = WatchedChip.blank()
    dying = CardOperations(hall.ctx, GasCardReader(DyingTransport(chip, step, land), KEY))
    request = ReplaceCardRequest(uuid.uuid4(), opened.account_no, "SLE9000001", "lost")
    with pytest.raises(Killed):
        dying.replace(hall.clerk, request)

    before = audited_finishes(hall)
    at = fresh_counter(hall, chip).read(hall.clerk)
    assert (at.image.serial, at.image.purchase_count) == ("SLE9000001", 1)
    assert at.image.pending_volume == m3(40)  # the unloaded purchase carried forward
    assert audited_finishes(hall) == before + 1
    meter = GasMeterSimulator(opened.meter_no, KEY)
    assert_issued_and_sellable(hall, chip, "SLE9000001", opened.account_no, meter)
    assert meter.credited_total == m3(40)  # the purchase the lost card never brought, once
    assert all(tries == 3 for right, tries in chip.presented if not right)


def test_a_card_an_old_issue_left_with_the_factory_psc_is_not_bricked(hall):
    """The case of the issue: data and MAC written, the PSC change never happened, no bytes
    protected (what the issue wrote before the stage byte). Formerly the first sale presented
    the derived PSC, burnt a try, and the card was refused for ever after."""
    request = opening_request(n=5)
    station_chip = Sle4442.blank()
    counter = fresh_counter(hall, station_chip)
    opened = counter.open_account(hall.clerk, request)
    # the same image on a card whose issue stopped at the PSC change, as the old order left it
    memory = bytearray(station_chip.memory)
    chip = WatchedChip(bytes(memory))  # factory PSC, nothing protected, stage byte 00
    assert cardformat.issue_progress(bytes(chip.memory), b"\xff" * 4, KEY) == "unknown"

    counter = fresh_counter(hall, chip)
    at = counter.read(hall.clerk)
    assert at.image.serial == opened.card_serial
    assert_issued_and_sellable(hall, chip, opened.card_serial, opened.account_no)
    assert audited_finishes(hall) == 1
    assert chip.wrong_presentations <= 1 and chip.tries_left == 3


def _old_unfinished_card(hall, n: int, tries_left: int, stage: int = cardformat.STAGE_DONE):  # type: ignore[no-untyped-def]
    """An account opened on another card, and a card of it as an interrupted issue left it:
    data and MAC written, nothing protected, factory PSC, ``tries_left`` tries."""
    opened = fresh_counter(hall, Sle4442.blank()).open_account(hall.clerk, opening_request(n=n))
    memory = bytearray(
        cardformat.issued(
            Sle4442.blank().memory,
            KEY,
            serial=opened.card_serial,
            account_no=opened.account_no,
            meter_no=opened.meter_no,
            purchase_count=0,
        )
    )
    memory[cardformat.ISSUE_STAGE] = stage  # outside the MAC: the MAC stays valid
    return opened, WatchedChip(bytes(memory), tries_left=tries_left)


@pytest.mark.parametrize("stage", [cardformat.STAGE_DONE, cardformat.STAGE_PSC_CHANGING])
def test_an_unknown_unfinished_card_with_one_refused_derived_psc_is_finished(hall, stage):
    """Unknown state (nothing protected, stage 00 of an old issue or 5A) with exactly one try
    used: only a refused derived PSC leaves a card so (an old sale, or a finish killed between
    its two presentations), so the factory PSC is presented and the issue finished."""
    opened, card = _old_unfinished_card(hall, n=6, tries_left=2, stage=stage)
    at = fresh_counter(hall, card).read(hall.clerk)
    assert at.image.serial == opened.card_serial
    assert card.presented == [(True, 2)]  # the factory PSC only, which gave the try back
    assert_issued_and_sellable(hall, card, opened.card_serial, opened.account_no)
    with hall.ctx.reading() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.kind == "card_issue_completed"))
        assert [json.loads(e.data)["psc_by"] for e in entry] == ["refused_before"]


@pytest.mark.parametrize(
    ("stage", "tries_left", "psc"),
    [
        (cardformat.STAGE_DONE, 1, None),  # unknown, two tries used: nothing proves enough
        (cardformat.STAGE_PSC_CHANGING, 1, None),
        (cardformat.STAGE_PSC_FACTORY, 2, None),  # factory by its state, but a try was used
        (cardformat.STAGE_PSC_CHANGED, 2, "derived"),  # derived by its state, a try used
    ],
)
def test_an_unfinished_card_with_a_try_its_state_does_not_explain_is_refused(
    hall, stage, tries_left, psc
):
    from app.devices.cardreader import PscTriesUsed

    opened, card = _old_unfinished_card(hall, n=7, tries_left=tries_left, stage=stage)
    if psc == "derived":
        card = WatchedChip(bytes(card.memory), psc=KEY.psc(opened.card_serial), tries_left=2)
    for _ in range(2):  # refused every time, never asked
        with pytest.raises(PscTriesUsed) as error:
            fresh_counter(hall, card).read(hall.clerk)
        assert "联系班长" in error.value.user_message
    assert card.presented == [] and card.tries_left == tries_left
    assert audited_finishes(hall) == 0


# the two unknown states a killed issue leaves, and the issue step that leaves each
UNKNOWN_STARTS = {"factory_psc": ("stage_changing", True), "derived_psc": ("change_psc", True)}
FINISH_KILLS = [("factory_psc", step, land) for step in FINISH_STEPS for land in (False, True)] + [
    ("derived_psc", step, land)
    for step in ("present_derived", "stage_changed", "protect", "stage_done")
    for land in (False, True)
]


@pytest.mark.parametrize(("start", "step", "land"), FINISH_KILLS)
def test_a_finish_interrupted_at_any_step_is_finished_by_the_next_read(hall, start, step, land):
    """The finish of an unknown-state card killed at each of its APDUs (lost or landed),
    between the derived PSC's refusal and the factory PSC among them: the next read finishes
    the card with 3 tries, never presents a wrong PSC with a try used, and moves no money."""
    chip = WatchedChip.blank()
    request = opening_request(n=3)
    issue_step_, issue_land = UNKNOWN_STARTS[start]
    dying = CardOperations(
        hall.ctx, GasCardReader(DyingTransport(chip, issue_step_, issue_land), KEY)
    )
    with pytest.raises(Killed):
        dying.open_account(hall.clerk, request)
    assert cardformat.issue_progress(bytes(chip.memory), b"\xff" * 4, KEY) == "unknown"

    finishing = CardOperations(hall.ctx, GasCardReader(DyingTransport(chip, step, land), KEY))
    try:
        finishing.read(hall.clerk)
        killed = False
    except Killed:
        killed = True
    if (start, step) not in {("derived_psc", "present_derived")} and step != "stage_done":
        assert killed, chip.presented  # the finish really reached that step

    at = fresh_counter(hall, chip).read(hall.clerk)
    assert at.image.serial == request.card_serial
    assert_issued_and_sellable(hall, chip, request.card_serial, at.account.summary.account_no)
    # wrong PSCs: the derived one, asked of a card with all its tries, and none after a refusal
    assert all(tries == 3 for right, tries in chip.presented if not right), chip.presented
    assert chip.wrong_presentations <= 2, chip.presented
    with hall.ctx.reading() as s:
        kinds = list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))
        money = s.scalar(select(func.sum(CounterTransaction.amount_fen)))
    assert kinds == ["opening", "purchase"]
    assert money == 2610


def test_an_unfinished_card_not_in_the_records_is_refused_and_not_touched(hall):
    from app.errors import RuleViolation

    memory = cardformat.issued(
        Sle4442.blank().memory,
        KEY,
        serial="SLE7777777",
        account_no="0000099999",
        meter_no="M-1",
        purchase_count=0,
    )
    card = WatchedChip(memory)
    with pytest.raises(RuleViolation) as error:
        fresh_counter(hall, card).read(hall.clerk)
    assert "发卡未完成" in error.value.user_message
    assert card.presented == [] and card.tries_left == 3


def test_an_unprotected_card_without_our_mac_is_never_asked_for_a_psc(hall):
    """A card that looks half-issued past its data but whose MAC is not ours (written outside
    GasDesk) is refused as edited; no PSC is presented to it."""
    from app.domain.cardformat import MacMismatch

    opened = fresh_counter(hall, Sle4442.blank()).open_account(hall.clerk, opening_request(n=8))
    memory = bytearray(
        cardformat.issued(
            Sle4442.blank().memory,
            KEY,
            serial=opened.card_serial,
            account_no=opened.account_no,
            meter_no=opened.meter_no,
            purchase_count=0,
        )
    )
    memory[cardformat.ISSUE_STAGE] = cardformat.STAGE_PSC_CHANGING
    memory[cardformat.MAC] = bytes(8)
    card = WatchedChip(bytes(memory), psc=b"\x12\x34\x56")
    with pytest.raises(MacMismatch):
        fresh_counter(hall, card).read(hall.clerk)
    assert card.presented == [] and card.tries_left == 3
