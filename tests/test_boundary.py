"""The service boundary (issue 11, items 1, 3, 7, 8, 9): bounded readings and charges, bounded
tendered cash, normalised identifiers, typed errors for wrong types, clean bounded text.

The behaviour tests run through the services on SQLite and PostgreSQL (the ``hall`` fixture);
``test_every_service_entry_refuses_wrong_types`` walks every public service entry and request
type, so a new service that forgets the boundary fails it.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import importlib
import inspect
import pkgutil
import re
import types
import typing
import unicodedata
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.cash import Payment
from app.domain.identity import make_resident_id
from app.domain.pricing import TariffRule
from app.errors import InvalidInput, RuleViolation
from app.policy import save_setting
from app.services.accounts import (
    CloseAccountRequest,
    ContractInput,
    OpenAccountRequest,
    TransferRequest,
    close_account,
    open_account,
    transfer,
)
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.queries import account_view, find_accounts
from app.services.sales import PurchaseRequest, RefundRequest, purchase, refund
from app.services.security import reveal_identity
from app.services.setup import flat_rate
from app.services.shifts import CountRequest, count_drawer
from tests.support import (
    buy,
    customer_input,
    lift_cash_limits,
    loaded,
    m3,
    open_customer,
    rid,
    row_counts,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH = str.maketrans("0123456789Xx-", "０１２３４５６７８９Ｘｘ－")


def _settings(hall, **values):
    with hall.ctx.unit_of_work() as s:
        for key, value in values.items():
            save_setting(s, key, value)
        s.commit()


def _refused(hall, kind, call):
    """``call`` raises ``kind`` with a Chinese message and writes nothing."""
    before = row_counts(hall.ctx)
    with pytest.raises(kind) as caught:
        call()
    assert CJK.search(caught.value.user_message), caught.value.user_message
    assert row_counts(hall.ctx) == before
    return caught.value


def _close(hall, account_no, reading, **extra):
    return close_account(
        hall.ctx, hall.clerk, CloseAccountRequest(rid(), account_no, reading, "销户", **extra)
    )


def _transfer(hall, account_no, reading):
    return transfer(
        hall.ctx,
        hall.clerk,
        TransferRequest(
            rid(),
            account_no,
            customer_input("李新"),
            ContractInput(f"HT-T-{uuid.uuid4().hex[:8]}", dt.date(2026, 3, 1)),
            reading,
        ),
    )


# ------------------------------------------------------------------ item 1: readings and charges


def test_a_closing_reading_beyond_plausible_use_is_refused(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(100))
    # 100 m³ on the card, the account opened today: at most 100 + 500 m³ (the floor)
    huge = 42_196_196  # the 421,961.96 yuan closing of the issue, as a reading
    for reading in (huge, m3(601), 10**15):
        _refused(hall, InvalidInput, lambda r=reading: _close(hall, account.account_no, r))
    # the floor allowance still closes a plausible reading with a supplementary charge
    closing = _close(hall, account.account_no, m3(120), card=loaded(sale))
    assert closing.volume == m3(20)


def test_plausible_use_grows_with_the_days_since_the_last_reading(hall):
    account = open_customer(hall)
    _settings(hall, max_daily_use_volume=m3(10), min_use_allowance_volume=m3(50))
    _refused(hall, InvalidInput, lambda: _close(hall, account.account_no, m3(51)))
    hall.clock.advance(days=30)  # 30 days × 10 m³
    _refused(hall, InvalidInput, lambda: _close(hall, account.account_no, m3(301)))
    lift_cash_limits(hall.ctx)
    assert _close(hall, account.account_no, m3(300), cash_tendered_fen=None).volume == m3(300)


def test_a_reading_above_the_absolute_maximum_is_refused(hall):
    account = open_customer(hall)
    _settings(hall, max_meter_reading=m3(1000), max_daily_use_volume=m3(10**6))
    _refused(hall, InvalidInput, lambda: _close(hall, account.account_no, m3(1001)))
    _refused(hall, InvalidInput, lambda: _transfer(hall, account.account_no, m3(1001)))


def test_a_transfer_reading_is_bounded_so_it_cannot_become_an_absurd_floor(hall):
    account = open_customer(hall)
    for reading in (m3(10**6), 10**18, 10**30):
        _refused(hall, InvalidInput, lambda r=reading: _transfer(hall, account.account_no, r))
    done = _transfer(hall, account.account_no, m3(40))
    assert done.kind == "transfer"
    # and the closing after it is measured from that reading
    _refused(hall, InvalidInput, lambda: _close(hall, account.account_no, m3(39)))


def test_the_per_sale_limits_hold_for_a_closing_charge(hall):
    account = open_customer(hall)
    lift_cash_limits(hall.ctx)
    _settings(hall, max_daily_use_volume=m3(10**6), max_purchase_amount_fen=100_000)
    # 500 m³ owed is far more than 1,000.00 yuan: refused like a purchase of that size
    error = _refused(hall, RuleViolation, lambda: _close(hall, account.account_no, m3(500)))
    assert "单笔上限" in error.user_message
    _settings(hall, max_purchase_amount_fen=10**9, max_purchase_volume=m3(100))
    _refused(hall, RuleViolation, lambda: _close(hall, account.account_no, m3(101)))
    assert _close(hall, account.account_no, m3(100)).volume == m3(100)


def test_the_per_sale_limit_holds_for_the_card_fee(hall):
    account = open_customer(hall)
    _settings(hall, max_purchase_amount_fen=1000)  # below the 20.00 yuan card fee
    _refused(
        hall,
        RuleViolation,
        lambda: replace_card(
            hall.ctx, hall.clerk, ReplaceCardRequest(rid(), account.account_no, "NEW0001", "lost")
        ),
    )


def test_the_drawer_stop_applies_to_the_closing_charge_about_to_be_taken(hall):
    account = open_customer(hall)
    # float 500.00; a stop at 600.00: a closing charge of 261.00 would take the drawer to 761.00
    _settings(hall, drawer_warn_limit_fen=55_000, drawer_stop_limit_fen=60_000)
    error = _refused(hall, RuleViolation, lambda: _close(hall, account.account_no, m3(100)))
    assert "600.00元上限" in error.user_message


# ------------------------------------------------------------------ item 3: tendered cash


def test_tendered_cash_is_bounded_by_the_amount_plus_the_largest_change(hall):
    account = open_customer(hall)
    # 10 m³ = 26.10 yuan; the largest change is 1,000.00 yuan by default
    for tendered in (2610 + 100_001, 10**15, 10**20, True, 26.10, "2610"):
        _refused(
            hall,
            InvalidInput,
            lambda t=tendered: buy(hall, account.card_serial, volume=m3(10), tendered=t),
        )
    sale = buy(hall, account.card_serial, volume=m3(10), tendered=2610 + 100_000)
    assert sale.change_fen == 100_000
    _settings(hall, max_change_fen=1000)
    _refused(
        hall, InvalidInput, lambda: buy(hall, account.card_serial, volume=m3(10), tendered=3611)
    )


def test_tendered_cash_is_bounded_on_every_cash_charge(hall):
    account = open_customer(hall)
    error = _refused(
        hall,
        InvalidInput,
        lambda: replace_card(
            hall.ctx,
            hall.clerk,
            ReplaceCardRequest(
                rid(), account.account_no, "NEW0002", "lost", cash_tendered_fen=10**15
            ),
        ),
    )
    assert "找零" in error.user_message
    # nothing is due (a free replacement): an absurd figure is still refused, not dropped
    _refused(
        hall,
        InvalidInput,
        lambda: replace_card(
            hall.ctx,
            hall.clerk,
            ReplaceCardRequest(
                rid(), account.account_no, "NEW0004", "defect", cash_tendered_fen=10**15
            ),
        ),
    )
    _refused(
        hall,
        InvalidInput,
        lambda: _close(hall, account.account_no, m3(10), cash_tendered_fen=10**15),
    )


# ------------------------------------------------------------------ item 7: identifiers


def _open_with(hall, customer, n):
    return open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            rid(),
            customer,
            f"18F{n:07d}",
            f"F{n:09d}",
            ContractInput(f"HT-F-{n:05d}", dt.date(2026, 1, 5)),
        ),
    )


def test_full_width_resident_ids_are_the_same_person(hall):
    for n, region in enumerate(("110101", "310104"), start=1):
        # find a sequence whose check character is X, and one whose is a digit
        for seq in range(1000):
            number = make_resident_id(region, dt.date(1980, 5, 17), seq)
            if (number[-1] == "X") == (n == 1):
                break
        typed = number.lower().translate(FULL_WIDTH)
        base = customer_input("王小明")
        first = _open_with(hall, dataclasses.replace(base, id_number=typed), n * 10)
        second = _open_with(hall, dataclasses.replace(base, id_number=number), n * 10 + 1)
        assert first.customer_id == second.customer_id
        shown = reveal_identity(hall.ctx, hall.actor("zhoujie"), first.account_no, "核对")
        assert shown.id_number == number
        for key in (typed, number, " ".join(typed)):
            found = {a.account_no for a in find_accounts(hall.ctx, hall.clerk, key)}
            assert found == {first.account_no, second.account_no}


@settings(max_examples=200, deadline=None)
@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)),
    st.integers(0, 999),
    st.lists(st.booleans(), min_size=18, max_size=18),
    st.sampled_from(["", " ", "\u3000"]),
)
def test_any_mix_of_full_width_and_ascii_is_the_same_resident_id(birth, seq, wide, gap):
    from app.domain.identity import normalize_resident_id, resident_id_problem

    number = make_resident_id("310104", birth, seq)
    typed = "".join(
        ch.lower().translate(FULL_WIDTH) if w else ch for ch, w in zip(number, wide, strict=True)
    )
    typed = gap + typed[:6] + gap + typed[6:] + gap
    assert normalize_resident_id(typed) == number
    assert resident_id_problem(normalize_resident_id(typed)) is None


def test_other_scripts_digits_are_refused_not_taken_as_digits(hall):
    number = make_resident_id("110101", dt.date(1980, 5, 17), 1)
    arabic = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    bengali = number.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    for bad in (arabic, bengali):
        customer = customer_input(id_number=bad)
        _refused(hall, InvalidInput, lambda c=customer: _open_with(hall, c, 50))
        customer = customer_input(phone="1" + bad[:10])
        _refused(hall, InvalidInput, lambda c=customer: _open_with(hall, c, 51))
    for bad_proxy in (arabic,):
        contract = ContractInput("HT-P-1", dt.date(2026, 1, 5), "李四", bad_proxy, "子女")
        request = OpenAccountRequest(rid(), customer_input(), "18P0000001", "P000000001", contract)
        _refused(hall, InvalidInput, lambda r=request: open_account(hall.ctx, hall.clerk, r))


def test_identifiers_typed_full_width_are_stored_and_found_as_ascii(hall):
    account = open_customer(hall, phone="１３９　１２３４　５６７８")
    view = account_view(hall.ctx, hall.clerk, account.account_no.translate(FULL_WIDTH))
    assert view.summary.account_no == account.account_no
    shown = reveal_identity(hall.ctx, hall.actor("zhoujie"), account.account_no, "核对")
    assert shown.phone == "13912345678"
    assert [
        a.account_no for a in find_accounts(hall.ctx, hall.clerk, "１３９１２３４５６７８")
    ] == [account.account_no]
    # a card and a meter number typed full width; the sale by the full-width serial
    opened = open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            rid(),
            customer_input(),
            "１８Ａ９９００００１",
            "ＣＡＲＤ００１",
            ContractInput("HT-W-1", dt.date(2026, 1, 5)),
        ),
    )
    assert opened.card_serial == "CARD001" and opened.meter_no == "18A9900001"
    assert buy(hall, "ＣＡＲＤ００１", volume=m3(10)).card_serial == "CARD001"
    replaced = replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(
            rid(), opened.account_no.translate(FULL_WIDTH), "ＣＡＲＤ００２", "defect"
        ),
    )
    assert replaced.card_serial == "CARD002"
    assert {
        a.account_no for a in find_accounts(hall.ctx, hall.clerk, "ｃａｒｄ００２".upper())
    } == {opened.account_no}


def test_a_payment_reference_typed_full_width_is_stored_as_ascii(hall):
    account = open_customer(hall)
    sale = purchase(
        hall.ctx,
        hall.clerk,
        PurchaseRequest(
            rid(), account.card_serial, m3(10), payment=Payment("wechat", "４２００ ００１２３")
        ),
    )
    assert sale.payment_ref == "420000123"


# ------------------------------------------------------------------ item 8: wrong types


def test_wrong_types_at_the_counter_are_typed_errors(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(10))
    cases = [
        lambda: buy(hall, 12345678, volume=m3(10)),
        lambda: buy(hall, account.card_serial, volume=True),
        lambda: buy(hall, account.card_serial, amount=True),
        lambda: buy(hall, account.card_serial, volume=10**30),
        lambda: buy(hall, account.card_serial, volume=m3(10), tendered=[1]),
        lambda: open_account(
            hall.ctx,
            hall.clerk,
            OpenAccountRequest(rid(), None, "18N0000001", "N000000001"),  # type: ignore[arg-type]
        ),
        lambda: _open_with(hall, customer_input(name=1234), 60),
        lambda: _open_with(hall, customer_input(id_number=110101198005170012), 61),
        lambda: _open_with(hall, customer_input(phone=13912345678), 62),
        lambda: _open_with(hall, customer_input(household_size=True), 63),
        lambda: refund(
            hall.ctx,
            hall.clerk,
            RefundRequest(rid(), None, "退气", ()),  # type: ignore[arg-type]
        ),
        lambda: refund(hall.ctx, hall.clerk, RefundRequest(rid(), loaded(sale), "退气", None)),
        lambda: count_drawer(hall.ctx, hall.clerk, CountRequest(rid(), [10000, 2])),
        lambda: find_accounts(hall.ctx, hall.clerk, 13912345678),
        lambda: account_view(hall.ctx, hall.clerk, 12345),
        lambda: _close(hall, account.account_no, 10**30),
        lambda: _close(hall, account.account_no, "100"),
        lambda: _transfer(hall, 12345, m3(1)),
        lambda: _settings(hall, max_change_fen=10**30),  # a setting beyond any integer column
        lambda: _settings(hall, max_change_fen=True),
    ]
    for case in cases:
        _refused(hall, InvalidInput, case)


# ------------------------------------------------------------------ item 9: text


BAD_NAMES = [
    "\u200b",  # only a zero-width space
    "\u200b\u200c\ufeff",
    "张\x00三",
    "张三\u200b",
    "张三😀",
    "张三☺",  # an emoji inside the BMP
    "张\u202e三",  # a bidi override
    "张\ue000三",  # private use
    "张" * 101,  # 100 characters is the column
    "\t\n",
    "张\u2028三",  # a line separator
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=[repr(n)[:20] for n in BAD_NAMES])
def test_names_that_cannot_be_stored_or_printed_are_refused(hall, name):
    _refused(hall, InvalidInput, lambda: _open_with(hall, customer_input(name=name), 70))


def test_text_longer_than_its_column_is_refused_with_a_message(hall):
    long = "解放路" * 400  # 1,200 characters for 200-character columns
    for changes in (
        {"address": long},
        {"id_type": "other", "id_number": "证" * 41},
        {"name": "单" * 1000},
    ):
        customer = customer_input(**changes)
        _refused(hall, InvalidInput, lambda c=customer: _open_with(hall, c, 80))
    contract = ContractInput("HT-" + "9" * 60, dt.date(2026, 1, 5))
    request = OpenAccountRequest(rid(), customer_input(), "18L0000001", "L000000001", contract)
    _refused(hall, InvalidInput, lambda: open_account(hall.ctx, hall.clerk, request))
    request = OpenAccountRequest(
        rid(),
        customer_input(),
        "18L0000002",
        "L000000002",
        ContractInput("HT-L-2", dt.date(2026, 1, 5)),
        meter_model="G" * 51,
    )
    _refused(hall, InvalidInput, lambda: open_account(hall.ctx, hall.clerk, request))
    account = open_customer(hall)
    note = "备注" * 50_000  # 100,000 characters
    _refused(
        hall,
        InvalidInput,
        lambda: replace_card(
            hall.ctx,
            hall.clerk,
            ReplaceCardRequest(rid(), account.account_no, "NEW0003", "defect", note=note),
        ),
    )
    _refused(
        hall,
        InvalidInput,
        lambda: close_account(
            hall.ctx, hall.clerk, CloseAccountRequest(rid(), account.account_no, 0, note)
        ),
    )


def test_text_is_normalised_before_it_is_stored(hall):
    opened = _open_with(
        hall, customer_input(name="  ＡＢＣ燃气用户　", address=" 解放路（东段）１号 "), 90
    )
    view = account_view(hall.ctx, hall.clerk, opened.account_no)
    assert view.summary.customer_name == "ABC燃气用户"
    assert view.summary.address == "解放路（东段）1号"  # Chinese punctuation kept as typed


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_clean_text_either_refuses_or_returns_printable_bounded_text(raw):
    from app.services.boundary import Text, clean_text

    rule = Text("姓名", 50, name=True)
    try:
        text = clean_text(raw, rule)
    except InvalidInput as error:
        assert CJK.search(error.user_message)
        return
    if text is None:
        assert not raw.strip() or not unicodedata.normalize("NFKC", raw).strip()
        return
    assert 0 < len(text) <= 50 and text == text.strip()
    for ch in text:
        assert unicodedata.category(ch)[0] not in "CS"
        assert ord(ch) <= 0xFFFF or 0x20000 <= ord(ch) <= 0x3FFFF
    text.encode("gb18030")


# ------------------------------------------------------------------ the walk over every entry

# Public functions taking ``ctx`` that are not entries: helpers called inside a unit of work.
NOT_ENTRIES = {
    ("accounts", "retire_cards"),  # inside open/transfer/replace, on a loaded ORM row
    ("unit_of_work", "run_once"),  # the unit-of-work runner every entry uses
    ("audit", "record_alone"),  # the audit log's own writer (events built by services)
    ("audit", "adopt_existing"),  # run once by bootstrap at start, takes no input but ctx
    # the records the import's file reader made and checked (``imports.dry_run`` is the entry)
    ("imports", "plan_import"),
}


def _entries():
    import app.services as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"app.services.{info.name}")
        for name, func in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(func):
                continue
            if getattr(func, "__module__", None) != module.__name__:
                continue
            params = list(inspect.signature(func).parameters)
            if params[:1] == ["ctx"] and (info.name, name) not in NOT_ENTRIES:
                found.append((info.name, name, func))
    return found


class Untouchable:
    """A context that fails the test if a refused call gets as far as using it."""

    def __getattr__(self, name):
        raise AssertionError(f"the service body ran (ctx.{name}) although its input was wrong")


VALID_SAMPLES = {TariffRule: flat_rate(300)}  # types that check themselves on creation


def _valid(tp, meta=()):
    """A well-typed value for the annotation ``tp`` (the boundary lets it through)."""
    from app.services.boundary import Ident, Range, Text

    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *rules = typing.get_args(tp)
        return _valid(base, (*rules, *meta))
    if origin in (typing.Union, types.UnionType):
        return None
    if origin in (tuple, list):
        return origin()
    if origin in (dict, collections.abc.Mapping):
        return {}
    if tp is bool:
        return False
    if tp is int:
        rule = next((r for r in meta if isinstance(r, Range)), None)
        return max(1, rule.low) if rule else 1
    if tp is str:
        if any(isinstance(r, Ident) for r in meta):
            return "A1"
        if any(isinstance(r, Text) for r in meta):
            return "甲"
        return "x"
    if tp is dt.datetime:
        return dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    if tp is dt.date:
        return dt.date(2026, 3, 2)
    if tp is uuid.UUID:
        return uuid.uuid4()
    if tp in (typing.Any, object):
        return object()
    if tp in VALID_SAMPLES:
        return VALID_SAMPLES[tp]
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp, include_extras=True)
        values = {
            f.name: _valid(hints[f.name])
            for f in dataclasses.fields(tp)
            if f.init
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        }
        return tp(**values)
    return object.__new__(tp)


def _wrong(tp, meta=()):
    """Values of the wrong type (or range) for the annotation ``tp``."""
    from app.services.boundary import Ident, Range, Secret, Text

    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *rules = typing.get_args(tp)
        return _wrong(base, (*rules, *meta))
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(tp) if a is not type(None)]
        return [w for w in _wrong(arms[0], meta) if w is not None]
    if origin in (tuple, list):
        (item, *_rest) = typing.get_args(tp) or (int,)
        return ["ab", 5, None, [_wrong(item)[0]] if _wrong(item) else "ab"]
    if origin in (dict, collections.abc.Mapping):
        return [[1, 2], 5, None, {"a": "b"}, {1: True}]
    if tp is bool:
        return [1, 0, "true", None]
    if tp is int:
        rule = next((r for r in meta if isinstance(r, Range)), None)
        wrong = [True, False, "1", 1.0, None, 2**63, -(2**63) - 1, 10**30]
        if rule and rule.high < 2**63 - 1:
            wrong.append(rule.high + 1)
        if rule and rule.low > -(2**63):
            wrong.append(rule.low - 1)
        return wrong
    if tp is str:
        wrong = [12345, None, b"x", ["x"], "x" * 100_000]
        if not any(isinstance(r, Secret) for r in meta):  # a password is taken as typed
            wrong.append("x\x00y")
        if any(isinstance(r, Text) for r in meta):
            wrong += ["\u200b", "甲\u200b", "甲\x07"]
        if any(isinstance(r, Ident) for r in meta):
            wrong += ["甲乙", "12٣4"]
        return wrong
    if tp is dt.datetime:
        return ["2026-03-02", dt.datetime(2026, 3, 2), None]
    if tp is dt.date:
        return ["2026-03-02", dt.datetime(2026, 3, 2, tzinfo=dt.UTC), 20260302, None]
    if tp is uuid.UUID:
        return [str(uuid.uuid4()), 1, None]
    if tp in (typing.Any, object):
        return []
    return [None, [], "x", 1]


def _field_cases(tp, valid, path, depth=0):
    """(path, wrong value of the whole argument) for the argument and, inside request
    dataclasses, every field of every nested request (a customer inside an opening ...)."""
    for value in _wrong(tp):
        yield path, value
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(tp) if a is not type(None)]
        tp = arms[0] if len(arms) == 1 else None
        valid = _valid(tp) if valid is None else valid
    if dataclasses.is_dataclass(tp) and isinstance(tp, type) and depth < 3:
        hints = typing.get_type_hints(tp, include_extras=True)
        for f in dataclasses.fields(tp):
            if not f.init:
                continue
            inner = getattr(valid, f.name)
            for sub, value in _field_cases(hints[f.name], inner, f"{path}.{f.name}", depth + 1):
                try:
                    yield sub, _replace_at(valid, sub.split(".")[depth + 1 :], value)
                except InvalidInput:
                    continue  # the request type refuses the value itself (e.g. a TariffRule)


def _replace_at(obj, names, value):
    if not names:
        return value
    head, *rest = names
    current = getattr(obj, head)
    if rest and current is None:  # an optional request left out by _valid: build one
        hints = typing.get_type_hints(type(obj), include_extras=True)
        arms = [a for a in typing.get_args(hints[head]) if a is not type(None)]
        current = _valid(arms[0])
    return dataclasses.replace(obj, **{head: _replace_at(current, rest, value)})


def _cases():
    """(entry, argument or field path, wrong value, the call's keyword arguments)."""
    cases = []
    for module, name, func in _entries():
        hints = typing.get_type_hints(inspect.unwrap(func), include_extras=True)
        params = [p for p in inspect.signature(func).parameters.values() if p.name != "ctx"]
        valid = {p.name: _valid(hints[p.name]) for p in params}
        for p in params:
            for path, value in _field_cases(hints[p.name], valid[p.name], p.name):
                cases.append((func, f"{module}.{name}", path, value, {**valid, p.name: value}))
    return cases


def test_every_service_entry_goes_through_the_boundary_and_annotates_its_input():
    from app.services.boundary import is_service

    entries = _entries()
    assert len(entries) > 50  # every module of app.services is walked
    missing = [f"{m}.{n}" for m, n, f in entries if not is_service(f)]
    assert not missing, f"public service entries without @service: {missing}"
    for module, name, func in entries:
        hints = typing.get_type_hints(inspect.unwrap(func), include_extras=True)
        unannotated = [p for p in inspect.signature(func).parameters if p not in hints]
        assert unannotated in ([], ["ctx"]), f"{module}.{name}: {unannotated} not annotated"


def test_every_service_entry_refuses_wrong_types():
    import app.services.boundary  # noqa: F401 (the mechanism must exist)

    cases = _cases()
    assert len(cases) > 500
    failures = []
    for func, where, path, value, kwargs in cases:
        try:
            func(Untouchable(), **kwargs)
        except InvalidInput as error:
            if not CJK.search(error.user_message):
                failures.append(f"{where}({path}={value!r:.40}): message {error.user_message!r}")
        except Exception as error:  # noqa: BLE001 — anything else is the defect class itself
            failures.append(f"{where}({path}={value!r:.40}): {type(error).__name__}: {error}")
        else:
            failures.append(f"{where}({path}={value!r:.40}): accepted")
    assert not failures, "\n".join(failures[:40]) + f"\n... {len(failures)} in all"
