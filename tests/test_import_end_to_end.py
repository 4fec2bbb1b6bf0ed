"""The go-live import from the files to the rows (both databases): the shipped templates import,
a messy set is named problem by problem and writes nothing, ``skip_bad_rows`` imports the rest,
a GB18030 set with an old system's mapping imports, and the dry-run report is a workbook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.services.imports import dry_run, run_import, write_plan_report
from app.services.security import AdminActor
from db.models import Account, ImportBatch, OpeningEntry, OpeningUsage
from tests.support import refused, row_counts
from tests.test_import_files import messy_set, write_template_set

pytestmark = pytest.mark.usefixtures("hall")
DOCS = Path(__file__).resolve().parent.parent / "docs" / "import"


@pytest.fixture
def admin(hall):
    hall.clock.set(2026, 12, 6, 9, 0)  # the templates' dates are of late 2026
    return AdminActor(hall.users["admin"])


def counts(hall):
    return {k: v for k, v in row_counts(hall.ctx).items() if k != "audit_log"}


def test_the_shipped_templates_import(hall, admin, tmp_path):
    for source in ([DOCS], [DOCS / "template.xlsx"]):
        plan = dry_run(hall.ctx, admin, source)
        assert plan.errors == [], plan.errors
        assert sorted(b.account.account_no for b in plan.new) == ["0100012345", "0100012346"]
    outcome = run_import(hall.ctx, admin, dry_run(hall.ctx, admin, [DOCS]))
    assert outcome.added == 2
    with hall.ctx.unit_of_work() as s:
        kinds = dict(s.execute(select(Account.account_no, Account.kind)).all())
        assert kinds["0100012345"] == "card" and kinds["0100012346"] == "postpaid"
        assert s.scalar(select(OpeningUsage.volume)) == 34000
        money = {e.kind: e.amount_fen for e in s.scalars(select(OpeningEntry))}
        assert money == {"balance": 3560, "bill": 9135}
    # the workbook holds the same accounts: nothing more to import
    again = run_import(hall.ctx, admin, dry_run(hall.ctx, admin, [DOCS / "template.xlsx"]))
    assert again.added == 0 and again.already == 2


def test_a_messy_set_is_named_row_by_row_and_writes_nothing(hall, admin, tmp_path):
    expected, _dropped = messy_set(tmp_path)
    before = counts(hall)
    plan = dry_run(hall.ctx, admin, [tmp_path])
    named = {(p.file, p.row, p.column) for p in plan.errors}
    # every problem the files have is named (the hall's usage cap is not the reader test's)
    assert expected - {("usage.csv", 3, "volume")} <= named
    assert counts(hall) == before
    report = tmp_path / "report.xlsx"
    write_plan_report(plan, report)
    from openpyxl import load_workbook

    book = load_workbook(report, read_only=True)
    rows = list(book["问题"].iter_rows(values_only=True))
    assert rows[0][:5] == ("文件", "行", "列", "值", "原因")
    assert len(rows) - 1 == len(plan.problems)
    book.close()
    with refused(RuleViolation, "--skip-bad-rows"):
        run_import(hall.ctx, admin, plan)
    assert counts(hall) == before
    outcome = run_import(hall.ctx, admin, plan, skip_bad_rows=True)
    imported = {b.account.account_no for b in plan.new}
    assert outcome.added == len(imported) and imported >= {"0001", "0032"}
    with hall.ctx.unit_of_work() as s:
        numbers = set(s.scalars(select(Account.account_no)).all())
        options = json.loads(s.scalar(select(ImportBatch.options)))
    assert imported <= numbers and not ({"0002", "0016"} & numbers)
    assert options["skip_bad_rows"] and len(options["skipped"]) == outcome.skipped_rows > 0


def test_a_gb18030_set_through_an_old_systems_mapping(hall, admin, tmp_path):
    import tomllib

    mapping = tomllib.loads((DOCS / "mapping-example.toml").read_text(encoding="utf-8"))
    ours = tmp_path / "ours"
    ours.mkdir()
    write_template_set(ours, encoding="gb18030")
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    # the old system's file and column names and codes, as the example mapping has them
    import csv

    for name, file_name in mapping.get("files", {}).items():
        source = ours / f"{name}.csv"
        if not source.exists():
            continue
        with source.open(encoding="gb18030", newline="") as handle:
            table = list(csv.reader(handle))
        renamed = mapping.get("columns", {}).get(name, {})
        header = [renamed.get(column, column) for column in table[0]]
        with (theirs / file_name).open("w", encoding="gb18030", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in table[1:]:
                writer.writerow(
                    [_their_code(mapping, name, c, v) for c, v in zip(table[0], row, strict=True)]
                )
    (theirs / "mapping.toml").write_text(
        (DOCS / "mapping-example.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    plan = dry_run(hall.ctx, admin, [theirs], theirs / "mapping.toml")
    assert plan.errors == [], plan.errors
    assert run_import(hall.ctx, admin, plan).added == 2


CODE_COLUMNS = {
    ("customers", "customer_class"): "customer_class",
    ("customers", "id_type"): "id_type",
    ("accounts", "account_kind"): "account_kind",
    ("accounts", "status"): "account_status",
    ("cards", "maker"): "maker",
    ("cards", "status"): "card_status",
}


def _their_code(mapping, file, column, value):
    """Our code value written as the old system's code (the mapping's table read backwards)."""
    table = CODE_COLUMNS.get((file, column))
    if table is None or not value:
        return value
    backwards = {ours: theirs for theirs, ours in mapping.get("codes", {}).get(table, {}).items()}
    return backwards.get(value, value)
