"""Card operations end to end: in-process chip and the real stack (pyscard → pcscd → vpcd).

Covers issue, purchase, meter load, second purchase, refund before and after loading,
replacement with the count carried forward, the old card refused, and the refusals of foreign,
edited, locked and PSC-tried cards. Runs on SQLite; the service layer is tested on both
databases elsewhere.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from app.devices.cardreader import CardLocked, PscTriesUsed
from app.devices.meter import GasMeterSimulator
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.errors import RuleViolation
from app.services.card_counter import SaleUnsettled, SaleVoided
from app.services.cards import ReplaceCardRequest
from app.services.common import ApprovalInput
from app.services.queries import tier_usage
from db.models import CardWriteOutcome, CounterTransaction
from tests.card_support import KEY, foreign_card, opening_request
from tests.support import buy, m3

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def issue(hall, station, n=1, **customer):
    chip = Sle4442.blank()
    station.insert(chip)
    opened = station.counter(hall.ctx).open_account(hall.clerk, opening_request(n=n, **customer))
    return opened, chip


def approvals(hall):
    return (ApprovalInput(hall.users["admin"], "同意"),)


def test_issue_purchase_load_and_buy_again(hall, station):
    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    at_counter = counter.read(hall.clerk)
    assert at_counter.image.serial == opened.card_serial
    assert at_counter.account.summary.account_no == opened.account_no
    assert chip.protected(0) and chip.protected(31) and not chip.protected(32)
    assert chip.psc == KEY.psc(opened.card_serial)

    sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(200), cash_tendered_fen=60000)
    assert (sold.sale.amount_fen, sold.sale.change_fen) == (52200, 7800)
    assert sold.settlement.outcome == "completed"
    image = cardformat.parse(bytes(chip.memory), KEY)
    assert (image.purchase_count, image.pending_volume) == (1, m3(200))

    with pytest.raises(RuleViolation) as error:  # not loaded yet: 购气卡未插表
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert "未插表" in error.value.user_message

    station.remove()
    meter = GasMeterSimulator(opened.meter_no, KEY)
    assert meter.insert(chip).outcome == "loaded"
    assert meter.insert(chip).outcome == "nothing_new"  # re-inserting never credits twice
    assert meter.credited_total == m3(200)
    meter.use_gas(m3(12))
    meter.insert(chip)

    station.insert(chip)
    back = counter.read(hall.clerk)
    assert (back.image.remaining_volume, back.image.cumulative_volume) == (m3(188), m3(12))
    second = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))
    assert second.sale.purchase_count == 2
    station.remove()
    assert meter.insert(chip).credited == m3(30)
    assert meter.loads == [(1, m3(200)), (2, m3(30))]


def test_refund_before_loading_clears_the_card(hall, station):
    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(50))
    back = counter.refund(hall.clerk, uuid.uuid4(), "客户退气", approvals(hall))
    assert back.sale.amount_fen == -13050
    image = cardformat.parse(bytes(chip.memory), KEY)
    assert (image.purchase_count, image.pending_volume) == (0, 0)
    assert tier_usage(hall.ctx, opened.account_no).total_used == 0
    station.remove()
    meter = GasMeterSimulator(opened.meter_no, KEY)
    assert meter.insert(chip).outcome == "nothing_new"
    assert meter.credited_total == 0


def test_refund_after_loading_is_refused(hall, station):
    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(50))
    station.remove()
    GasMeterSimulator(opened.meter_no, KEY).insert(chip)
    station.insert(chip)
    before = chip.memory[:]
    with pytest.raises(RuleViolation) as error:
        counter.refund(hall.clerk, uuid.uuid4(), "客户退气", approvals(hall))
    assert "已插表" in error.value.user_message
    assert chip.memory == before


def test_replacement_carries_the_count_and_the_old_card_is_refused(hall, station):
    opened, old_chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(40))
    station.remove()
    meter = GasMeterSimulator(opened.meter_no, KEY)
    meter.insert(old_chip)

    new_chip = Sle4442.blank()
    station.insert(new_chip)
    counter.replace(
        hall.clerk, ReplaceCardRequest(uuid.uuid4(), opened.account_no, "SLE9000001", "lost")
    )
    image = cardformat.parse(bytes(new_chip.memory), KEY)
    assert (image.serial, image.purchase_count) == ("SLE9000001", 1)

    station.insert(old_chip)
    with pytest.raises(RuleViolation) as error:
        counter.read(hall.clerk)
    assert "黑名单" in error.value.user_message

    station.insert(new_chip)
    sale = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert sale.sale.purchase_count == 2
    station.remove()
    assert meter.insert(new_chip).credited == m3(10)


def test_foreign_edited_locked_and_tried_cards_are_refused(hall, station):
    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)

    station.insert(foreign_card())
    with pytest.raises(cardformat.ForeignCard):
        counter.read(hall.clerk)

    edited = Sle4442(bytes(chip.memory), psc=chip.psc)
    edited.memory[cardformat.PENDING.start + 3] ^= 0x40  # someone added gas by hand
    station.insert(edited)
    with pytest.raises(cardformat.MacMismatch):
        counter.read(hall.clerk)

    station.insert(Sle4442(bytes(chip.memory), psc=chip.psc, tries_left=0))
    with pytest.raises(CardLocked):
        counter.read(hall.clerk)

    tried = Sle4442(bytes(chip.memory), psc=chip.psc, tries_left=2)
    station.insert(tried)
    with pytest.raises(PscTriesUsed):
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert tried.tries_left == 2  # no PSC was presented
    with hall.ctx.reading() as s:
        assert s.scalar(select(func.count()).where(CounterTransaction.kind == "purchase")) == 0


def test_blank_card_reads_as_blank(hall, station):
    station.insert(Sle4442.blank())
    assert station.counter(hall.ctx).read(hall.clerk).image is None


# On a freshly inserted card a sale sends: select card type, full read, error counter, PSC, write.
SALE_WRITE_APDU = 5


@pytest.mark.pcsc
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_card_pulled_before_the_write_voids_the_sale(hall, station):
    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    station.insert(chip, drop_before_apdu=SALE_WRITE_APDU)
    with pytest.raises(SaleUnsettled) as error:
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))
    assert "重新插卡" in error.value.user_message
    assert station.card.apdu_log[-1][:2] == b"\xff\xd0"  # it was the write that was cut
    assert cardformat.parse(bytes(chip.memory), KEY).purchase_count == 0  # not landed

    with pytest.raises(RuleViolation) as blocked:  # nothing else on this account until settled
        buy(hall, opened.card_serial, volume=m3(10))
    assert "未确认" in blocked.value.user_message

    station.insert(chip)
    settled = counter.read(hall.clerk).settlement
    assert settled.outcome == "voided"
    assert settled.void.amount_fen == -settled.sale.amount_fen == -7830
    assert tier_usage(hall.ctx, opened.account_no).total_used == 0
    again = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))  # the customer buys again
    assert again.sale.purchase_count == 1


@pytest.mark.pcsc
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_card_pulled_after_the_write_landed_completes_the_sale(hall, station):
    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    station.insert(chip, drop_after_apdu=SALE_WRITE_APDU)  # the write lands, its answer is lost
    with pytest.raises(SaleUnsettled):
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))
    assert cardformat.parse(bytes(chip.memory), KEY).purchase_count == 1  # landed
    station.insert(chip)
    settled = counter.read(hall.clerk).settlement
    assert (settled.outcome, settled.void) == ("completed", None)
    with hall.ctx.reading() as s:
        assert s.scalar(select(CardWriteOutcome.evidence)) == "card_count"
    station.remove()
    assert GasMeterSimulator(opened.meter_no, KEY).insert(chip).credited == m3(30)


@pytest.mark.pcsc
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_write_ignored_by_the_card_is_caught_by_the_read_back(hall, station):
    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    station.insert(chip, ignore_writes=True)
    with pytest.raises(SaleVoided) as error:
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))
    assert "退还客户 78.30 元" in error.value.user_message
    assert cardformat.parse(bytes(chip.memory), KEY).purchase_count == 0
