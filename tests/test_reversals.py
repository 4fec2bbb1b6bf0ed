"""撤销 of a card replacement within its shift: fee paid back, old card restored only in hand."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain.cash import count_of
from app.errors import PermissionDenied, RuleViolation
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.reversals import ReversalRequest, reversal_quote, reverse
from app.services.security import ApprovalInput
from app.services.shifts import CloseShiftRequest, CountRequest, close_shift, count_drawer
from app.vocabulary import TransactionKind
from db.models import Card, CounterTransaction
from tests.support import PASSWORD, buy, m3, open_customer, refused, rid, row_counts, terminals


def _leader(hall) -> tuple[ApprovalInput, ...]:
    return (ApprovalInput(hall.users["zhoujie"], password=PASSWORD, reason="收错卡号"),)


def _replace(hall, account, serial="NEWCARD01", reason="lost"):
    return replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(rid(), account.account_no, serial, reason, cash_tendered_fen=2000),
    )


def _card_status(hall, serial: str) -> str:
    with hall.ctx.reading() as s:
        return s.scalar(select(Card.status).where(Card.serial == serial))


def _drawer(hall) -> int:
    from app.services.shifts import drawer_cash

    with hall.ctx.reading() as s:
        return drawer_cash(s, hall.shifts["lina"])


def test_reversal_pays_the_fee_back_and_restores_the_old_card_in_hand(hall):
    account = open_customer(hall)
    before = _drawer(hall)
    replaced = _replace(hall, account)
    assert replaced.amount_fen == 2000 and _drawer(hall) == before + 2000
    quote = reversal_quote(hall.ctx, hall.clerk, replaced.receipt_no)
    assert quote.kind == TransactionKind.CARD_REPLACEMENT and quote.amount_fen == 2000
    assert quote.old_card_serial == account.card_serial and quote.old_card_restorable

    reversed_ = reverse(
        hall.ctx,
        hall.clerk,
        ReversalRequest(rid(), replaced.receipt_no, "客户找回原卡", _leader(hall), True),
    )
    assert reversed_.kind == TransactionKind.REVERSAL and reversed_.amount_fen == -2000
    assert _drawer(hall) == before  # 20.00 out of the drawer again
    assert _card_status(hall, account.card_serial) == "active"
    assert _card_status(hall, "NEWCARD01") == "retired"
    with hall.ctx.reading() as s:
        row = s.get(CounterTransaction, reversed_.transaction_id)
        assert row.reverses_id == replaced.transaction_id and row.payment_method == "cash"
        assert len(row.approvals) == 1 and row.approvals[0].reason == "收错卡号"
    # the old card sells again; the new one is refused
    assert buy(hall, account.card_serial, volume=m3(5)).volume == m3(5)
    with refused(RuleViolation, "此卡已停用"):
        buy(hall, "NEWCARD01", volume=m3(5))


def test_without_the_old_card_only_the_fee_goes_back(hall):
    account = open_customer(hall)
    replaced = _replace(hall, account)
    reverse(
        hall.ctx, hall.clerk, ReversalRequest(rid(), replaced.receipt_no, "误收", _leader(hall))
    )
    assert _card_status(hall, account.card_serial) == "blacklisted"
    assert _card_status(hall, "NEWCARD01") == "active"


def test_the_old_card_is_not_restored_after_later_business(hall):
    account = open_customer(hall)
    replaced = _replace(hall, account)
    buy(hall, "NEWCARD01", volume=m3(5))  # the new card carries gas the old one never had
    assert not reversal_quote(hall.ctx, hall.clerk, replaced.receipt_no).old_card_restorable
    counts = row_counts(hall.ctx)
    with refused(RuleViolation, "原卡不能恢复"):
        reverse(
            hall.ctx,
            hall.clerk,
            ReversalRequest(rid(), replaced.receipt_no, "找回", _leader(hall), True),
        )
    assert row_counts(hall.ctx) == counts


def test_a_reversal_is_refused_twice_without_approval_and_for_a_sale(hall):
    account = open_customer(hall)
    replaced = _replace(hall, account)
    counts = row_counts(hall.ctx)
    with refused(PermissionDenied, "审批"):
        reverse(hall.ctx, hall.clerk, ReversalRequest(rid(), replaced.receipt_no, "误收"))
    assert row_counts(hall.ctx)["counter_transactions"] == counts["counter_transactions"]
    request = ReversalRequest(rid(), replaced.receipt_no, "误收", _leader(hall))
    first = reverse(hall.ctx, hall.clerk, request)
    assert reverse(hall.ctx, hall.clerk, request).transaction_id == first.transaction_id
    with refused(RuleViolation, "已撤销"):
        reverse(
            hall.ctx, hall.clerk, ReversalRequest(rid(), replaced.receipt_no, "再来", _leader(hall))
        )
    sale = buy(hall, "NEWCARD01", volume=m3(5))
    with refused(RuleViolation, "不能撤销"):
        reverse(
            hall.ctx, hall.clerk, ReversalRequest(rid(), sale.receipt_no, "误售", _leader(hall))
        )
    with refused(RuleViolation, "找不到凭证号"):
        reverse(hall.ctx, hall.clerk, ReversalRequest(rid(), "02-2026-999999", "x", _leader(hall)))


def test_a_reversal_is_refused_once_the_shift_is_closed(hall):
    from app.services.shifts import OpenShiftRequest
    from app.services.shifts import open_shift as open_shift_service

    account = open_customer(hall)
    replaced = _replace(hall, account)
    count_drawer(hall.ctx, hall.clerk, CountRequest(rid(), count_of(_drawer(hall)), terminals()))
    close_shift(hall.ctx, hall.clerk, CloseShiftRequest(rid()))
    open_shift_service(hall.ctx, hall.clerk, OpenShiftRequest(rid(), count_of(50000), "finance"))
    with hall.ctx.reading() as s:
        before = s.scalar(select(func.count()).select_from(CounterTransaction))
    with refused(RuleViolation, "本班次"):
        reverse(
            hall.ctx, hall.clerk, ReversalRequest(rid(), replaced.receipt_no, "误收", _leader(hall))
        )
    with hall.ctx.reading() as s:
        assert s.scalar(select(func.count()).select_from(CounterTransaction)) == before


def test_another_clerks_shift_cannot_reverse_it(hall):
    account = open_customer(hall)
    replaced = _replace(hall, account)
    with pytest.raises(RuleViolation):
        reverse(
            hall.ctx,
            hall.actor("wangfang", hall.counter2_id),
            ReversalRequest(rid(), replaced.receipt_no, "误收", _leader(hall)),
        )
