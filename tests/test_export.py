"""``export_hall`` on SQLite and PostgreSQL: a hall with sales, a refund, a lost card, imported
opening usage, balances and bills (one rolled back) exports the import's seven files, exactly
as hand-computed; the XLSX carries the same cells; GB18030; a cancelled export leaves no
file; a clerk is refused and nothing is written."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.cards import CardReading
from app.domain.imports import FILES
from app.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from app.services import audit
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.export import WORKBOOK, export_hall, volume_cell
from app.services.inspections import ImportCancelled, ImportProgress
from app.services.meters import (
    CarryOverRequest,
    ReplaceMeterRequest,
    replace_meter,
    write_carry_over,
)
from app.services.sales import RefundRequest, refund
from app.services.security import AdminActor, ApprovalInput
from db.models import (
    Account,
    Card,
    Customer,
    ImportBatch,
    ImportedCard,
    Meter,
    OpeningEntry,
    OpeningUsage,
    User,
)
from tests.support import PASSWORD, buy, loaded, m3, open_customer, rid, unloaded

NAMES = [spec.name for spec in FILES]


def read_csv(path, encoding="utf-8-sig") -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle))


def _batch(s, user_id: int, no: str, status: str = "completed") -> ImportBatch:
    batch = ImportBatch(
        batch_no=no,
        kind="import",
        status=status,
        content_hash=no.ljust(64, "0"),
        files="[]",
        options="{}",
        accounts_total=1,
        accounts_done=1,
        started_by=user_id,
        started_at=dt.datetime(2026, 2, 28, tzinfo=dt.UTC),
    )
    s.add(batch)
    s.flush()
    return batch


@pytest.fixture
def scene(hall):
    """Three accounts through the services, and the import's rows as plain rows."""
    approve = (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)
    # 陈静: 50 m³ loaded, then 20 m³ bought and refunded before loading
    chen = open_customer(hall, name="陈静")
    first = buy(hall, chen.card_serial, volume=m3(50))
    second = buy(hall, chen.card_serial, volume=m3(20), card_reading=loaded(first))
    refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(second), "客户退气", approve))
    # 刘洋 opens after midnight local time (still the day before in UTC), buys 30 m³, loses
    # the card: the old one is blacklisted, the new one carries count 1
    hall.clock.set(2026, 3, 3, 7, 30)
    liu = open_customer(hall, name="刘洋", household=5)
    bought = buy(hall, liu.card_serial, volume=m3(30))
    replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(rid(), liu.account_no, "SLE0000099", "lost", cash_tendered_fen=2000),
    )
    # a restaurant: no sale, old cards came with the go-live import
    shop = open_customer(hall, name="老王饭店", kind="commercial")
    with hall.ctx.unit_of_work() as s:
        admin = s.scalar(select(User.id).where(User.username == "admin"))
        batch = _batch(s, admin, "IMP-1")
        undone = _batch(s, admin, "IMP-0", status="rolled_back")
        shop_account = s.scalar(select(Card.account_id).where(Card.serial == shop.card_serial))
        # a post-paid account (普表: read, then billed) as the import writes one: GasDesk's
        # counter opens card accounts only
        opened = dt.datetime(2019, 12, 31, 16, 0, tzinfo=dt.UTC)  # 2020-01-01 in Shanghai
        diner = Customer(
            kind="commercial",
            name="城东餐饮有限公司",
            id_type="business_license",
            id_number="91310000MA1K999999",
            phone="021-64871234",
            address="人民路88号",
            household_size=1,
            search_text="",
            created_at=opened,
        )
        s.add(diner)
        s.flush()
        billed = Account(
            account_no="0200000099",
            hall_id=hall.hall_id,
            customer_id=diner.id,
            status="active",
            kind="postpaid",
            purchase_count=0,
            opened_at=opened,
        )
        s.add(billed)
        s.flush()
        s.add(
            Meter(
                meter_no="PP-0001",
                model="G4",
                initial_reading=m3(1000),
                account_id=billed.id,
                status="active",
                installed_at=opened,
                rated_flow=m3(6),
            )
        )
        s.add_all(
            [
                Card(
                    serial=serial,
                    account_id=shop_account,
                    status="retired",
                    maker="gasdesk",
                    issued_at=dt.datetime(2015, 6, 1, 2, 0, tzinfo=dt.UTC),
                )
                for serial in ("OLD-77", "OLD-78")
            ]
        )
        s.add_all(
            [
                ImportedCard(
                    batch_id=batch.id,
                    account_no=shop.account_no,
                    serial="OLD-77",
                    maker="gasdesk",
                    status="retired",
                    purchase_count=27,
                    gas_on_card=m3(12.5),
                    cumulative_purchased=m3(3120),
                ),
                ImportedCard(
                    batch_id=batch.id,
                    account_no=shop.account_no,
                    serial="OLD-78",
                    maker="gasdesk",
                    status="retired",
                    purchase_count=3,
                    gas_on_card=0,
                    cumulative_purchased=m3(3120),
                ),
                # a rolled-back batch's figures count for nothing
                ImportedCard(
                    batch_id=undone.id,
                    account_no=shop.account_no,
                    serial="OLD-77",
                    maker="gasdesk",
                    status="retired",
                    purchase_count=99,
                    gas_on_card=m3(99),
                    cumulative_purchased=m3(9999),
                ),
            ]
        )
        usage = [
            OpeningUsage(
                batch_id=batch.id,
                account_no=chen.account_no,
                ladder_year=dt.date(2026, 1, 1),
                volume=m3(120.25),
            ),
            OpeningUsage(  # last ladder year: not the current one
                batch_id=batch.id,
                account_no=chen.account_no,
                ladder_year=dt.date(2025, 1, 1),
                volume=m3(400),
            ),
            OpeningUsage(  # rolled back below
                batch_id=batch.id,
                account_no=liu.account_no,
                ladder_year=dt.date(2026, 1, 1),
                volume=m3(80),
            ),
        ]
        balance = OpeningEntry(
            batch_id=batch.id,
            account_no=billed.account_no,
            kind="balance",
            amount_fen=3560,
            as_of=dt.date(2026, 2, 28),
        )
        wrong = OpeningEntry(  # rolled back below
            batch_id=batch.id,
            account_no=billed.account_no,
            kind="balance",
            amount_fen=-50000,
            as_of=dt.date(2026, 2, 27),
        )
        bill = OpeningEntry(
            batch_id=batch.id,
            account_no=billed.account_no,
            kind="bill",
            amount_fen=9135,
            paid_fen=1000,
            as_of=dt.date(2026, 2, 20),
            bill_no="B202602-000123",
            period_start=dt.date(2026, 1, 20),
            last_reading=m3(1200),
            this_reading=m3(1235),
            due_on=dt.date(2026, 3, 10),
        )
        s.add_all([*usage, balance, wrong, bill])
        s.flush()
        s.add_all(
            [
                OpeningUsage(
                    batch_id=batch.id,
                    account_no=liu.account_no,
                    ladder_year=dt.date(2026, 1, 1),
                    volume=-m3(80),
                    reverses_id=usage[2].id,
                ),
                OpeningEntry(
                    batch_id=batch.id,
                    account_no=billed.account_no,
                    kind="balance",
                    amount_fen=50000,
                    as_of=dt.date(2026, 2, 27),
                    reverses_id=wrong.id,
                ),
            ]
        )
        s.commit()
        people = {
            name: s.scalar(select(Customer).where(Customer.id == result.customer_id))
            for name, result in (("chen", chen), ("liu", liu), ("shop", shop))
        }
        people["diner"] = diner
    return {
        "chen": chen,
        "liu": liu,
        "shop": shop,
        "people": people,
        "admin": AdminActor(hall.users["admin"]),
        "liu_bought": bought,
    }


