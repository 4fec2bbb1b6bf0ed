"""The go-live import's writer (both databases): whole accounts in chunks, opening rows priced
in no shift, idempotent and resumable batches, the rollback by a reversing batch."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import func, select

from app.domain.imports import Problem
from app.errors import Conflict, PermissionDenied, RuleViolation
from app.services.audit import verify
from app.services.imports import (
    list_batches,
    plan_import,
    rollback_import,
    run_import,
)
from app.services.inspections import ImportCancelled, ImportProgress
from app.services.queries import tier_usage
from app.services.sales import PurchaseRequest, purchase
from app.services.security import AdminActor
from app.vocabulary import ImportBatchStatus
from db.models import (
    Account,
    Card,
    CardTakeover,
    CounterTransaction,
    Customer,
    ImportBatch,
    ImportedCard,
    Meter,
    OpeningEntry,
    OpeningUsage,
)
from tests.import_records import digests, records
from tests.support import AUDIT_KEY, refused, rid, row_counts

pytestmark = pytest.mark.usefixtures("hall")


def admin(hall) -> AdminActor:
    return AdminActor(hall.users["admin"])


def imported(hall, data, tag="a", **options):
    plan = plan_import(hall.ctx, admin(hall), data, digests(tag))
    return run_import(hall.ctx, admin(hall), plan, **options)


def counts(hall) -> dict[str, int]:
    return {k: v for k, v in row_counts(hall.ctx).items() if k != "audit_log"}


def taken_over(hall, serial: str) -> None:
    """The card's first visit, as the counter records it when its figures match."""
    with hall.ctx.unit_of_work() as s:
        card = s.scalar(select(Card).where(Card.serial == serial))
        first = s.scalar(select(ImportedCard).where(ImportedCard.serial == serial))
        s.add(
            CardTakeover(
                request_id=uuid.uuid4(),
                card_id=card.id,
                imported_card_id=first.id,
                account_id=card.account_id,
                read_count=first.purchase_count,
                read_gas=0,
                imported_count=first.purchase_count,
                imported_gas=0,
                matched=True,
                operator_id=hall.users["lina"],
                counter_id=hall.counter_id,
                created_at=hall.ctx.now(),
            )
        )
        s.commit()


def test_accounts_are_written_whole_with_their_opening_figures(hall):
    before = counts(hall)
    outcome = imported(hall, records(3, postpaid=1), chunk=2)
    assert outcome.added == 4 and outcome.batch.status == ImportBatchStatus.COMPLETED
    after = counts(hall)
    assert after["accounts"] - before["accounts"] == 4
    assert after["customers"] - before["customers"] == 4
    assert after["meters"] - before["meters"] == 4
    assert after["cards"] - before["cards"] == 3  # the post-paid account has no card
    assert after["opening_usage"] == 4 and after["opening_entries"] == 2
    # nothing imported is takings: no counter transaction, no cash movement
    for table in ("counter_transactions", "cash_movements", "transaction_segments"):
        assert after[table] == before[table], table
    with hall.ctx.unit_of_work() as s:
        account = s.scalar(select(Account).where(Account.account_no == "8800000001"))
        assert (account.kind, account.status, account.purchase_count) == ("card", "active", 27)
        post = s.scalar(select(Account).where(Account.account_no == "8800000004"))
        assert post.kind == "postpaid"
        money = {
            e.kind: (e.amount_fen, e.paid_fen, e.bill_no, e.due_on)
            for e in s.scalars(select(OpeningEntry).where(OpeningEntry.account_no == "8800000004"))
        }
        assert money == {
            "balance": (3560, 0, None, None),
            "bill": (9135, 0, "B-000004", dt.date(2026, 12, 10)),
        }
        # opened at local midnight of the file's date
        assert hall.ctx.local(account.opened_at) == dt.datetime(2015, 6, 1, tzinfo=hall.ctx.tz)
    assert verify(hall.ctx.db, AUDIT_KEY).ok


