"""The go-live import's files: where they are, how they are read, mapped and checked.

No database here: ``read_import`` turns the old system's files (CSV in UTF-8 or GB18030, or one
XLSX workbook; an optional TOML mapping file renames files, columns and codes) into the records
of ``app.domain.imports.ImportData`` and a list of problems, each naming file, row and column.
An account with an error in any of its rows (its customer, meter, cards, usage, balance, bills)
is left out whole, so the writer never writes half an account. ``write_report`` writes the dry
run's report (XLSX), ``summary_lines`` its terminal summary, ``write_templates`` the templates
in ``docs/import/``.

Rows are streamed (csv.reader over the open file, openpyxl read-only) and checked as they come:
the files are read in ``FILES`` order, so every reference points back to a file already read.
The happy path of a cell raises nothing and compiles nothing (fast paths for ASCII text, plain
decimals and ISO dates, a cache of parsed dates); the counter's own rules (``clean_text``,
``clean_ident``, ``m3``, ``yuan``) decide everything else and give the Chinese reason.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import tomllib
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from app.domain.identity import (
    normalize_phone,
    normalize_resident_id,
    phone_problem,
    resident_id_problem,
)
from app.domain.imports import (
    CODE_TABLES,
    EARLIEST_DATE,
    FILES,
    HOUSEHOLD_SIZE_MAX,
    HOUSEHOLD_SIZE_MIN,
    MONEY_MAX,
    PURCHASE_COUNT_MAX,
    RATED_FLOW_MAX,
    READING_MAX,
    REQUIRED_FILES,
    SPEC,
    VOLUME_MAX,
    AccountRecord,
    BalanceRecord,
    BillRecord,
    CardRecord,
    Column,
    ColumnType,
    CustomerRecord,
    FileSpec,
    ImportData,
    MeterRecord,
    Problem,
    ProblemKind,
    Source,
    UsageRecord,
    template_rows,
)
from app.domain.money import format_money, format_volume, m3, yuan
from app.errors import InvalidInput
from app.services.boundary import Ident, Text, clean_ident, clean_text, column_length
from app.services.progress import ImportCancelled, ImportProgress
from app.vocabulary import AccountKind, AccountStatus, CardStatus, CustomerKind, IdType
from db.models import Account, Card, Customer, Meter, OpeningEntry

ENCODINGS = ("auto", "utf-8", "gb18030")
WORKBOOK = "workbook"  # FileDigest.name of an XLSX holding the sheets
MAPPING = "mapping"  # FileDigest.name of the mapping file
REPORT_EVERY = 2000  # rows between progress reports (and cancellation checks)
CHUNK = 1 << 20  # bytes per read while hashing and checking a file's encoding
SHOWN_VALUE = 100  # characters of a cell a problem shows
SHEET_ROWS = 1_048_576  # an XLSX sheet's rows: a report with more problems is cut there
REF_LENGTH = 40  # the old system's customer number: only within the files, never stored
ISO_DATE = "%Y-%m-%d"

# printable ASCII and the CJK Unified Ideographs block: NFKC-stable, all visible
_PLAIN_TEXT = re.compile("[\x20-\x7e\u4e00-\u9fff]*")
_ASCII_SYMBOLS = frozenset("$+<=>^`|~")  # the ASCII characters of category S* (not in names)
_ASCII_ID_TYPES = (IdType.BUSINESS_LICENSE, IdType.PASSPORT)  # as the counter: [0-9A-Z]+


# ---------------------------------------------------------------- the mapping file


@dataclass(frozen=True)
class ImportMapping:
    """An old system's names: our file → its file (or sheet), our column → its header, its
    code → our value (per code table), and how it writes text and dates."""

    encoding: str = "auto"
    date_format: str | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


def _mapping_error(message: str, detail: str) -> InvalidInput:
    return InvalidInput(f"映射文件有误：{message}", f"mapping: {detail}")


def _table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _mapping_error(f"[{where}] 应为一个表", f"[{where}] is not a table")
    return value


def _strings(value: object, where: str) -> dict[str, str]:
    table = _table(value, where)
    for key, item in table.items():
        if not isinstance(item, str) or not item.strip():
            raise _mapping_error(
                f"[{where}] 中“{key}”的值应为非空文字", f"[{where}] {key} = {item!r}"
            )
    return {key: str(item).strip() for key, item in table.items()}


def load_mapping(path: Path) -> ImportMapping:
    """The mapping file at ``path`` (TOML), checked: an unknown section, file, column or code
    table, or a code mapped onto no value of ours, is an ``InvalidInput`` in Chinese."""
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except OSError as error:
        raise InvalidInput(f"无法读取映射文件：{path.name}", str(error)) from error
    except tomllib.TOMLDecodeError as error:
        raise _mapping_error(f"不是有效的TOML格式（{error}）", str(error)) from error
    except UnicodeDecodeError as error:  # TOML is UTF-8 by definition
        raise _mapping_error(
            "映射文件须保存为 UTF-8 编码（数据文件可以是 GB18030）", str(error)
        ) from error
    known = ("options", "files", "columns", "codes")
    for key in raw:
        if key not in known:
            raise _mapping_error(
                f"未知的项“{key}”（可用：{'、'.join(known)}）", f"unknown key {key!r}"
            )
    options = _table(raw.get("options", {}), "options")
    for key in options:
        if key not in ("encoding", "date_format"):
            raise _mapping_error(
                f"[options] 中未知的项“{key}”（可用：encoding、date_format）",
                f"unknown option {key!r}",
            )
    encoding = options.get("encoding", "auto")
    if encoding not in ENCODINGS:
        raise _mapping_error(
            f"encoding 应为 {'、'.join(ENCODINGS)} 之一", f"bad encoding {encoding!r}"
        )
    date_format = options.get("date_format")
    if date_format is not None:
        sample = dt.date(2026, 11, 20)
        try:
            ok = (
                isinstance(date_format, str)
                and dt.datetime.strptime(sample.strftime(date_format), date_format).date() == sample
            )
        except ValueError:
            ok = False
        if not ok:
            raise _mapping_error(
                'date_format 无效（应含年月日，如 "%Y%m%d"）', f"bad date_format {date_format!r}"
            )
    files = _strings(raw.get("files", {}), "files")
    for name in files:
        if name not in SPEC:
            raise _mapping_error(
                f"[files] 中未知的文件“{name}”（可用：{'、'.join(SPEC)}）", f"unknown file {name}"
            )
    columns: dict[str, dict[str, str]] = {}
    for name, table in _table(raw.get("columns", {}), "columns").items():
        if name not in SPEC:
            raise _mapping_error(
                f"[columns.{name}] 中的文件名未知（可用：{'、'.join(SPEC)}）",
                f"unknown file {name}",
            )
        renamed = _strings(table, f"columns.{name}")
        ours = [c.name for c in SPEC[name].columns]
        for column in renamed:
            if column not in ours:
                raise _mapping_error(
                    f"[columns.{name}] 中未知的列“{column}”（可用：{'、'.join(ours)}）",
                    f"unknown column {name}.{column}",
                )
        columns[name] = renamed
    codes: dict[str, dict[str, str]] = {}
    for name, table in _table(raw.get("codes", {}), "codes").items():
        if name not in CODE_TABLES:
            raise _mapping_error(
                f"[codes.{name}] 中的代码表未知（可用：{'、'.join(CODE_TABLES)}）",
                f"unknown code table {name}",
            )
        theirs = _strings(table, f"codes.{name}")
        defaults = _DEFAULT_CODES.get(name)
        mapped = {}
        for code, ours_value in theirs.items():
            value = ours_value if defaults is None else _lookup(defaults, ours_value)
            if value is None:
                allowed = "、".join(sorted(set(defaults.values()))) if defaults else ""
                raise _mapping_error(
                    f"[codes.{name}] 中“{code}”对应的“{ours_value}”不是本系统的值"
                    f"（可用：{allowed}）",
                    f"{name}: {code} -> {ours_value!r}",
                )
            mapped[code] = value
        codes[name] = mapped
    return ImportMapping(encoding, date_format, files, columns, codes)


def _code_table(*enums: Any, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    table: dict[str, str] = {}
    for enum in enums:
        for member in enum:
            table[member.value] = member.value
            table[member.label] = member.value
    table.update({code: str(value) for code, value in (extra or {}).items()})
    return table


# our values and their Chinese labels; a lost card (挂失) is blacklisted here
_DEFAULT_CODES: dict[str, dict[str, str]] = {
    "customer_class": _code_table(
        CustomerKind, extra={"民用": "residential", "工商业": "commercial"}
    ),
    "id_type": _code_table(IdType, extra={"身份证": "resident_id", "营业执照": "business_license"}),
    "account_kind": _code_table(AccountKind, extra={"IC卡": "card", "普表": "postpaid"}),
    "account_status": _code_table(AccountStatus, extra={"正常": "active", "销户": "closed"}),
    "card_status": _code_table(
        CardStatus,
        extra={"lost": CardStatus.BLACKLISTED, "挂失": CardStatus.BLACKLISTED, "正常": "active"},
    ),
}


def _lookup(table: Mapping[str, str], text: str) -> str | None:
    found = table.get(text)
    if found is None:
        found = table.get(text.lower())
    return None if found is None else str(found)


# ---------------------------------------------------------------- where the files are


@dataclass(frozen=True)
class SourceFile:
    """One of our files found: a CSV (``sheet`` None) or a workbook's sheet."""

    name: str  # our file name (FileSpec.name)
    shown: str  # how problems name it: "KHXX.csv", "旧系统.xlsx[customers]"
    path: Path
    sheet: str | None = None


