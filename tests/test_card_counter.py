"""Card operations end to end: in-process chip and the real stack (pyscard → pcscd → vpcd).

Covers issue, purchase, meter load, second purchase, refund before and after loading,
replacement with the count carried forward, the old card refused, and the refusals of foreign,
edited, locked and PSC-tried cards. Runs on SQLite; the service layer is tested on both
databases elsewhere.
"""

from __future__ import annotations

import uuid

import pytest

from app.counter.cards import SaleVoided
from app.devices.meter import GasMeterSimulator
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.errors import RuleViolation
from app.services.cards import ReplaceCardRequest
from app.services.queries import tier_usage
from app.services.security import ApprovalInput
from tests.card_support import KEY, opening_request
from tests.support import PASSWORD, m3

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def issue(hall, station, n=1, **customer):
    chip = Sle4442.blank()
    station.insert(chip)
    opened = station.counter(hall.ctx).open_account(hall.clerk, opening_request(n=n, **customer))
    return opened, chip


def approvals(hall):
    return (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)


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
    assert tier_usage(hall.ctx, hall.clerk, opened.account_no).total_used == 0
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

    # the new card carries purchase 1 as pending; the meter already has it: nothing new
    assert meter.insert(new_chip).outcome == "nothing_new"
    station.insert(new_chip)
    sale = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert sale.sale.purchase_count == 2
    station.remove()
    assert meter.insert(new_chip).credited == m3(10)
    assert meter.credited_total == m3(50)


def test_lost_card_with_an_unloaded_purchase_loses_no_gas_and_makes_none(hall, station):
    opened, old_chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    counter.sell(hall.clerk, uuid.uuid4(), volume=m3(40))  # never reached the meter: card lost
    new_chip = Sle4442.blank()
    station.insert(new_chip)
    counter.replace(
        hall.clerk, ReplaceCardRequest(uuid.uuid4(), opened.account_no, "SLE9000002", "lost")
    )
    station.remove()
    meter = GasMeterSimulator(opened.meter_no, KEY)
    assert meter.insert(new_chip).credited == m3(40)  # the paid gas arrives with the new card
    assert meter.insert(old_chip).credited == 0  # the old card, found again, adds nothing
    assert meter.credited_total == m3(40)
    station.insert(new_chip)
    with pytest.raises(RuleViolation):  # the purchase was written on the old card
        counter.refund(hall.clerk, uuid.uuid4(), "退气", approvals(hall))
    assert counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10)).sale.purchase_count == 2


def test_retry_with_another_customers_card_writes_nothing(hall, station):
    opened_a, chip_a = issue(hall, station, n=1)
    opened_b, chip_b = issue(hall, station, n=2, name="王强")
    counter = station.counter(hall.ctx)
    request = uuid.uuid4()
    pending_on_card(hall, chip_a, m3(30), request)  # A's sale: committed, write interrupted
    before_b = bytes(chip_b.memory)
    station.insert(chip_b)  # the clerk retries the same submit with B's card in the reader
    with pytest.raises(RuleViolation) as error:
        counter.sell(hall.clerk, request, volume=m3(30))
    assert opened_a.card_serial in error.value.user_message
    assert bytes(chip_b.memory) == before_b


def pending_on_card(hall, chip, volume, request=None):  # type: ignore[no-untyped-def]
    """A sale on ``chip``'s account committed PENDING whose card write never happened."""
    from app.counter.cards import reading_of
    from app.services.sales import PurchaseRequest, purchase

    image = cardformat.parse(bytes(chip.memory), KEY)
    req = PurchaseRequest(
        request or uuid.uuid4(), image.serial, volume, card=reading_of(image), writes_card=True
    )
    return purchase(hall.ctx, hall.clerk, req)


def test_an_earlier_void_found_when_starting_a_new_sale_is_shown(hall, station):
    from app.counter.cards import EarlierSaleCompleted

    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    pending_on_card(hall, chip, m3(30))
    with pytest.raises(SaleVoided) as voided:
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert "退还客户 78.30 元" in voided.value.user_message

    done = pending_on_card(hall, chip, m3(20))  # this time the write did land on the card
    chip.memory[:] = cardformat.with_purchase(
        bytes(chip.memory), KEY, done.purchase_count, done.volume
    )
    station.insert(chip)
    with pytest.raises(EarlierSaleCompleted) as completed:
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert done.receipt_no in completed.value.user_message


def test_a_card_left_in_the_reader_is_settled_at_start_up(hall, station):
    opened, chip = issue(hall, station)
    pending_on_card(hall, chip, m3(30))  # the counter died before writing the card
    counter = station.counter(hall.ctx)
    settled = counter.settle_inserted(hall.clerk)
    assert settled.outcome == "voided" and settled.void.amount_fen == -7830
    assert counter.settle_inserted(hall.clerk) is None  # nothing pending any more
    station.remove()
    assert counter.settle_inserted(hall.clerk) is None  # no card in the reader