def expected(scene) -> dict[str, list[list[str]]]:
    chen, liu, shop, people = scene["chen"], scene["liu"], scene["shop"], scene["people"]

    def person(key: str, kind: str, id_type: str, household: str) -> list[str]:
        c = people[key]
        return [
            f"C{c.id}",
            c.name,
            kind,
            id_type,
            c.id_number,
            c.phone,
            c.address,
            household,
        ]

    return {
        "customers": [
            person("chen", "residential", "resident_id", "3"),
            person("liu", "residential", "resident_id", "5"),
            person("shop", "commercial", "business_license", "3"),
            person("diner", "commercial", "business_license", "1"),
        ],
        "accounts": [
            # the refund stepped the count back to the 50 m³ purchase: count 1, 50.00 net
            [chen.account_no, f"C{people['chen'].id}", "card", "active", "2026-03-02", "",
             "1", "2026-03-02", "50.00"],
            # opened 07:30 on 3 March in Shanghai (23:30 on 2 March UTC)
            [liu.account_no, f"C{people['liu'].id}", "card", "active", "2026-03-03", "",
             "1", "2026-03-03", "30.00"],
            # no sale since the import: its cumulative purchase as imported, no date
            [shop.account_no, f"C{people['shop'].id}", "card", "active", "2026-03-03", "",
             "0", "", "3120.00"],
            ["0200000099", f"C{people['diner'].id}", "postpaid", "active", "2020-01-01", "",
             "0", "", "0.00"],
        ],
        "meters": [
            [chen.meter_no, chen.account_no, "", "0.00", "2026-03-02", ""],
            [liu.meter_no, liu.account_no, "", "0.00", "2026-03-03", ""],
            [shop.meter_no, shop.account_no, "", "0.00", "2026-03-03", ""],
            ["PP-0001", "0200000099", "G4", "1000.00", "2020-01-01", "6.00"],
        ],
        "cards": [
            [chen.card_serial, chen.account_no, "gasdesk", "active", "2026-03-02", "1", "0.00"],
            # the lost card: the count of its last transaction (the 30 m³ purchase)
            [liu.card_serial, liu.account_no, "gasdesk", "blacklisted", "2026-03-03", "1",
             "0.00"],
            ["SLE0000099", liu.account_no, "gasdesk", "active", "2026-03-03", "1", "0.00"],
            [shop.card_serial, shop.account_no, "gasdesk", "active", "2026-03-03", "0", "0.00"],
            # imported, never seen since: what the (live) import said it carried
            ["OLD-77", shop.account_no, "gasdesk", "retired", "2015-06-01", "27", "12.50"],
            ["OLD-78", shop.account_no, "gasdesk", "retired", "2015-06-01", "3", "0.00"],
        ],
        "usage": [
            # 50 + 20 − 20 bought at the counter, 120.25 imported for 2026 (2025's left out)
            [chen.account_no, "2026-01-01", "170.25"],
            # 30 bought; the imported 80 was rolled back
            [liu.account_no, "2026-01-01", "30.00"],
        ],
        "balances": [["0200000099", "35.60", "2026-02-28"]],
        "bills": [
            ["B202602-000123", "0200000099", "2026-01-20", "2026-02-20", "1200.00",
             "1235.00", "91.35", "10.00", "2026-03-10"],
        ],
    }  # fmt: skip