@dataclass(frozen=True)
class ImportSource:
    """The files of one import: those found (in ``FILES`` order), the ones looked for and
    not found (our name → what was looked for), the workbook if it is one, and the mapping."""

    files: tuple[SourceFile, ...]
    missing: tuple[tuple[str, str], ...]
    workbook: Path | None
    mapping: ImportMapping
    mapping_path: Path | None = None


def source_from(paths: Sequence[Path], mapping: Path | None) -> ImportSource:
    """The import's files from what the user named: one directory (``customers.csv`` … or one
    ``.xlsx``), several CSV files, or one XLSX workbook (sheets named like the files), with the
    mapping file's names. Anything else is an ``InvalidInput`` in Chinese."""
    rules = load_mapping(mapping) if mapping is not None else ImportMapping()
    paths = [Path(p) for p in paths]
    if not paths:
        raise InvalidInput("请指定要导入的文件或文件夹", "no paths")
    for path in paths:
        if not path.exists():
            raise InvalidInput(f"文件或文件夹不存在：{path}", f"{path} does not exist")
    if len(paths) == 1 and paths[0].is_dir():
        directory = paths[0]
        present = {p.name.lower(): p for p in directory.iterdir() if p.is_file()}
        wanted = {spec.name: rules.files.get(spec.name, f"{spec.name}.csv") for spec in FILES}
        if not any(name.lower() in present for name in wanted.values()):
            books = [p for key, p in sorted(present.items()) if key.endswith(".xlsx")]
            books = [p for p in books if not p.name.startswith("~$")]  # Excel's lock files
            if len(books) == 1:
                return _workbook_source(books[0], rules, mapping)
        found, missing = [], []
        for spec in FILES:
            path = present.get(wanted[spec.name].lower())
            if path is None:
                missing.append((spec.name, wanted[spec.name]))
            else:
                found.append(SourceFile(spec.name, path.name, path))
        return ImportSource(tuple(found), tuple(missing), None, rules, mapping)
    if any(p.is_dir() for p in paths):
        raise InvalidInput("请只指定一个文件夹，或若干个文件", "a directory among files")
    suffixes = {p.suffix.lower() for p in paths}
    if suffixes == {".xlsx"}:
        if len(paths) != 1:
            raise InvalidInput("只能导入一个Excel工作簿（各文件为其中的工作表）", "two workbooks")
        return _workbook_source(paths[0], rules, mapping)
    if suffixes != {".csv"}:
        raise InvalidInput(
            "只能导入CSV文件或一个XLSX工作簿", f"unsupported files {sorted(suffixes)}"
        )
    by_name: dict[str, Path] = {}
    for path in paths:
        name = _file_name_of(path.name, rules, suffix=".csv")
        if name is None:
            raise InvalidInput(
                f"无法识别文件“{path.name}”：文件名应为 customers.csv、accounts.csv 等，"
                "或在映射文件的 [files] 中指定",
                f"unknown file {path.name}",
            )
        if name in by_name:
            raise InvalidInput(
                f"“{path.name}”与“{by_name[name].name}”是同一种文件", f"two files for {name}"
            )
        by_name[name] = path
    found = [
        SourceFile(s.name, by_name[s.name].name, by_name[s.name])
        for s in FILES
        if s.name in by_name
    ]
    missing = [
        (s.name, rules.files.get(s.name, f"{s.name}.csv")) for s in FILES if s.name not in by_name
    ]
    return ImportSource(tuple(found), tuple(missing), None, rules, mapping)


def _file_name_of(given: str, rules: ImportMapping, *, suffix: str) -> str | None:
    """Our file name for a file or sheet named ``given`` (the mapping's names first)."""
    lowered = given.lower()
    for ours, theirs in rules.files.items():
        if theirs.lower() == lowered:
            return ours
    stem = lowered[: -len(suffix)] if suffix and lowered.endswith(suffix) else lowered
    if stem in SPEC and stem not in rules.files:
        return stem
    return None


def _sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook, from its ``xl/workbook.xml`` alone: opening it with openpyxl
    would parse every shared string (seconds for a large workbook) just to list them."""
    try:
        with zipfile.ZipFile(path) as archive:
            root = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError) as error:
        raise InvalidInput(f"无法打开Excel工作簿：{path.name}", f"{path}: {error}") from error
    # transitional and strict OOXML name the namespace differently: match the local name
    return [e.get("name", "") for e in root.iter() if e.tag.rpartition("}")[2] == "sheet"]


def _workbook_source(path: Path, rules: ImportMapping, mapping: Path | None) -> ImportSource:
    sheets = _sheet_names(path)
    by_name: dict[str, str] = {}
    for sheet in sheets:
        name = _file_name_of(sheet.strip(), rules, suffix="")
        if name is not None and name not in by_name:
            by_name[name] = sheet
    found = [
        SourceFile(s.name, f"{path.name}[{by_name[s.name]}]", path, by_name[s.name])
        for s in FILES
        if s.name in by_name
    ]
    missing = [
        (s.name, f"{path.name}[{rules.files.get(s.name, s.name)}]")
        for s in FILES
        if s.name not in by_name
    ]
    return ImportSource(tuple(found), tuple(missing), path, rules, mapping)


# ---------------------------------------------------------------- digests


@dataclass(frozen=True)
class FileDigest:
    """One file read: our name (``customers``, ``workbook``, ``mapping``), its file name, its
    SHA-256 (hex) and size in bytes. Together they are the batch's identity."""

    name: str
    file_name: str
    sha256: str
    size: int


