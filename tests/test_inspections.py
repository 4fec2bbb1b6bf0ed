"""Inspection results imported from the inspection team's sheet (CSV and XLSX), all or nothing
and idempotent, and the list of accounts due, exported (both databases)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from app.errors import InvalidInput
from app.services.inspections import (
    HEADERS,
    ImportCancelled,
    ImportProgress,
    InspectionEntry,
    due_inspections,
    import_inspections,
    record_inspection,
)
from app.services.limits import account_limits
from app.vocabulary import InspectionResult, InspectionSource
from db.models import Inspection
from tests.support import open_customer, refused, rid, row_counts


def write_csv(path, rows, encoding="utf-8-sig"):
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def inspections_of(hall, account_no=None):
    with hall.ctx.unit_of_work() as session:
        return session.scalars(select(Inspection).order_by(Inspection.id)).all()


@pytest.fixture
def two(hall):
    return open_customer(hall, "张秀英"), open_customer(hall, "李建华")


def sheet_rows(a, b):
    return [
        [a.account_no, "2026-02-27", "合格", "孙安全", ""],
        [b.account_no, "2026/02/28", "存在隐患", "孙安全", "软管老化"],
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_good_sheet_is_imported_once(hall, two, tmp_path, kind):
    a, b = two
    rows = sheet_rows(a, b)
    path = (write_csv if kind == "csv" else write_xlsx)(tmp_path / f"安检.{kind}", rows)
    done = import_inspections(hall.ctx, hall.clerk, path)
    assert (done.added, done.already) == (2, 0)
    stored = inspections_of(hall)
    assert [(s.inspected_on, s.result, s.source, s.note) for s in stored] == [
        (dt.date(2026, 2, 27), InspectionResult.PASSED, InspectionSource.IMPORT, None),
        (dt.date(2026, 2, 28), InspectionResult.HAZARD, InspectionSource.IMPORT, "软管老化"),
    ]
    assert account_limits(hall.ctx, hall.clerk, b.account_no).inspection.hold == "hazard"
    counts = row_counts(hall.ctx)
    again = import_inspections(hall.ctx, hall.clerk, path)  # the same file once more
    assert (again.added, again.already) == (0, 2)
    assert row_counts(hall.ctx) == counts


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (["0199999999", "2026-02-27", "合格", "孙安全", ""], "第3行：户号不存在"),
        (["{a}", "2026-02-30", "合格", "孙安全", ""], "第3行：安检日期格式不正确"),
        (["{a}", "2026-03-03", "合格", "孙安全", ""], "第3行：安检日期不能晚于今天"),
        (["{a}", "2026-02-27", "良好", "孙安全", ""], "第3行：安检结果应为"),
        (["{a}", "2026-02-27", "合格", "", ""], "第3行：请填写安检员"),
    ],
)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_row_refuses_the_whole_sheet(hall, two, tmp_path, kind, bad, message):
    a, b = two
    rows = [sheet_rows(a, b)[0], [cell.format(a=a.account_no) for cell in bad]]
    path = (write_csv if kind == "csv" else write_xlsx)(tmp_path / f"安检.{kind}", rows)
    before = row_counts(hall.ctx)
    with refused(InvalidInput, message):
        import_inspections(hall.ctx, hall.clerk, path)
    assert row_counts(hall.ctx) == before


def test_a_sheet_with_numeric_account_numbers_and_unpadded_dates_is_read(hall, two, tmp_path):
    """What a spreadsheet makes of a sheet: 户号 typed as a number (its leading 0 gone), dates
    as 2026/3/1, 2026.2.28, 20260227 and a real date cell."""
    a, b = two
    assert a.account_no.startswith("0")
    rows = [
        [int(a.account_no), "2026/3/1", "合格", "孙安全", ""],
        [int(b.account_no), "2026.2.28", "存在隐患", "孙安全", ""],
        [int(b.account_no), 20260227, "合格", "孙安全", ""],
        [a.account_no, dt.datetime(2026, 2, 26), "合格", "孙安全", ""],
    ]
    path = write_xlsx(tmp_path / "安检.xlsx", rows)
    assert import_inspections(hall.ctx, hall.clerk, path).added == 4
    stored = inspections_of(hall)
    assert [s.inspected_on for s in stored] == [
        dt.date(2026, 3, 1),
        dt.date(2026, 2, 28),
        dt.date(2026, 2, 27),
        dt.date(2026, 2, 26),
    ]
    assert account_limits(hall.ctx, hall.clerk, b.account_no).inspection.hold == "hazard"


def test_a_gbk_csv_and_blank_rows_are_read(hall, two, tmp_path):
    a, b = two
    rows = [sheet_rows(a, b)[0], ["", "", "", "", ""], sheet_rows(a, b)[1]]
    path = write_csv(tmp_path / "安检.csv", rows, encoding="gbk")
    assert import_inspections(hall.ctx, hall.clerk, path).added == 2


def test_a_cancelled_import_writes_nothing(hall, two, tmp_path):
    a, b = two
    path = write_csv(tmp_path / "安检.csv", sheet_rows(a, b))

    class Stop(ImportProgress):
        def cancelled(self) -> bool:
            return True

    before = row_counts(hall.ctx)
    with pytest.raises(ImportCancelled):
        import_inspections(hall.ctx, hall.clerk, path, Stop())
    assert row_counts(hall.ctx) == before


def test_progress_is_reported(hall, two, tmp_path):
    a, b = two
    path = write_csv(tmp_path / "安检.csv", sheet_rows(a, b))
    seen = []

    class Watch(ImportProgress):
        def report(self, done: int, total: int) -> None:
            seen.append((done, total))

    import_inspections(hall.ctx, hall.clerk, path, Watch())
    assert seen == [(2, 2)]


def test_the_due_list_names_overdue_and_soon_due_accounts(hall):
    overdue = open_customer(hall, "王老五")
    soon = open_customer(hall, "赵小六")
    fine = open_customer(hall, "钱七")  # opened today: due 2028-03-02
    held = open_customer(hall, "孙八")
    for account, on, result in (
        (overdue, dt.date(2024, 1, 10), InspectionResult.PASSED),  # due 2026-01-10
        (soon, dt.date(2024, 3, 20), InspectionResult.PASSED),  # due 2026-03-20
        (held, dt.date(2024, 3, 31), InspectionResult.PASSED),  # due 2026-03-31 (day 29)
        (held, dt.date(2026, 2, 1), InspectionResult.HAZARD),
    ):
        entry = InspectionEntry(account.account_no, on, result, "孙安全")
        record_inspection(hall.ctx, hall.clerk, rid(), entry)
    due = due_inspections(hall.ctx, hall.clerk, 29)
    assert [(d.account_no, d.status.due_on) for d in due] == [
        (overdue.account_no, dt.date(2026, 1, 10)),
        (soon.account_no, dt.date(2026, 3, 20)),
        (held.account_no, dt.date(2026, 3, 31)),
    ]
    assert [d.status.overdue for d in due] == [True, False, False]
    assert due[2].status.hold == InspectionResult.HAZARD
    assert [d.account_no for d in due_inspections(hall.ctx, hall.clerk, 0)] == [overdue.account_no]
    assert fine.account_no not in {d.account_no for d in due_inspections(hall.ctx, hall.clerk, 366)}


def test_the_due_list_exports_as_csv_and_xlsx(hall, tmp_path):
    from openpyxl import load_workbook

    from app.counter.reports import due_list, export_report

    overdue = open_customer(hall, "王老五")
    entry = InspectionEntry(
        overdue.account_no, dt.date(2024, 1, 10), InspectionResult.PASSED, "孙安全"
    )
    record_inspection(hall.ctx, hall.clerk, rid(), entry)
    report = due_list(due_inspections(hall.ctx, hall.clerk, 30), dt.date(2026, 3, 2), 30, "应安检")
    assert overdue.account_no in report.text
    csv_path = export_report(report, "csv", tmp_path / "应安检.csv")
    text = csv_path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = ["户号", "户名", "地址", "上次安检", "结果", "应安检日期", "逾期天数", "限制购气"]
    assert header in rows
    line = rows[rows.index(header) + 1]
    # overdue since 2026-01-10: 21 days of January, 28 of February, 2 of March = 51 days
    assert line[0] == overdue.account_no and line[3:] == [
        "2024-01-10",
        "合格",
        "2026-01-10",
        "51",
        "",
    ]
    xlsx_path = export_report(report, "xlsx", tmp_path / "应安检.xlsx")
    sheet = load_workbook(xlsx_path).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == header
    assert values[1][0] == overdue.account_no and values[1][6] == 51
    with hall.ctx.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Inspection)) == 1