def test_csv_export_writes_the_import_files_exactly(hall, scene, tmp_path):
    target = tmp_path / "out"
    result = export_hall(hall.ctx, scene["admin"], target)
    want = expected(scene)
    assert [f.name for f in result.files] == NAMES
    assert result.rows == {name: len(rows) for name, rows in want.items()}
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{n}.csv" for n in NAMES)
    for spec in FILES:
        path = target / f"{spec.name}.csv"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 by its BOM
        rows = read_csv(path)
        assert rows[0] == [c.name for c in spec.columns], spec.name
        assert rows[1:] == want[spec.name], spec.name
    with hall.ctx.reading() as session:
        kinds = list(
            session.scalars(select(audit.log_table.c.kind).order_by(audit.log_table.c.seq))
        )
    assert kinds[-1] == "hall_exported"


def test_xlsx_export_has_the_same_cells_in_one_workbook(hall, scene, tmp_path):
    from openpyxl import load_workbook

    result = export_hall(hall.ctx, scene["admin"], tmp_path, xlsx=True)
    assert [p.name for p in tmp_path.iterdir()] == [WORKBOOK]
    assert {f.path for f in result.files} == {tmp_path / WORKBOOK}
    want = expected(scene)
    book = load_workbook(tmp_path / WORKBOOK, read_only=True)
    try:
        assert book.sheetnames == NAMES
        for spec in FILES:
            rows = [
                ["" if v is None else v for v in row]
                for row in book[spec.name].iter_rows(values_only=True)
            ]
            assert rows[0] == [c.name for c in spec.columns]
            # every cell is text: 户号 keeps its zeros, a volume its two decimals
            assert rows[1:] == want[spec.name], spec.name
    finally:
        book.close()


