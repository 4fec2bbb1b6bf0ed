"""Tool cards of a maker through the 2012 common interface: the interface cannot make one, so
the maker's own tool software does; the counter recognises such a card (CheckGasCard 1, the
kind in ReadGasCard's kzt), records its issue for a technician and a meter, and records what it
brought back from the maker's meter. The C maker double through the host process (gcc)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.counter.tools import ToolCardOperations
from app.devices.cardreader import NotSupportedByCard
from app.devices.makers.meter import InterfaceMeterSimulator, MeterOutcome
from app.domain import cardformat
from app.errors import GasDeskError, RuleViolation
from app.vocabulary import ToolCardKind
from db.models import ToolCard, ToolCardReturn
from tests.card_support import opening_request
from tests.maker_support import MakerStation, build_libraries
from tests.support import m3, refused

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture(scope="module")
def libraries(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    return build_libraries(tmp_path_factory.mktemp("makers"))


@pytest.fixture
def station(libraries, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    slot_dir = tmp_path / "slot"
    slot_dir.mkdir()
    monkeypatch.setenv("GASDESK_MAKER_DOUBLE_DIR", str(slot_dir))
    made = MakerStation(libraries, slot_dir)
    yield made
    made.close()


def opened_on_xfa(hall, station):  # type: ignore[no-untyped-def]
    station.insert_new("xfa")
    return station.counter(hall.ctx).open_account(hall.clerk, opening_request(n=1))


def make(hall, station, kind):  # type: ignore[no-untyped-def]
    return ToolCardOperations(hall.ctx, station.slot).make(
        hall.clerk,
        uuid.uuid4(),
        kind=kind,
        meter_no=opening_request(n=1).meter_no,
        technician="赵师傅",
        reason="用户报表具故障",
    )


def test_the_interface_cannot_make_a_tool_card_and_nothing_is_written(hall, station):
    opened_on_xfa(hall, station)
    tools = ToolCardOperations(hall.ctx, station.slot)
    station.insert_new("xfa")
    assert tools.kinds() == ()  # the maker's new card in the reader: no kind to make
    before = station.double.path.read_bytes()
    with refused(NotSupportedByCard, "没有制作工具卡的功能"):
        make(hall, station, ToolCardKind.CHECK)
    assert station.double.path.read_bytes() == before
    station.remove()
    # no card in the reader: what any driver of the slot makes (format v1's six)
    assert set(tools.kinds()) == set(cardformat.TOOL_CODES)
    with hall.ctx.reading() as session:
        assert session.scalar(select(func.count()).select_from(ToolCard)) == 0


@pytest.mark.parametrize(
    ("tool", "kind", "meter_after", "brought"),
    [
        # the meter holds 33.00 m³ and has used 12.00 m³ over 1 purchase
        ("check", ToolCardKind.CHECK, 3300, 3300),
        ("transfer", ToolCardKind.TRANSFER, 0, 3300),  # the 33.00 m³ moved out
    ],
)
def test_a_makers_tool_card_is_recorded_taken_by_the_meter_and_returned(
    hall, station, tool, kind, meter_after, brought
):
    opened = opened_on_xfa(hall, station)
    station.remove()
    station.double.insert_tool("A", tool, key="FACTORY-A", kh="TK0001", tm=opened.meter_no)
    made = make(hall, station, kind)
    assert not made.written  # the maker's tool software made it: recorded as it is
    issued = made.issued
    assert (issued.serial, issued.maker, issued.kind) == ("TK0001", "xfa", kind)
    assert (issued.account_no, issued.technician) == (opened.account_no, "赵师傅")
    assert station.double.stats()["psc_presented"] == 1  # the opening's write only

    meter = InterfaceMeterSimulator(
        opened.meter_no, "A", count=1, remaining=m3(33), cumulative=m3(12)
    )
    assert meter.insert(station.double).outcome == MeterOutcome.TOOL_DONE
    assert meter.remaining == meter_after

    back = ToolCardOperations(hall.ctx, station.slot).read_back(hall.clerk)
    assert back.used and (back.state.remaining_volume, back.state.cumulative_volume) == (
        brought,
        1200,
    )
    with hall.ctx.reading() as session:
        row = session.scalars(select(ToolCardReturn)).one()
        assert (row.used, row.meter_no) == (True, opened.meter_no)
        assert (row.remaining_volume, row.cumulative_volume, row.meter_status) == (
            brought,
            1200,
            None,  # the interface has no fault field
        )
        assert json.loads(row.state) == {
            "meter_no": opened.meter_no,
            "remaining_volume": brought,
            "cumulative_volume": 1200,
            "meter_status": None,
            "loaded_count": 1,
            "kh": "TK0001",
        }


def test_a_makers_clear_card_for_a_meter_in_use_is_not_recorded(hall, station):
    """A clear card would wipe the gas paid for on a meter in use: not issued for it."""
    opened_on_xfa(hall, station)
    station.remove()
    station.double.insert_tool("A", "clear", key="FACTORY-A", kh="TK0003")
    with refused(RuleViolation, "正在使用，不能制作清零卡"):
        make(hall, station, ToolCardKind.CLEAR)
    with hall.ctx.reading() as session:
        assert session.scalar(select(func.count()).select_from(ToolCard)) == 0


def test_a_makers_tool_card_of_another_kind_is_refused(hall, station):
    opened_on_xfa(hall, station)
    station.remove()
    station.double.insert_tool("A", "valve_open", key="FACTORY-A", kh="TK0002")
    with refused(GasDeskError, "不能作为本次的工具卡"):
        make(hall, station, ToolCardKind.CHECK)
    with refused(GasDeskError, "没有发放记录"):  # never issued: it cannot be returned
        ToolCardOperations(hall.ctx, station.slot).read_back(hall.clerk)
    with hall.ctx.reading() as session:
        assert session.scalar(select(func.count()).select_from(ToolCard)) == 0
