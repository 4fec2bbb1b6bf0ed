"""The go-live import's file reader (no database): templates, encodings, workbooks, mapping
files, every check with its file, row and column, accounts dropped whole, the dry-run report,
cancellation; and the committed templates and docs agree with ``FILES``."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.domain.identity import make_resident_id
from app.domain.imports import FILES, SPEC, ProblemKind, template_rows
from app.errors import InvalidInput
from app.services.boundary import Text, clean_text
from app.services.import_files import (
    MAPPING,
    WORKBOOK,
    _text_parser,
    columns_markdown,
    file_digests,
    load_mapping,
    read_import,
    source_from,
    summary_lines,
    write_report,
    write_templates,
)
from app.services.progress import ImportCancelled, ImportProgress
from app.vocabulary import AccountKind, AccountStatus, CardStatus, CustomerKind, IdType

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "import"
TODAY = dt.date(2026, 12, 6)
MAKERS = frozenset({"gasdesk"})
CAPS = {CustomerKind.RESIDENTIAL.value: 600 * 100}


def read(paths, mapping=None, **options):
    options = {"today": TODAY, "makers": MAKERS, "usage_caps": CAPS, **options}
    return read_import(source_from(paths, mapping), **options)


def write_csv(directory: Path, name: str, rows, *, header=None, encoding="utf-8-sig", file=None):
    """One file of ours: ``rows`` as dicts by our column name (missing: empty)."""
    spec = SPEC[name]
    header = header or [c.name for c in spec.columns]
    path = directory / (file or f"{name}.csv")
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c.name, "") for c in spec.columns])
    return path


def template_dicts(name):
    spec = SPEC[name]
    return [
        dict(zip([c.name for c in spec.columns], row, strict=True)) for row in template_rows(spec)
    ]


def write_template_set(directory: Path, **kwargs):
    for spec in FILES:
        write_csv(directory, spec.name, template_dicts(spec.name), **kwargs)


def check_template_records(data):
    """The two template accounts, figure by figure."""
    assert data.errors == []
    assert list(data.accounts) == ["0100012345", "0100012346"]
    assert data.rows == {
        "customers": 2,
        "accounts": 2,
        "meters": 2,
        "cards": 1,
        "usage": 1,
        "balances": 1,
        "bills": 1,
    }
    card, postpaid = data.accounts["0100012345"], data.accounts["0100012346"]
    assert (card.account_kind, card.status) == (AccountKind.CARD, AccountStatus.ACTIVE)
    assert card.opened_on == dt.date(2015, 6, 1) and card.closed_on is None
    assert (card.last_purchase_count, card.last_purchase_on) == (27, dt.date(2026, 11, 20))
    assert card.cumulative_purchased == 312000
    assert postpaid.account_kind == AccountKind.POSTPAID and postpaid.last_purchase_count is None
    zhang = data.customers["K000123"]
    assert (zhang.name, zhang.customer_class, zhang.id_type) == (
        "张伟",
        CustomerKind.RESIDENTIAL,
        IdType.RESIDENT_ID,
    )
    assert (zhang.id_number, zhang.phone, zhang.household_size) == (
        "110101199003074514",
        "13800138000",
        3,
    )
    shop = data.customers["K000124"]
    assert (shop.customer_class, shop.household_size, shop.phone) == (
        CustomerKind.COMMERCIAL,
        1,
        "021-64871234",
    )
    meter = data.meters["0100012345"]
    assert (meter.meter_no, meter.model, meter.initial_reading, meter.rated_flow) == (
        "JK20150601001",
        "G2.5",
        0,
        None,
    )
    assert data.meters["0100012346"].rated_flow == 600
    (card_record,) = data.cards["0100012345"]
    assert (card_record.card_no, card_record.maker, card_record.status) == (
        "13572468",
        "gasdesk",
        CardStatus.ACTIVE,
    )
    assert (card_record.purchase_count, card_record.gas_on_card) == (27, 0)
    (usage,) = data.usage["0100012345"]
    assert (usage.ladder_year, usage.volume) == (dt.date(2026, 1, 1), 34000)
    balance = data.balances["0100012346"]
    assert (balance.balance_fen, balance.as_of) == (3560, dt.date(2026, 11, 30))
    (bill,) = data.bills["0100012346"]
    assert (bill.last_reading, bill.this_reading, bill.amount_fen, bill.paid_fen) == (
        120000,
        123500,
        9135,
        0,
    )
    assert (bill.period_start, bill.period_end, bill.due_on) == (
        dt.date(2026, 10, 20),
        dt.date(2026, 11, 20),
        dt.date(2026, 12, 10),
    )
    assert "0100012346" not in data.cards and "0100012345" not in data.bills


# ---------------------------------------------------------------- templates and docs


def test_committed_csv_templates_read_back_with_their_figures():
    data = read([DOCS])
    check_template_records(data)
    assert data.problems == []
    assert data.files["customers"] == "customers.csv"
    (zhang,) = [c for c in data.customers.values() if c.name == "张伟"]
    assert zhang.source.file == "customers.csv" and zhang.source.row == 2


def test_committed_workbook_template_reads_back_with_its_figures():
    data = read([DOCS / "template.xlsx"])
    check_template_records(data)
    assert data.problems == []
    assert data.accounts["0100012346"].source.file == "template.xlsx[accounts]"


def test_committed_templates_are_what_write_templates_makes(tmp_path):
    write_templates(tmp_path)
    for spec in FILES:
        committed = (DOCS / f"{spec.name}.csv").read_bytes()
        assert committed.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
        assert committed == (tmp_path / f"{spec.name}.csv").read_bytes(), spec.name
    fresh = load_workbook(tmp_path / "template.xlsx")
    committed = load_workbook(DOCS / "template.xlsx")
    assert committed.sheetnames == [spec.name for spec in FILES]
    for spec in FILES:
        rows = [list(r) for r in committed[spec.name].iter_rows(values_only=True)]
        assert rows == [list(r) for r in fresh[spec.name].iter_rows(values_only=True)]
        assert rows[0] == [c.name for c in spec.columns]
    # account numbers are text cells: leading zeros kept, formatted as text for new rows
    cell = committed["accounts"]["A2"]
    assert (cell.value, cell.number_format) == ("0100012345", "@")


def test_docs_document_every_column_in_order():
    text = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    at = 0
    for spec in FILES:
        table = columns_markdown(spec)
        found = text.find(table, at)
        assert found >= 0, f"docs/import.md: the table of {spec.name} differs from FILES"
        assert f"`{spec.name}.csv`" in text[:found]
        at = found + len(table)
    for column in (c for spec in FILES for c in spec.columns):
        assert f"`{column.name}`" in text


def test_mapping_example_is_a_valid_mapping():
    rules = load_mapping(DOCS / "mapping-example.toml")
    assert rules.files["customers"] == "KHXX.csv"
    assert rules.columns["customers"]["customer_ref"] == "客户编号"
    assert rules.codes["customer_class"]["01"] == CustomerKind.RESIDENTIAL
    assert rules.codes["card_status"]  # the old system's codes for lost cards


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gb18030(tmp_path, encoding):
    write_template_set(tmp_path, encoding=encoding)
    data = read([tmp_path])
    check_template_records(data)
    assert data.customers["K000124"].name == "城东餐饮有限公司"
    assert data.customers["K000124"].address == "人民路88号"


def test_explicit_encoding_and_a_file_that_is_neither(tmp_path):
    write_template_set(tmp_path, encoding="gb18030")
    mapping = tmp_path / "m.toml"
    mapping.write_text('[options]\nencoding = "utf-8"\n', encoding="utf-8")
    data = read([tmp_path], mapping)
    unreadable = [p for p in data.problems if p.kind is ProblemKind.UNREADABLE]
    assert {p.file for p in unreadable} == {"customers.csv"}  # the only one with Chinese
    assert all(p.row is None and p.error for p in unreadable)
    assert data.accounts == {} and "UTF-8" in unreadable[0].reason
    (tmp_path / "meters.csv").write_bytes(b"meter_no,account_no\n\xff\xfe\x80\x80\n")
    data = read([tmp_path])  # auto: neither UTF-8 nor GB18030
    (problem,) = data.problems
    assert (problem.file, problem.row, problem.kind) == ("meters.csv", None, ProblemKind.UNREADABLE)
    assert data.accounts == {} and "不能导入任何户" in summary_lines(data)[-1]


# ---------------------------------------------------------------- workbooks


def test_workbook_cells_numbers_dates_and_leading_zeros(tmp_path):
    book = Workbook()
    book.remove(book.active)
    for spec in FILES:
        sheet = book.create_sheet(spec.name)
        sheet.append([c.name for c in spec.columns])
        for row in template_rows(spec):
            sheet.append(row)
    accounts = book["accounts"]
    accounts["A2"].value = "0100012345"  # a text cell: the zeros stay
    accounts["E2"].value = dt.datetime(2015, 6, 1)  # a date cell
    accounts["G2"].value = 27.0  # an int column given a float
    accounts["I2"].value = 3120.5  # a volume as a number
    accounts.append(["100012399", "K000124", "remote", "active", dt.date(2020, 5, 4)])
    accounts["A4"].value = 100012399  # a number: shown as digits, never 1.0E8 or 100012399.0
    book["customers"]["H2"].value = 3.0
    book["balances"]["B2"].value = -12.3
    book["usage"].append([None, "  ", None])  # a blank row, skipped
    path = tmp_path / "旧系统.xlsx"
    book.save(path)
    data = read([path])
    assert data.errors == []
    assert list(data.accounts) == ["0100012345", "0100012346", "100012399"]
    card = data.accounts["0100012345"]
    assert card.opened_on == dt.date(2015, 6, 1) and card.last_purchase_count == 27
    assert card.cumulative_purchased == 312050
    assert data.accounts["100012399"].opened_on == dt.date(2020, 5, 4)
    assert data.customers["K000123"].household_size == 3
    assert data.balances["0100012346"].balance_fen == -1230
    (note,) = [p for p in data.problems if p.kind is ProblemKind.NOTE and p.column == "account_no"]
    assert (note.file, note.row, note.error) == ("旧系统.xlsx[accounts]", 4, False)
    assert "文本格式" in note.reason
    assert data.rows["usage"] == 1
    digests = file_digests(source_from([path], None))
    assert [(d.name, d.file_name) for d in digests] == [(WORKBOOK, "旧系统.xlsx")]
    assert digests[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- the mapping file

MAPPING_TOML = """
[options]
encoding = "gb18030"
date_format = "%Y%m%d"