def test_a_purchase_after_340_imported_m3_is_priced_across_the_breakpoint(hall):
    imported(hall, records(1, usage=34000))
    usage = tier_usage(hall.ctx, hall.clerk, "8800000001")
    assert usage.total_used == 34000 and [t.used for t in usage.tiers] == [34000, 0, 0]
    taken_over(hall, "OC00000001")
    sale = purchase(hall.ctx, hall.clerk, PurchaseRequest(rid(), "OC00000001", volume=2000))
    # 10 m³ left in tier 1 at 2.61, the other 10 m³ in tier 2 at 2.83: 26.10 + 28.30
    assert [(s.tier, s.volume, s.amount_fen) for s in sale.segments] == [
        (1, 1000, 2610),
        (2, 1000, 2830),
    ]
    assert sale.amount_fen == 5440
    assert sale.purchase_count == 28  # the card's imported count + 1


def test_the_same_files_twice_change_nothing_the_second_time(hall):
    first = imported(hall, records(3))
    before = counts(hall)
    again = imported(hall, records(3))
    assert again.added == 0 and again.batch.batch_no == first.batch.batch_no
    assert counts(hall) == before
    # other files holding the same accounts: found by their numbers, nothing written either
    other = imported(hall, records(3), tag="b")
    assert other.added == 0 and other.batch is None and other.already == 3
    assert counts(hall) == before


def test_an_account_number_held_with_other_figures_is_a_problem(hall):
    imported(hall, records(2))
    changed = records(2)
    no = "8800000002"
    changed.meters[no] = dataclasses.replace(changed.meters[no], meter_no="OTHER-1")
    plan = plan_import(hall.ctx, admin(hall), changed, digests("c"))
    assert [(p.file, p.row, p.column, p.value) for p in plan.errors] == [
        ("accounts.csv", 3, "account_no", no)
    ]
    with refused(RuleViolation, "试导入发现1个错误"):
        run_import(hall.ctx, admin(hall), plan)


def test_rows_with_errors_are_skipped_only_when_asked(hall):
    data = records(3)
    data.problems.append(Problem("cards.csv", 9, "purchase_count", "-1", "购气次数不能为负"))
    before = counts(hall)
    plan = plan_import(hall.ctx, admin(hall), data, digests())
    with refused(RuleViolation, "--skip-bad-rows"):
        run_import(hall.ctx, admin(hall), plan)
    assert counts(hall) == before
    outcome = run_import(hall.ctx, admin(hall), plan, skip_bad_rows=True)
    assert outcome.added == 3 and outcome.skipped_rows == 1
    with hall.ctx.unit_of_work() as s:
        options = json.loads(s.scalar(select(ImportBatch.options)))
    assert options["skipped"] == ["cards.csv:9"]


class StopAfter(ImportProgress):
    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.seen = 0

    def report(self, done: int, total: int) -> None:
        self.seen += 1

    def cancelled(self) -> bool:
        return self.seen >= self.chunks


def test_an_interrupted_import_resumes_to_the_same_result(hall):
    data = records(5)
    plan = plan_import(hall.ctx, admin(hall), data, digests())
    with refused(ImportCancelled, "续导"):
        run_import(hall.ctx, admin(hall), plan, chunk=2, progress=StopAfter(1))
    assert counts(hall)["imported_accounts"] == 2  # one chunk of two whole accounts
    with refused(Conflict, "尚未完成"):
        imported(hall, records(2, start=50), tag="other")
    again = run_import(
        hall.ctx, admin(hall), plan_import(hall.ctx, admin(hall), data, digests()), chunk=2
    )
    assert again.resumed and again.added == 3
    assert again.batch.accounts_done == 5 and again.batch.status == ImportBatchStatus.COMPLETED
    with hall.ctx.unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(OpeningUsage)) == 5
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 1
    assert verify(hall.ctx.db, AUDIT_KEY).ok