def _digest(name: str, path: Path) -> FileDigest:
    hasher = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
            size += len(chunk)
    return FileDigest(name, path.name, hasher.hexdigest(), size)


def file_digests(source: ImportSource) -> list[FileDigest]:
    """The digest of every file the import reads, the mapping file included."""
    digests = []
    if source.workbook is not None:
        digests.append(_digest(WORKBOOK, source.workbook))
    else:
        digests.extend(_digest(f.name, f.path) for f in source.files)
    if source.mapping_path is not None:
        digests.append(_digest(MAPPING, source.mapping_path))
    return digests


# ---------------------------------------------------------------- cells


class _Bad(Exception):
    """A cell that cannot be taken (raised only off the happy path)."""

    def __init__(self, reason: str, kind: ProblemKind):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def _as_text(raw: object) -> str:
    """An XLSX cell as the text it shows: 12.0 → "12", 100012345 → "100012345" (never 1e8)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e16:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, dt.datetime):
        if raw.time() == dt.time(0):
            return raw.date().isoformat()
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def _text_parser(rule: Text) -> Callable[[str], str | None]:
    """Free text by the counter's rule (None when empty). Text of printable ASCII and the
    common CJK ideographs only skips the character walk: NFKC leaves those as they are, and
    none is of a refused category or invisible."""
    limit, no_symbols = rule.max_length, rule.name
    plain = _PLAIN_TEXT.fullmatch

    def parse(raw: str) -> str | None:
        text = raw.strip()
        if (
            plain(text)
            and len(text) <= limit
            and not (no_symbols and not _ASCII_SYMBOLS.isdisjoint(text))
        ):
            return text or None
        try:
            return clean_text(raw, rule)
        except InvalidInput as error:
            raise _Bad(error.user_message, ProblemKind.BAD_TEXT) from None

    return parse


def _ident_parser(rule: Ident) -> Callable[[str], str | None]:
    """An identifier (户号, meter and card numbers) by the counter's rule (None when empty)."""
    limit, upper = rule.max_length, rule.upper

    def parse(raw: str) -> str | None:
        if raw.isascii():
            text = raw.strip()
            if len(text) <= limit and text.replace("-", "").isalnum():
                return text.upper() if upper else text
        try:
            return clean_ident(raw, rule)
        except InvalidInput as error:
            raise _Bad(error.user_message, ProblemKind.BAD_TEXT) from None

    return parse


def _phone(raw: str) -> str | None:
    phone = normalize_phone(raw)
    if not phone:
        return None
    problem = phone_problem(phone)
    if problem:
        raise _Bad(problem, ProblemKind.BAD_PHONE)
    return phone


def _raw(raw: str) -> str | None:
    return raw.strip() or None


def _scaled(raw: object, scale: int, slow: Callable[[str], int], what: str) -> int | None:
    if isinstance(raw, bool):
        raise _Bad(f"{what}格式不正确", ProblemKind.BAD_NUMBER)
    if isinstance(raw, int):
        return raw * scale
    text = _as_text(raw).strip() if not isinstance(raw, str) else raw.strip()
    if not text:
        return None
    whole, dot, part = text.partition(".")
    digits = whole[1:] if whole[:1] == "-" else whole
    plain = digits.isascii() and digits.isdigit() and part.isascii()
    if plain and (not part or (part.isdigit() and len(part) <= 2)):
        # scale is 100 for both money and volume: the two decimals are the units
        units = int(digits) * scale + (int(part.ljust(2, "0")) if part else 0)
        return -units if whole[:1] == "-" else units
    try:
        return slow(text)
    except InvalidInput as error:
        raise _Bad(error.user_message, ProblemKind.BAD_NUMBER) from None


def _volume(raw: object) -> int | None:
    return _scaled(raw, 100, m3, "气量")


def _money(raw: object) -> int | None:
    return _scaled(raw, 100, yuan, "金额")


def _int(raw: object) -> int | None:
    if isinstance(raw, bool):
        raise _Bad("应为整数", ProblemKind.BAD_NUMBER)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise _Bad("应为整数", ProblemKind.BAD_NUMBER)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return None
    body = text[1:] if text[:1] in "+-" else text
    if body.isascii() and body.isdigit():
        return int(text)
    whole, dot, part = text.partition(".")  # "12.0", "12.00": an integer written as a decimal
    if (
        dot
        and part
        and set(part) == {"0"}
        and whole.lstrip("+-").isascii()
        and whole.lstrip("+-").isdigit()
    ):
        return int(whole)
    raise _Bad("应为整数", ProblemKind.BAD_NUMBER)


def _date_parser(date_format: str | None) -> Callable[[object], dt.date | None]:
    cache: dict[str, dt.date] = {}
    formats = (ISO_DATE,) if not date_format else (ISO_DATE, date_format)
    shown = "YYYY-MM-DD" + (f" 或 {date_format}" if date_format else "")

    def parse(raw: object) -> dt.date | None:
        found = cache.get(raw) if isinstance(raw, str) else None  # type: ignore[arg-type]
        if found is not None:
            return found
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        text = _as_text(raw).strip()
        if not text:
            return None
        for form in formats:
            try:
                value = dt.datetime.strptime(text, form).date()
            except ValueError:
                continue
            if len(cache) < 100_000 and isinstance(raw, str):
                cache[raw] = value
            return value
        raise _Bad(f"日期格式不正确（应为 {shown}）", ProblemKind.BAD_DATE)

    return parse


_ACCOUNT_NO = Ident("户号", column_length(Account.account_no))
_TEXT_RULES: dict[tuple[str, str], Callable[[str], str]] = {
    ("customers", "customer_ref"): _text_parser(Text("客户编号", REF_LENGTH)),
    ("customers", "name"): _text_parser(Text("客户名称", column_length(Customer.name), name=True)),
    ("customers", "id_number"): _raw,  # checked with its id_type (see _Reader.customer)
    ("customers", "phone"): _phone,
    ("customers", "address"): _text_parser(Text("用气地址", column_length(Customer.address))),
    ("accounts", "account_no"): _ident_parser(_ACCOUNT_NO),
    ("accounts", "customer_ref"): _text_parser(Text("客户编号", REF_LENGTH)),
    ("meters", "meter_no"): _ident_parser(Ident("表号", column_length(Meter.meter_no), upper=True)),
    ("meters", "account_no"): _ident_parser(_ACCOUNT_NO),
    ("meters", "model"): _text_parser(Text("表型号", column_length(Meter.model))),
    ("cards", "card_no"): _ident_parser(Ident("卡号", column_length(Card.serial), upper=True)),
    ("cards", "account_no"): _ident_parser(_ACCOUNT_NO),
    ("usage", "account_no"): _ident_parser(_ACCOUNT_NO),
    ("balances", "account_no"): _ident_parser(_ACCOUNT_NO),
    ("bills", "bill_no"): _text_parser(Text("账单号", column_length(OpeningEntry.bill_no))),
    ("bills", "account_no"): _ident_parser(_ACCOUNT_NO),
}
ID_LENGTH = column_length(Customer.id_number)
_ID_NUMBER = Text("证件号码", ID_LENGTH, required=True)  # a document's number, not a resident ID

