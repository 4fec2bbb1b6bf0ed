"""Bad input to every service: a typed error with a Chinese message, and nothing written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from app.domain.cards import CardReading
from app.domain.money import yuan
from app.errors import GasDeskError, InvalidInput, NotFound, PermissionDenied, RuleViolation
from app.services.accounts import (
    CloseAccountRequest,
    ContractInput,
    OpenAccountRequest,
    TransferRequest,
    close_account,
    open_account,
    transfer,
)
from app.services.actor import Actor
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.sales import (
    PurchaseRequest,
    RefundRequest,
    SupplementRequest,
    purchase,
    refund,
    supplement,
)
from app.services.security import ApprovalInput
from tests.support import PASSWORD, buy, customer_input, loaded, m3, open_customer, rid, row_counts

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def state(hall):
    """An active account with one loaded purchase, a closed account and a blacklisted card."""
    active = open_customer(hall)
    sale = buy(hall, active.card_serial, volume=m3(50))
    closed = open_customer(hall)
    close_account(hall.ctx, hall.clerk, CloseAccountRequest(rid(), closed.account_no, 0, "销户"))
    lost = open_customer(hall)
    replace_card(
        hall.ctx, hall.clerk, ReplaceCardRequest(rid(), lost.account_no, "SLE0009999", "lost")
    )
    return {"active": active, "sale": sale, "closed": closed, "lost": lost}


def _open(hall, **changes):
    customer = customer_input()
    customer_changes = {k[2:]: v for k, v in changes.items() if k.startswith("c_")}
    request_changes = {k: v for k, v in changes.items() if not k.startswith("c_")}
    request = OpenAccountRequest(
        request_id=rid(),
        customer=dataclasses.replace(customer, **customer_changes),
        meter_no="18A9990001",
        card_serial="SLE9990001",
        contract=ContractInput("HT-9999", dt.date(2026, 1, 1)),
    )
    return open_account(hall.ctx, hall.clerk, dataclasses.replace(request, **request_changes))


def _buy(hall, serial, **changes):
    request = PurchaseRequest(request_id=rid(), card_serial=serial, volume=m3(10))
    return purchase(hall.ctx, hall.clerk, dataclasses.replace(request, **changes))


def cases(hall, st):
    card = st["active"].card_serial
    admin = (ApprovalInput(hall.users["admin"], password=PASSWORD),)
    sale = st["sale"]
    unloaded_now = CardReading(card, 1, m3(50), 0)
    return [
        (
            "open: bad ID checksum",
            InvalidInput,
            lambda: _open(hall, c_id_number="110105194912310021"),
        ),
        ("open: empty name", InvalidInput, lambda: _open(hall, c_name="  ")),
        ("open: no address", InvalidInput, lambda: _open(hall, c_address="")),
        ("open: household 0", InvalidInput, lambda: _open(hall, c_household_size=0)),
        ("open: household absurd", InvalidInput, lambda: _open(hall, c_household_size=500)),
        ("open: bad phone", InvalidInput, lambda: _open(hall, c_phone="12345")),
        ("open: unknown kind", InvalidInput, lambda: _open(hall, c_kind="industrial-x")),
        ("open: no contract", InvalidInput, lambda: _open(hall, contract=None)),
        (
            "open: half a proxy",
            InvalidInput,
            lambda: _open(hall, contract=ContractInput("HT-1", dt.date(2026, 1, 1), "代办人")),
        ),
        ("open: meter bound", GasDeskError, lambda: _open(hall, meter_no=_meter(hall, st))),
        ("open: card used", GasDeskError, lambda: _open(hall, card_serial=card)),
        ("open: bad card serial", InvalidInput, lambda: _open(hall, card_serial="卡 1")),
        ("open: negative reading", InvalidInput, lambda: _open(hall, initial_reading=-1)),
        ("open: bad request id", InvalidInput, lambda: _open(hall, request_id="not-a-uuid")),
        ("buy: zero volume", InvalidInput, lambda: _buy(hall, card, volume=0)),
        ("buy: negative volume", InvalidInput, lambda: _buy(hall, card, volume=-m3(5))),
        ("buy: absurd volume", InvalidInput, lambda: _buy(hall, card, volume=m3(1_000_000))),
        ("buy: not a whole step", InvalidInput, lambda: _buy(hall, card, volume=m3(1.5))),
        ("buy: zero amount", InvalidInput, lambda: _buy(hall, card, volume=None, amount_fen=0)),
        (
            "buy: negative amount",
            InvalidInput,
            lambda: _buy(hall, card, volume=None, amount_fen=-100),
        ),
        (
            "buy: absurd amount",
            InvalidInput,
            lambda: _buy(hall, card, volume=None, amount_fen=yuan("9999999")),
        ),
        ("buy: both volume and amount", InvalidInput, lambda: _buy(hall, card, amount_fen=100)),
        ("buy: neither", InvalidInput, lambda: _buy(hall, card, volume=None)),
        (
            "buy: amount below one step",
            RuleViolation,
            lambda: _buy(hall, card, volume=None, amount_fen=100),
        ),
        ("buy: short cash", InvalidInput, lambda: _buy(hall, card, cash_tendered_fen=yuan("1"))),
        ("buy: unknown card", NotFound, lambda: _buy(hall, "NOSUCH0001")),
        ("buy: blacklisted card", RuleViolation, lambda: _buy(hall, st["lost"].card_serial)),
        ("buy: closed account", RuleViolation, lambda: _buy(hall, st["closed"].card_serial)),
        (
            "buy: disabled/unknown clerk",
            RuleViolation,
            lambda: purchase(
                hall.ctx, Actor(9999, hall.counter_id), PurchaseRequest(rid(), card, m3(10))
            ),
        ),
        ("buy: unloaded card", RuleViolation, lambda: _buy(hall, card, card=unloaded_now)),
        (
            "refund: loaded purchase",
            RuleViolation,
            lambda: refund(hall.ctx, hall.clerk, RefundRequest(rid(), loaded(sale), "退气", admin)),
        ),
        (
            "refund: no reason",
            InvalidInput,
            lambda: refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded_now, " ", admin)),
        ),
        (
            "refund: no approval",
            PermissionDenied,
            lambda: refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded_now, "退气", ())),
        ),
        (
            "refund: unknown approver",
            PermissionDenied,
            lambda: refund(
                hall.ctx,
                hall.clerk,
                RefundRequest(rid(), unloaded_now, "退气", (ApprovalInput(9999),)),
            ),
        ),
        (
            "refund: blacklisted card",
            RuleViolation,
            lambda: refund(
                hall.ctx,
                hall.clerk,
                RefundRequest(rid(), CardReading(st["lost"].card_serial, 0, 0, 0), "退气", admin),
            ),
        ),
        (
            "supplement: zero",
            InvalidInput,
            lambda: supplement(
                hall.ctx, hall.clerk, SupplementRequest(rid(), card, 0, "补气", admin)
            ),
        ),
        (
            "supplement: absurd",
            InvalidInput,
            lambda: supplement(
                hall.ctx, hall.clerk, SupplementRequest(rid(), card, m3(10**6), "补气", admin)
            ),
        ),
        (
            "supplement: no reason",
            InvalidInput,
            lambda: supplement(
                hall.ctx, hall.clerk, SupplementRequest(rid(), card, m3(5), "", admin)
            ),
        ),
        (
            "supplement: closed account",
            RuleViolation,
            lambda: supplement(
                hall.ctx,
                hall.clerk,
                SupplementRequest(rid(), st["closed"].card_serial, m3(5), "补气", admin),
            ),
        ),
        (
            "replace: unknown reason",
            InvalidInput,
            lambda: replace_card(
                hall.ctx,
                hall.clerk,
                ReplaceCardRequest(rid(), st["active"].account_no, "SLE7770001", "stolen?"),
            ),
        ),
        (
            "replace: card in use",
            GasDeskError,
            lambda: replace_card(
                hall.ctx,
                hall.clerk,
                ReplaceCardRequest(rid(), st["active"].account_no, st["lost"].card_serial, "lost"),
            ),
        ),
        (
            "replace: short cash",
            InvalidInput,
            lambda: replace_card(
                hall.ctx,
                hall.clerk,
                ReplaceCardRequest(
                    rid(),
                    st["active"].account_no,
                    "SLE7770002",
                    "lost",
                    cash_tendered_fen=yuan("10"),
                ),
            ),
        ),
        (
            "replace: closed account",
            RuleViolation,
            lambda: replace_card(
                hall.ctx,
                hall.clerk,
                ReplaceCardRequest(rid(), st["closed"].account_no, "SLE7770003", "defect"),
            ),
        ),
        (
            "replace: unknown account",
            NotFound,
            lambda: replace_card(
                hall.ctx,
                hall.clerk,
                ReplaceCardRequest(rid(), "0299999999", "SLE7770004", "defect"),
            ),
        ),
        (
            "transfer: bad ID",
            InvalidInput,
            lambda: transfer(
                hall.ctx,
                hall.clerk,
                TransferRequest(
                    rid(),
                    st["active"].account_no,
                    customer_input(id_number="110105194912310021"),
                    ContractInput("HT-T1", dt.date(2026, 3, 1)),
                    m3(10),
                ),
            ),
        ),
        (
            "transfer: reading goes back",
            InvalidInput,
            lambda: transfer(
                hall.ctx,
                hall.clerk,
                TransferRequest(
                    rid(),
                    st["active"].account_no,
                    customer_input("新户主"),
                    ContractInput("HT-T2", dt.date(2026, 3, 1)),
                    -m3(1),
                ),
            ),
        ),
        (
            "transfer: closed account",
            RuleViolation,
            lambda: transfer(
                hall.ctx,
                hall.clerk,
                TransferRequest(
                    rid(),
                    st["closed"].account_no,
                    customer_input("新户主"),
                    ContractInput("HT-T3", dt.date(2026, 3, 1)),
                    m3(10),
                ),
            ),
        ),
        (
            "close: no reason",
            InvalidInput,
            lambda: close_account(
                hall.ctx,
                hall.clerk,
                CloseAccountRequest(rid(), st["active"].account_no, m3(10), ""),
            ),
        ),
        (
            "close: negative reading",
            InvalidInput,
            lambda: close_account(
                hall.ctx,
                hall.clerk,
                CloseAccountRequest(rid(), st["active"].account_no, -5, "销户"),
            ),
        ),
        (
            "close: already closed",
            RuleViolation,
            lambda: close_account(
                hall.ctx,
                hall.clerk,
                CloseAccountRequest(rid(), st["closed"].account_no, m3(10), "销户"),
            ),
        ),
        (
            "close: short cash",
            InvalidInput,
            lambda: close_account(
                hall.ctx,
                hall.clerk,
                CloseAccountRequest(
                    rid(), st["active"].account_no, m3(80), "销户", cash_tendered_fen=1
                ),
            ),
        ),
    ]


def _meter(hall, st):
    from app.services.queries import account_view

    return account_view(hall.ctx, hall.clerk, st["active"].account_no).summary.meter_no


def test_every_bad_input_is_refused_and_writes_nothing(hall, state):
    failures = []
    for name, error_type, call in cases(hall, state):
        before = row_counts(hall.ctx)
        try:
            call()
        except GasDeskError as error:
            if not isinstance(error, error_type):
                failures.append(f"{name}: {type(error).__name__}, expected {error_type.__name__}")
            elif not CJK.search(error.user_message):
                failures.append(f"{name}: user message not Chinese: {error.user_message!r}")
        else:
            failures.append(f"{name}: no error")
        if row_counts(hall.ctx) != before:
            failures.append(f"{name}: rows were written")
    assert not failures, "\n".join(failures)
    assert len(cases(hall, state)) >= 45


def test_the_refused_field_is_named_for_the_form_to_mark(hall, state):
    """``InvalidInput.field`` names the request field at fault, whether the boundary or the
    service body refused it, so the dialog focuses and marks that field."""
    active = state["active"].account_no
    proxy = ContractInput("HT-1", dt.date(2026, 1, 1), "代办人", "110105194912310021", "子女")
    expected = [
        (lambda: _open(hall, c_id_number="110105194912310021"), "id_number"),
        (lambda: _open(hall, c_name="  "), "name"),
        (lambda: _open(hall, c_address=""), "address"),
        (lambda: _open(hall, c_household_size=0), "household_size"),
        (lambda: _open(hall, c_phone="12345"), "phone"),
        (lambda: _open(hall, c_kind="industrial-x"), "kind"),
        (lambda: _open(hall, contract=None), "number"),
        (lambda: _open(hall, contract=proxy), "proxy_id_number"),
        (lambda: _open(hall, card_serial="卡 1"), "card_serial"),
        (lambda: _open(hall, meter_no="表!"), "meter_no"),
        (lambda: _open(hall, initial_reading=-1), "initial_reading"),
        (
            lambda: replace_card(
                hall.ctx, hall.clerk, ReplaceCardRequest(rid(), active, "SLE0008888", "stolen")
            ),
            "reason_code",
        ),
        (
            lambda: close_account(
                hall.ctx, hall.clerk, CloseAccountRequest(rid(), active, -5, "房屋出售")
            ),
            "final_reading",
        ),
    ]
    card_in_use = state["active"].card_serial
    expected += [  # clashes with what is stored name their field too
        (lambda: _open(hall, card_serial=card_in_use), "card_serial"),
        (lambda: _open(hall, meter_no=_meter(hall, state)), "meter_no"),
        (
            lambda: replace_card(
                hall.ctx, hall.clerk, ReplaceCardRequest(rid(), active, card_in_use, "lost")
            ),
            "new_card_serial",
        ),
    ]
    named = []
    for call, _field in expected:
        with pytest.raises(GasDeskError) as refused:
            call()
        named.append(refused.value.field)
    assert named == [field for _, field in expected]