def test_a_rollback_removes_the_batch_and_nets_its_opening_rows(hall):
    before = counts(hall)
    outcome = imported(hall, records(3, postpaid=1))
    undone = rollback_import(hall.ctx, admin(hall), outcome.batch.batch_no, chunk=2)
    assert undone.batch.reverses == outcome.batch.batch_no
    after = counts(hall)
    for table in ("accounts", "customers", "meters", "cards"):
        assert after[table] == before[table], table
    with hall.ctx.unit_of_work() as s:
        assert s.scalar(select(func.sum(OpeningUsage.volume))) == 0
        assert s.scalar(select(func.sum(OpeningEntry.amount_fen))) == 0
        statuses = dict(s.execute(select(ImportBatch.batch_no, ImportBatch.status)).all())
    assert statuses[outcome.batch.batch_no] == ImportBatchStatus.ROLLED_BACK
    assert [b.kind for b in list_batches(hall.ctx, admin(hall))] == ["rollback", "import"]
    with refused(RuleViolation, "已经回退"):
        rollback_import(hall.ctx, admin(hall), outcome.batch.batch_no)
    # the same files can be imported again after the rollback: a new batch
    again = imported(hall, records(3, postpaid=1))
    assert again.added == 4 and again.batch.batch_no != outcome.batch.batch_no
    usage = tier_usage(hall.ctx, hall.clerk, "8800000001")
    assert usage.total_used == 34000  # the first batch's opening netted out, the new one counts
    assert verify(hall.ctx.db, AUDIT_KEY).ok


def test_no_rollback_after_a_sale_on_one_of_its_accounts(hall):
    outcome = imported(hall, records(2))
    taken_over(hall, "OC00000002")
    purchase(hall.ctx, hall.clerk, PurchaseRequest(rid(), "OC00000002", volume=1000))
    before = counts(hall)
    with refused(RuleViolation, "户号8800000002已在系统中办理过业务（旧卡接管）"):
        rollback_import(hall.ctx, admin(hall), outcome.batch.batch_no)
    assert counts(hall) == before


def test_only_an_administrator_imports(hall):
    with pytest.raises(PermissionDenied):
        plan_import(hall.ctx, AdminActor(hall.users["lina"]), records(1), digests())


def test_imported_numbers_in_gasdesk_form_move_the_account_sequence(hall):
    from tests.support import open_customer

    data = records(1)
    account = data.accounts.pop("8800000001")
    data.accounts["0200000500"] = dataclasses.replace(account, account_no="0200000500")
    for table in (data.meters, data.cards, data.usage):
        moved = table.pop("8800000001")
        table["0200000500"] = (
            [dataclasses.replace(r, account_no="0200000500") for r in moved]
            if isinstance(moved, list)
            else dataclasses.replace(moved, account_no="0200000500")
        )
    imported(hall, data)
    opened = open_customer(hall, "李建华")
    assert opened.account_no == "0200000501"


def test_customers_with_two_accounts_are_one_customer(hall):
    data = records(2)
    second = data.accounts["8800000002"]
    data.accounts["8800000002"] = dataclasses.replace(second, customer_ref="K000001")
    del data.customers["K000002"]
    imported(hall, data)
    with hall.ctx.unit_of_work() as s:
        owners = s.scalars(
            select(Account.customer_id).where(Account.account_no.in_(["8800000001", "8800000002"]))
        ).all()
        assert len(set(owners)) == 1
        assert s.scalar(select(func.count()).select_from(Meter).where(Meter.meter_no.like("MT%")))
        assert s.scalar(select(func.count()).select_from(Customer)) >= 1
        assert s.scalar(select(func.count()).select_from(CounterTransaction)) == 0


