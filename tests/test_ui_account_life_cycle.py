"""The account panel shows the meter's life: meters replaced, carry-over still to write, the
purchase limit left, the safety inspection and the tool cards (issue 16, part 6)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from app.domain.limits import ClassLimits, LimitBand
from app.domain.toolcards import MeterState
from app.services.inspections import InspectionEntry, record_inspection
from app.services.limits import change_class_limits
from app.services.queries import account_view
from app.services.security import AdminActor
from app.services.tool_cards import (
    IssueToolCardRequest,
    ToolCardBack,
    issue_tool_card,
    record_tool_card_return,
)
from app.vocabulary import CustomerKind
from tests.support import buy, m3, open_customer
from tests.test_meter_replacement import _replace

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def test_the_panel_shows_replacement_carry_over_limit_inspection_and_tool_cards(qtbot, hall):
    from ui.account_panel import AccountPanel

    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(30))
    # final reading 10 of 30 bought: 20 m³ carried over to the new meter
    _replace(hall, account.account_no, m3(10), new_meter_no="NEWMETER01")
    limits = ClassLimits((LimitBand(CustomerKind.RESIDENTIAL, m3(100)),))
    change_class_limits(hall.ctx, AdminActor(hall.users["admin"]), limits)
    hazard = InspectionEntry(account.account_no, dt.date(2026, 2, 1), "hazard", "孙安全")
    record_inspection(hall.ctx, hall.clerk, uuid.uuid4(), hazard)
    check = IssueToolCardRequest(
        uuid.uuid4(), "T00000000007", "gasdesk", "check", "NEWMETER01", "王师傅", "查表"
    )
    issue_tool_card(hall.ctx, hall.clerk, check)
    back = ToolCardBack(
        "T00000000007", "gasdesk", "check", MeterState("NEWMETER01", 1850, 34567, 0)
    )
    record_tool_card_return(hall.ctx, hall.clerk, back)

    panel = AccountPanel()
    qtbot.addWidget(panel)
    panel.show_account(account_view(hall.ctx, hall.clerk, account.account_no))
    text = {key: label.text() for key, label in panel.fields.items()}
    assert text["meters"].startswith(f"{account.meter_no} ") and "止码 10 m³" in text["meters"]
    assert text["carry_over"] == "20 m³ 待写卡"
    # the purchase of 30 m³ was on the old meter, in this month's window: 100 − 30 = 70 left
    assert text["limit"].startswith("100 m³") and text["limit"].endswith("已购 30，剩余 70")
    assert "2026-02-01 存在隐患" in text["inspection"]
    assert "停止售气（存在隐患）" in text["inspection"]
    assert text["tool_cards"] == "检查卡 T00000000007（已交回）"
    assert "剩余 18.50 m³，累计 345.67 m³ 正常" in text["last_check"]
    for alarming in ("carry_over", "inspection"):
        assert "#c00" in panel.fields[alarming].styleSheet()
    assert panel.fields["limit"].styleSheet() == ""
    assert panel.tabs.tabText(1) == "表具·限购·安检 ⚠"  # the clerk sees it from the history tab


def test_a_plain_account_shows_nothing_alarming(qtbot, hall):
    from ui.account_panel import AccountPanel

    account = open_customer(hall)
    panel = AccountPanel()
    qtbot.addWidget(panel)
    panel.show_account(account_view(hall.ctx, hall.clerk, account.account_no))
    text = {key: label.text() for key, label in panel.fields.items()}
    assert (text["meters"], text["carry_over"], text["limit"]) == ("无", "无", "不限购")
    assert text["inspection"].startswith("上次 未安检") and text["inspection"].endswith("正常")
    assert (text["tool_cards"], text["last_check"]) == ("无", "无")
    assert panel.tabs.tabText(1) == "表具·限购·安检"
