"""Tool cards (工具卡) of format v1 end to end: made at the counter on a blank card, taken by
the simulated meter, read back at the counter, the issue and the return recorded with the exact
figures; the refusals (nothing written); a card pulled mid-write; a record that did not commit.

The card flows run on SQLite with the in-process chip and on the real PC/SC stack (the
``station`` fixture); the service refusals on both databases.
"""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest
from sqlalchemy import func, select

from app.counter import tools as tools_module
from app.counter.tools import ToolCardOperations, tool_serial
from app.devices.cardreader import CardRemoved, ChipTransport
from app.devices.meter import (
    CARD_ERROR,
    REFUSED_OTHER_METER,
    REFUSED_TOOL_USED,
    TOOL_DONE,
    GasMeterSimulator,
)
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.domain.toolcards import STATUS_TAMPER
from app.errors import GasDeskError, InvalidInput, NotFound, RuleViolation, SystemFault
from app.services.queries import account_view
from app.vocabulary import ToolCardKind
from db.models import ToolCard, ToolCardReturn
from tests.card_support import KEY, opening_request
from tests.support import m3, refused

CARD_FLOWS = pytest.mark.parametrize("backend", ["sqlite"])


def open_account(hall, station, n=1):  # type: ignore[no-untyped-def]
    station.insert(Sle4442.blank())
    return station.counter(hall.ctx).open_account(hall.clerk, opening_request(n=n))


def make(hall, station, kind, meter_no, request_id=None, **extra):  # type: ignore[no-untyped-def]
    chip = Sle4442.blank()
    station.insert(chip)
    made = ToolCardOperations(hall.ctx, station.reader).make(
        hall.clerk,
        request_id or uuid.uuid4(),
        kind=kind,
        meter_no=meter_no,
        technician=extra.pop("technician", "王师傅"),
        reason=extra.pop("reason", "表具巡检"),
        parameters=extra.pop("parameters", None),
    )
    station.remove()
    return made, chip


def stock_meter(hall, meter_no: str = "STOCK00001") -> str:  # type: ignore[no-untyped-def]
    """A meter in the hall's stock: known, serving no account."""
    from db.models import Meter

    with hall.ctx.unit_of_work() as session:
        session.add(Meter(meter_no=meter_no, model="G2.5", initial_reading=0))
        session.commit()
    return meter_no


@CARD_FLOWS
def test_a_clear_card_is_refused_for_a_meter_in_use(hall, station):
    opened = open_account(hall, station)
    with refused(RuleViolation, "正在使用，不能制作清零卡"):
        make(hall, station, ToolCardKind.CLEAR, opened.meter_no)
    assert rows(hall) == (0, [])


def read_back(hall, station, chip):  # type: ignore[no-untyped-def]
    station.insert(chip)
    back = ToolCardOperations(hall.ctx, station.reader).read_back(hall.clerk)
    station.remove()
    return back


def rows(hall):  # type: ignore[no-untyped-def]
    with hall.ctx.reading() as session:
        issued = session.scalar(select(func.count()).select_from(ToolCard))
        returned = session.scalars(select(ToolCardReturn).order_by(ToolCardReturn.id)).all()
        return issued, list(returned)


# kind, the meter before (remaining, cumulative, status, loaded count), the meter after, and
# what the card brings back (remaining, cumulative, status, loaded count); 0.01 m³
KINDS = [
    # a check card reads the meter and changes nothing
    (ToolCardKind.CHECK, (12345, 6789, STATUS_TAMPER, 3), (12345, 6789, 2, 3), (12345, 6789, 2, 3)),
    # a transfer card carries the remaining 40.00 m³ out; the meter keeps none
    (ToolCardKind.TRANSFER, (4000, 900, 0, 2), (0, 900, 0, 2), (4000, 900, 0, 2)),
    # a clear card: gas, count and faults reset; the cumulative register stays
    (ToolCardKind.CLEAR, (500, 700, 3, 2), (0, 700, 0, 0), (0, 700, 0, 0)),
    # valve close sets bit 0x01; valve open clears it and the tamper bit (3 → 0)
    (ToolCardKind.VALVE_CLOSE, (100, 50, 0, 1), (100, 50, 1, 1), (100, 50, 1, 1)),
    (ToolCardKind.VALVE_OPEN, (100, 50, 3, 1), (100, 50, 0, 1), (100, 50, 0, 1)),
]