def _imported_state(hall) -> dict:
    """Everything an import decides, without ids and times."""
    with hall.ctx.unit_of_work() as s:
        rows = s.execute(
            select(Account.account_no, Account.purchase_count, Account.kind, Customer.id_number)
            .join(Customer, Customer.id == Account.customer_id)
            .where(Account.account_no.like("88%"))
            .order_by(Account.account_no)
        ).all()
        card_rows = s.execute(select(Card.serial, Card.status).order_by(Card.serial)).all()
        usage = s.execute(
            select(OpeningUsage.account_no, func.sum(OpeningUsage.volume))
            .group_by(OpeningUsage.account_no)
            .order_by(OpeningUsage.account_no)
        ).all()
        batches = s.execute(
            select(ImportBatch.status, ImportBatch.accounts_done, ImportBatch.accounts_total)
        ).all()
        return {
            "accounts": [tuple(r) for r in rows],
            "cards": [tuple(r) for r in card_rows if r.serial.startswith("OC")],
            "usage": [(a, int(v)) for a, v in usage],
            "batches": [tuple(b) for b in batches],
            "customers": s.scalar(select(func.count()).select_from(Customer)),
            "imported_cards": s.scalar(select(func.count()).select_from(ImportedCard)),
        }


@pytest.mark.slow
def test_kill_9_inside_a_chunk_then_the_same_import_again_ends_as_an_uninterrupted_one(
    hall, database, tmp_path
):
    from tests import import_kill_worker

    job = {
        "db_url": database.url,
        "when": hall.clock().isoformat(),
        "admin": hall.users["admin"],
        "accounts": 12,
        "chunk": 5,
        "die_in_chunk": 2,
    }
    output = tmp_path / "worker.txt"
    process = import_kill_worker.start(job, str(output))
    process.join(120)
    assert process.exitcode == -9, output.read_text()
    interrupted = _imported_state(hall)
    assert len(interrupted["accounts"]) == 5  # the first chunk whole, nothing of the second
    assert interrupted["batches"] == [("running", 5, 12)]
    again = run_import(
        hall.ctx, admin(hall), plan_import(hall.ctx, admin(hall), records(12), digests()), chunk=5
    )
    assert again.resumed and again.added == 7
    resumed = _imported_state(hall)
    assert verify(hall.ctx.db, AUDIT_KEY).ok
    # the same result as one uninterrupted import (the rollback path leaves the hall clean)
    rollback_import(hall.ctx, admin(hall), again.batch.batch_no)
    whole = imported(hall, records(12), tag="whole", chunk=100)
    assert whole.added == 12
    uninterrupted = _imported_state(hall)
    assert resumed["accounts"] == uninterrupted["accounts"]
    assert resumed["cards"] == uninterrupted["cards"]
    assert resumed["usage"] == uninterrupted["usage"]
    assert resumed["customers"] == uninterrupted["customers"]
    assert resumed["batches"][0] == ("completed", 12, 12)


def test_a_post_paid_account_takes_no_card_operation(hall):
    from app.services.cards import ReplaceCardRequest, replace_card

    imported(hall, records(0, postpaid=1))
    before = counts(hall)
    with refused(RuleViolation, "该户为普表（抄表后付费）户，不能办理IC卡业务"):
        replace_card(hall.ctx, hall.clerk, ReplaceCardRequest(rid(), "8800000001", "NEW-1", "lost"))
    assert counts(hall) == before


def test_the_account_view_names_the_kind_and_the_batch(hall):
    from app.services.queries import account_view

    outcome = imported(hall, records(1, postpaid=1))
    card = account_view(hall.ctx, hall.clerk, "8800000001")
    post = account_view(hall.ctx, hall.clerk, "8800000002")
    assert (card.account_kind, card.imported_batch) == ("card", outcome.batch.batch_no)
    assert post.account_kind == "postpaid" and post.summary.card_serial is None
    assert post.tier_usage.total_used == 34000