# (file, column) → (low, high) of the parsed value; one message for all
_BOUNDS: dict[tuple[str, str], tuple[int, int]] = {
    ("customers", "household_size"): (HOUSEHOLD_SIZE_MIN, HOUSEHOLD_SIZE_MAX),
    ("accounts", "last_purchase_count"): (0, PURCHASE_COUNT_MAX),
    ("accounts", "cumulative_purchased"): (0, READING_MAX),
    ("meters", "initial_reading"): (0, READING_MAX),
    ("meters", "rated_flow"): (0, RATED_FLOW_MAX),
    ("cards", "purchase_count"): (0, PURCHASE_COUNT_MAX),
    ("cards", "gas_on_card"): (0, VOLUME_MAX),
    ("usage", "volume"): (0, VOLUME_MAX),
    ("balances", "balance"): (-MONEY_MAX, MONEY_MAX),
    ("bills", "last_reading"): (0, READING_MAX),
    ("bills", "this_reading"): (0, READING_MAX),
    ("bills", "amount"): (0, MONEY_MAX),
    ("bills", "paid"): (0, MONEY_MAX),
}
# dates that cannot lie ahead of the day of the import (a bill's due date may)
_PAST_DATES = frozenset(
    {
        "opened_on",
        "closed_on",
        "installed_on",
        "issued_on",
        "last_purchase_on",
        "as_of",
        "period_start",
        "period_end",
        "ladder_year",
    }
)


def _shown_bound(column: Column, value: int) -> str:
    if column.type is ColumnType.VOLUME:
        return format_volume(value)
    if column.type is ColumnType.MONEY:
        return format_money(value)
    return str(value)


def _shown(raw: object) -> str:
    text = _as_text(raw) if raw is not None else ""
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


# ---------------------------------------------------------------- rows of a file


def _is_blank(cells: Sequence[object]) -> bool:
    for cell in cells:
        if cell is None:
            continue
        if not isinstance(cell, str) or cell.strip():
            return False
    return True


def _scan(path: Path, encoding: str) -> tuple[str | None, int]:
    """The encoding ``path`` decodes with (None: neither) and its count of line ends; read in
    chunks, nothing of it kept."""
    candidates = (
        ("utf-8-sig", "gb18030")
        if encoding == "auto"
        else ("utf-8-sig" if encoding == "utf-8" else encoding,)
    )
    for candidate in candidates:
        decoder = codecs.getincrementaldecoder(candidate)()
        lines = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return candidate, lines
    return None, 0


# ---------------------------------------------------------------- the reader


