"""The service boundary: one mechanism that checks and normalises every public service entry.

``@service`` reads the entry's type annotations (and, recursively, those of the request
dataclasses it takes) and refuses a value of the wrong type with ``InvalidInput`` before the
service body runs: ``bool`` is never an ``int``, ``int`` stays within a SQL BIGINT (or the range
an ``Annotated[int, Range(...)]`` gives), ``str`` is never an ``int``, ``None`` only where the
annotation says ``| None``, lists and tuples are checked item by item. Per-field rules ride on
``typing.Annotated``:

* ``Text`` — free text (names, addresses, reasons, notes): NFKC-normalised (full-width
  punctuation such as ，（） is kept: it is how Chinese is written), stripped, bounded to
  its column's length (``column_length`` reads it from ``db.models``), refused when it holds
  control or format characters (NUL, zero-width space, BOM ...), private-use or unassigned code
  points. Characters outside the BMP are refused except CJK ideographs of planes 2 and 3 (rare
  name characters; GB18030 encodes them and the printer prints them as graphics). A ``name``
  text must print on a receipt: symbols (category S*, i.e. emoji in the BMP too) are refused.
* ``Ident`` — identifiers the clerk types (户号, card, meter and contract numbers, ID numbers,
  phones, search keys): NFKC (full-width digits from a Chinese IME become ASCII), all white
  space removed, then only ASCII letters, digits and ``-`` (``str.isdigit`` would take other
  scripts' digits: it is not used).
* ``Range`` — an integer's allowed range; ``Secret`` — a password: type and length only, never
  normalised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import re
import types
import typing
import unicodedata
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypeVar, Union

from sqlalchemy import String

from app.domain.cards import CardReading
from app.domain.cash import Payment
from app.errors import InvalidInput, field_of
from db.models import Account, Card, Contract, Customer, Meter, User

BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1
MAX_ITEMS = 50  # more approvals or lines than any form has: a programming error
DEFAULT_TEXT_LENGTH = 1000  # a plain ``str`` without a rule is still bounded
NOTE_LENGTH = 200  # reasons and notes (Text columns): what a receipt or report can show


def column_length(column: Any) -> int:
    """The declared length of a ``String(n)`` column (an ORM attribute or a Column)."""
    column_type = getattr(column, "type", None)
    if not isinstance(column_type, String) or not column_type.length:
        raise TypeError(f"{column!r} is not a bounded String column")
    return column_type.length


@dataclass(frozen=True)
class Text:
    """Free text: ``what`` names the field for the clerk; ``required`` refuses empty text
    (otherwise empty text becomes ``None`` for an optional field, ``""`` for a plain one)."""

    what: str
    max_length: int = NOTE_LENGTH
    required: bool = False
    name: bool = False  # a name that is printed: no symbols or emoji


@dataclass(frozen=True)
class Ident:
    """An identifier: ASCII letters, digits and ``-`` after NFKC and removing white space."""

    what: str
    max_length: int
    required: bool = False
    upper: bool = False


@dataclass(frozen=True)
class Range:
    """An integer between ``low`` and ``high`` (inclusive)."""

    what: str
    low: int = BIGINT_MIN
    high: int = BIGINT_MAX


@dataclass(frozen=True)
class Secret:
    """A password: a string of bounded length, taken exactly as typed."""

    what: str = "密码"
    max_length: int = 128


# ---------------------------------------------------------------- text rules (also used inside)

# control, format (zero-width, BOM, bidi), surrogate, private-use, unassigned; line separators
_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

# Default_Ignorable_Code_Point (Unicode 15.1 DerivedCoreProperties.txt): code points a renderer
# shows as nothing. ``unicodedata`` has no property for it, and many are letters or marks (the
# Hangul fillers are Lo, U+034F and the variation selectors are Mn), so the category check
# above misses them. U+2800 BRAILLE PATTERN BLANK is not in the set but also prints as nothing.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x2800, 0x2800),  # not Default_Ignorable, but blank
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


_FIRST_INVISIBLE = min(low for low, _ in _INVISIBLE_RANGES)


def is_invisible(ch: str) -> bool:
    """Whether ``ch`` is a Default_Ignorable code point (or another blank one, see above)."""
    code = ord(ch)
    if code < _FIRST_INVISIBLE:  # every ASCII character: no range to walk (card serials, ...)
        return False
    return any(low <= code <= high for low, high in _INVISIBLE_RANGES)


# a text must show something: a letter, digit, punctuation or symbol, not only combining marks
_VISIBLE_BASE = ("L", "N", "P", "S")


def _planes_allowed(ch: str) -> bool:
    code = ord(ch)
    return code <= 0xFFFF or 0x20000 <= code <= 0x3FFFF


# Full-width punctuation (，：；（）！？) is how Chinese text is written: NFKC would turn it into
# ASCII, so it is kept as typed; full-width letters and digits still become ASCII.
_CJK_PUNCTUATION = re.compile(r"([\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65])")


def normalize_text(value: str) -> str:
    """NFKC, except full-width punctuation; stripped of surrounding white space."""
    parts = _CJK_PUNCTUATION.split(value)
    # odd parts are the kept punctuation (they never compose with their neighbours)
    return "".join(
        part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts)
    ).strip()


def clean_text(value: str, rule: Text) -> str | None:
    """``value`` normalised (``normalize_text``) and checked; InvalidInput says why it is not.

    Returns None for empty text (the caller decides whether that is allowed)."""
    if len(value) > 4 * rule.max_length + 100:  # refused before normalising 100,000 characters
        raise InvalidInput(
            f"{rule.what}过长（最多{rule.max_length}字）",
            f"{rule.what}: {len(value)} characters, max {rule.max_length}",
        )
    text = normalize_text(value)
    for ch in text:
        category = unicodedata.category(ch)
        if category in _REFUSED_CATEGORIES or is_invisible(ch):
            raise InvalidInput(
                f"{rule.what}含有不可见字符或控制字符，请重新输入",
                f"{rule.what}: character U+{ord(ch):04X} ({category}) refused",
            )
        if not _planes_allowed(ch) or (rule.name and category.startswith("S")):
            raise InvalidInput(
                f"{rule.what}含有无法打印的字符（如表情符号），请重新输入",
                f"{rule.what}: character U+{ord(ch):04X} ({category}) not printable",
            )
    if not text:
        if rule.required:
            raise InvalidInput(f"请填写{rule.what}", f"{rule.what}: empty")
        return None
    if not any(unicodedata.category(ch)[0] in _VISIBLE_BASE for ch in text):
        raise InvalidInput(
            f"{rule.what}没有可见的文字，请重新输入",
            f"{rule.what}: only marks or spaces in {text!r}",
        )
    if len(text) > rule.max_length:
        raise InvalidInput(
            f"{rule.what}过长（最多{rule.max_length}字）",
            f"{rule.what}: {len(text)} characters, max {rule.max_length}",
        )
    return text


def clean_ident(value: str, rule: Ident) -> str | None:
    """An identifier the clerk typed, normalised; None when empty."""
    if len(value) > 4 * rule.max_length + 100:
        raise InvalidInput(
            f"{rule.what}过长（最多{rule.max_length}位）",
            f"{rule.what}: {len(value)} characters, max {rule.max_length}",
        )
    text = "".join(unicodedata.normalize("NFKC", value).split())
    if rule.upper:
        text = text.upper()
    if not text:
        if rule.required:
            raise InvalidInput(f"请填写{rule.what}", f"{rule.what}: empty")
        return None
    if len(text) > rule.max_length:
        raise InvalidInput(
            f"{rule.what}过长（最多{rule.max_length}位）",
            f"{rule.what}: {len(text)} characters, max {rule.max_length}",
        )
    if not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in text):
        raise InvalidInput(
            f"{rule.what}只能包含数字、字母和“-”", f"{rule.what}: bad characters in {text!r}"
        )
    return text


# ---------------------------------------------------------------- checking a value by its type


def _refuse(what: str, value: object, expected: str) -> InvalidInput:
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return InvalidInput(
        f"{what}无效，请重新输入",
        f"{what}: expected {expected}, got {type(value).__name__} {shown}",
    )


_LABELS: dict[tuple[str, Sequence[object]], str] = {}


def _label(name: str, meta: Sequence[object]) -> str:
    """The Chinese name of the field in messages (worked out once per field and rules)."""
    try:
        return _LABELS[name, meta]
    except KeyError:
        what = _LABELS[name, meta] = _label_of(name, meta)
        return what
    except TypeError:  # unhashable rules: not cached
        return _label_of(name, meta)


def _label_of(name: str, meta: Sequence[object]) -> str:
    for rule in meta:
        what = getattr(rule, "what", None)
        if what:
            return what
    return FIELD_LABELS.get(name, f"输入项（{name}）")


# Chinese names of fields that carry no rule of their own (the clerk reads these in messages).
FIELD_LABELS = {
    # the go-live import and the export (管理 → 数据导入, gasdesk admin import/export)
    "admin": "管理员",
    "paths": "导入文件",
    "mapping": "映射文件",
    "plan": "试导入结果",
    "skip_bad_rows": "跳过有错误的行",
    "chunk": "每批户数",
    "batch_no": "导入批次号",
    "directory": "导出目录",
    "xlsx": "导出为工作簿",
    "encoding": "文件编码",
    "rated_flow": "额定流量",
    "first_instalment": "本次写入补气量",
    "entry": "安检结果",
    "inspected_on": "安检日期",
    "within_days": "天数",
    "path": "文件",
    "progress": "进度",
    "limits": "限购设置",
    "bands": "限购档位",
    "flow_from": "起始额定流量",
    "override": "班长放行",
    "approver": "放行班长",
    "approval": "核准班长",
    "old_card_in_hand": "原卡在手",
    "parameters": "设置参数",
    "back": "工具卡回读",
    "state": "表内数据",
    "cumulative_volume": "累计用气量",
    "remaining_volume": "表内剩余气量",
    "loaded_count": "表内购气次数",
    "meter_status": "表状态",
    "extra": "厂家数据",
    "meter_no": "表号",
    "new_rated_flow": "新表额定流量",
    "entries": "厂家配置",
    "maker": "卡片厂家",
    "secret": "卡片密钥",
    "sent": "已发送字节数",
    "columns": "每行字数",
    "outcome": "打印结果",
    "detail": "故障说明",
    "actor": "操作员",
    "user": "用户",
    "lock": "锁屏状态",
    "request_id": "请求编号",
    "user_id": "用户",
    "counter_id": "柜台",
    "hall_id": "营业厅",
    "shift_id": "班次",
    "movement_id": "款项",
    "transaction_id": "业务记录",
    "job_id": "打印任务",
    "approver_id": "审批人",
    "volume": "气量",
    "amount_fen": "金额",
    "cash_tendered_fen": "实收金额",
    "card": "卡",
    "reading": "读卡结果",
    "customer": "客户资料",
    "new_owner": "新户主资料",
    "contract": "合同",
    "payment": "付款方式",
    "approvals": "审批",
    "count": "清点结果",
    "cash": "现金清点",
    "noncash": "非现金合计",
    "pieces": "张数",
    "coins_fen": "硬币金额",
    "receiver": "财务接收人",
    "sign_off": "班长确认",
    "recount_approval": "重新盘点审批",
    "data": "资料",
    "rule": "气价规则",
    "day": "日期",
    "business_date": "营业日",
    "signed_on": "签订日期",
    "effective_from": "生效日期",
    "year": "年份",
    "month": "月份",
    "limit": "条数",
    "history_limit": "条数",
    "copy_no": "联次",
    "writes_card": "写卡标志",
    "waive_fee": "免收工本费",
    "active": "启用状态",
    "purchase_count": "购气次数",
    "pending_volume": "卡内气量",
    "meter_loaded_count": "表内次数",
    "initial_reading": "表底数",
    "meter_reading": "表读数",
    "final_reading": "表读数",
    "household_size": "家庭人口",
    "method": "付款方式",
    "reference": "交易流水号",
    "password": "密码",
    "serial": "卡号",
    "req": "业务资料",
    "kind": "类别",
    "id_type": "证件类型",
    "key": "设置项",
    "value": "设置值",
    "role": "岗位",
    "username": "用户名",
    "display_name": "姓名",
    "password_hash": "密码",
    "printer": "打印机",
    "reason_code": "原因",
    "source": "来源",
    "float_count": "备用金清点",
    "float_source": "备用金来源",
    "hall_code": "营业厅编号",
    "counter_code": "柜台编号",
    "customer_class": "用户类别",
    "tiers": "阶梯",
    "upper": "阶梯上限",
    "price_fen": "单价",
    "ladder_start_month": "阶梯起始月份",
    "household_threshold": "基准人口",
    "extra_per_member": "每增加一人的气量",
    "change": "调价内容",
    "typical": "典型购气",
    "used": "年内已购气量",
    "minutes": "时长",
    "last_input": "最后操作时间",
    "locked": "锁屏状态",
    "values": "设置值",
    "lines": "提示语",
    "fees": "价目表",
    "must_change_password": "须修改密码",
    # 换表 (app.services.meters)
    "meter_replacement": "换表用户类别",
    "customer_at_fault": "客户责任",
    "tool_card_return_id": "工具卡回收记录",
    "new_initial_reading": "新表底数",
}


def _shape_of(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    return typing.get_origin(tp), typing.get_args(tp)


_SHAPES: dict[Any, tuple[Any, tuple[Any, ...]]] = {}


def _shape(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    """``typing.get_origin`` and ``get_args`` of ``tp``, worked out once per annotation: the
    boundary checks every argument of every service call by the same few annotations."""
    try:
        return _SHAPES[tp]
    except KeyError:
        shape = _SHAPES[tp] = _shape_of(tp)
        return shape
    except TypeError:  # an unhashable annotation: not cached
        return _shape_of(tp)


def _check(tp: Any, value: object, name: str, meta: Sequence[object] = ()) -> object:
    """``value`` checked against the annotation ``tp`` (normalised where a rule says so)."""
    what = _label(name, meta)
    origin, args = _shape(tp)
    if origin is Annotated:
        base, *rules = args
        return _check(base, value, name, (*rules, *meta))
    if origin in (Union, types.UnionType):
        arms = args
        optional = type(None) in arms
        if optional and isinstance(value, str) and not unicodedata.normalize("NFKC", value).strip():
            return None  # an optional field left empty
        if value is None:
            if optional:
                return None
            raise InvalidInput(f"请填写{what}", f"{name}: None where {tp} is expected")
        arms = [a for a in arms if a is not type(None)]
        if len(arms) == 1:
            return _check(arms[0], value, name, meta)
        for arm in arms:
            try:
                return _check(arm, value, name, meta)
            except InvalidInput:
                continue
        raise _refuse(what, value, str(tp))
    if tp is Any or tp is object:
        return value
    if value is None:
        raise InvalidInput(f"请填写{what}", f"{name}: None where {tp} is expected")
    if origin is typing.Literal:
        if value not in args:
            raise _refuse(what, value, str(tp))
        return value
    if origin in (tuple, list, Sequence):
        return _check_items(origin, tp, value, name, what)
    if origin in (dict, Mapping):
        return _check_mapping(tp, value, name, what)
    if tp is bool:
        if not isinstance(value, bool):
            raise _refuse(what, value, "bool")
        return value
    if tp is int:
        return _check_int(value, what, meta)
    if tp is str:
        return _check_str(value, name, what, meta)
    if tp is float or tp is Decimal:
        raise TypeError(f"{name}: money and gas are integers, never {tp}")
    if tp is dt.date:
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise _refuse(what, value, "date")
        return value
    if tp is dt.datetime:
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise _refuse(what, value, "aware datetime")
        return value
    if tp is uuid.UUID:
        if not isinstance(value, uuid.UUID):
            raise _refuse(what, value, "UUID")
        return value
    if isinstance(tp, type):
        if not isinstance(value, tp):
            raise _refuse(what, value, tp.__name__)
        if dataclasses.is_dataclass(tp):
            return _check_dataclass(value, name)
        return value
    raise TypeError(f"{name}: annotation {tp!r} is not supported by the service boundary")


def _check_int(value: object, what: str, meta: Sequence[object]) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _refuse(what, value, "int")
    rule = next((r for r in meta if isinstance(r, Range)), Range(what))
    low, high = max(rule.low, BIGINT_MIN), min(rule.high, BIGINT_MAX)
    if not low <= value <= high:
        raise InvalidInput(
            f"{what}超出允许范围", f"{what}: {value} outside [{low}, {high}]", low=low, high=high
        )
    return value


def _check_str(value: object, name: str, what: str, meta: Sequence[object]) -> str | None:
    if not isinstance(value, str):
        raise _refuse(what, value, "str")
    for rule in meta:
        if isinstance(rule, Secret):
            # never normalised, and any character may be typed: a control character in a
            # password is a wrong password (told as such by the check), not an input error
            if len(value) > rule.max_length:
                raise InvalidInput(f"{rule.what}过长", f"{name}: secret of {len(value)} chars")
            return value
        if isinstance(rule, Ident):
            cleaned = clean_ident(value, rule)
            return cleaned if cleaned is not None else ""
        if isinstance(rule, Text):
            cleaned = clean_text(value, rule)
            return cleaned if cleaned is not None else ""
    # a plain str (codes, keys): bounded and free of control characters, kept as given
    if len(value) > DEFAULT_TEXT_LENGTH or any(
        unicodedata.category(ch) in _REFUSED_CATEGORIES or is_invisible(ch) for ch in value
    ):
        raise _refuse(what, value, "short printable str")
    return value


def _check_items(origin: Any, tp: Any, value: object, name: str, what: str) -> object:
    if not isinstance(value, (list, tuple)):
        raise _refuse(what, value, "list")
    if len(value) > MAX_ITEMS:
        raise InvalidInput(f"{what}项数过多", f"{name}: {len(value)} items")
    args = typing.get_args(tp)
    if origin is tuple and args and (len(args) != 2 or args[1] is not Ellipsis):
        if len(value) != len(args):
            raise _refuse(what, value, str(tp))
        items = [_check(a, v, name) for a, v in zip(args, value, strict=True)]
    else:
        item_type = args[0] if args else Any
        items = [_check(item_type, v, name) for v in value]
    return tuple(items) if origin is tuple else list(items)


def _check_mapping(tp: Any, value: object, name: str, what: str) -> object:
    if not isinstance(value, Mapping):
        raise _refuse(what, value, "mapping")
    if len(value) > MAX_ITEMS:
        raise InvalidInput(f"{what}项数过多", f"{name}: {len(value)} items")
    key_type, value_type = typing.get_args(tp) or (Any, Any)
    return {_check(key_type, k, name): _check(value_type, v, name) for k, v in value.items()}


@functools.cache
def _hints(owner: Any) -> dict[str, Any]:
    return field_hints(owner)


def field_hints(owner: Any) -> dict[str, Any]:
    """The annotations the boundary checks ``owner`` (a function or dataclass) by: its own,
    with ``DOMAIN_FIELDS`` for the pure domain's dataclasses (which cannot import these rules)."""
    hints = typing.get_type_hints(owner, include_extras=True)
    if isinstance(owner, type):
        hints.update(DOMAIN_FIELDS.get(owner, {}))
    return hints