def test_the_old_systems_gas_counts_when_the_imported_meter_is_settled(hall):
    """3,120 m³ bought in the old system for a meter installed at 0: replaced at 3,100 m³, 20 m³
    are carried over; closed at 3,100 m³, the 20 m³ are refunded at today's tariff from the top
    of this year's 340 m³ (tier 1, 2.61 yuan): 52.20 yuan back."""
    from app.domain.cards import CardReading
    from app.services.accounts import CloseAccountRequest, close_account
    from app.services.meters import replacement_quote

    imported(hall, records(1, usage=34000))
    quote = replacement_quote(hall.ctx, hall.clerk, "8800000001", 310000)
    assert (quote.bought_volume, quote.used_volume) == (312000, 310000)
    assert (quote.carry_over_volume, quote.overdrawn_volume) == (2000, 0)
    reading = CardReading("OC00000001", 27, 0, 27)
    request = CloseAccountRequest(rid(), "8800000001", 310000, "搬迁", card=reading)
    with refused(RuleViolation, "请先接管"):
        close_account(hall.ctx, hall.clerk, request)
    taken_over(hall, "OC00000001")
    closed = close_account(hall.ctx, hall.clerk, request)
    assert closed.amount_fen == -5220 and closed.volume == -2000
    assert [(s.tier, s.volume, s.amount_fen) for s in closed.segments] == [(1, -2000, -5220)]
    usage = tier_usage(hall.ctx, hall.clerk, "8800000001")
    assert usage.total_used == 32000  # the refunded 20 m³ leave this year's ladder


def test_a_new_card_for_an_imported_account_carries_the_old_cards_gas_and_total(hall):
    from app.services.queries import gas_put_on_cards, last_gas_volume

    data = records(1)
    card = data.cards["8800000001"][0]
    data.cards["8800000001"] = [dataclasses.replace(card, gas_on_card=1500)]
    imported(hall, data)
    # the old card's 15 m³ not in the meter yet go on the new card (补卡), with the old total
    assert last_gas_volume(hall.ctx, "8800000001") == 1500
    assert gas_put_on_cards(hall.ctx, "8800000001") == 312000


def test_any_business_on_an_account_refuses_the_rollback_before_a_delete(hall):
    """A purchase limit set on one account (no sale): refused in Chinese, nothing deleted, the
    batch still standing, so the hall can go on importing or rolling back."""
    from app.services.limits import AccountLimitRequest, set_account_limit

    outcome = imported(hall, records(3), chunk=1)
    set_account_limit(
        hall.ctx,
        hall.actor("zhoujie"),
        AccountLimitRequest("8800000003", 50000, "核定"),
    )
    before = counts(hall)
    with refused(RuleViolation, "户号8800000003已在系统中办理过业务（限购设置）"):
        rollback_import(hall.ctx, admin(hall), outcome.batch.batch_no, chunk=1)
    assert counts(hall) == before
    assert [b.status for b in list_batches(hall.ctx, admin(hall))] == ["completed"]
    assert imported(hall, records(1, start=9), tag="next").added == 1


def test_a_customer_shared_by_accounts_in_two_chunks_goes_with_the_rollback(hall):
    before = counts(hall)
    data = records(3)
    for no in ("8800000002", "8800000003"):
        data.accounts[no] = dataclasses.replace(data.accounts[no], customer_ref="K000001")
    del data.customers["K000002"], data.customers["K000003"]
    outcome = imported(hall, data, chunk=1)
    assert counts(hall)["customers"] == before["customers"] + 1
    rollback_import(hall.ctx, admin(hall), outcome.batch.batch_no, chunk=1)
    after = counts(hall)
    assert after["customers"] == before["customers"] and after["accounts"] == before["accounts"]
    assert verify(hall.ctx.db, AUDIT_KEY).ok


def test_a_card_registered_after_the_dry_run_stops_the_chunk_in_chinese(hall):
    from app.services.accounts import ContractInput, OpenAccountRequest, open_account
    from tests.support import customer_input

    plan = plan_import(hall.ctx, admin(hall), records(3), digests())
    open_account(  # at a counter, while the administrator looks at the dry run
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            request_id=rid(),
            customer=customer_input("李建华", 3, "residential"),
            meter_no="18Z0000001",
            card_serial="OC00000002",
            contract=ContractInput("HT-2026-Z0001", dt.date(2026, 1, 5)),
        ),
    )
    with refused(Conflict, "卡号OC00000002在试导入之后已在系统中登记"):
        run_import(hall.ctx, admin(hall), plan, chunk=1)
    again = plan_import(hall.ctx, admin(hall), records(3), digests())
    assert [p.column for p in again.errors][:1] == ["card_no"]
    assert run_import(hall.ctx, admin(hall), again, skip_bad_rows=True).resumed