class _Reader:
    """One pass over the files: records, problems and what later files check against."""

    def __init__(
        self,
        source: ImportSource,
        today: dt.date,
        makers: frozenset[str],
        usage_caps: Mapping[str, int],
        progress: ImportProgress,
    ):
        self.source = source
        self.today = today
        self.makers = makers
        self.caps = usage_caps
        self.progress = progress
        self.problems: list[Problem] = []
        self.blocked = False  # a whole file is unusable: no account is importable
        self.done = 0
        self.total = 0
        self.rows: dict[str, int] = {}
        self.date = _date_parser(source.mapping.date_format)
        self.codes = {
            name: {**_DEFAULT_CODES.get(name, {}), **source.mapping.codes.get(name, {})}
            for name in CODE_TABLES
        }
        # first rows by key (for duplicates) and by account
        self.customer_rows: dict[str, int] = {}
        self.identity_rows: dict[tuple[str, str], int] = {}
        self.account_rows: dict[str, int] = {}
        self.meter_rows: dict[str, int] = {}
        self.meter_of: dict[str, int] = {}  # account_no → row of its meter
        self.card_rows: dict[str, int] = {}
        self.active_card_of: dict[str, int] = {}
        self.usage_rows: dict[tuple[str, dt.date], int] = {}
        self.balance_rows: dict[str, int] = {}
        self.bill_rows: dict[str, int] = {}
        self.bad_refs: set[str] = set()
        self.bad_accounts: set[str] = set()
        # records
        self.customers: dict[str, CustomerRecord] = {}
        self.accounts: dict[str, AccountRecord] = {}
        self.meters: dict[str, MeterRecord] = {}
        self.cards: dict[str, list[CardRecord]] = {}
        self.usage: dict[str, list[UsageRecord]] = {}
        self.balances: dict[str, BalanceRecord] = {}
        self.bills: dict[str, list[BillRecord]] = {}
        self.shown_of: dict[str, str] = {}
        self.account_nos: dict[str, str] = {}  # one string object per account number
        self.numeric_warned: set[tuple[str, str]] = set()
        self.row_start = 0  # problems before the current row's
        self.read_ok: set[str] = set()  # files read to their end
        self.encodings: dict[str, str | None] = {}  # a CSV's encoding (None: neither)
        self.workbook: Any = None  # the workbook, opened once (read-only)
        self.referenced: set[str] = set()  # customer numbers some account row names

    # -------------------------------------------------------- problems

    def add(
        self,
        file: str,
        row: int | None,
        column: str | None,
        value: object,
        reason: str,
        kind: ProblemKind,
        *,
        error: bool = True,
    ) -> None:
        self.problems.append(Problem(file, row, column, _shown(value), reason, error, kind))

    # -------------------------------------------------------- files and rows

    def tick(self) -> None:
        self.done += 1
        if self.done % REPORT_EVERY == 0:
            self.check_in()

    def check_in(self) -> None:
        if self.progress.cancelled():
            raise ImportCancelled("已取消读取导入文件", "import read cancelled")
        self.progress.report(self.done, max(self.total, self.done))

    def scan(self) -> None:
        """Each CSV's encoding, and the rows to expect for the progress bar (its line ends):
        one pass over its bytes before any row is read."""
        for found in self.source.files:
            if found.sheet is None:
                encoding, lines = _scan(found.path, self.source.mapping.encoding)
                self.encodings[found.name] = encoding
                self.total += max(lines - 1, 0)  # the header

    def rows_of(self, found: SourceFile) -> Iterator[Sequence[object]] | None:
        """The rows of one file (header first), or None (a problem says why)."""
        if found.sheet is not None:
            return self._sheet_rows(found)
        encoding = self.encodings[found.name]
        if encoding is None:
            which = {
                "auto": "UTF-8 或 GB18030",
                "utf-8": "UTF-8",
                "gb18030": "GB18030",
            }[self.source.mapping.encoding]
            self.add(
                found.shown,
                None,
                None,
                "",
                f"文件编码无法识别：不是 {which} 编码的文本文件",
                ProblemKind.UNREADABLE,
            )
            self.blocked = True
            return None
        return self._csv_rows(found.path, encoding)

    @staticmethod
    def _csv_rows(path: Path, encoding: str) -> Iterator[Sequence[object]]:
        with path.open("r", encoding=encoding, newline="") as handle:
            yield from csv.reader(handle)

    def _sheet_rows(self, found: SourceFile) -> Iterator[Sequence[object]]:
        if self.workbook is None:  # opened once: each opening parses its shared strings
            from openpyxl import load_workbook

            self.workbook = load_workbook(found.path, read_only=True, data_only=True)
        sheet = self.workbook[found.sheet]
        rows = sheet.max_row  # the sheet's recorded extent (None when it has none)
        if isinstance(rows, int):
            self.total += max(rows - 1, 0)
        return iter(sheet.iter_rows(values_only=True))

    def read(self) -> None:
        for name, looked_for in self.source.missing:
            if name in REQUIRED_FILES or name in self.source.mapping.files:
                self.add(
                    looked_for,
                    None,
                    None,
                    "",
                    f"缺少{SPEC[name].title}文件（{looked_for}）",
                    ProblemKind.MISSING_FILE,
                )
                self.blocked = True
        self.scan()
        handlers = {
            "customers": self.customer,
            "accounts": self.account,
            "meters": self.meter,
            "cards": self.card,
            "usage": self.usage_row,
            "balances": self.balance,
            "bills": self.bill,
        }
        try:
            for found in self.source.files:
                self.shown_of[found.name] = found.shown
                self.read_file(found, SPEC[found.name], handlers[found.name])
        finally:
            if self.workbook is not None:
                self.workbook.close()
        if self.progress.cancelled():
            raise ImportCancelled("已取消读取导入文件", "import read cancelled")
        self.progress.report(self.done, self.done)

    def read_file(
        self,
        found: SourceFile,
        spec: FileSpec,
        handle: Callable[[str, int, list[Any]], None],
    ) -> None:
        rows = self.rows_of(found)
        if rows is None:
            return
        shown = found.shown
        try:
            iterator = rows
            header = next(iterator, None)
            plan = self.plan(found, spec, header)
            count = 0
            if plan is None:
                return
            for number, cells in enumerate(iterator, start=2):
                if _is_blank(cells):
                    continue
                count += 1
                self.tick()
                self.row_start = len(self.problems)
                values = self.cells(shown, number, plan, cells)
                handle(shown, number, values)
            self.rows[spec.name] = count
            self.read_ok.add(spec.name)
        except csv.Error as error:
            self.add(
                shown,
                None,
                None,
                "",
                f"CSV格式错误，无法继续读取（{error}）",
                ProblemKind.UNREADABLE,
            )
            self.blocked = True
        except UnicodeDecodeError:  # the file changed between the encoding check and now
            self.add(shown, None, None, "", "文件编码无法识别", ProblemKind.UNREADABLE)
            self.blocked = True
        finally:
            close = getattr(rows, "close", None)
            if close is not None:  # a CSV's generator closes its file
                close()

    def plan(
        self, found: SourceFile, spec: FileSpec, header: Sequence[object] | None
    ) -> list[_Step] | None:
        """Where each of our columns is in the file, and how its cells are parsed."""
        shown = found.shown
        if header is None:
            self.add(shown, None, None, "", "文件为空（没有标题行）", ProblemKind.MISSING_COLUMN)
            self.blocked = True
            return None
        heads = [_as_text(h).strip().lstrip("\ufeff") if h is not None else "" for h in header]
        index: dict[str, int] = {}
        for i, head in enumerate(heads):
            if head:
                index.setdefault(head, i)
                index.setdefault(head.lower(), i)
        renamed = self.source.mapping.columns.get(spec.name, {})
        plan: list[_Step] = []
        used: set[int] = set()
        ok = True
        for column in spec.columns:
            theirs = renamed.get(column.name)
            wanted = theirs or column.name
            at = index.get(wanted, index.get(wanted.lower()))
            if at is None:
                if theirs is not None:
                    self.add(
                        shown,
                        None,
                        column.name,
                        theirs,
                        f"映射文件指定的列“{theirs}”（{column.name}）在文件中不存在",
                        ProblemKind.MISSING_COLUMN,
                    )
                    ok = False
                elif column.required:
                    self.add(
                        shown,
                        None,
                        column.name,
                        "",
                        f"缺少必填列“{column.name}”（{column.meaning}）",
                        ProblemKind.MISSING_COLUMN,
                    )
                    ok = False
            else:
                if heads.count(heads[at]) > 1:
                    self.add(
                        shown,
                        None,
                        column.name,
                        heads[at],
                        f"标题“{heads[at]}”出现了不止一次",
                        ProblemKind.MISSING_COLUMN,
                    )
                    ok = False
                used.add(at)
            plan.append(
                (
                    at if at is not None else _NOWHERE,
                    column,
                    self.parser(spec, column),
                    self.check(spec, column),
                    column.type is ColumnType.TEXT,
                )
            )
        unused = [h for i, h in enumerate(heads) if h and i not in used]
        if unused:
            self.add(
                shown,
                1,
                None,
                "、".join(unused),
                f"这些列不是导入格式中的列，未读取：{'、'.join(unused)}",
                ProblemKind.UNUSED_COLUMN,
                error=False,
            )
        if not ok:
            self.blocked = True
            return None
        return plan

    def parser(self, spec: FileSpec, column: Column) -> Callable[[Any], Any]:
        kind = column.type
        if kind is ColumnType.TEXT:
            text = _TEXT_RULES[spec.name, column.name]
            return lambda raw: text(raw if raw.__class__ is str else _as_text(raw))
        if kind is ColumnType.CODE:
            return self.code_parser(column)
        if kind is ColumnType.INT:
            return _int
        if kind is ColumnType.VOLUME:
            return _volume
        if kind is ColumnType.MONEY:
            return _money
        return self.date

    def code_parser(self, column: Column) -> Callable[[Any], str | None]:
        table = self.codes[column.codes]
        if column.codes == "maker":

            def maker(raw: object) -> str | None:
                text = _as_text(raw).strip()
                if not text:
                    return None
                code = table.get(text, text)
                if code not in self.makers:
                    configured = "、".join(sorted(self.makers)) or "无"
                    raise _Bad(
                        f"卡片厂家“{code}”未在营业厅配置（已配置：{configured}）",
                        ProblemKind.UNKNOWN_MAKER,
                    )
                return code

            return maker
        allowed = "、".join(sorted({v for v in table.values()}))

        def code(raw: object) -> str | None:
            text = _as_text(raw)
            found = table.get(text)
            if found is None:
                text = unicodedata.normalize("NFKC", text).strip()
                if not text:
                    return None
                found = _lookup(table, text)
                if found is None:
                    raise _Bad(f"代码“{text}”无法识别（可用：{allowed}）", ProblemKind.UNKNOWN_CODE)
            return found

        return code

    def check(self, spec: FileSpec, column: Column) -> Callable[[Any], None] | None:
        """What a parsed value of ``column`` must also meet (raises ``_Bad``), or None."""
        bounds = _BOUNDS.get((spec.name, column.name))
        if bounds is not None:
            low, high = bounds
            reason = (
                f"数值超出范围（应在{_shown_bound(column, low)}到"
                f"{_shown_bound(column, high)}{column.unit}之间）"
            )

            def within(value: int) -> None:
                if not low <= value <= high:
                    raise _Bad(reason, ProblemKind.OUT_OF_RANGE)

            return within
        if column.type is ColumnType.DATE:
            today = self.today
            past = column.name in _PAST_DATES
            early = f"日期早于{EARLIEST_DATE.isoformat()}，请核对"

            def dated(value: dt.date) -> None:
                if past and value > today:
                    raise _Bad("日期晚于今天", ProblemKind.FUTURE_DATE)
                if value < EARLIEST_DATE:
                    raise _Bad(early, ProblemKind.OUT_OF_RANGE)

            return dated
        return None

    def cells(
        self,
        shown: str,
        number: int,
        plan: list[_Step],
        cells: Sequence[object],
    ) -> list[Any]:
        """The row's values in our column order: parsed, None when empty, ``_BAD`` when
        refused (the problem recorded)."""
        values: list[Any] = []
        width = len(cells)
        for at, column, parse, check, text in plan:
            raw = cells[at] if at < width else None
            if raw is None:
                value = None
            else:
                if text and raw.__class__ is not str:
                    self.numeric_text(shown, number, column, raw)
                try:
                    value = parse(raw)
                    if check is not None and value is not None:
                        check(value)
                except _Bad as bad:
                    self.add(shown, number, column.name, raw, bad.reason, bad.kind)
                    values.append(_BAD)
                    continue
            if value is None and column.required:
                reason = f"必填项“{column.name}”为空"
                self.add(shown, number, column.name, raw or "", reason, ProblemKind.REQUIRED)
                value = _BAD
            values.append(value)
        return values

    def numeric_text(self, shown: str, number: int, column: Column, raw: object) -> None:
        """A number in a text column of a workbook: Excel has dropped its leading zeros, if
        it had any (said once per column; the column should be formatted as text)."""
        if (shown, column.name) in self.numeric_warned:
            return
        self.numeric_warned.add((shown, column.name))
        self.add(
            shown,
            number,
            column.name,
            raw,
            f"“{column.name}”列存为数字（如有前导零已丢失）：请在Excel中把该列设为文本格式",
            ProblemKind.NOTE,
            error=False,
        )

    def account_no(self, no: str) -> str:
        """One string object per account number (500,000 rows name 100,000 accounts)."""
        return self.account_nos.setdefault(no, no)

    def refer(self, shown: str, number: int, no: Any) -> bool:
        """Whether ``no`` (a child row's account number) is in the accounts file."""
        if no is _BAD:
            return False
        if no not in self.account_rows:
            if "accounts" not in self.read_ok:  # the file's own problem says why
                return False
            self.add(
                shown, number, "account_no", no, f"户号“{no}”不在户文件中", ProblemKind.REFERENCE
            )
            return False
        return True

    def mark(self, start: int, no: Any) -> None:
        """A child row of account ``no`` had an error since problem ``start``: drop the account."""
        if no is not _BAD and no is not None and self.has_error(start):
            self.bad_accounts.add(no)

    def has_error(self, start: int) -> bool:
        return any(p.error for p in self.problems[start:])

    def duplicate(
        self,
        seen: dict[Any, int],
        key: Any,
        shown: str,
        number: int,
        column: str,
        value: object,
        what: str,
    ) -> None:
        first = seen.setdefault(key, number)
        if first != number:
            self.add(
                shown, number, column, value, f"{what}与第{first}行重复", ProblemKind.DUPLICATE
            )

    # -------------------------------------------------------- the files

    def customer(self, shown: str, number: int, values: list[Any]) -> None:
        start = self.row_start  # the row's cell problems count too
        ref, name, klass, id_type, id_raw, phone, address, size = values
        id_number: Any = _BAD
        if id_raw is not _BAD and id_raw is not None:
            id_number = self.id_number(shown, number, id_type, id_raw)
        if ref is not _BAD:
            self.duplicate(self.customer_rows, ref, shown, number, "customer_ref", ref, "客户编号")
        if id_type is not _BAD and id_number is not _BAD:
            self.duplicate(
                self.identity_rows,
                (id_type, id_number),
                shown,
                number,
                "id_number",
                id_raw,
                "证件号码",
            )
        if self.has_error(start):
            if ref is not _BAD:
                self.bad_refs.add(ref)
            return
        self.customers.setdefault(
            ref,
            CustomerRecord(
                Source(shown, number),
                ref,
                name,
                klass,
                id_type,
                id_number,
                phone,
                address,
                size or 1,
            ),
        )

    def id_number(self, shown: str, number: int, id_type: Any, raw: str) -> Any:
        """The ID number as the counter takes it (NFKC, no spaces, upper case; GB 11643)."""
        value = normalize_resident_id(raw)
        if id_type == IdType.RESIDENT_ID:
            problem = resident_id_problem(value)
            if problem:
                self.add(shown, number, "id_number", raw, problem, ProblemKind.BAD_ID)
                return _BAD
            return value
        try:
            value = clean_text(value, _ID_NUMBER) or ""
        except InvalidInput as error:
            self.add(shown, number, "id_number", raw, error.user_message, ProblemKind.BAD_ID)
            return _BAD
        if id_type in _ASCII_ID_TYPES and not (value.isascii() and value.isalnum()):
            label = IdType(id_type).label
            self.add(
                shown,
                number,
                "id_number",
                raw,
                f"{label}号码只能包含数字和字母",
                ProblemKind.BAD_ID,
            )
            return _BAD
        return value

    def account(self, shown: str, number: int, values: list[Any]) -> None:
        start = self.row_start  # the row's cell problems count too
        no, ref, kind, status, opened, closed, last_count, last_on, cumulative = values
        kind = kind or AccountKind.CARD.value
        status = status or AccountStatus.ACTIVE.value
        if no is not _BAD:
            no = self.account_no(no)
            self.duplicate(self.account_rows, no, shown, number, "account_no", no, "户号")
        if ref is not _BAD:
            self.referenced.add(ref)
        if ref is not _BAD and ref not in self.customer_rows and "customers" in self.read_ok:
            self.add(
                shown,
                number,
                "customer_ref",
                ref,
                f"客户编号“{ref}”不在客户文件中",
                ProblemKind.REFERENCE,
            )
        if status == AccountStatus.CLOSED and closed is None:
            self.add(shown, number, "closed_on", "", "已销户的户须填写销户日期", ProblemKind.RULE)
        if status == AccountStatus.ACTIVE and closed not in (None, _BAD):
            self.add(
                shown, number, "closed_on", closed, "未销户的户不应有销户日期", ProblemKind.RULE
            )
        if opened is not _BAD and closed not in (None, _BAD) and closed < opened:
            self.add(
                shown, number, "closed_on", closed, "销户日期早于开户日期", ProblemKind.DATE_ORDER
            )
        if self.has_error(start):
            if no is not _BAD:
                self.bad_accounts.add(no)
            return
        if no not in self.accounts:
            self.accounts[no] = AccountRecord(
                Source(shown, number),
                no,
                ref,
                kind,
                status,
                opened,
                closed,
                last_count,
                last_on,
                cumulative,
            )

    def meter(self, shown: str, number: int, values: list[Any]) -> None:
        start = self.row_start  # the row's cell problems count too
        meter_no, no, model, initial, installed, flow = values
        if meter_no is not _BAD:
            self.duplicate(self.meter_rows, meter_no, shown, number, "meter_no", meter_no, "表号")
        if self.refer(shown, number, no):
            no = self.account_no(no)
            first = self.meter_of.setdefault(no, number)
            if first != number:
                self.add(
                    shown,
                    number,
                    "account_no",
                    no,
                    f"该户已有表具（第{first}行），一户只能有一块表",
                    ProblemKind.RULE,
                )
        self.mark(start, no)
        if self.has_error(start):
            return
        self.meters[no] = MeterRecord(
            Source(shown, number), meter_no, no, model or "", initial or 0, installed, flow
        )

    def card(self, shown: str, number: int, values: list[Any]) -> None:
        start = self.row_start  # the row's cell problems count too
        card_no, no, maker, status, issued, count, gas = values
        status = status or CardStatus.ACTIVE.value
        if card_no is not _BAD:
            self.duplicate(self.card_rows, card_no, shown, number, "card_no", card_no, "卡号")
        if self.refer(shown, number, no):
            no = self.account_no(no)
            account = self.accounts.get(no)
            if account is not None and account.account_kind != AccountKind.CARD:
                label = AccountKind(account.account_kind).label
                self.add(
                    shown, number, "account_no", no, f"该户为{label}，不能有IC卡", ProblemKind.RULE
                )
            if status == CardStatus.ACTIVE:
                first = self.active_card_of.setdefault(no, number)
                if first != number:
                    self.add(
                        shown,
                        number,
                        "status",
                        status,
                        f"该户已有有效卡（第{first}行），一户只能有一张有效卡",
                        ProblemKind.RULE,
                    )
                if (
                    account is not None
                    and count is not _BAD
                    and account.last_purchase_count is not None
                    and count < account.last_purchase_count
                ):
                    self.add(
                        shown,
                        number,
                        "purchase_count",
                        count,
                        f"卡内购气次数低于最后一笔购气记录（户文件中为{account.last_purchase_count}次）",
                        ProblemKind.CARD_COUNT,
                    )
                if account is not None and account.status == AccountStatus.CLOSED:
                    self.add(
                        shown,
                        number,
                        "status",
                        status,
                        "已销户的户有有效卡，照原样导入",
                        ProblemKind.NOTE,
                        error=False,
                    )
        self.mark(start, no)
        if self.has_error(start):
            return
        self.cards.setdefault(no, []).append(
            CardRecord(Source(shown, number), card_no, no, maker, status, issued, count, gas or 0)
        )

    def usage_row(self, shown: str, number: int, values: list[Any]) -> None:
        start = self.row_start  # the row's cell problems count too
        no, year, volume = values
        if year is not _BAD and year.day != 1:
            self.add(
                shown,
                number,
                "ladder_year",
                year,
                "阶梯年度的起始日应为某月1日",
                ProblemKind.BAD_DATE,
            )
        if self.refer(shown, number, no):
            no = self.account_no(no)
            if year is not _BAD:
                self.duplicate(
                    self.usage_rows,
                    (no, year),
                    shown,
                    number,
                    "ladder_year",
                    year,
                    "同一户同一阶梯年度",
                )
            account = self.accounts.get(no)
            customer = self.customers.get(account.customer_ref) if account is not None else None
            cap = self.caps.get(customer.customer_class) if customer is not None else None
            if cap is not None and volume is not _BAD and volume > cap:
                self.add(
                    shown,
                    number,
                    "volume",
                    format_volume(volume),
                    f"超过阶梯允许的年用气量（{format_volume(cap)}m³）",
                    ProblemKind.OVER_LADDER,
                )
            if account is not None and account.status == AccountStatus.CLOSED:
                self.add(
                    shown,
                    number,
                    "volume",
                    format_volume(volume) if volume is not _BAD else "",
                    "已销户的户有阶梯用气量，照原样导入",
                    ProblemKind.NOTE,
                    error=False,
                )
        self.mark(start, no)
        if self.has_error(start):
            return
        self.usage.setdefault(no, []).append(UsageRecord(Source(shown, number), no, year, volume))

    def balance(self, shown: str, number: int, values: list[Any]) -> None:
        start = self.row_start  # the row's cell problems count too
        no, amount, as_of = values
        if self.refer(shown, number, no):
            no = self.account_no(no)
            self.duplicate(self.balance_rows, no, shown, number, "account_no", no, "同一户的余额")
            account = self.accounts.get(no)
            if account is not None and account.account_kind not in (
                AccountKind.POSTPAID,
                AccountKind.REMOTE,
            ):
                self.add(
                    shown,
                    number,
                    "account_no",
                    no,
                    "只有后付费户或远传表户有期初余额（IC卡表户的余额在卡内）",
                    ProblemKind.RULE,
                )
        self.mark(start, no)
        if self.has_error(start):
            return
        self.balances[no] = BalanceRecord(Source(shown, number), no, amount, as_of)

    def bill(self, shown: str, number: int, values: list[Any]) -> None:
        start = self.row_start  # the row's cell problems count too
        bill_no, no, period_start, period_end, last, this, amount, paid, due = values
        paid = 0 if paid is None else paid
        if bill_no is not _BAD:
            self.duplicate(self.bill_rows, bill_no, shown, number, "bill_no", bill_no, "账单号")
        if period_start is not _BAD and period_end is not _BAD and period_start > period_end:
            self.add(
                shown,
                number,
                "period_end",
                period_end,
                "本次抄表日早于上次抄表日",
                ProblemKind.DATE_ORDER,
            )
        if last is not _BAD and this is not _BAD and this < last:
            self.add(
                shown,
                number,
                "this_reading",
                format_volume(this),
                "本次读数小于上次读数",
                ProblemKind.RULE,
            )
        if amount is not _BAD and paid is not _BAD and paid > amount:
            self.add(
                shown, number, "paid", format_money(paid), "已缴金额大于账单金额", ProblemKind.RULE
            )
        if self.refer(shown, number, no):
            no = self.account_no(no)
            account = self.accounts.get(no)
            if account is not None and account.account_kind != AccountKind.POSTPAID:
                self.add(
                    shown, number, "account_no", no, "只有后付费户有期初欠费账单", ProblemKind.RULE
                )
        self.mark(start, no)
        if self.has_error(start):
            return
        if amount and paid == amount:
            self.add(
                shown,
                number,
                "paid",
                format_money(paid),
                "账单已缴清，照原样导入",
                ProblemKind.NOTE,
                error=False,
            )
        self.bills.setdefault(no, []).append(
            BillRecord(
                Source(shown, number),
                bill_no,
                no,
                period_start,
                period_end,
                last,
                this,
                amount,
                paid,
                due,
            )
        )

    # -------------------------------------------------------- the result

    def result(self) -> ImportData:
        accounts_shown = self.shown_of.get("accounts", "accounts")
        kept: dict[str, AccountRecord] = {}
        used_refs: set[str] = set()
        if not self.blocked:
            for no, first in self.account_rows.items():
                account = self.accounts.get(no)
                good = (
                    account is not None
                    and no not in self.bad_accounts
                    and account.customer_ref not in self.bad_refs
                    and account.customer_ref in self.customers
                )
                if good:
                    assert account is not None
                    kept[no] = account
                    used_refs.add(account.customer_ref)
                    if (
                        account.account_kind == AccountKind.CARD
                        and account.status == AccountStatus.ACTIVE
                    ) and no not in self.active_card_of:
                        self.add(
                            accounts_shown,
                            first,
                            "account_no",
                            no,
                            "IC卡表户没有有效卡（客户来厅时须补卡）",
                            ProblemKind.NOTE,
                            error=False,
                        )
                else:
                    self.add(
                        accounts_shown,
                        first,
                        "account_no",
                        no,
                        "本户有错误行，整户不导入",
                        ProblemKind.DROPPED,
                    )
            customers_shown = self.shown_of.get("customers", "customers")
            for ref, record in self.customers.items():
                if ref not in self.referenced:
                    self.add(
                        customers_shown,
                        record.source.row,
                        "customer_ref",
                        ref,
                        "该客户没有可导入的户，不导入",
                        ProblemKind.NOTE,
                        error=False,
                    )
        order = {spec.name: i for i, spec in enumerate(FILES)}
        position = {shown: order[name] for name, shown in self.shown_of.items()}
        self.problems.sort(key=lambda p: (position.get(p.file, -1), p.row or 0))
        return ImportData(
            customers={ref: self.customers[ref] for ref in self.customers if ref in used_refs},
            accounts=kept,
            meters={no: m for no, m in self.meters.items() if no in kept},
            cards={no: c for no, c in self.cards.items() if no in kept},
            usage={no: u for no, u in self.usage.items() if no in kept},
            balances={no: b for no, b in self.balances.items() if no in kept},
            bills={no: b for no, b in self.bills.items() if no in kept},
            problems=self.problems,
            rows=self.rows,
            files=dict(self.shown_of),
        )