def test_gb18030_export_reads_back_in_gb18030(hall, scene, tmp_path):
    export_hall(hall.ctx, scene["admin"], tmp_path, encoding="gb18030")
    raw = (tmp_path / "customers.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "陈静".encode("gb18030") in raw
    assert read_csv(tmp_path / "customers.csv", "gb18030")[1:] == expected(scene)["customers"]


def test_an_unknown_encoding_is_refused(hall, scene, tmp_path):
    with pytest.raises(InvalidInput) as error:
        export_hall(hall.ctx, scene["admin"], tmp_path / "out", encoding="latin-1")
    assert "编码" in error.value.user_message
    assert not (tmp_path / "out").exists()


class CancelAfter(ImportProgress):
    def __init__(self, reports: int):
        self.reports: list[tuple[int, int]] = []
        self.left = reports

    def report(self, done: int, total: int) -> None:
        self.reports.append((done, total))

    def cancelled(self) -> bool:
        self.left -= 1
        return self.left < 0


@pytest.mark.parametrize("xlsx", [False, True])
def test_a_cancelled_export_leaves_no_file(hall, scene, tmp_path, xlsx):
    progress = CancelAfter(3)  # cancelled before the fourth file (cards)
    with pytest.raises(ImportCancelled):
        export_hall(hall.ctx, scene["admin"], tmp_path, xlsx=xlsx, progress=progress)
    assert list(tmp_path.iterdir()) == []
    assert progress.reports == [(0, 4 + 4 + 4 + 6 + 2 + 1 + 1)]


def test_progress_runs_to_the_total(hall, scene, tmp_path):
    progress = CancelAfter(100)
    export_hall(hall.ctx, scene["admin"], tmp_path, progress=progress)
    assert progress.reports[0] == (0, 22) and progress.reports[-1] == (22, 22)


def test_an_earlier_export_is_never_overwritten(hall, scene, tmp_path):
    export_hall(hall.ctx, scene["admin"], tmp_path)
    before = (tmp_path / "accounts.csv").read_bytes()
    with pytest.raises(Conflict) as error:
        export_hall(hall.ctx, scene["admin"], tmp_path)
    assert "已有导出文件" in error.value.user_message
    assert (tmp_path / "accounts.csv").read_bytes() == before


def test_a_clerk_is_refused_and_nothing_is_written(hall, scene, tmp_path):
    with pytest.raises(PermissionDenied):
        export_hall(hall.ctx, AdminActor(hall.users["lina"]), tmp_path / "out")
    assert not (tmp_path / "out").exists()
    with hall.ctx.reading() as session:
        kinds = list(
            session.scalars(select(audit.log_table.c.kind).order_by(audit.log_table.c.seq))
        )
    assert kinds[-1] == "permission_denied"


def test_an_empty_hall_exports_headers_only(hall, tmp_path):
    result = export_hall(hall.ctx, AdminActor(hall.users["admin"]), tmp_path)
    assert result.rows == dict.fromkeys(NAMES, 0)
    for spec in FILES:
        assert read_csv(tmp_path / f"{spec.name}.csv") == [[c.name for c in spec.columns]]


def test_volumes_have_two_decimals_always():
    assert [volume_cell(v) for v in (0, 5, 12345, -2050, None)] == [
        "0.00",
        "0.05",
        "123.45",
        "-20.50",
        "",
    ]


def _cli(tmp_path, *args: str, stdin: str = ""):  # type: ignore[no-untyped-def]
    """``main.py`` on a data dir of its own (embedded SQLite), ``stdin`` as its input."""
    import os
    import subprocess
    import sys

    from tests.support import ROOT

    environment = {
        **os.environ,
        "GASDESK_DATA_DIR": str(tmp_path / "data"),
        "GASDESK_CONFIG": str(tmp_path / "absent.toml"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    environment.pop("GASDESK_DB_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )


def test_the_command_exports_the_demo_hall_and_prints_each_file(tmp_path):
    assert _cli(tmp_path, "admin", "demo", "--customers", "4").returncode == 0
    out = tmp_path / "export"
    wrong = _cli(tmp_path, "admin", "export", "--to", str(out), "--user", "admin", stdin="x\n")
    assert wrong.returncode == 2 and "用户名或密码" in wrong.stderr, wrong.stderr
    assert not out.exists()
    done = _cli(
        tmp_path,
        "admin",
        "export",
        "--to",
        str(out),
        "--encoding",
        "gb18030",
        "--user",
        "admin",
        stdin="gasdesk\n",
    )
    assert done.returncode == 0, done.stderr
    printed = {
        line.split(": ")[0]: int(line.split(": ")[1].split()[0])
        for line in done.stdout.splitlines()
        if line.endswith(" rows")
    }
    assert list(printed) == [str(out / f"{name}.csv") for name in NAMES]
    for name in NAMES:
        rows = read_csv(out / f"{name}.csv", "gb18030")
        assert len(rows) - 1 == printed[str(out / f"{name}.csv")], name
    assert printed[str(out / "accounts.csv")] == 4
    assert printed[str(out / "customers.csv")] == 4
    assert "个人信息" in done.stdout
    book = _cli(
        tmp_path, "admin", "export", "--to", str(tmp_path / "x"), "--xlsx", "--user", "admin",
        stdin="gasdesk\n",
    )  # fmt: skip
    assert book.returncode == 0, book.stderr
    assert f"{tmp_path / 'x' / WORKBOOK} [accounts]: 4 rows" in book.stdout


def test_a_replaced_meter_restarts_the_count_and_the_cumulative_of_its_account_only(hall, tmp_path):
    other = open_customer(hall, name="赵雷")
    buy(hall, other.card_serial, volume=m3(25))  # before the replacement below
    opened = open_customer(hall, name="钱多")
    buy(hall, opened.card_serial, volume=m3(100))
    # final reading 60 on a meter installed at 0: 40 m³ carried over to the new meter's card
    done = replace_meter(
        hall.ctx,
        hall.clerk,
        ReplaceMeterRequest(
            request_id=rid(),
            account_no=opened.account_no,
            final_reading=m3(60),
            technician="王师傅",
            new_meter_no="NEW0000001",
            new_card_serial="N000000001",
            new_meter_model="G2.5",
        ),
    )
    new_card = CardReading(done.new_card_serial, 0, 0, 0)
    write_carry_over(
        hall.ctx, hall.clerk, CarryOverRequest(rid(), done.new_card_serial, m3(40), card=new_card)
    )
    export_hall(hall.ctx, AdminActor(hall.users["admin"]), tmp_path)
    accounts = {row[0]: row for row in read_csv(tmp_path / "accounts.csv")[1:]}
    # the new meter's count and the gas put on its card (the carry-over), not the old 100
    assert accounts[opened.account_no][6:] == ["1", "2026-03-02", "40.00"]
    assert accounts[other.account_no][6:] == ["1", "2026-03-02", "25.00"]
    meters = read_csv(tmp_path / "meters.csv")[1:]
    assert [r[:4] for r in meters] == [
        [other.meter_no, other.account_no, "", "0.00"],
        ["NEW0000001", opened.account_no, "G2.5", "0.00"],
    ]
    usage = {r[0]: r[1:] for r in read_csv(tmp_path / "usage.csv")[1:]}
    # the ladder counts what was bought (a carry-over is no purchase)
    assert usage == {
        other.account_no: ["2026-01-01", "25.00"],
        opened.account_no: ["2026-01-01", "100.00"],
    }
    cards = {r[0]: r[3:6] for r in read_csv(tmp_path / "cards.csv")[1:]}
    assert cards[done.new_card_serial] == ["active", "2026-03-02", "1"]
    assert cards[opened.card_serial][0] == "retired"


def test_a_write_failure_is_a_chinese_error_and_leaves_no_file(hall, scene, tmp_path, monkeypatch):
    import app.services.export as export

    def full(self, cells):  # the disk fills up while cards.csv is being written
        if self.paths and "cards" in self.paths:
            raise OSError(28, "No space left on device")
        self.writer.writerow(cells)

    monkeypatch.setattr(export._CsvSink, "write", full)
    with pytest.raises(RuleViolation) as error:
        export_hall(hall.ctx, scene["admin"], tmp_path)
    assert "无法写入导出文件" in error.value.user_message
    assert list(tmp_path.iterdir()) == []


def test_a_closed_account_has_its_date_no_meter_and_what_it_kept_of_its_gas(hall, tmp_path):
    from app.services.accounts import CloseAccountRequest, close_account

    account = open_customer(hall, name="孙丽")
    first = buy(hall, account.card_serial, volume=m3(340))
    second = buy(hall, account.card_serial, volume=m3(20), card_reading=loaded(first))
    hall.clock.set(2026, 3, 5, 16, 0)
    # the meter used 330 of the 360 m³: 30 m³ taken back and paid back at closing
    close_account(
        hall.ctx,
        hall.clerk,
        CloseAccountRequest(rid(), account.account_no, m3(330), "搬迁销户", card=loaded(second)),
    )
    export_hall(hall.ctx, AdminActor(hall.users["admin"]), tmp_path)
    assert read_csv(tmp_path / "accounts.csv")[1][3:] == [
        "closed",
        "2026-03-02",
        "2026-03-05",
        "2",
        "2026-03-02",
        "330.00",
    ]
    assert read_csv(tmp_path / "meters.csv")[1:] == []  # its meter serves no account now
    assert read_csv(tmp_path / "cards.csv")[1][3:6] == ["retired", "2026-03-02", "2"]
    assert read_csv(tmp_path / "usage.csv")[1:] == [[account.account_no, "2026-01-01", "330.00"]]


@pytest.fixture
def second_hall(request, backend):
    """Another hall in a database of its own (what a hall moving to a fresh GasDesk has)."""
    from app.context import Context
    from tests.support import AUDIT_KEY, SHANGHAI, FakeClock, seed_hall

    template = request.getfixturevalue(f"{backend}_template")
    db, url = template.new()
    clock = FakeClock()
    clock.set(2026, 3, 6, 9, 0)
    yield seed_hall(Context(db=db, clock=clock, tz=SHANGHAI, audit_key=AUDIT_KEY), clock)
    db.dispose()
    template.drop(url)


def _without_refs(files: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """The files with what a fresh database numbers anew (customer_ref: C + its new id) in
    order of appearance, and what the import does not keep (last_purchase_on) blanked."""
    refs: dict[str, str] = {}
    for row in files["customers"]:
        refs.setdefault(row[0], f"ref{len(refs)}")
    customers = [[refs[row[0]], *row[1:]] for row in files["customers"]]
    accounts = [[row[0], refs[row[1]], *row[2:7], "", row[8]] for row in files["accounts"]]
    return {**files, "customers": customers, "accounts": accounts}


@pytest.mark.parametrize("xlsx", [False, True])
def test_an_export_imports_into_a_fresh_hall_and_exports_the_same(
    hall, scene, second_hall, tmp_path, xlsx
):
    from openpyxl import load_workbook

    # the import's file reader (h/files) is merged separately; until then this waits for it
    pytest.importorskip("app.services.import_files")
    from app.services.imports import dry_run, run_import

    def files(directory) -> dict[str, list[list[str]]]:
        if not xlsx:
            return {n: read_csv(directory / f"{n}.csv")[1:] for n in NAMES}
        book = load_workbook(directory / WORKBOOK, read_only=True)
        try:
            return {
                n: [
                    ["" if v is None else v for v in r] for r in book[n].iter_rows(values_only=True)
                ][1:]
                for n in NAMES
            }
        finally:
            book.close()

    first, again = tmp_path / "first", tmp_path / "again"
    export_hall(hall.ctx, scene["admin"], first, xlsx=xlsx)
    admin = AdminActor(second_hall.users["admin"])
    source = [first / WORKBOOK] if xlsx else [first]
    plan = dry_run(second_hall.ctx, admin, source)
    assert not plan.errors, plan.errors
    outcome = run_import(second_hall.ctx, admin, plan)
    assert outcome.batch.accounts_done == 4
    export_hall(second_hall.ctx, admin, again, xlsx=xlsx)
    before, after = files(first), files(again)
    # the same files but for the customers' numbers in the new database ...
    assert _without_refs(after) == _without_refs(before)
    # ... and the date of the last purchase, which the import does not keep
    assert [row[7] for row in before["accounts"]] == ["2026-03-02", "2026-03-03", "", ""]
    assert [row[7] for row in after["accounts"]] == ["", "", "", ""]