def test_a_customer_gasdesk_holds_must_agree_on_what_prices_their_gas(hall):
    """The same identity document with another household size is an error (it moves the tier
    breakpoints); another phone and address are warnings and GasDesk's are kept."""
    imported(hall, records(1))
    data = records(1, start=2)
    person = data.customers["K000002"]
    first = records(1).customers["K000001"]
    data.customers["K000002"] = dataclasses.replace(
        person, id_number=first.id_number, name=first.name, household_size=5
    )
    plan = plan_import(hall.ctx, admin(hall), data, digests("x"))
    found = {(p.column, p.error): p.reason for p in plan.problems if p.file == "customers.csv"}
    assert set(found) == {("household_size", True), ("phone", False), ("address", False)}
    assert "家庭人口与系统不同" in found["household_size", True]


def test_an_account_imported_before_with_other_figures_is_a_warning_not_a_silent_skip(hall):
    imported(hall, records(2))
    changed = records(2, usage=40000)
    plan = plan_import(hall.ctx, admin(hall), changed, digests("y"))
    assert plan.errors == [] and plan.already == 2 and plan.new == []
    warnings = [p.reason for p in plan.problems if not p.error]
    assert len(warnings) == 2 and "阶梯年度已购气量" in warnings[0]


class RollbackAtTheEnd(ImportProgress):
    """A rollback of the batch lands after its last chunk, before the import marks it done."""

    def __init__(self, hall) -> None:
        self.hall = hall

    def report(self, done: int, total: int) -> None:
        if done == total:
            batch = list_batches(self.hall.ctx, admin(self.hall))[0]
            rollback_import(self.hall.ctx, admin(self.hall), batch.batch_no)


def test_a_rollback_racing_the_imports_last_step_wins_and_nothing_is_negated_twice(hall):
    plan = plan_import(hall.ctx, admin(hall), records(2), digests())
    with refused(Conflict, "已被回退"):
        run_import(hall.ctx, admin(hall), plan, progress=RollbackAtTheEnd(hall))
    statuses = {b.kind: b.status for b in list_batches(hall.ctx, admin(hall))}
    assert statuses == {"import": "rolled_back", "rollback": "completed"}
    again = imported(hall, records(2))
    assert again.added == 2
    assert tier_usage(hall.ctx, hall.clerk, "8800000001").total_used == 34000
    rollback_import(hall.ctx, admin(hall), again.batch.batch_no)
    with hall.ctx.unit_of_work() as s:
        assert s.scalar(select(func.sum(OpeningUsage.volume))) == 0
        twins = s.execute(
            select(OpeningUsage.reverses_id, func.count())
            .where(OpeningUsage.reverses_id.is_not(None))
            .group_by(OpeningUsage.reverses_id)
        ).all()
    assert twins and all(count == 1 for _, count in twins)
    assert verify(hall.ctx.db, AUDIT_KEY).ok


def test_old_gas_carried_over_at_a_meter_replacement_is_refunded_at_the_closing(hall):
    """Imported with 3,120 m³ bought, the meter replaced at 3,100 m³ (20 m³ carried over, not
    yet written), the account closed at the new meter's first reading: the 20 m³ come back at
    today's tier-1 price (2.61 yuan): 52.20 yuan."""
    from app.services.accounts import CloseAccountRequest, close_account
    from app.services.meters import ReplaceMeterRequest, replace_meter

    imported(hall, records(1, usage=34000))
    taken_over(hall, "OC00000001")
    replaced = replace_meter(
        hall.ctx,
        hall.clerk,
        ReplaceMeterRequest(rid(), "8800000001", 310000, "王师傅", "NEW-METER-1", "NEW-CARD-1"),
    )
    assert replaced.figures.carry_over_volume == 2000
    closed = close_account(
        hall.ctx, hall.clerk, CloseAccountRequest(rid(), "8800000001", 0, "搬迁")
    )
    assert closed.amount_fen == -5220 and closed.volume == -2000
