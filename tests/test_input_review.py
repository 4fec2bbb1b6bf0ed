"""The input boundary after review (issue 11 items 3, 7, 8, 9 and the cash bounds): one case for
identifiers, no invisible text, passwords taken as typed, approvals refused before any password
is checked, bounded drawer counts, a range for every hall setting, and a reused meter that never
runs backwards.

Service tests run on SQLite and PostgreSQL (the ``hall`` fixture).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import re
import typing
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from app.domain.cash import DrawerCount, Payment, count_of
from app.errors import Conflict, InvalidInput, PermissionDenied
from app.policy import HallPolicy, load_policy, save_setting
from app.services.accounts import ContractInput, OpenAccountRequest, open_account
from app.services.boundary import Text, clean_text
from app.services.queries import find_accounts
from app.services.sales import PurchaseRequest, RefundRequest, purchase, refund
from app.services.security import ApprovalInput, login
from app.services.setup import ensure_counter
from app.services.shifts import (
    CashMoveRequest,
    CountRequest,
    HandoverRequest,
    OpenShiftRequest,
    count_drawer,
    hand_over,
    move_cash,
    open_shift,
)
from app.vocabulary import CashMovementKind
from db.models import Approval, Card, Contract, Meter, Setting
from tests.support import (
    PASSWORD,
    buy,
    customer_input,
    loaded,
    m3,
    open_customer,
    rid,
    row_counts,
    unloaded,
)
from tests.test_boundary import _close, _entries, _transfer

CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_CASH_FEN = 100_000_000  # app.domain.cash.MAX_CASH_FEN: one million yuan


def setting_range(key):  # imported here so each test fails on its own before the fix
    from app.policy import setting_range

    return setting_range(key)


def setting_label(key):
    from app.policy import setting_label

    return setting_label(key)


def is_invisible(ch):
    from app.services.boundary import is_invisible

    return is_invisible(ch)


def field_hints(tp):
    from app.services.boundary import field_hints

    return field_hints(tp)


def _refused(hall, kind, call):
    """``call`` raises ``kind`` with a Chinese message and writes nothing."""
    before = row_counts(hall.ctx)
    with pytest.raises(kind) as caught:
        call()
    assert CJK.search(caught.value.user_message), caught.value.user_message
    assert row_counts(hall.ctx) == before
    return caught.value


def _open(hall, meter_no, card_serial, contract_no, *, name="李四", reading=0):
    return open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            rid(),
            customer_input(name),
            meter_no,
            card_serial,
            ContractInput(contract_no, dt.date(2026, 1, 5)),
            initial_reading=reading,
        ),
    )


# ------------------------------------------------------- item 7: identifiers in one letter case


def test_card_meter_and_contract_numbers_typed_lower_case_are_the_same_numbers(hall):
    a = open_customer(hall)
    lower = a.meter_no.lower(), a.card_serial.lower(), a.contract_no.lower()
    assert lower != (a.meter_no, a.card_serial, a.contract_no)  # the numbers hold letters
    error = _refused(hall, Conflict, lambda: _open(hall, lower[0], "NEWCARD1", "HT-X-1"))
    assert "燃气表" in error.user_message
    error = _refused(hall, Conflict, lambda: _open(hall, "18B9999999", lower[1], "HT-X-2"))
    assert "卡号" in error.user_message
    error = _refused(hall, Conflict, lambda: _open(hall, "18B9999998", "NEWCARD3", lower[2]))
    assert "合同" in error.user_message
    # typed lower case (and full width), stored upper case
    b = _open(hall, "１８b0000077", "c0000000７7", "ht-x-４")
    assert (b.meter_no, b.card_serial, b.contract_no) == ("18B0000077", "C000000077", "HT-X-4")
    with hall.ctx.reading() as s:
        assert s.scalar(select(Card.id).where(Card.serial == "c000000077")) is None
        assert s.scalar(select(Contract.id).where(Contract.number == "HT-X-4")) is not None
    for key in (a.meter_no.lower(), a.card_serial.lower()):
        found = find_accounts(hall.ctx, hall.clerk, key)
        assert [x.account_no for x in found] == [a.account_no], key


def test_a_card_reading_in_another_case_or_full_width_is_the_selected_card(hall):
    a = open_customer(hall)
    sale = buy(hall, a.card_serial, volume=m3(2))
    reading = loaded(sale)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in a.card_serial.lower())
    for serial in (a.card_serial.lower(), wide):
        request = PurchaseRequest(
            rid(), a.card_serial, volume=m3(1), card=dataclasses.replace(reading, serial=serial)
        )
        done = purchase(hall.ctx, hall.clerk, request)
        assert done.card_serial == a.card_serial
        reading = loaded(done)


# ------------------------------------------------------------------ item 9: invisible text

INVISIBLE_NAMES = [
    "\u1160",  # Hangul jungseong filler (Lo)
    "\u115f",  # Hangul choseong filler
    "\u3164",  # Hangul filler
    "\uffa0",  # half-width Hangul filler
    "\u034f",  # combining grapheme joiner (Mn)
    "\ufe0f",  # variation selector 16
    "\U000e0100",  # variation selector 17
    "\u0301\u0301",  # combining marks only, no base character
    "\u3000\u034f",  # ideographic space + CGJ
    "\u2800",  # Braille blank
    "张\u034f三",  # an invisible character inside a name
    "李\U000e0041",  # a tag character
]


@pytest.mark.parametrize(
    "name", INVISIBLE_NAMES, ids=[n.encode("unicode_escape").decode() for n in INVISIBLE_NAMES]
)
def test_invisible_names_are_refused(hall, name):
    error = _refused(hall, InvalidInput, lambda: open_customer(hall, name=name))
    assert "姓名" in error.user_message


def test_invisible_addresses_and_reasons_are_refused(hall):
    _refused(hall, InvalidInput, lambda: open_customer(hall, address="\u2800"))
    _refused(hall, InvalidInput, lambda: open_customer(hall, address="\u3164\u3164"))
    request = CashMoveRequest(rid(), CashMovementKind.CASH_IN, 100, "\u034f")
    error = _refused(hall, InvalidInput, lambda: move_cash(hall.ctx, hall.clerk, request))
    assert "原因" in error.user_message


def test_names_with_real_marks_are_kept():
    assert clean_text("Zoe\u0308", Text("姓名", 50, name=True)) == "Zoë"  # NFKC composes
    assert clean_text("阿依古丽·买买提", Text("姓名", 50, name=True)) == "阿依古丽·买买提"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_clean_text_never_returns_invisible_or_markless_text(raw):
    try:
        cleaned = clean_text(raw, Text("备注", 200))
    except InvalidInput:
        return
    if cleaned is None:
        return
    assert not any(is_invisible(ch) for ch in cleaned)
    assert any(unicodedata.category(ch)[0] in "LNPS" for ch in cleaned)


def test_the_invisible_table_holds_the_default_ignorable_code_points():
    # a sample of DerivedCoreProperties.txt Default_Ignorable_Code_Point, one per range
    for code in (
        0xAD,
        0x34F,
        0x61C,
        0x115F,
        0x17B4,
        0x180E,
        0x200B,
        0x202E,
        0x2064,
        0x3164,
        0xFE00,
        0xFEFF,
        0xFFA0,
        0xFFF0,
        0x1BCA0,
        0x1D173,
        0xE0000,
        0xE01EF,
        0xE0FFF,
    ):
        assert is_invisible(chr(code)), hex(code)
    for ch in "张A1，。 ́":
        assert not is_invisible(ch)


def test_approval_reasons_are_bounded_normalised_text(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(2))

    def with_reason(reason):
        approval = (ApprovalInput(hall.users["admin"], reason, PASSWORD),)
        return refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "退气", approval))

    for bad in ("😀" * 999, "同意" * 200, "\u034f", "同意\x00"):
        error = _refused(hall, InvalidInput, lambda bad=bad: with_reason(bad))
        assert "审批意见" in error.user_message
    done = with_reason("ＡＢＣ同意\u3000")
    with hall.ctx.reading() as s:
        stored = s.scalars(
            select(Approval.reason).where(Approval.transaction_id == done.transaction_id)
        )
        assert list(stored) == ["ABC同意"]


@pytest.mark.parametrize("reference", ["😀" * 10, "流水号一二三", "12\u200b3", "12\u034f3"])
def test_a_payment_reference_is_an_identifier(hall, reference):
    account = open_customer(hall)
    request = PurchaseRequest(
        rid(), account.card_serial, volume=m3(1), payment=Payment("wechat", reference)
    )
    error = _refused(hall, InvalidInput, lambda: purchase(hall.ctx, hall.clerk, request))
    assert "交易流水号" in error.user_message


def test_the_domain_payment_check_refuses_a_non_ascii_reference_too():
    with pytest.raises(InvalidInput) as caught:
        Payment("alipay", "流水号").checked()
    assert "交易流水号" in caught.value.user_message
    assert Payment("alipay", "２０２６ab").checked().reference == "2026ab"


def _fields(tp, path, depth=0):
    """(path, field name, annotation) of every field of a request dataclass, recursively."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        yield from _fields(typing.get_args(tp)[0], path, depth)
        return
    if origin is not None:
        for arm in typing.get_args(tp):
            if arm is not type(None) and arm is not Ellipsis:
                yield from _fields(arm, path, depth)
        return
    if dataclasses.is_dataclass(tp) and isinstance(tp, type) and depth < 4:
        hints = field_hints(tp)
        for f in dataclasses.fields(tp):
            if f.init and f.name in hints:
                yield f"{path}.{f.name}", f.name, hints[f.name]
                yield from _fields(hints[f.name], f"{path}.{f.name}", depth + 1)