_BAD: Any = object()  # a refused cell (its problem recorded); never a record's value
_NOWHERE = 1 << 30  # the place of a column the file does not have: past every row's end
# one column of a file as read: its place, the column, its parser, its check, whether text
_Step = tuple[int, Column, Callable[[Any], Any], Callable[[Any], None] | None, bool]


def read_import(
    source: ImportSource,
    *,
    today: dt.date,
    makers: frozenset[str],
    usage_caps: Mapping[str, int],
    progress: ImportProgress | None = None,
) -> ImportData:
    """Read and check every file of ``source``: the records of the accounts that can be
    imported whole, and every problem found (file, row, column, value, reason).

    ``makers``: the hall's card makers; ``usage_caps``: customer class → the most a ladder year
    may hold (0.01 m³; a class not named has no cap). Reports rows read to ``progress`` and
    raises ``ImportCancelled`` when it is cancelled."""
    reader = _Reader(source, today, makers, usage_caps, progress or ImportProgress())
    reader.read()
    return reader.result()


# ---------------------------------------------------------------- the dry run's report


def write_report(
    path: Path,
    problems: Sequence[Problem],
    summary: Mapping[str, int],
    *,
    files: Mapping[str, str] | None = None,
) -> None:
    """The dry run's report (XLSX): sheet 问题 (文件, 行, 列, 值, 原因, 级别) and sheet 汇总
    (file → rows read, errors, warnings). ``summary`` is rows per file (``ImportData.rows``);
    ``files`` our file name → the file as problems name it (``ImportData.files``)."""
    from openpyxl import Workbook

    files = files or {}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("问题")
    sheet.append(["文件", "行", "列", "值", "原因", "级别"])
    limit = SHEET_ROWS - 2
    for problem in problems[:limit]:
        sheet.append(
            [
                problem.file,
                problem.row,
                problem.column or "",
                problem.value,
                problem.reason,
                "错误" if problem.error else "警告",
            ]
        )
    if len(problems) > limit:
        sheet.append(["", None, "", "", f"以下省略{len(problems) - limit}条", ""])
    totals = workbook.create_sheet("汇总")
    totals.append(["文件", "内容", "读取行数", "错误", "警告"])
    errors = Counter(p.file for p in problems if p.error)
    warnings = Counter(p.file for p in problems if not p.error)
    named = set()
    for name, rows in summary.items():
        shown = files.get(name, name)
        named.add(shown)
        title = SPEC[name].title if name in SPEC else ""
        totals.append([shown, title, rows, errors.get(shown, 0), warnings.get(shown, 0)])
    for shown in sorted((set(errors) | set(warnings)) - named):  # missing or unreadable files
        totals.append([shown, "", 0, errors.get(shown, 0), warnings.get(shown, 0)])
    workbook.save(path)