[files]
customers = "KHXX.csv"
accounts = "YHXX.csv"

[columns.customers]
customer_ref = "客户编号"
name = "客户名称"
customer_class = "用户类别"
id_type = "证件类型"

[columns.accounts]
account_no = "HH"
customer_ref = "KHBH"
opened_on = "KHRQ"

[codes.customer_class]
"01" = "residential"
"02" = "commercial"

[codes.id_type]
"1" = "resident_id"
"2" = "business_license"

[codes.card_status]
"9" = "lost"

[codes.maker]
"JK" = "gasdesk"
"""


def test_mapping_renames_files_columns_and_codes(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING_TOML, encoding="utf-8")
    theirs = {
        "customer_ref": "客户编号",
        "name": "客户名称",
        "customer_class": "用户类别",
        "id_type": "证件类型",
    }
    customers = template_dicts("customers")
    for row, klass, kind in zip(customers, ("01", "02"), ("1", "2"), strict=True):
        row["customer_class"], row["id_type"] = klass, kind
    header = [theirs.get(c.name, c.name) for c in SPEC["customers"].columns]
    write_csv(tmp_path, "customers", customers, header=header, encoding="gb18030", file="KHXX.csv")
    accounts = template_dicts("accounts")
    for row in accounts:
        row["opened_on"] = row["opened_on"].replace("-", "")  # 20150601
    header = [
        {"account_no": "HH", "customer_ref": "KHBH", "opened_on": "KHRQ"}.get(c.name, c.name)
        for c in SPEC["accounts"].columns
    ]
    write_csv(tmp_path, "accounts", accounts, header=header, encoding="gb18030", file="YHXX.csv")
    cards = template_dicts("cards")
    cards[0]["maker"] = "JK"
    cards.append({**cards[0], "card_no": "13570001", "status": "9", "purchase_count": "20"})
    write_csv(tmp_path, "cards", cards, encoding="gb18030")
    for name in ("meters", "usage", "balances", "bills"):
        write_csv(tmp_path, name, template_dicts(name), encoding="gb18030")
    data = read([tmp_path], mapping)
    assert data.errors == [], data.errors
    assert data.files["customers"] == "KHXX.csv"
    assert data.customers["K000124"].customer_class == CustomerKind.COMMERCIAL
    assert data.customers["K000124"].id_type == IdType.BUSINESS_LICENSE
    assert data.accounts["0100012345"].opened_on == dt.date(2015, 6, 1)
    active, lost = data.cards["0100012345"]
    assert (active.maker, active.status) == ("gasdesk", CardStatus.ACTIVE)
    assert (lost.status, lost.purchase_count) == (CardStatus.BLACKLISTED, 20)
    names = [(d.name, d.file_name) for d in file_digests(source_from([tmp_path], mapping))]
    assert names[:2] == [("customers", "KHXX.csv"), ("accounts", "YHXX.csv")]
    assert names[-1] == (MAPPING, "mapping.toml") and len(names) == 8
    # the same files named one by one
    files = sorted(p for p in tmp_path.iterdir() if p.suffix == ".csv")
    assert read(files, mapping).accounts.keys() == data.accounts.keys()


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('[option]\nencoding = "auto"\n', "未知的项“option”"),
        ('[options]\nencoding = "big5"\n', "encoding"),
        ('[options]\ndate_format = "%H"\n', "date_format"),
        ('[files]\nclients = "KH.csv"\n', "未知的文件“clients”"),
        ('[columns.customers]\nref = "客户编号"\n', "未知的列“ref”"),
        ('[codes.colour]\n"1" = "red"\n', "代码表未知"),
        ('[codes.customer_class]\n"01" = "vip"\n', "不是本系统的值"),
        ("[files\n", "TOML"),
    ],
)
def test_a_bad_mapping_is_refused_in_chinese(tmp_path, toml, words):
    path = tmp_path / "m.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        source_from([DOCS], path)
    assert words in raised.value.user_message and "映射文件" in raised.value.user_message


def test_a_mapped_column_or_file_missing_is_a_problem_of_the_file(tmp_path):
    write_template_set(tmp_path)
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[files]\nbills = "ZD.csv"\n[columns.accounts]\nopened_on = "开户日期"\n', encoding="utf-8"
    )
    data = read([tmp_path], mapping)
    missing = {(p.file, p.column, p.kind) for p in data.errors}
    assert missing == {
        ("accounts.csv", "opened_on", ProblemKind.MISSING_COLUMN),
        ("ZD.csv", None, ProblemKind.MISSING_FILE),
    }
    assert "开户日期" in next(p.reason for p in data.errors if p.column == "opened_on")
    assert data.accounts == {}


def test_where_the_files_are(tmp_path):
    write_template_set(tmp_path)
    (tmp_path / "notes.csv").write_text("x\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="notes.csv"):
        source_from([tmp_path / "customers.csv", tmp_path / "notes.csv"], None)
    with pytest.raises(InvalidInput) as raised:
        source_from([tmp_path / "nothing"], None)
    assert "不存在" in raised.value.user_message
    with pytest.raises(InvalidInput):
        source_from([tmp_path / "customers.csv", DOCS / "template.xlsx"], None)
    source = source_from([tmp_path / "accounts.csv"], None)  # customers missing: a problem
    data = read_import(source, today=TODAY, makers=MAKERS, usage_caps={})
    assert [(p.file, p.kind) for p in data.errors] == [("customers.csv", ProblemKind.MISSING_FILE)]
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(InvalidInput) as raised:
        source_from([fake], None)
    assert raised.value.user_message == "无法打开Excel工作簿：fake.xlsx"
    # a directory holding only a workbook reads the workbook
    only = tmp_path / "book"
    only.mkdir()
    (only / "全部.xlsx").write_bytes((DOCS / "template.xlsx").read_bytes())
    assert read([only]).files["accounts"] == "全部.xlsx[accounts]"


# ---------------------------------------------------------------- every check


def _customer(ref, n, **changes):
    row = {
        "customer_ref": ref,
        "name": "李娜",
        "customer_class": "residential",
        "id_type": "resident_id",
        "id_number": make_resident_id("110101", dt.date(1980, 1, 1), n),
        "phone": "13900000000",
        "address": "人民路1号",
    }
    return {**row, **changes}


def _account(no, ref, **changes):
    return {"account_no": no, "customer_ref": ref, "opened_on": "2015-06-01", **changes}


def _card(card_no, no, **changes):
    return {
        "card_no": card_no,
        "account_no": no,
        "maker": "gasdesk",
        "purchase_count": "5",
        **changes,
    }


def _meter(meter_no, no, **changes):
    return {"meter_no": meter_no, "account_no": no, **changes}


def _bill(bill_no, no, **changes):
    row = {
        "bill_no": bill_no,
        "account_no": no,
        "period_start": "2026-10-20",
        "period_end": "2026-11-20",
        "last_reading": "100.00",
        "this_reading": "130.00",
        "amount": "78.30",
        "due_on": "2026-12-20",
    }
    return {**row, **changes}


def messy_set(directory: Path):
    """Good accounts beside one bad row per kind of problem; returns the expected errors
    (file, row, column) and the accounts expected to be dropped."""
    customers = [
        _customer("K01", 1),  # row 2
        _customer(
            "K02",
            2,
            customer_class="工商业户",
            id_type="business_license",
            id_number="91310104MA1FL0XX3Q",
            phone="021-64871234",
        ),  # row 3
        _customer("K03", 3, id_number="110101198001010031"),  # 4: check digit
        _customer("K04", 4, phone="12345"),  # 5
        _customer("K05", 5),  # 6
        _customer("K05", 6),  # 7: duplicate ref
        _customer("K06", 7, id_number=make_resident_id("110101", dt.date(1980, 1, 1), 1)),  # 8
        _customer("K07", 8, name="张😀"),  # 9: emoji
        _customer("K08", 9, customer_class="vip"),  # 10
        _customer("K09", 10, household_size="99"),  # 11
        _customer("K10", 11, address=""),  # 12
        _customer("K11", 41, name="王\u200b芳"),  # 13: zero-width space
    ]
    customers += [_customer(f"K{n}", n) for n in range(12, 40)]  # rows 14..41
    accounts = [
        _account("0001", "K01", last_purchase_count="5"),  # 2: good card account
        _account("0002", "K02", account_kind="postpaid"),  # 3: good post-paid
        *[_account(f"00{n:02d}", f"K{n:02d}") for n in range(3, 12)],  # 4..12: customers'
        _account("0012", "K12", opened_on="2099-01-01"),  # 13: future
        _account("0013", "K13", opened_on="2015/13/01"),  # 14: bad date
        _account("0014", "K14", status="closed"),  # 15: no closed_on
        _account("0015", "K99"),  # 16: unknown customer
        _account("0016", "K16"),  # 17
        _account("0016", "K16"),  # 18: duplicate account_no
        _account("0017", "K17", last_purchase_count="30"),  # 19: card count below
        _account("0018", "K18"),  # 20: two meters
        _account("0019", "K19"),  # 21: two active cards
        _account("0020", "K20", account_kind="postpaid"),  # 22: a card on it
        _account("0021", "K21"),  # 23: balance on a card account
        _account("0022", "K22", account_kind="remote"),  # 24: a bill on a remote account
        _account("0023", "K23"),  # 25: usage over the ladder
        _account("0024", "K24"),  # 26: usage twice a year
        _account("0025", "K25", account_kind="postpaid"),  # 27: this < last
        _account("0026", "K26", account_kind="postpaid"),  # 28: paid > amount
        _account("0027", "K27", account_kind="postpaid"),  # 29: period backwards
        _account("0028", "K28"),  # 30: unknown maker
        _account("0029", "K29"),  # 31: meter number of 0001's meter
        _account("0030", "K30"),  # 32: negative gas on card
        _account("0031", "K31", account_kind="xyz"),  # 33: unknown code
        _account("0032", "K32", status="closed", closed_on="2025-03-01"),  # 34: warning only
        _account("0033", "K33"),  # 35: usage volume with 3 decimals
        _account("0034", "K34"),  # 36: card number of 0001's card
        _account("0035", "K35", cumulative_purchased="12,34a"),  # 37: bad number
        _account("0036", "K36", last_purchase_on="2027-01-01"),  # 38: future
        _account("0037", "K37", opened_on="2020-01-01", closed_on="2019-01-01", status="已销户"),
    ]
    meters = [
        _meter("M0001", "0001", initial_reading="12.50"),  # 2
        _meter("M0018A", "0018"),  # 3
        _meter("M0018B", "0018"),  # 4: second meter
        _meter("M0001", "0029"),  # 5: duplicate meter_no
        _meter("M9999", "9999"),  # 6: no such account
        _meter("M0023", "0023", installed_on="2030-01-01"),  # 7: future
    ]
    cards = [
        _card("C0001", "0001"),  # 2
        _card("C0017", "0017", purchase_count="29"),  # 3: below 30
        _card("C0019A", "0019"),  # 4
        _card("C0019B", "0019"),  # 5: second active card
        _card("C0019C", "0019", status="挂失"),  # 6: a lost one is fine
        _card("C0020", "0020"),  # 7: on a post-paid account
        _card("C0028", "0028", maker="JK"),  # 8: unknown maker
        _card("C0030", "0030", gas_on_card="-5"),  # 9
        _card("C0001", "0034"),  # 10: duplicate card_no
    ]
    usage = [
        {"account_no": "0001", "ladder_year": "2026-01-01", "volume": "340.00"},  # 2
        {"account_no": "0023", "ladder_year": "2026-01-01", "volume": "700.00"},  # 3: over 600
        {"account_no": "0024", "ladder_year": "2026-01-01", "volume": "10"},  # 4
        {"account_no": "0024", "ladder_year": "2026-01-01", "volume": "20"},  # 5: duplicate
        {"account_no": "0032", "ladder_year": "2025-01-01", "volume": "10"},  # 6: closed: warning
        {"account_no": "0033", "ladder_year": "2026-01-01", "volume": "12.345"},  # 7
    ]
    balances = [
        {"account_no": "0002", "balance": "-35.60", "as_of": "2026-11-30"},  # 2
        {"account_no": "0021", "balance": "10", "as_of": "2026-11-30"},  # 3: card account
    ]
    bills = [
        _bill("B1", "0002"),  # 2
        _bill("B2", "0022"),  # 3: remote
        _bill("B3", "0025", this_reading="90.00"),  # 4
        _bill("B4", "0026", paid="80.00"),  # 5
        _bill("B5", "0027", period_start="2026-11-21"),  # 6
        _bill("B1", "0002"),  # 7: duplicate bill_no (drops 0002)
    ]
    for name, rows in (
        ("customers", customers),
        ("accounts", accounts),
        ("meters", meters),
        ("cards", cards),
        ("usage", usage),
        ("balances", balances),
        ("bills", bills),
    ):
        write_csv(directory, name, rows)
    expected = {
        ("customers.csv", 4, "id_number"),
        ("customers.csv", 5, "phone"),
        ("customers.csv", 7, "customer_ref"),
        ("customers.csv", 8, "id_number"),
        ("customers.csv", 9, "name"),
        ("customers.csv", 10, "customer_class"),
        ("customers.csv", 11, "household_size"),
        ("customers.csv", 12, "address"),
        ("customers.csv", 13, "name"),
        ("accounts.csv", 13, "opened_on"),
        ("accounts.csv", 14, "opened_on"),
        ("accounts.csv", 15, "closed_on"),
        ("accounts.csv", 16, "customer_ref"),
        ("accounts.csv", 18, "account_no"),
        ("accounts.csv", 33, "account_kind"),
        ("accounts.csv", 37, "cumulative_purchased"),
        ("accounts.csv", 38, "last_purchase_on"),
        ("accounts.csv", 39, "closed_on"),
        ("meters.csv", 4, "account_no"),
        ("meters.csv", 5, "meter_no"),
        ("meters.csv", 6, "account_no"),
        ("meters.csv", 7, "installed_on"),
        ("cards.csv", 3, "purchase_count"),
        ("cards.csv", 5, "status"),
        ("cards.csv", 7, "account_no"),
        ("cards.csv", 8, "maker"),
        ("cards.csv", 9, "gas_on_card"),
        ("cards.csv", 10, "card_no"),
        ("usage.csv", 3, "volume"),
        ("usage.csv", 5, "ladder_year"),
        ("usage.csv", 7, "volume"),
        ("balances.csv", 3, "account_no"),
        ("bills.csv", 3, "account_no"),
        ("bills.csv", 4, "this_reading"),
        ("bills.csv", 5, "paid"),
        ("bills.csv", 6, "period_end"),
        ("bills.csv", 7, "bill_no"),
    }
    dropped = {"0002", "0016", "0035", "0036", "0037"} | {f"00{n:02d}" for n in range(3, 35)}
    dropped -= {"0032"}
    return expected, dropped


def test_every_check_names_file_row_and_column_and_drops_the_account_whole(tmp_path):
    expected, dropped = messy_set(tmp_path)
    data = read([tmp_path])
    errors = [p for p in data.errors if p.kind is not ProblemKind.DROPPED]
    assert {(p.file, p.row, p.column) for p in errors} == expected
    assert len(errors) == len(expected)  # one problem per bad row
    drops = [p for p in data.problems if p.kind is ProblemKind.DROPPED]
    assert {p.value for p in drops} == dropped
    assert all(p.file == "accounts.csv" and p.reason == "本户有错误行，整户不导入" for p in drops)
    # the drop is said on the account's first row
    assert next(p.row for p in drops if p.value == "0016") == 17
    assert set(data.accounts) == {"0001", "0032"}
    assert set(data.customers) == {"K01", "K32"}
    assert data.meters["0001"].initial_reading == 1250 and set(data.meters) == {"0001"}
    assert [c.card_no for c in data.cards["0001"]] == ["C0001"]
    assert set(data.usage) == {"0001", "0032"} and data.balances == {} and data.bills == {}
    kinds = {(p.file, p.row): p.kind for p in errors}
    assert kinds["customers.csv", 4] is ProblemKind.BAD_ID
    assert kinds["customers.csv", 5] is ProblemKind.BAD_PHONE
    assert kinds["customers.csv", 7] is ProblemKind.DUPLICATE
    assert kinds["customers.csv", 9] is ProblemKind.BAD_TEXT
    assert kinds["customers.csv", 12] is ProblemKind.REQUIRED
    assert kinds["accounts.csv", 13] is ProblemKind.FUTURE_DATE
    assert kinds["accounts.csv", 14] is ProblemKind.BAD_DATE
    assert kinds["accounts.csv", 16] is ProblemKind.REFERENCE
    assert kinds["cards.csv", 3] is ProblemKind.CARD_COUNT
    assert kinds["cards.csv", 8] is ProblemKind.UNKNOWN_MAKER
    assert kinds["usage.csv", 3] is ProblemKind.OVER_LADDER
    assert kinds["usage.csv", 7] is ProblemKind.BAD_NUMBER
    assert kinds["cards.csv", 9] is ProblemKind.OUT_OF_RANGE
    reasons = {(p.file, p.row): p.reason for p in errors}
    assert reasons["customers.csv", 7] == "客户编号与第6行重复"
    assert reasons["meters.csv", 5] == "表号与第2行重复"
    assert reasons["usage.csv", 3] == "超过阶梯允许的年用气量（600m³）"
    assert "第4行" in reasons["cards.csv", 5]
    assert reasons["cards.csv", 3].startswith("卡内购气次数低于最后一笔购气记录")
    assert reasons["customers.csv", 4] == "身份证号校验位错误"
    assert "表情" in reasons["customers.csv", 9] and "不可见" in reasons["customers.csv", 13]
    warnings = {(p.file, p.row, p.column) for p in data.problems if not p.error}
    assert ("usage.csv", 6, "volume") in warnings  # a closed account's usage, imported
    assert data.rows["accounts"] == 38 and data.rows["cards"] == 9


def test_dry_run_report_and_summary(tmp_path):
    expected, dropped = messy_set(tmp_path)
    data = read([tmp_path])
    report = tmp_path / "report.xlsx"
    write_report(report, data.problems, data.rows, files=data.files)
    book = load_workbook(report, read_only=True)
    rows = list(book["问题"].iter_rows(values_only=True))
    assert rows[0] == ("文件", "行", "列", "值", "原因", "级别")
    assert len(rows) == 1 + len(data.problems)
    assert ("customers.csv", 7, "customer_ref", "K05", "客户编号与第6行重复", "错误") in rows
    assert any(r[5] == "警告" for r in rows[1:])
    totals = {r[0]: r[1:] for r in book["汇总"].iter_rows(values_only=True)}
    errors_in_accounts = sum(1 for p in data.errors if p.file == "accounts.csv")
    assert totals["accounts.csv"] == ("户", 38, errors_in_accounts, 0)
    assert totals["customers.csv"][1:3] == (40, 9)
    book.close()
    lines = summary_lines(data)
    assert "  户（accounts.csv）：38行" in lines
    assert f"可导入2户（户文件共38户，整户不导入{len(dropped)}户）。" in lines
    assert "  重复：7" in lines
    assert f"错误{len(expected)}处：" in lines


# ---------------------------------------------------------------- progress


def test_cancelled_read_raises_and_progress_counts_rows(tmp_path):
    write_template_set(tmp_path)
    rows = [
        _customer(
            f"K{n:05d}",
            n % 1000,
            id_number=make_resident_id(
                "310104", dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000), n % 1000
            ),
        )
        for n in range(4500)
    ]
    write_csv(tmp_path, "customers", rows)

    class Stop(ImportProgress):
        def cancelled(self):
            return True

    with pytest.raises(ImportCancelled):
        read([tmp_path], progress=Stop())

    class Watch(ImportProgress):
        def __init__(self):
            self.seen = []

        def report(self, done, total):
            self.seen.append((done, total))

    watch = Watch()
    data = read([tmp_path], progress=watch)
    read_rows = sum(data.rows.values())
    assert read_rows == 4500 + 2 + 2 + 1 + 1 + 1 + 1
    assert watch.seen[0] == (2000, read_rows) and watch.seen[-1] == (read_rows, read_rows)


# ---------------------------------------------------------------- the text rule's fast path


@pytest.mark.parametrize(
    "value",
    [
        "张伟",
        " 解放路12号 ",
        "A$B",
        "ab\x07c",
        "Ｋ０１",
        "王\u200b芳",
        "(株)",
        "x" * 101,
        "  ",
        "名~",
    ],
)
@pytest.mark.parametrize("name", [True, False])
def test_text_fast_path_agrees_with_the_counters_rule(value, name):
    rule = Text("客户名称", 100, name=name)
    try:
        expected = clean_text(value, rule)
    except InvalidInput as error:
        expected = error.user_message
    try:
        got = _text_parser(rule)(value)
    except Exception as error:  # _Bad
        got = str(error)
    assert got == expected


# ---------------------------------------------------------------- the bench's data set


def test_bench_set_reads_back_without_a_problem(tmp_path):
    from bench.import_data import write_import_files

    write_import_files(tmp_path, 400, seed=5)
    data = read([tmp_path])
    assert data.problems == []
    assert len(data.accounts) == 400 and len(data.customers) == 400
    kinds = {a.account_kind for a in data.accounts.values()}
    assert kinds == {AccountKind.CARD, AccountKind.POSTPAID, AccountKind.REMOTE}
    assert all(
        len(data.cards[no]) >= 1 for no, a in data.accounts.items() if a.account_kind == "card"
    )
    statuses = {c.status for cards in data.cards.values() for c in cards}
    assert statuses == {CardStatus.ACTIVE, CardStatus.BLACKLISTED}  # a few lost ones (挂失)
    assert data.bills and data.balances and data.usage
    assert all(u.ladder_year == dt.date(2026, 1, 1) for us in data.usage.values() for u in us)
    assert data.rows["accounts"] == 400 and sum(data.rows.values()) > 1500


def test_a_mapping_file_not_in_utf8_is_refused_in_chinese(tmp_path):
    from app.errors import InvalidInput
    from app.services.import_files import load_mapping

    path = tmp_path / "mapping.toml"
    path.write_bytes('[files]\ncustomers = "客户.csv"\n'.encode("gb18030"))
    with pytest.raises(InvalidInput) as error:
        load_mapping(path)
    assert "UTF-8" in error.value.user_message
