"""Taking over an imported card at its first visit (接管, issue 17 part 5): through the services
on both databases, through the counter with a format v1 card and a maker's card (the C double),
and the counter window's dialog for a card whose figures differ from the import."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.devices.makers.double import new_card_fields
from app.devices.meter import GasMeterSimulator
from app.devices.sle4442 import Sle4442
from app.domain import cardformat
from app.domain.cards import GASDESK_MAKER, CardIssue, CardReading, CountRule
from app.domain.takeover import TakeoverNeeded
from app.errors import NotFound, PermissionDenied, RuleViolation
from app.services import audit
from app.services.credentials import Credential
from app.services.sales import SupplementRequest, supplement
from app.services.security import ApprovalInput
from app.services.takeovers import (
    TakeoverRequest,
    pending_takeover,
    take_over_card,
    takeover_due,
)
from app.vocabulary import CardStatus, ImportBatchStatus
from db.models import Account, AuditEntry, Card, CardTakeover, ImportBatch
from tests.card_support import KEY, Station
from tests.import_support import imported_card_account
from tests.maker_support import MARKS, SEEDS, MakerStation, build_libraries
from tests.support import (
    AUDIT_KEY,
    PASSWORD,
    buy,
    m3,
    open_customer,
    refused,
    rid,
    row_counts,
)

MISMATCH = "卡内购气次数27、卡内气量0.00立方米；导入记录为26次、0.00立方米：须班长核准"


def reading(serial: str, count: int, gas: int = 0, maker: str = GASDESK_MAKER) -> CardReading:
    """A card as read: ``gas`` still on it (not in the meter) or all loaded."""
    return CardReading(serial, count, gas, count - 1 if gas else count, maker=maker)


def take_over(hall, card: CardReading, *, approver=None, reason=None, account_no=None, req=None):
    approval = Credential(hall.users[approver], PASSWORD) if approver else None
    request = TakeoverRequest(
        req or rid(), card.serial, card, approval, reason, account_no=account_no
    )
    return take_over_card(hall.ctx, hall.clerk, request)


def account_count(hall, account_no: str) -> int:
    with hall.ctx.unit_of_work() as s:
        return s.scalar(select(Account.purchase_count).where(Account.account_no == account_no))


def old_card(hall, **kwargs):
    values = dict(account_no="0100012345", serial="13572468", maker=GASDESK_MAKER, count=26)
    values.update(kwargs)
    return imported_card_account(hall.ctx, gas_on_card=values.pop("gas_on_card", 0), **values)


# ---------------------------------------------------------------- the service


def test_a_matching_card_is_taken_over_and_sells_on_from_its_count(hall, station):
    imported = old_card(hall, usage=m3(340))
    with hall.ctx.unit_of_work() as s:
        figures = pending_takeover(s, imported.card_id)
    assert (figures.purchase_count, figures.gas_on_card, figures.serial) == (26, 0, "13572468")
    due = takeover_due(hall.ctx, hall.clerk, reading("13572468", 26))
    assert due is not None and not due.needs_approval

    done = take_over(hall, reading("13572468", 26))
    assert (done.matched, done.read_count, done.imported_count) == (True, 26, 26)
    assert (done.approver_id, done.corrected_from, done.purchase_count) == (None, None, 26)
    with hall.ctx.unit_of_work() as s:
        assert pending_takeover(s, imported.card_id) is None
        entry = s.scalar(select(AuditEntry).where(AuditEntry.kind == "card_takeover"))
        assert entry is not None and entry.ref == f"card_takeovers:{done.takeover_id}"

    sale = buy(hall, "13572468", volume=m3(20), card_reading=reading("13572468", 26))
    assert sale.purchase_count == 27
    # 340 m³ bought before GasDesk: 10 m³ at tier 1 (2.61), 10 at tier 2 (2.83)
    assert sale.amount_fen == 10 * 261 + 10 * 283
    assert account_count(hall, "0100012345") == 27


def test_a_retried_takeover_replays_and_a_second_one_is_refused(hall):
    old_card(hall)
    request_id = rid()
    first = take_over(hall, reading("13572468", 26), req=request_id)
    again = take_over(hall, reading("13572468", 26), req=request_id)
    assert again == first
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "无需接管"):
        take_over(hall, reading("13572468", 26))
    assert row_counts(hall.ctx) == before
    assert takeover_due(hall.ctx, hall.clerk, reading("13572468", 26)) is None
    with hall.ctx.unit_of_work() as s:
        assert s.query(CardTakeover).count() == 1


def test_figures_that_differ_wait_for_a_team_leader_and_the_account_follows_the_card(hall):
    old_card(hall)
    before = row_counts(hall.ctx)
    with refused(TakeoverNeeded, MISMATCH) as error:
        take_over(hall, reading("13572468", 27))
    figures = error.value.figures
    assert (figures.read_count, figures.imported_count, figures.read_gas) == (27, 26, 0)
    assert row_counts(hall.ctx) == before

    with refused(PermissionDenied, "核准班长无此权限"):  # a clerk approves nothing
        take_over(hall, reading("13572468", 27), approver="wangfang", reason="核对无误")
    with refused(PermissionDenied, "核准班长不能是本人"):
        take_over(hall, reading("13572468", 27), approver="lina", reason="核对无误")
    with refused(Exception, "接管原因"):
        take_over(hall, reading("13572468", 27), approver="zhoujie", reason="  ")
    assert row_counts(hall.ctx) == before

    done = take_over(hall, reading("13572468", 27), approver="zhoujie", reason="旧系统漏记一次")
    assert (done.matched, done.approver_name, done.reason) == (False, "周杰", "旧系统漏记一次")
    assert (done.read_count, done.imported_count, done.purchase_count) == (27, 26, 27)
    assert account_count(hall, "0100012345") == 27
    sale = buy(hall, "13572468", volume=m3(10), card_reading=reading("13572468", 27))
    assert sale.purchase_count == 28
    report = audit.verify(hall.ctx.db, AUDIT_KEY)  # the count moved by the takeover is audited
    assert report.ok, report.problems


def test_gas_on_the_card_is_compared_too(hall):
    old_card(hall, gas_on_card=m3(15))
    with refused(TakeoverNeeded, "卡内购气次数26、卡内气量0.00立方米；导入记录为26次、15.00立方米"):
        take_over(hall, reading("13572468", 26))
    done = take_over(hall, reading("13572468", 26, m3(15)))
    assert (done.matched, done.read_gas) == (True, m3(15))
    with refused(RuleViolation, "未插表"):  # the old system's last purchase is still on it
        buy(hall, "13572468", volume=m3(10), card_reading=reading("13572468", 26, m3(15)))


def test_a_card_found_by_its_account_number_needs_a_team_leader_and_gets_its_number(hall, station):
    imported = old_card(hall, recorded_serial="1357246")  # the old system lost a digit
    card = reading("13572468", 26)
    with refused(NotFound, "卡号未登记"):  # without the image's account number: not found
        take_over(hall, card)
    with refused(TakeoverNeeded, "须班长核准") as error:
        take_over(hall, card, account_no="0100012345")
    assert "卡号13572468与导入记录的卡号1357246不符" in error.value.user_message
    with refused(NotFound, "卡号未登记"):  # another account's number matches nothing
        take_over(hall, card, account_no="0100099999", approver="zhoujie", reason="核对")

    done = take_over(hall, card, account_no="0100012345", approver="zhoujie", reason="核对原卡")
    assert (done.matched, done.card_serial, done.corrected_from) == (False, "13572468", "1357246")
    assert done.reason == "核对原卡（卡号更正：1357246→13572468）"
    with hall.ctx.unit_of_work() as s:
        assert s.get(Card, imported.card_id).serial == "13572468"
    assert buy(hall, "13572468", volume=m3(5), card_reading=card).purchase_count == 27
    report = audit.verify(hall.ctx.db, AUDIT_KEY)  # the corrected number is audited
    assert report.ok, report.problems


def test_a_card_the_old_system_had_as_lost_is_refused(hall):
    old_card(hall, status=CardStatus.BLACKLISTED)
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "挂失作废"):
        take_over(hall, reading("13572468", 26))
    with refused(RuleViolation, "挂失作废"):
        takeover_due(hall.ctx, hall.clerk, reading("13572468", 26))
    with refused(RuleViolation, "挂失作废"):
        buy(hall, "13572468", volume=m3(5))
    assert row_counts(hall.ctx) == before


def test_no_gas_goes_onto_a_card_waiting_for_its_takeover(hall):
    old_card(hall)
    before = row_counts(hall.ctx)
    with refused(RuleViolation, "此卡为旧系统卡，请先接管"):
        buy(hall, "13572468", volume=m3(5), card_reading=reading("13572468", 26))
    with refused(RuleViolation, "此卡为旧系统卡，请先接管"):
        buy(hall, "13572468", amount=1000)
    approvals = (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)
    with refused(RuleViolation, "此卡为旧系统卡，请先接管"):
        supplement(
            hall.ctx,
            hall.clerk,
            SupplementRequest(rid(), "13572468", m3(5), "补气", approvals),
        )
    assert row_counts(hall.ctx) == before


def test_a_card_of_a_rolled_back_import_or_never_imported_needs_no_takeover(hall, station):
    imported = old_card(hall)
    with hall.ctx.unit_of_work() as s:
        s.execute(
            update(ImportBatch)
            .where(ImportBatch.id == imported.batch_id)
            .values(status=ImportBatchStatus.ROLLED_BACK)
        )
        s.commit()
        assert pending_takeover(s, imported.card_id) is None
    assert buy(hall, "13572468", volume=m3(5)).purchase_count == 27

    opened = open_customer(hall)
    assert takeover_due(hall.ctx, hall.clerk, reading(opened.card_serial, 0)) is None
    with refused(RuleViolation, "无需接管"):
        take_over(hall, reading(opened.card_serial, 0))


def test_another_makers_card_with_the_same_number_is_not_the_imported_one(hall):
    old_card(hall, maker="xfa")
    with refused(RuleViolation, "卡片厂家与系统记录不符"):
        take_over(hall, reading("13572468", 26))
    done = take_over(hall, reading("13572468", 26, maker="xfa"))
    assert (done.maker, done.matched) == ("xfa", True)


def test_a_takeover_request_id_reused_for_another_card_replays_the_first(hall):
    old_card(hall)
    old_card(hall, account_no="0100012346", serial="24681357")
    request_id = rid()
    take_over(hall, reading("13572468", 26), req=request_id)
    # the same id for another card replays the first (a client bug, never a second row)
    again = take_over(hall, reading("24681357", 26), req=request_id)
    assert again.card_serial == "13572468"


# ---------------------------------------------------------------- the counter, with real cards

on_sqlite = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture
def station():  # type: ignore[no-untyped-def]
    """The in-process format v1 slot (the PC/SC stack is tested with the card workflows)."""
    made = Station("inprocess")
    yield made
    made.close()


def v1_old_card(station, meter_no: str, *, serial="13572468", count=26, gas=0) -> Sle4442:
    """A format v1 card as the old system left it in the reader (issued in GasDesk's own
    layout with its key, carrying the old system's count and gas)."""
    chip = Sle4442.blank()
    station.insert(chip)
    issue = CardIssue(serial, "0100012345", meter_no, count, pending_volume=gas)
    station.reader.issue_card(station.reader.read(), issue)
    station.insert(chip)  # taken out and put back: read afresh
    return chip


@on_sqlite
def test_a_v1_card_that_matches_is_taken_over_when_read_and_sold_on_with_count_plus_one(
    hall, station
):
    imported = old_card(hall)
    chip = v1_old_card(station, imported.meter_no)
    counter = station.counter(hall.ctx)
    read = counter.read(hall.clerk)
    assert read.taken_over is not None and read.taken_over.matched
    assert read.account.summary.account_no == "0100012345"
    sold = counter.sell(hall.clerk, rid(), volume=m3(20), cash_tendered_fen=10000)
    assert sold.settlement.outcome == "completed" and sold.sale.purchase_count == 27
    image = cardformat.parse(bytes(chip.memory), KEY)
    assert (image.purchase_count, image.pending_volume) == (27, m3(20))
    station.remove()
    meter = GasMeterSimulator(imported.meter_no, KEY, loaded_count=26)
    assert (meter.insert(chip).outcome, meter.credited_total) == ("loaded", m3(20))
    station.insert(chip)
    assert counter.read(hall.clerk).taken_over is None  # once only


@on_sqlite
def test_a_v1_card_that_differs_waits_for_the_team_leader_at_the_counter(hall, station):
    imported = old_card(hall)
    chip = v1_old_card(station, imported.meter_no, count=27)
    counter = station.counter(hall.ctx)
    with refused(TakeoverNeeded, MISMATCH) as error:
        counter.read(hall.clerk)
    assert error.value.figures.read_count == 27
    with refused(RuleViolation, "此卡为旧系统卡，请先接管"):  # the sale refuses it too
        counter.sell(hall.clerk, rid(), volume=m3(10))
    done = counter.take_over(hall.clerk, rid(), hall.credential("zhoujie"), "旧系统漏记一次")
    assert (done.matched, done.purchase_count) == (False, 27)
    sold = counter.sell(hall.clerk, rid(), volume=m3(10))
    assert sold.sale.purchase_count == 28
    assert cardformat.parse(bytes(chip.memory), KEY).purchase_count == 28


@on_sqlite
def test_a_v1_card_whose_number_the_old_system_had_wrong_is_found_by_its_account(hall, station):
    imported = old_card(hall, recorded_serial="1357246")
    v1_old_card(station, imported.meter_no)
    counter = station.counter(hall.ctx)
    with refused(TakeoverNeeded, "按户号0100012345匹配"):
        counter.read(hall.clerk)
    done = counter.take_over(hall.clerk, rid(), hall.credential("zhoujie"), "核对原卡")
    assert (done.card_serial, done.corrected_from) == ("13572468", "1357246")
    assert counter.read(hall.clerk).account.summary.card_serial == "13572468"
    assert counter.sell(hall.clerk, rid(), volume=m3(5)).sale.purchase_count == 27


@pytest.fixture(scope="session")
def libraries(tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    return build_libraries(tmp_path_factory.mktemp("makers"))


@pytest.fixture
def maker_station(libraries, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    slot_dir = tmp_path / "slot"
    slot_dir.mkdir()
    monkeypatch.setenv("GASDESK_MAKER_DOUBLE_DIR", str(slot_dir))
    made = MakerStation(libraries, slot_dir)
    yield made
    made.close()


def maker_old_card(station, maker: str, meter_no: str, *, count: int, gas_m3: int = 0) -> None:
    """A maker's user card as the old system's charging software left it in the slot."""
    fields = new_card_fields(MARKS[maker], SEEDS[maker])
    fields.update(
        state="user",
        klx=1,
        kh="13572468",
        dqdm="9A01",
        yhh="0100012345",
        tm=meter_no,
        cs=count,
        ql=gas_m3,
        ljgql=3120,
        bkcs=0,
    )
    station.remove()
    station.double.write_card(fields)


@on_sqlite
def test_a_maker_card_is_taken_over_and_its_next_write_carries_count_plus_one(hall, maker_station):
    imported = old_card(hall, maker="xfa")
    maker_old_card(maker_station, "xfa", imported.meter_no, count=26)
    counter = maker_station.counter(hall.ctx)
    read = counter.read(hall.clerk)
    assert read.maker == "xfa" and read.image.count_rule is CountRule.RISES_WHEN_EMPTY
    assert read.taken_over is not None and read.taken_over.matched
    sold = counter.sell(hall.clerk, rid(), volume=m3(20))
    assert sold.sale.purchase_count == 27
    on_card = maker_station.double.card()
    assert (on_card["cs"], on_card["ql"], on_card["ljgql"]) == (27, 20, 3140)


@on_sqlite
def test_a_maker_card_holding_gas_that_differs_is_approved_and_then_loaded_first(
    hall, maker_station
):
    imported = old_card(hall, maker="xfa")
    maker_old_card(maker_station, "xfa", imported.meter_no, count=26, gas_m3=12)
    counter = maker_station.counter(hall.ctx)
    with refused(TakeoverNeeded, "卡内购气次数26、卡内气量12.00立方米；导入记录为26次、0.00立方米"):
        counter.read(hall.clerk)
    done = counter.take_over(hall.clerk, rid(), hall.credential("zhoujie"), "旧系统最后一笔未导出")
    assert (done.matched, done.read_gas) == (False, m3(12))
    # RISES_WHEN_EMPTY: the gas still on the card keeps the count, so the sale waits for the meter
    with refused(RuleViolation, "未插表"):
        counter.sell(hall.clerk, rid(), volume=m3(10))


# ---------------------------------------------------------------- the counter window


def training_old_card(counter, meter_no: str, *, count: int) -> None:
    """The old system's format v1 card put into the training reader of ``counter``."""
    made = Station("inprocess")
    try:
        chip = v1_old_card(made, meter_no, count=count)
    finally:
        made.close()
    counter.devices.training.insert(chip)


@on_sqlite
def test_the_counter_window_asks_the_team_leader_for_a_card_that_differs(
    qtbot, counter, hall, window
):
    from PySide6.QtCore import Qt

    from tests.test_ui_counter import WAIT, ime_type
    from ui.dialogs.takeover import TakeoverDialog

    imported = old_card(hall)
    training_old_card(counter, imported.meter_no, count=27)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, TakeoverDialog), timeout=WAIT)
    dialog = window.current_dialog
    assert dialog.windowTitle().startswith("旧系统卡接管")
    assert MISMATCH in dialog.comparison.text()
    assert "户号 0100012345　卡号 13572468" in dialog.comparison.text()
    assert dialog.focusWidget() is dialog.leader

    qtbot.keyClicks(dialog.leader, "wangfang")  # a clerk approves nothing
    qtbot.keyClick(dialog.leader, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.password
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.reason
    ime_type(dialog.reason, "旧系统漏记一次")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "核准班长无此权限" in dialog.error.text(), timeout=WAIT)
    assert account_count(hall, "0100012345") == 26

    dialog.leader.selectAll()
    qtbot.keyClicks(dialog.leader, "zhoujie")
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.completed, timeout=WAIT)
    assert "已接管　卡号 13572468　购气次数 27　核准：周杰" in dialog.info.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # done: Enter closes
    qtbot.waitUntil(lambda: window.current_account_no == "0100012345", timeout=WAIT)
    qtbot.wait(300)  # the card is read again after the operation: nothing more to take over
    assert window.current_dialog is None
    with hall.ctx.reading() as s:
        [row] = s.scalars(select(CardTakeover)).all()
    assert (row.matched, row.read_count, row.imported_count, row.reason) == (
        False,
        27,
        26,
        "旧系统漏记一次",
    )
    assert account_count(hall, "0100012345") == 27