def summary_lines(data: ImportData) -> list[str]:
    """The dry run's summary for the terminal (Chinese): rows per file, errors and warnings
    by kind, accounts that can be imported."""
    lines = ["读取的文件："]
    for spec in FILES:
        if spec.name in data.rows:
            shown = data.files.get(spec.name, spec.name)
            lines.append(f"  {spec.title}（{shown}）：{data.rows[spec.name]}行")
    errors = [p for p in data.problems if p.error and p.kind is not ProblemKind.DROPPED]
    warnings = [p for p in data.problems if not p.error]
    dropped = sum(1 for p in data.problems if p.kind is ProblemKind.DROPPED)
    if errors:
        lines.append(f"错误{len(errors)}处：")
        for kind, count in Counter(p.kind for p in errors).most_common():
            lines.append(f"  {kind.label}：{count}")
    else:
        lines.append("没有错误。")
    if warnings:
        lines.append(f"提示{len(warnings)}处：")
        for kind, count in Counter(p.kind for p in warnings).most_common():
            lines.append(f"  {kind.label}：{count}")
    read = data.rows.get("accounts", 0)
    lines.append(f"可导入{len(data.accounts)}户（户文件共{read}户，整户不导入{dropped}户）。")
    if any(p.error and p.row is None for p in data.problems):
        lines.append("有文件无法使用（见问题清单），改正前不能导入任何户。")
    return lines