def test_every_request_field_has_a_chinese_label():
    from app.services.boundary import _label

    def rules(tp):
        if typing.get_origin(tp) is typing.Annotated:
            return typing.get_args(tp)[1:]
        if typing.get_origin(tp) is not None:
            return tuple(r for arm in typing.get_args(tp) for r in rules(arm))
        return ()

    missing = []
    walked = 0
    for module, name, func in _entries():
        hints = typing.get_type_hints(inspect.unwrap(func), include_extras=True)
        for param in inspect.signature(func).parameters:
            if param == "ctx":
                continue
            found = [(param, param, hints[param]), *_fields(hints[param], param)]
            for path, field, tp in found:
                walked += 1
                label = _label(field, rules(tp))
                if not CJK.search(label) or re.search(r"[A-Za-z]", label):
                    missing.append(f"{module}.{name}: {path} -> {label!r}")
    assert walked > 300
    assert not missing, "\n".join(missing)


# ------------------------------------------------------------------------ item 12/13: secrets


def test_a_control_character_in_a_password_is_a_wrong_password(hall):
    for password in (PASSWORD + "\x00", "\x07", PASSWORD + "\u200b"):
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "lina", password, hall.counter_id)
    assert login(hall.ctx, "lina", PASSWORD, hall.counter_id).username == "lina"
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(2))
    approval = (ApprovalInput(hall.users["admin"], "同意", PASSWORD + "\x00"),)
    request = RefundRequest(rid(), unloaded(sale), "退气", approval)
    error = _refused(hall, PermissionDenied, lambda: refund(hall.ctx, hall.clerk, request))
    assert "密码" in error.user_message
    receiver = hall.credential("zhaomin", PASSWORD + "\x1b")
    handover = HandoverRequest(rid(), count_of(10000), receiver)
    _refused(hall, PermissionDenied, lambda: hand_over(hall.ctx, hall.clerk, handover))