@functools.cache
def _checked_fields(owner: type) -> tuple[tuple[str, Any], ...]:
    """The fields of a dataclass the boundary checks (given to its constructor, annotated),
    with their annotations: worked out once per class."""
    hints = _hints(owner)
    return tuple(
        (f.name, hints[f.name]) for f in dataclasses.fields(owner) if f.init and f.name in hints
    )


def _check_dataclass(value: Any, name: str) -> Any:
    changes = {}
    field_name = name
    try:
        for field_name, hint in _checked_fields(type(value)):
            current = getattr(value, field_name)
            checked = _check(hint, current, field_name)
            if checked is not current and _differs(checked, current):
                changes[field_name] = checked
    except Exception:
        with field_of(field_name):  # the form marks the field the clerk must correct
            raise
    return dataclasses.replace(value, **changes) if changes else value


def _differs(checked: object, current: object) -> bool:
    # a normalised text equal to the given one (a fresh str object) needs no copy of the value;
    # anything else checked anew (a tuple rebuilt, a mapping copied) is taken as checked
    return not (type(checked) is str and type(current) is str and checked == current)


# ---------------------------------------------------------------- the decorator

F = TypeVar("F", bound=Callable[..., Any])
UNCHECKED = ("ctx",)  # the composition root's context is trusted, not input