# ---------------------------------------------------------------- templates and docs


def write_templates(directory: Path) -> None:
    """The import's templates from ``FILES``: one CSV per file (UTF-8 with BOM, so Excel opens
    it as UTF-8) and ``template.xlsx`` with the same sheets (text columns formatted as text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    directory.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([c.name for c in spec.columns])
        writer.writerows(template_rows(spec))
        (directory / f"{spec.name}.csv").write_bytes(buffer.getvalue().encode("utf-8-sig"))
    workbook = Workbook(write_only=True)
    for spec in FILES:
        sheet = workbook.create_sheet(spec.name)
        sheet.append([c.name for c in spec.columns])
        for row in template_rows(spec):
            cells = []
            for column, value in zip(spec.columns, row, strict=True):
                cell = WriteOnlyCell(sheet, value=_template_value(column, value))
                cell.number_format = _TEMPLATE_FORMATS[column.type]
                cells.append(cell)
            sheet.append(cells)
    workbook.save(directory / "template.xlsx")


_TEMPLATE_FORMATS = {
    ColumnType.TEXT: "@",
    ColumnType.CODE: "@",
    ColumnType.INT: "0",
    ColumnType.VOLUME: "0.00",
    ColumnType.MONEY: "0.00",
    ColumnType.DATE: "yyyy-mm-dd",
}


def _template_value(column: Column, value: str) -> object:
    """A template cell as Excel should hold it: dates as dates, figures as numbers, the rest
    (account numbers with their leading zeros) as text."""
    if not value:
        return None
    if column.type is ColumnType.DATE:
        return dt.date.fromisoformat(value)
    if column.type is ColumnType.INT:
        return int(value)
    if column.type in (ColumnType.VOLUME, ColumnType.MONEY):
        return float(value)
    return value


_TYPE_NAMES = {
    ColumnType.TEXT: "文字",
    ColumnType.CODE: "代码",
    ColumnType.INT: "整数",
    ColumnType.VOLUME: "气量",
    ColumnType.MONEY: "金额",
    ColumnType.DATE: "日期",
}


def columns_markdown(spec: FileSpec) -> str:
    """The table of ``spec``'s columns as ``docs/import.md`` shows it (a test keeps them equal)."""
    lines = [
        "| 列 column | 类型 type | 单位 unit | 必填 required | 示例 example | 含义 meaning |",
        "|---|---|---|---|---|---|",
    ]
    for c in spec.columns:
        kind = _TYPE_NAMES[c.type] + (f"（codes.{c.codes}）" if c.codes else "")
        example = f"`{c.example}`" if c.example else ""
        required = "是" if c.required else ""
        lines.append(f"| `{c.name}` | {kind} | {c.unit} | {required} | {example} | {c.meaning} |")
    return "\n".join(lines)