def test_a_password_far_too_long_is_refused_in_chinese_naming_the_password(hall):
    receiver = hall.credential("zhaomin", "x" * 5000)
    handover = HandoverRequest(rid(), count_of(10000), receiver)
    error = _refused(hall, InvalidInput, lambda: hand_over(hall.ctx, hall.clerk, handover))
    assert "密码" in error.user_message and "password" not in error.user_message


@pytest.fixture
def password_checks(monkeypatch):
    """How many passwords the credential check verified (each is an argon2 hash)."""
    import app.services.credentials as credentials

    calls = []
    real = credentials.password_matches

    def counted(stored_hash, password):
        calls.append(password)
        return real(stored_hash, password)

    monkeypatch.setattr(credentials, "password_matches", counted)
    return calls


def test_surplus_duplicate_and_self_approvals_are_refused_before_any_password(
    hall, password_checks
):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(2))  # one approval slot: the administrator

    def attempt(approvals, fragment):
        request = RefundRequest(rid(), unloaded(sale), "退气", approvals)
        error = _refused(hall, PermissionDenied, lambda: refund(hall.ctx, hall.clerk, request))
        assert fragment in error.user_message, error.user_message

    wrong = ApprovalInput(hall.users["admin"], "同意", "wrong")
    extra = [ApprovalInput(hall.users["zhoujie"], "同意", "wrong")] * 49
    attempt((wrong, *extra), "只需要1位审批人")
    attempt((wrong, ApprovalInput(hall.users["zhoujie"], "同意", PASSWORD)), "只需要1位审批人")
    attempt((wrong, wrong), "只需要1位审批人")
    attempt((ApprovalInput(hall.users["lina"], "同意", PASSWORD),), "不能审批自己")
    assert password_checks == []
    # the right number of approvers: now the password is checked (and a wrong one counted)
    attempt((wrong,), "密码")
    assert len(password_checks) == 1


