"""The go-live import's file format: its files, their columns, and the records a row becomes.

One source of truth: the reader maps and parses by ``FILES``, ``docs/import.md`` documents it
column by column (a test checks that the two agree), the templates in ``docs/import/`` carry
its examples, and the export writes the same shape back. Pure: no database, no files.

Volumes are read in m³ (two decimals at most) and carried in 0.01 m³, money in yuan (two
decimals) carried in fen, dates as ISO ``YYYY-MM-DD`` unless the mapping file names another
format. A record remembers where it came from (``Source``) so each problem names file, row and
column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class ColumnType(StrEnum):
    """How a cell is parsed."""

    TEXT = "text"  # printable text (the receipt printer's rule)
    CODE = "code"  # one of a vocabulary's values, after the mapping file's code table
    INT = "int"
    VOLUME = "volume"  # m³, ≤ 2 decimals → 0.01 m³
    MONEY = "money"  # yuan, ≤ 2 decimals → fen
    DATE = "date"


@dataclass(frozen=True)
class Column:
    """One column of an import file: its name, type, unit, whether it must be filled, an example
    (the template's), the vocabulary a CODE column maps onto, and what it means (Chinese)."""

    name: str
    type: ColumnType
    required: bool
    example: str
    meaning: str
    unit: str = ""
    codes: str = ""  # CODE: the code table's name in the mapping file ([codes.<name>])


@dataclass(frozen=True)
class FileSpec:
    """One file (or XLSX sheet) of the import: its name (``customers`` → ``customers.csv``, the
    sheet ``customers``), its natural key and its columns."""

    name: str
    title: str  # Chinese
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


T, C, N, V, M, D = (
    ColumnType.TEXT,
    ColumnType.CODE,
    ColumnType.INT,
    ColumnType.VOLUME,
    ColumnType.MONEY,
    ColumnType.DATE,
)

CUSTOMERS = FileSpec(
    "customers",
    "客户",
    ("customer_ref",),
    (
        Column("customer_ref", T, True, "K000123", "旧系统的客户编号（本批文件内唯一）"),
        Column("name", T, True, "张伟", "客户名称"),
        Column("customer_class", C, True, "residential", "客户类别", codes="customer_class"),
        Column("id_type", C, True, "resident_id", "证件类型", codes="id_type"),
        Column("id_number", T, True, "110101199003074514", "证件号码（身份证按GB 11643校验）"),
        Column("phone", T, False, "13800138000", "联系电话"),
        Column("address", T, True, "解放路12号3单元501", "用气地址"),
        Column("household_size", N, False, "3", "家庭人口（空为1）", unit="人"),
    ),
)
ACCOUNTS = FileSpec(
    "accounts",
    "户",
    ("account_no",),
    (
        Column("account_no", T, True, "0100012345", "户号（GasDesk沿用旧户号）"),
        Column("customer_ref", T, True, "K000123", "客户编号（customers文件中的）"),
        Column("account_kind", C, False, "card", "户类型（空为IC卡表）", codes="account_kind"),
        Column("status", C, False, "active", "户状态（空为正常）", codes="account_status"),
        Column("opened_on", D, True, "2015-06-01", "开户日期"),
        Column("closed_on", D, False, "", "销户日期（已销户的户）"),
        Column("last_purchase_count", N, False, "27", "旧系统最后一笔购气的购气次数", unit="次"),
        Column("last_purchase_on", D, False, "2026-11-20", "旧系统最后一笔购气的日期"),
        Column("cumulative_purchased", V, False, "3120.00", "累计购气量", unit="m³"),
    ),
)
METERS = FileSpec(
    "meters",
    "表具",
    ("meter_no",),
    (
        Column("meter_no", T, True, "JK20150601001", "表号"),
        Column("account_no", T, True, "0100012345", "所属户号"),
        Column("model", T, False, "G2.5", "表型号"),
        Column("initial_reading", V, False, "0.00", "装表时的底数", unit="m³"),
        Column("installed_on", D, False, "2015-06-01", "装表日期"),
        Column("rated_flow", V, False, "", "额定流量（工商户限购按此分档）", unit="m³/h"),
    ),
)
CARDS = FileSpec(
    "cards",
    "IC卡",
    ("card_no",),
    (
        Column("card_no", T, True, "13572468", "卡号（卡内所写，原样）"),
        Column("account_no", T, True, "0100012345", "所属户号"),
        Column("maker", C, True, "gasdesk", "卡片厂家（营业厅配置的厂家代码）", codes="maker"),
        Column(
            "status",
            C,
            False,
            "active",
            "卡状态（空为正常；挂失的卡不能再用）",
            codes="card_status",
        ),
        Column("issued_on", D, False, "2015-06-01", "发卡日期"),
        Column("purchase_count", N, True, "27", "卡内购气次数（旧系统最后写卡时的）", unit="次"),
        Column("gas_on_card", V, False, "0.00", "卡内未插表的气量", unit="m³"),
    ),
)
USAGE = FileSpec(
    "usage",
    "阶梯年度已购气量",
    ("account_no", "ladder_year"),
    (
        Column("account_no", T, True, "0100012345", "户号"),
        Column("ladder_year", D, True, "2026-01-01", "阶梯年度的起始日"),
        Column("volume", V, True, "340.00", "本阶梯年度至今已购（已用）气量", unit="m³"),
    ),
)
BALANCES = FileSpec(
    "balances",
    "期初余额",
    ("account_no",),
    (
        Column("account_no", T, True, "0100012346", "户号（后付费或远传表户）"),
        Column("balance", M, True, "35.60", "余额（正数为预存，负数为欠款）", unit="元"),
        Column("as_of", D, True, "2026-11-30", "余额截止日期"),
    ),
)
BILLS = FileSpec(
    "bills",
    "期初欠费账单",
    ("bill_no",),
    (
        Column("bill_no", T, True, "B202611-000123", "账单号（旧系统的）"),
        Column("account_no", T, True, "0100012346", "户号（后付费户）"),
        Column("period_start", D, True, "2026-10-20", "上次抄表日"),
        Column("period_end", D, True, "2026-11-20", "本次抄表日"),
        Column("last_reading", V, True, "1200.00", "上次读数", unit="m³"),
        Column("this_reading", V, True, "1235.00", "本次读数", unit="m³"),
        Column("amount", M, True, "91.35", "账单金额", unit="元"),
        Column("paid", M, False, "0.00", "已缴金额（空为0）", unit="元"),
        Column("due_on", D, True, "2026-12-10", "缴费截止日"),
    ),
)

FILES: tuple[FileSpec, ...] = (CUSTOMERS, ACCOUNTS, METERS, CARDS, USAGE, BALANCES, BILLS)
REQUIRED_FILES = ("customers", "accounts")  # the others may be absent (no rows)
SPEC = {spec.name: spec for spec in FILES}

# code tables a mapping file may fill ([codes.<name>]), and the vocabulary each maps onto
CODE_TABLES = (
    "customer_class",
    "id_type",
    "account_kind",
    "account_status",
    "maker",
    "card_status",
)

# Bounds of the figures a file may carry: beyond them a value is a typing or export error, not
# a customer's history (the reader refuses the row; the report says which bound).
HOUSEHOLD_SIZE_MIN, HOUSEHOLD_SIZE_MAX = 1, 30  # the counter's own bound (开户 refuses more)
PURCHASE_COUNT_MAX = 9999  # a card's 购气次数: decades of monthly purchases
VOLUME_MAX = 100_000 * 100  # 0.01 m³: gas on a card, a ladder year's usage
READING_MAX = 9_999_999_999  # 0.01 m³ (99,999,999.99 m³): meter readings, cumulative totals
RATED_FLOW_MAX = 10_000 * 100  # 0.01 m³/h: larger than any meter a service hall sells for
MONEY_MAX = 1_000_000 * 100  # fen: |balance|, a bill's amount and what was paid of it
EARLIEST_DATE = dt.date(1950, 1, 1)  # no gas account is older; earlier dates are typos

# The templates' rows beyond the columns' examples (which are each file's first row): a
# post-paid commercial account, so the balance and bill examples belong to an account of the
# kind that may carry them. Our column name → value; a column not named is empty.
TEMPLATE_ROWS: dict[str, tuple[dict[str, str], ...]] = {
    "customers": (
        {
            "customer_ref": "K000124",
            "name": "城东餐饮有限公司",
            "customer_class": "commercial",
            "id_type": "business_license",
            "id_number": "91310104MA1FL0XX3Q",
            "phone": "021-64871234",
            "address": "人民路88号",
        },
    ),
    "accounts": (
        {
            "account_no": "0100012346",
            "customer_ref": "K000124",
            "account_kind": "postpaid",
            "status": "active",
            "opened_on": "2018-03-15",
        },
    ),
    "meters": (
        {
            "meter_no": "JS20180315002",
            "account_no": "0100012346",
            "model": "G4",
            "initial_reading": "0.00",
            "installed_on": "2018-03-15",
            "rated_flow": "6.00",
        },
    ),
}


def template_rows(spec: FileSpec) -> list[list[str]]:
    """The template's data rows of ``spec``: the columns' examples, then ``TEMPLATE_ROWS``."""
    rows = [[c.example for c in spec.columns]]
    for extra in TEMPLATE_ROWS.get(spec.name, ()):
        rows.append([extra.get(c.name, "") for c in spec.columns])
    return rows


class ProblemKind(StrEnum):
    """What kind of problem a row has (the dry run's summary counts them by kind)."""

    label: str

    def __new__(cls, value: str, label: str) -> ProblemKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    UNREADABLE = "unreadable", "文件无法读取"
    MISSING_FILE = "missing_file", "缺少文件"
    MISSING_COLUMN = "missing_column", "缺少列"
    UNUSED_COLUMN = "unused_column", "未使用的列"
    REQUIRED = "required", "必填项为空"
    BAD_NUMBER = "bad_number", "数字格式错误"
    BAD_DATE = "bad_date", "日期格式错误"
    BAD_TEXT = "bad_text", "文字无法打印或过长"
    BAD_ID = "bad_id", "证件号码错误"
    BAD_PHONE = "bad_phone", "电话号码错误"
    DUPLICATE = "duplicate", "重复"
    UNKNOWN_CODE = "unknown_code", "代码无法识别"
    UNKNOWN_MAKER = "unknown_maker", "卡片厂家未配置"
    OUT_OF_RANGE = "out_of_range", "数值超出范围"
    FUTURE_DATE = "future_date", "日期晚于今天"
    DATE_ORDER = "date_order", "日期先后不符"
    REFERENCE = "reference", "关联的客户或户不存在"
    RULE = "rule", "不符合业务规则"
    CARD_COUNT = "card_count", "卡内购气次数低于最后购气记录"
    OVER_LADDER = "over_ladder", "超过阶梯允许气量"
    DROPPED = "dropped", "整户不导入"
    NOTE = "note", "提示"


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: the file (as given) and the 1-based data row (the header is
    row 1 of a CSV, so the first record is row 2, as a spreadsheet shows it)."""

    file: str
    row: int


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the files: where, the value as found, and why (Chinese)."""

    file: str
    row: int | None  # None: the whole file (a missing column, an unreadable file)
    column: str | None
    value: str
    reason: str
    error: bool = True  # False: a warning (imported as found)
    kind: ProblemKind = ProblemKind.RULE


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    source: Source
    customer_ref: str
    name: str
    customer_class: str  # CustomerKind value
    id_type: str  # IdType value
    id_number: str
    phone: str | None
    address: str
    household_size: int


@dataclass(frozen=True, slots=True)
class AccountRecord:
    source: Source
    account_no: str
    customer_ref: str
    account_kind: str  # AccountKind value
    status: str  # AccountStatus value
    opened_on: dt.date
    closed_on: dt.date | None
    last_purchase_count: int | None
    last_purchase_on: dt.date | None
    cumulative_purchased: int | None  # 0.01 m³


@dataclass(frozen=True, slots=True)
class MeterRecord:
    source: Source
    meter_no: str
    account_no: str
    model: str
    initial_reading: int  # 0.01 m³
    installed_on: dt.date | None
    rated_flow: int | None  # 0.01 m³/h


@dataclass(frozen=True, slots=True)
class CardRecord:
    source: Source
    card_no: str
    account_no: str
    maker: str  # a maker code the hall configured (GASDESK_MAKER for format v1)
    status: str  # CardStatus value; the file's "lost" maps onto blacklisted
    issued_on: dt.date | None
    purchase_count: int
    gas_on_card: int  # 0.01 m³


@dataclass(frozen=True, slots=True)
class UsageRecord:
    source: Source
    account_no: str
    ladder_year: dt.date
    volume: int  # 0.01 m³


@dataclass(frozen=True, slots=True)
class BalanceRecord:
    source: Source
    account_no: str
    balance_fen: int
    as_of: dt.date


@dataclass(frozen=True, slots=True)
class BillRecord:
    source: Source
    bill_no: str
    account_no: str
    period_start: dt.date
    period_end: dt.date
    last_reading: int
    this_reading: int
    amount_fen: int
    paid_fen: int
    due_on: dt.date


@dataclass
class ImportData:
    """Every record of one set of files, keyed as the writer needs them, and the problems found
    while reading and checking them. Rows with an error are not in the records."""

    customers: dict[str, CustomerRecord]  # by customer_ref
    accounts: dict[str, AccountRecord]  # by account_no, in file order
    meters: dict[str, MeterRecord]  # by account_no (one meter per account)
    cards: dict[str, list[CardRecord]]  # by account_no
    usage: dict[str, list[UsageRecord]]  # by account_no
    balances: dict[str, BalanceRecord]  # by account_no
    bills: dict[str, list[BillRecord]]  # by account_no
    problems: list[Problem]
    rows: dict[str, int]  # data rows read per file (by our file name: "customers")
    files: dict[str, str] = field(default_factory=dict)  # our file name → the file as shown

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.error]


@dataclass(frozen=True)
class AccountBundle:
    """One account with everything the import writes for it: the unit that commits whole or
    not at all."""

    account: AccountRecord
    customer: CustomerRecord
    meter: MeterRecord | None
    cards: tuple[CardRecord, ...]
    usage: tuple[UsageRecord, ...]
    balance: BalanceRecord | None
    bills: tuple[BillRecord, ...]


def bundles(data: ImportData) -> list[AccountBundle]:
    """The accounts of ``data`` with their customer, meter, cards, usage and money, in file
    order (an account whose customer was refused is not among them)."""
    found = []
    for no, account in data.accounts.items():
        customer = data.customers.get(account.customer_ref)
        if customer is None:
            continue
        found.append(
            AccountBundle(
                account,
                customer,
                data.meters.get(no),
                tuple(data.cards.get(no, ())),
                tuple(data.usage.get(no, ())),
                data.balances.get(no),
                tuple(data.bills.get(no, ())),
            )
        )
    return found