@on_sqlite
def test_f1_on_a_card_waiting_for_its_takeover_asks_the_team_leader_then_sells(
    qtbot, counter, hall, window
):
    from PySide6.QtCore import Qt

    from tests.test_ui_counter import WAIT, ime_type
    from ui.dialogs.purchase import PurchaseDialog
    from ui.dialogs.takeover import TakeoverDialog

    imported = old_card(hall)
    training_old_card(counter, imported.meter_no, count=27)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, TakeoverDialog), timeout=WAIT)
    qtbot.keyClick(window.current_dialog, Qt.Key.Key_Escape)  # the clerk goes to F1 instead
    qtbot.waitUntil(lambda: window.current_dialog is None, timeout=WAIT)

    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, PurchaseDialog), timeout=WAIT)
    sale = window.current_dialog
    qtbot.waitUntil(lambda: sale.takeover_dialog is not None, timeout=WAIT)
    assert MISMATCH in sale.error.text()
    asked = sale.takeover_dialog
    qtbot.keyClicks(asked.leader, "zhoujie")
    qtbot.keyClick(asked.leader, Qt.Key.Key_Return)
    qtbot.keyClicks(asked.password, PASSWORD)
    qtbot.keyClick(asked.password, Qt.Key.Key_Return)
    ime_type(asked.reason, "旧系统漏记一次")
    qtbot.keyClick(asked.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: asked.completed, timeout=WAIT)
    qtbot.keyClick(asked, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sale.context is not None, timeout=WAIT)  # the card read again
    assert "购气次数 27" in sale.card_label.text() and sale.error.text() == ""
    sale.volume.setFocus()
    qtbot.keyClicks(sale.volume, "10")
    qtbot.keyClick(sale.volume, Qt.Key.Key_F5)  # exact cash
    qtbot.waitUntil(lambda: sale.sale is not None, timeout=WAIT)
    assert sale.sale.sale.purchase_count == 28
    chip = counter.devices.training.transport.chip
    assert cardformat.parse(bytes(chip.memory), KEY).purchase_count == 28