# --------------------------------------------------------------- cash: every count is bounded


def _huge():
    return DrawerCount({10000: 100000, 5000: 100000, 2000: 100000, 1000: 100000}, 999999)


def test_an_opening_float_above_the_cash_bound_is_refused(hall):
    counter = ensure_counter(hall.ctx, hall.hall_id, "9")
    actor = hall.actor("zhoujie", counter)
    just_over = DrawerCount({10000: MAX_CASH_FEN // 10000, 10: 1})
    for count in (_huge(), just_over):
        request = OpenShiftRequest(rid(), count, "finance")
        error = _refused(hall, InvalidInput, lambda r=request: open_shift(hall.ctx, actor, r))
        assert "100万元" in error.user_message
    at_bound = OpenShiftRequest(rid(), DrawerCount({10000: MAX_CASH_FEN // 10000}), "finance")
    assert open_shift(hall.ctx, actor, at_bound).float_fen == MAX_CASH_FEN


def test_counts_and_hand_overs_above_the_cash_bound_are_refused(hall):
    count = CountRequest(rid(), _huge())
    _refused(hall, InvalidInput, lambda: count_drawer(hall.ctx, hall.clerk, count))
    handover = HandoverRequest(rid(), _huge(), hall.credential("zhaomin"))
    _refused(hall, InvalidInput, lambda: hand_over(hall.ctx, hall.clerk, handover))
    safe = HandoverRequest(rid(), _huge(), hall.credential("zhaomin"), source="safe")
    _refused(hall, InvalidInput, lambda: hand_over(hall.ctx, hall.clerk, safe))


# ----------------------------------------------------------------- settings: a range for each


def test_every_setting_has_a_range_around_its_default_and_a_chinese_label():
    for f in dataclasses.fields(HallPolicy):
        assert "range" in f.metadata, f"{f.name} has no range"
        low, high = setting_range(f.name)
        assert 0 < low <= f.default <= high < 2**63, f.name
        assert CJK.search(setting_label(f.name)), f.name


@pytest.mark.parametrize("key", [f.name for f in dataclasses.fields(HallPolicy)])
def test_save_setting_enforces_each_range_and_names_the_setting(ctx, key):
    low, high = setting_range(key)
    with ctx.unit_of_work() as s:
        for value in (high + 1, low - 1, 2**62, True, "5"):
            with pytest.raises(InvalidInput) as caught:
                save_setting(s, key, value)
            assert setting_label(key) in caught.value.user_message
        save_setting(s, key, high)
        save_setting(s, key, low)
        s.commit()
    with ctx.reading() as s:
        assert getattr(load_policy(s), key) == low


def test_a_stored_setting_out_of_range_is_refused_when_loaded(ctx):
    with ctx.unit_of_work() as s:
        s.add(Setting(key="max_change_fen", value=json.dumps(2**62)))
        s.commit()
    with ctx.reading() as s, pytest.raises(InvalidInput) as caught:
        load_policy(s)
    assert "最大找零金额" in caught.value.user_message


def test_the_largest_change_setting_cannot_lift_the_tendered_bound(hall):
    from app.services.security import AdminActor, change_setting

    admin = AdminActor(hall.users["admin"])
    _refused(hall, InvalidInput, lambda: change_setting(hall.ctx, admin, "max_change_fen", 2**62))
    account = open_customer(hall)
    request = PurchaseRequest(rid(), account.card_serial, volume=100, cash_tendered_fen=2**62)
    _refused(hall, InvalidInput, lambda: purchase(hall.ctx, hall.clerk, request))


# ------------------------------------------------------- a reused meter never runs backwards


def test_a_reused_meter_starts_at_or_above_its_final_reading(hall):
    a = open_customer(hall)
    _transfer(hall, a.account_no, m3(300))
    _close(hall, a.account_no, m3(400))
    for reading in (0, m3(300), m3(400) - 1):
        error = _refused(
            hall,
            InvalidInput,
            lambda r=reading: _open(hall, a.meter_no, "CNEW1", "HT-Q-1", reading=r),
        )
        assert "表底数" in error.user_message
    b = _open(hall, a.meter_no.lower(), "CNEW1", "HT-Q-1", reading=m3(400))
    with hall.ctx.reading() as s:
        meter = s.scalar(select(Meter).where(Meter.meter_no == a.meter_no))
        assert meter.initial_reading == m3(400)
        assert s.execute(text("select count(*) from meters")).scalar() == 1
    assert b.meter_no == a.meter_no