def test_card_sales_go_through_the_shift_and_a_void_gives_the_cash_back(hall, station):
    """Real card stack too: a WeChat sale stays out of the drawer; a sale that never reached the
    card is voided by the counter that sees the card next, out of that counter's drawer."""
    from app.domain.cash import WECHAT, Payment
    from app.services.shifts import expected_by_method

    def drawer(shift):
        with hall.ctx.reading() as s:
            return expected_by_method(s, hall.shifts[shift])

    opened, chip = issue(hall, station)
    counter = station.counter(hall.ctx)
    sold = counter.sell(
        hall.clerk, uuid.uuid4(), volume=m3(10), payment=Payment(WECHAT, "4200000001")
    )
    assert (sold.sale.payment_method, sold.sale.payment_ref) == (WECHAT, "4200000001")
    assert drawer("lina")["wechat"] == 2610 and drawer("lina")["cash"] == 50000
    station.remove()
    GasMeterSimulator(opened.meter_no, KEY).insert(chip)

    pending_on_card(hall, chip, m3(30))  # cash sale committed at counter 2, card never written
    assert drawer("lina")["cash"] == 50000 + 7830
    wang = hall.actor("wangfang", hall.counter2_id)
    station.insert(chip)
    settled = counter.settle_inserted(wang)  # the card turns up at counter 3
    assert settled.outcome == "voided" and settled.void.payment_method == "cash"
    assert drawer("wangfang")["cash"] == 50000 - 7830


def test_a_retry_after_the_card_issue_stopped_finishes_it_once(hall, station, monkeypatch):
    """The account is committed, then the card is pulled during 开卡: the same request again
    (the dialog's retry) replays the opening and finishes the card; nothing is doubled."""
    from app.devices.cardreader import CardRemoved
    from db.models import CounterTransaction

    chip = Sle4442.blank()
    station.insert(chip)
    counter = station.counter(hall.ctx)
    request = opening_request(n=7)
    real_issue = counter.reader.issue

    def pulled_after_writing(read, memory, serial):  # type: ignore[no-untyped-def]
        real_issue(read, memory, serial)
        raise CardRemoved("卡片已拔出，请重新插卡", "pulled during issue")

    monkeypatch.setattr(counter.reader, "issue", pulled_after_writing)
    with pytest.raises(CardRemoved):
        counter.open_account(hall.clerk, request)
    monkeypatch.undo()
    station.insert(chip)  # the clerk puts the same card back and presses Enter again
    opened = counter.open_account(hall.clerk, request)
    assert counter.read(hall.clerk).image.account_no == opened.account_no
    with hall.ctx.reading() as s:
        openings = s.query(CounterTransaction).filter_by(kind="opening").count()
    assert openings == 1


@pytest.mark.parametrize("lands", [False, True], ids=["write_lost", "write_landed"])
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_a_card_gone_silent_mid_write_costs_one_time_out_and_the_first_read_settles(
    hall, station, virtual_card, lands
):
    """The card stops answering during the sale's write: the clerk hears what to do after one
    time-out (not one per layer), and the first read after the card is put back recognises it
    (never "insert the card") and settles the sale on that read."""
    from app.counter.cards import SaleUnsettled
    from app.devices.cardreader import CardTimeout

    opened, chip = issue(hall, station)
    station.remove()
    transport = station.transport
    transport.timeout = 1.0  # the time-outs are counted here, not timed
    timeouts = []
    device_call = transport._thread.call

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return device_call(*args, **kwargs)
        except CardTimeout:
            timeouts.append(args[0].__name__)
            raise

    transport._thread.call = counted
    counter = station.counter(hall.ctx)
    card = virtual_card(chip, go_silent=lambda apdu: apdu[:2] == b"\xff\xd0", silent_lands=lands)
    card.insert()
    with pytest.raises(SaleUnsettled) as error:
        counter.sell(hall.clerk, uuid.uuid4(), volume=m3(30))
    assert card.went_silent
    assert len(timeouts) == 1, timeouts
    assert "重新插" in error.value.user_message and "未确认" in error.value.user_message

    # pulled and put back, nothing else told to the reader (a real slot sends no call)
    card.remove()
    again = virtual_card(chip)
    again.insert()
    at = counter.read(hall.clerk)  # the very first read after re-insertion
    assert at.image.serial == opened.card_serial
    assert at.settlement.outcome == ("completed" if lands else "voided")
    assert len(timeouts) == 1, timeouts
    image = cardformat.parse(bytes(chip.memory), KEY)
    assert image.purchase_count == (1 if lands else 0)
    assert counter.read(hall.clerk).settlement is None  # settled once
    again.remove()


@pytest.mark.parametrize("lands", [False, True], ids=["change_lost", "change_landed"])
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_a_card_gone_silent_at_the_psc_change_is_finished_by_the_first_read_after(
    hall, station, virtual_card, lands
):
    """开卡 with a card that stops answering at the PSC change: one time-out and a clear
    message; put back, the first read finishes the issue and the card sells."""
    from app.devices.cardreader import CardTimeout
    from tests.card_support import WatchedChip, issue_step

    transport = station.transport
    transport.timeout = 1.0
    chip = WatchedChip.blank()
    card = virtual_card(
        chip, go_silent=lambda apdu: issue_step(apdu) == "change_psc", silent_lands=lands
    )
    card.insert()
    counter = station.counter(hall.ctx)
    request = opening_request(n=4)
    with pytest.raises(CardTimeout) as error:
        counter.open_account(hall.clerk, request)
    assert "无响应" in error.value.user_message and "重新插入" in error.value.user_message
    assert card.went_silent
    card.remove()

    again = virtual_card(chip)
    again.insert()
    at = counter.read(hall.clerk)  # the first read after the card is put back
    assert at.image.serial == request.card_serial
    assert chip.psc == KEY.psc(request.card_serial) and chip.protected(0)
    assert chip.tries_left == 3 and chip.wrong_presentations == (0 if lands else 1)
    sold = counter.sell(hall.clerk, uuid.uuid4(), volume=m3(10))
    assert sold.settlement.outcome == "completed"
    again.remove()