@CARD_FLOWS
@pytest.mark.parametrize(("kind", "before", "after", "brought"), KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_through_the_meter_and_back(hall, station, kind, before, after, brought):
    opened = open_account(hall, station)
    meter_no, account_no = opened.meter_no, opened.account_no
    if kind is ToolCardKind.CLEAR:  # only a meter that serves nobody is cleared
        meter_no, account_no = stock_meter(hall), None
    meter = GasMeterSimulator(meter_no, KEY, remaining=before[0], cumulative=before[1])
    meter.status, meter.loaded_count = before[2], before[3]

    request_id = uuid.uuid4()
    made, chip = make(hall, station, kind, meter_no, request_id)
    assert made.written and made.issued.outstanding
    assert made.issued.serial == tool_serial(request_id) == chip.memory[0x0A:0x16].decode()
    assert (made.issued.kind, made.issued.meter_no) == (kind, meter_no)
    assert (made.issued.account_no, made.issued.technician) == (account_no, "王师傅")
    assert chip.psc == KEY.psc(made.issued.serial) and chip.protected(0) and chip.protected(31)

    result = meter.insert(chip)
    assert (result.outcome, result.written_back) == (TOOL_DONE, True)
    assert (meter.remaining, meter.cumulative, meter.status, meter.loaded_count) == after
    assert meter.insert(chip).outcome == REFUSED_TOOL_USED  # one use only
    assert (meter.remaining, meter.cumulative) == after[:2]

    back = read_back(hall, station, chip)
    assert back.used and not back.outstanding
    state = back.state
    assert (state.remaining_volume, state.cumulative_volume) == brought[:2]
    assert (state.meter_status, state.loaded_count) == brought[2:]
    issued, returned = rows(hall)
    assert issued == 1 and len(returned) == 1
    row = returned[0]
    assert (row.used, row.meter_no) == (True, meter_no)
    assert (row.remaining_volume, row.cumulative_volume, row.meter_status) == brought[:3]
    assert json.loads(row.state) == {
        "meter_no": meter_no,
        "remaining_volume": brought[0],
        "cumulative_volume": brought[1],
        "meter_status": brought[2],
        "loaded_count": brought[3],
    }
    # read again: the return stays the one recorded
    again = read_back(hall, station, chip)
    assert again.tool_card_id == back.tool_card_id and len(rows(hall)[1]) == 1


@CARD_FLOWS
def test_setup_card_writes_its_parameters_into_the_meter(hall, station):
    opened = open_account(hall, station)
    meter = GasMeterSimulator(opened.meter_no, KEY, remaining=m3(20), cumulative=m3(3))
    # alarm at 5.00 m³, ceiling 500.00 m³
    parameters = {"alarm_level": m3(5), "recharge_ceiling": m3(500)}
    made, chip = make(hall, station, ToolCardKind.SETUP, opened.meter_no, parameters=parameters)
    assert made.issued.parameters == {"alarm_level": 500, "recharge_ceiling": 50000}
    assert meter.insert(chip).outcome == TOOL_DONE
    assert (meter.alarm_level, meter.recharge_ceiling) == (500, 50000)
    back = read_back(hall, station, chip)
    assert (back.state.remaining_volume, back.state.cumulative_volume) == (2000, 300)
    with hall.ctx.reading() as session:
        card = session.scalars(select(ToolCard)).one()
        assert json.loads(card.parameters) == {"alarm_level": 500, "recharge_ceiling": 50000}


@CARD_FLOWS
def test_a_meter_refuses_another_meters_tool_card_and_the_return_says_unused(hall, station):
    first = open_account(hall, station, 1)
    open_account(hall, station, 2)
    made, chip = make(hall, station, ToolCardKind.CHECK, first.meter_no)
    other = GasMeterSimulator(opening_request(n=2).meter_no, KEY, remaining=m3(9))
    assert other.insert(chip).outcome == REFUSED_OTHER_METER
    back = read_back(hall, station, chip)  # came back without a meter taking it
    assert back.used is False and back.state is None
    row = rows(hall)[1][0]
    assert (row.used, row.remaining_volume, row.state) == (False, None, None)


@CARD_FLOWS
def test_the_account_shows_its_tool_cards_and_the_last_check(hall, station):
    opened = open_account(hall, station)
    meter = GasMeterSimulator(opened.meter_no, KEY, remaining=m3(7.5), cumulative=m3(100))
    made, chip = make(hall, station, ToolCardKind.CHECK, opened.meter_no)
    meter.insert(chip)
    read_back(hall, station, chip)
    meter.use_gas(m3(2.5))  # 7.50 - 2.50 = 5.00 left, 100.00 + 2.50 = 102.50 used
    _second, chip2 = make(hall, station, ToolCardKind.CHECK, opened.meter_no)
    meter.insert(chip2)
    read_back(hall, station, chip2)
    _out, _chip3 = make(hall, station, ToolCardKind.VALVE_OPEN, opened.meter_no)

    cards = account_view(hall.ctx, hall.clerk, opened.account_no).tool_cards  # the panel's
    assert [c.kind for c in cards.issued] == [
        ToolCardKind.VALVE_OPEN,
        ToolCardKind.CHECK,
        ToolCardKind.CHECK,
    ]
    assert cards.issued[0].outstanding and not cards.issued[1].outstanding
    last = cards.last_check.state
    assert (last.remaining_volume, last.cumulative_volume, last.meter_status) == (500, 10250, 0)
    outstanding = ToolCardOperations(hall.ctx, station.reader).outstanding(hall.clerk)
    assert [c.kind for c in outstanding] == [ToolCardKind.VALVE_OPEN]


def _unchanged(station, hall, chip, before, fragment, error=GasDeskError, **request):  # type: ignore[no-untyped-def]
    station.insert(chip)
    fields = {
        "kind": ToolCardKind.CHECK,
        "meter_no": opening_request().meter_no,
        "technician": "王师傅",
        "reason": "巡检",
        **request,
    }
    with refused(error, fragment):
        ToolCardOperations(hall.ctx, station.reader).make(hall.clerk, uuid.uuid4(), **fields)
    station.remove()
    assert bytes(chip.memory) == before
    assert rows(hall) == (0, [])


@CARD_FLOWS
def test_bad_requests_are_refused_in_chinese_and_nothing_is_written(hall, station):
    opened = open_account(hall, station)
    blank = Sle4442.blank()
    before = bytes(blank.memory)
    _unchanged(
        station, hall, blank, before, "表号 NOSUCHMETER 不存在", NotFound, meter_no="nosuchmeter"
    )
    _unchanged(station, hall, blank, before, "制卡原因", InvalidInput, reason="  ")
    _unchanged(station, hall, blank, before, "维修人员", InvalidInput, technician="")
    _unchanged(station, hall, blank, before, "请选择具体", InvalidInput, kind=ToolCardKind.OTHER)
    _unchanged(station, hall, blank, before, "设置卡请填写", InvalidInput, kind=ToolCardKind.SETUP)
    _unchanged(
        station, hall, blank, before, "不带设置参数", InvalidInput, parameters={"alarm_level": 1}
    )
    assert blank.psc == cardformat.FACTORY_PSC  # no PSC was ever changed
    # a customer's card in the reader: not a blank card
    issued_chip = Sle4442(
        cardformat.issued(
            Sle4442.blank().memory,
            KEY,
            serial=opened.card_serial,
            account_no=opened.account_no,
            meter_no=opened.meter_no,
            purchase_count=0,
        ),
        psc=KEY.psc(opened.card_serial),
    )
    _unchanged(station, hall, issued_chip, bytes(issued_chip.memory), "请放入一张空白卡")


class PullAtWrite(ChipTransport):
    """The in-process slot whose card leaves the reader as its ``n``-th write reaches it."""

    def __init__(self, chip, n):  # type: ignore[no-untyped-def]
        super().__init__(chip)
        self.writes, self.n = 0, n

    def transmit(self, apdu: bytes) -> bytes:
        if apdu[:1] == b"\xff" and apdu[1] in (0xD0, 0xD1, 0xD2):
            self.writes += 1
            if self.writes == self.n:
                self.pull_at_next_write = True
        return super().transmit(apdu)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("pulled_at", [1, 2, 3, 4, 5, 6, 7, 8])
def test_a_card_pulled_mid_write_is_never_recorded_and_is_finished_next_time(hall, pulled_at):
    """Writes of the making: data (two spans), MAC, stage 5A, PSC change, stage A5, protection,
    stage 00; the card is pulled as write ``pulled_at`` reaches it. Pulled at any of them, no
    row claims the card; the next try (a new request) finishes it with the number it carries
    (pulled at the first write, the card is still blank and takes the new request's number),
    and the meter takes it."""
    from app.devices.cardreader import GasCardReader
    from tests.card_support import Station

    station = Station("inprocess")
    opened = open_account(hall, station)
    chip = Sle4442.blank()
    transport = PullAtWrite(chip, pulled_at)
    reader = GasCardReader(transport, KEY)
    tools = ToolCardOperations(hall.ctx, reader)
    first = uuid.uuid4()
    fields = {
        "kind": ToolCardKind.TRANSFER,
        "meter_no": opened.meter_no,
        "technician": "李师傅",
        "reason": "换表",
    }
    with pytest.raises(CardRemoved):
        tools.make(hall.clerk, first, **fields)
    assert rows(hall) == (0, [])
    transport.present = True
    reader.forget()
    second = uuid.uuid4()  # the dialog was closed: a new request
    made = tools.make(hall.clerk, second, **fields)
    number = tool_serial(first if pulled_at > 1 else second)  # the number the card carried
    assert made.written and made.issued.serial == number
    assert chip.psc == KEY.psc(number) and chip.protected(31)
    meter = GasMeterSimulator(opened.meter_no, KEY, remaining=m3(12), cumulative=m3(40))
    transport.present = False
    assert meter.insert(chip).outcome == TOOL_DONE and meter.remaining == 0
    transport.present = True
    reader.forget()
    back = tools.read_back(hall.clerk)
    assert (back.state.remaining_volume, back.state.cumulative_volume) == (1200, 4000)


@CARD_FLOWS
def test_a_card_made_whose_record_did_not_commit_is_recorded_by_the_retry(
    hall, station, monkeypatch
):
    opened = open_account(hall, station)
    chip = Sle4442.blank()
    station.insert(chip)
    tools = ToolCardOperations(hall.ctx, station.reader)
    real = tools_module.issue_tool_card

    def database_gone(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise SystemFault("数据库连接中断", "test")

    monkeypatch.setattr(tools_module, "issue_tool_card", database_gone)
    request_id = uuid.uuid4()
    fields = {
        "kind": ToolCardKind.CHECK,
        "meter_no": opened.meter_no,
        "technician": "王师傅",
        "reason": "巡检",
    }
    with pytest.raises(SystemFault):
        tools.make(hall.clerk, request_id, **fields)
    assert rows(hall) == (0, [])
    made_image = bytes(chip.memory)
    monkeypatch.setattr(tools_module, "issue_tool_card", real)
    again = tools.make(hall.clerk, request_id, **fields)
    assert not again.written and again.issued.serial == tool_serial(request_id)
    assert bytes(chip.memory) == made_image  # not written twice
    twice = tools.make(hall.clerk, request_id, **fields)  # a retried submit: the same record
    assert twice.issued.tool_card_id == again.issued.tool_card_id and rows(hall)[0] == 1
    # another request cannot issue the card while it is out
    with refused(GasDeskError, "已发出尚未归还"):
        tools.make(hall.clerk, uuid.uuid4(), **fields)


@CARD_FLOWS
def test_a_user_card_is_not_a_tool_card_to_read_back(hall, station):
    open_account(hall, station)
    station.insert(Sle4442.blank())
    with refused(GasDeskError, "不是工具卡"):
        ToolCardOperations(hall.ctx, station.reader).read_back(hall.clerk)


def test_the_service_refuses_and_records_once_on_both_databases(hall):
    """No card here: the rules of the issue and the return, on SQLite and PostgreSQL."""
    from app.domain.toolcards import MeterState
    from app.services.accounts import open_account as open_in_records
    from app.services.tool_cards import (
        IssueToolCardRequest,
        ToolCardBack,
        issue_tool_card,
        record_tool_card_return,
    )

    opened = open_in_records(hall.ctx, hall.clerk, opening_request(n=5))
    req = IssueToolCardRequest(
        request_id=uuid.uuid4(),
        serial="T00000000001",
        maker="gasdesk",
        kind="transfer",
        meter_no=opened.meter_no.lower(),  # typed in lower case: stored as the meter's number
        technician="王师傅",
        reason="换表",
    )
    with refused(InvalidInput, "请选择工具卡类型"):
        issue_tool_card(hall.ctx, hall.clerk, dataclasses.replace(req, kind="magic"))
    with refused(NotFound, "不存在"):
        issue_tool_card(hall.ctx, hall.clerk, dataclasses.replace(req, meter_no="NOPE-1"))
    with refused(InvalidInput, "制卡原因"):
        issue_tool_card(hall.ctx, hall.clerk, dataclasses.replace(req, reason=""))
    assert rows(hall) == (0, [])
    first = issue_tool_card(hall.ctx, hall.clerk, req)
    assert issue_tool_card(hall.ctx, hall.clerk, req) == first  # the same request: replayed
    assert (first.meter_no, first.account_no) == (opened.meter_no, opened.account_no)
    # 18.00 m³ left in the old meter, 345.67 m³ used through it
    state = MeterState(opened.meter_no, m3(18), 34567, 0, 4)
    back = ToolCardBack("T00000000001", "gasdesk", "transfer", state)
    returned = record_tool_card_return(hall.ctx, hall.clerk, back)
    assert record_tool_card_return(hall.ctx, hall.clerk, back) == returned  # recorded once
    issued, returns = rows(hall)
    assert issued == 1 and len(returns) == 1
    assert (returns[0].remaining_volume, returns[0].cumulative_volume) == (1800, 34567)
    with refused(GasDeskError, "不符"):  # a check card read back for a transfer card's record
        again = dataclasses.replace(req, request_id=uuid.uuid4())
        issue_tool_card(hall.ctx, hall.clerk, again)
        record_tool_card_return(hall.ctx, hall.clerk, dataclasses.replace(back, kind="check"))


class DeafChip(Sle4442):
    """An SLE4442 that answers 90 00 to writes and keeps none (as a refused write looks)."""

    deaf = False

    def process(self, apdu: bytes) -> bytes:
        if self.deaf and apdu[:2] == b"\xff\xd0":
            return b"\x90\x00"
        return super().process(apdu)


@CARD_FLOWS
def test_a_transfer_card_whose_write_back_fails_leaves_the_gas_in_the_meter(hall, station):
    opened = open_account(hall, station)
    chip = DeafChip.blank()
    station.insert(chip)
    ToolCardOperations(hall.ctx, station.reader).make(
        hall.clerk,
        uuid.uuid4(),
        kind=ToolCardKind.TRANSFER,
        meter_no=opened.meter_no,
        technician="王师傅",
        reason="换表",
    )
    station.remove()
    meter = GasMeterSimulator(opened.meter_no, KEY, remaining=m3(30), cumulative=m3(70))
    chip.deaf = True
    assert meter.insert(chip).outcome == CARD_ERROR
    assert (meter.remaining, meter.cumulative) == (3000, 7000)  # nothing moved out
    chip.deaf = False
    assert meter.insert(chip).outcome == TOOL_DONE and meter.remaining == 0
    back = read_back(hall, station, chip)
    assert (back.state.remaining_volume, back.state.cumulative_volume) == (3000, 7000)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_valve_open_card_waits_for_a_safety_hold_to_clear(hall):
    """Opening the valve lets gas flow: not while the account is held (存在隐患)."""
    import datetime as dt

    from app.services.accounts import open_account as open_in_records
    from app.services.inspections import InspectionEntry, record_inspection
    from app.services.tool_cards import IssueToolCardRequest, issue_tool_card

    opened = open_in_records(hall.ctx, hall.clerk, opening_request(n=6))
    hazard = InspectionEntry(opened.account_no, dt.date(2026, 3, 1), "hazard", "孙安全")
    record_inspection(hall.ctx, hall.clerk, uuid.uuid4(), hazard)
    req = IssueToolCardRequest(
        uuid.uuid4(), "T00000000066", "gasdesk", "valve_open", opened.meter_no, "王师傅", "开阀"
    )
    with refused(RuleViolation, "须整改并安检合格后方可写卡"):
        issue_tool_card(hall.ctx, hall.clerk, req)
    assert rows(hall) == (0, [])
    check = dataclasses.replace(req, request_id=uuid.uuid4(), kind="check")
    assert issue_tool_card(hall.ctx, hall.clerk, check).kind == ToolCardKind.CHECK
    passed = InspectionEntry(opened.account_no, dt.date(2026, 3, 2), "passed", "孙安全")
    record_inspection(hall.ctx, hall.clerk, uuid.uuid4(), passed)
    again = dataclasses.replace(req, request_id=uuid.uuid4(), serial="T00000000067")
    assert issue_tool_card(hall.ctx, hall.clerk, again).kind == ToolCardKind.VALVE_OPEN