def service(func: F) -> F:
    """Check and normalise every argument of a public service entry by its annotations."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        hints = _hints(func)
        bound = signature.bind(*args, **kwargs)
        name = ""
        try:
            for name, value in list(bound.arguments.items()):
                if name in UNCHECKED or name not in hints:
                    continue
                bound.arguments[name] = _check(hints[name], value, name)
        except Exception:
            with field_of(name):  # the argument that failed, unless a field in it was named
                raise
        return func(*bound.args, **bound.kwargs)

    checked.__service_boundary__ = True  # type: ignore[attr-defined]
    return typing.cast(F, checked)


def is_service(func: object) -> bool:
    """Whether ``func`` goes through the boundary (the table-driven test walks every entry)."""
    return bool(getattr(func, "__service_boundary__", False))


# ---------------------------------------------------------------- the fields services share

AccountNo = Annotated[str, Ident("户号", column_length(Account.account_no))]
# card, meter and contract numbers are upper-cased: "18a0000001" is the meter "18A0000001"
CardSerial = Annotated[str, Ident("卡号", column_length(Card.serial), upper=True)]
MeterNo = Annotated[str, Ident("表号", column_length(Meter.meter_no), upper=True)]
MakerCode = Annotated[str, Ident("卡片厂家", column_length(Card.maker), required=True)]
Phone = Annotated[str, Ident("电话号码", column_length(Customer.phone))]
# Fields the service requires itself (in the form's field order, so the first missing field is
# named first) carry no ``required`` here. ID numbers: some documents ("other") are not ASCII;
# the type's own check (GB 11643 for resident IDs) runs inside the service on the normalised text
IdNumber = Annotated[str, Text("证件号码", column_length(Customer.id_number))]
ProxyIdNumber = Annotated[str, Text("代办人身份证号", column_length(Contract.proxy_id_number))]
PersonName = Annotated[str, Text("姓名/单位名称", column_length(Customer.name), name=True)]
ProxyName = Annotated[str, Text("代办人姓名", column_length(Contract.proxy_name), name=True)]
ProxyRelation = Annotated[str, Text("与户主关系", column_length(Contract.proxy_relation))]
Address = Annotated[str, Text("用气地址", column_length(Customer.address))]
ContractNo = Annotated[str, Ident("合同编号", column_length(Contract.number), upper=True)]
MeterModel = Annotated[str, Text("表型号", column_length(Meter.model))]
Reason = Annotated[str, Text("原因", NOTE_LENGTH)]
Note = Annotated[str, Text("备注", NOTE_LENGTH)]
SearchText = Annotated[str, Text("查询内容", 100)]
Username = Annotated[str, Text("用户名", column_length(User.username))]
DisplayName = Annotated[str, Text("姓名", column_length(User.display_name), name=True)]
Password = Annotated[str, Secret()]
Limit = Annotated[int, Range("条数", 1, 1000)]
ReceiptNo = Annotated[str, Ident("票据号", 30, upper=True)]
Year = Annotated[int, Range("年份", 2000, 2100)]
Month = Annotated[int, Range("月份", 1, 12)]

# Rules for fields of app.domain dataclasses taken as input (the domain stays free of services):
# the serial a reader reports is compared with the stored, upper-case one; a transaction number
# of a bank card, WeChat or Alipay payment is an identifier, not free text.
DOMAIN_FIELDS: dict[type, dict[str, Any]] = {
    CardReading: {
        "serial": CardSerial,
        "purchase_count": Annotated[int, Range("卡内购气次数", 0, 2**31 - 1)],
        "pending_volume": Annotated[int, Range("卡内气量", 0)],
        "meter_loaded_count": Annotated[int, Range("表内次数", 0, 2**31 - 1)],
        "volume_step": Annotated[int, Range("卡片气量单位", 1, 100_000)],
        "maker": MakerCode,
    },
    Payment: {"reference": Annotated[str | None, Ident("交易流水号", 64)]},
}


def require_text(
    value: str | None, what: str, *, max_length: int = NOTE_LENGTH, name: bool = False
) -> str:
    """A required free-text field: NFKC-normalised, stripped, bounded, printable (the same rule
    as the service boundary's ``Text``); Chinese error naming the field."""
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{what}无效，请重新输入", f"{what}: not a str: {value!r}")
    text = clean_text(value or "", Text(what, max_length, required=True, name=name))
    assert text is not None  # required: empty text raised
    return text
