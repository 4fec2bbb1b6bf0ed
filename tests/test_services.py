"""Counter workflows through the services, on SQLite and PostgreSQL (SCENARIOS.md figures)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.domain.cards import CardReading
from app.domain.money import yuan
from app.errors import Conflict, PermissionDenied, RuleViolation
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
from app.services.queries import account_view, find_accounts, history, tier_usage
from app.services.sales import RefundRequest, SupplementRequest, refund, supplement
from app.services.security import ApprovalInput
from db.models import Approval, Card, Contract, CounterTransaction
from tests.support import PASSWORD, buy, customer_input, loaded, m3, open_customer, rid, unloaded


def approve(hall, who="admin"):
    return (ApprovalInput(hall.users[who], "同意", PASSWORD),)


def test_open_account_registers_customer_meter_contract_and_card(hall):
    result = open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            request_id=rid(),
            customer=customer_input("张秀英", household=3),
            meter_no="18A0042731",
            card_serial="SLE0000001",
            contract=ContractInput("HT-2026-00817", dt.date(2026, 3, 2)),
            meter_model="G2.5",
        ),
    )
    assert result.account_no == "0200000001"
    assert result.meter_no == "18A0042731"
    assert result.contract_no == "HT-2026-00817"
    view = account_view(hall.ctx, hall.clerk, result.account_no)
    assert view.summary.customer_name == "张秀英"
    assert view.summary.card_serial == "SLE0000001"
    assert view.purchase_count == 0
    assert [c.status for c in view.cards] == ["active"]
    assert view.recent[0].kind == "opening"
    assert view.recent[0].receipt_no == result.receipt_no


def test_proxy_contract_is_recorded(hall):
    from app.domain.identity import make_resident_id

    proxy_id = make_resident_id("110101", dt.date(1990, 3, 7), 447)
    result = open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            request_id=rid(),
            customer=customer_input("刘洋"),
            meter_no="18A0000777",
            card_serial="SLE0000777",
            contract=ContractInput(
                "HT-2026-00900", dt.date(2026, 3, 2), "刘小洋", proxy_id, "儿子"
            ),
        ),
    )
    with hall.ctx.unit_of_work() as s:
        contract = s.scalar(select(Contract).where(Contract.number == result.contract_no))
        assert (contract.proxy_name, contract.proxy_relation) == ("刘小洋", "儿子")
        assert contract.proxy_id_number == proxy_id


def test_same_customer_can_hold_two_accounts_but_not_under_another_name(hall):
    person = customer_input("王强")
    first = open_customer(hall, **_fields(person))
    second = open_customer(hall, **_fields(person))
    assert first.customer_id == second.customer_id != 0
    assert first.account_no != second.account_no
    with pytest.raises(Conflict):
        open_customer(hall, **{**_fields(person), "name": "王刚"})


def _fields(customer):
    return {
        "name": customer.name,
        "household": customer.household_size,
        "id_number": customer.id_number,
        "phone": customer.phone,
        "address": customer.address,
    }


def test_commercial_account_needs_no_residential_contract(hall):
    from app.services.accounts import CustomerInput

    result = open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            request_id=rid(),
            customer=CustomerInput(
                "commercial",
                "城东餐饮有限公司",
                "business_license",
                "91310000MA1K000001",
                None,
                "和平路1号",
            ),
            meter_no="GS0000001",
            card_serial="SLE1000001",
        ),
    )
    assert result.contract_no is None


def test_unloaded_card_cannot_be_sold_more(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(30))
    with pytest.raises(RuleViolation) as error:
        buy(hall, account.card_serial, volume=m3(10), card_reading=unloaded(sale))
    assert "未插表" in error.value.user_message
    second = buy(hall, account.card_serial, volume=m3(10), card_reading=loaded(sale))
    assert second.purchase_count == 2


def test_card_count_disagreeing_with_records_blocks_the_sale(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(30))
    stale = CardReading(account.card_serial, sale.purchase_count - 1, 0, sale.purchase_count - 1)
    with pytest.raises(RuleViolation) as error:
        buy(hall, account.card_serial, volume=m3(10), card_reading=stale)
    assert "不一致" in error.value.user_message


def test_refund_before_loading_gives_back_exactly_what_was_paid(hall):
    # 14:20 — 陈静 bought 50 m³ this morning and has not loaded it
    account = open_customer(hall, name="陈静")
    sale = buy(hall, account.card_serial, volume=m3(50), tendered=yuan("200"))
    assert sale.amount_fen == yuan("130.50")
    back = refund(
        hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "客户退气", approve(hall))
    )
    assert back.amount_fen == -yuan("130.50")
    assert back.volume == -m3(50)
    assert back.purchase_count == 0
    assert tier_usage(hall.ctx, hall.clerk, account.account_no).total_used == 0
    with hall.ctx.unit_of_work() as s:
        txn = s.get(CounterTransaction, back.transaction_id)
        assert txn.reverses_id == sale.transaction_id
        approval = s.scalar(select(Approval).where(Approval.transaction_id == txn.id))
        assert (approval.approver_id, approval.role) == (hall.users["admin"], "administrator")


def test_refund_after_loading_is_refused_with_a_reason(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(50))
    with pytest.raises(RuleViolation) as error:
        refund(hall.ctx, hall.clerk, RefundRequest(rid(), loaded(sale), "客户退气", approve(hall)))
    assert "已插表" in error.value.user_message


def test_only_the_last_purchase_can_be_refunded(hall):
    account = open_customer(hall)
    first = buy(hall, account.card_serial, volume=m3(50))
    buy(hall, account.card_serial, volume=m3(20), card_reading=loaded(first))
    with pytest.raises(RuleViolation):
        refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(first), "退气", approve(hall)))


def test_refund_cannot_be_approved_by_the_clerk_herself(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(50))
    with pytest.raises(PermissionDenied) as error:
        refund(
            hall.ctx,
            hall.clerk,
            RefundRequest(rid(), unloaded(sale), "退气", approve(hall, "lina")),
        )
    assert "自己" in error.value.user_message
    with pytest.raises(PermissionDenied):
        refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "退气", ()))


def test_lost_card_costs_the_fee_carries_the_count_and_blacklists_the_old_card(hall):
    # 11:00 — 刘洋 lost his card
    account = open_customer(hall, name="刘洋")
    sale = buy(hall, account.card_serial, volume=m3(30))
    fee = replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(
            rid(), account.account_no, "SLE0000099", "lost", cash_tendered_fen=yuan("50")
        ),
    )
    assert fee.amount_fen == yuan("20.00")
    assert fee.change_fen == yuan("30.00")
    assert fee.purchase_count == sale.purchase_count == 1
    assert fee.card_serial == "SLE0000099"
    assert "遗失" in fee.reason
    with pytest.raises(RuleViolation) as error:
        buy(hall, account.card_serial, volume=m3(10))
    assert "黑名单" in error.value.user_message
    new_card_sale = buy(hall, "SLE0000099", volume=m3(10))
    assert new_card_sale.purchase_count == 2
    statuses = {
        c.serial: c.status for c in account_view(hall.ctx, hall.clerk, account.account_no).cards
    }
    assert statuses == {account.card_serial: "blacklisted", "SLE0000099": "active"}


def test_defective_card_is_replaced_free(hall):
    account = open_customer(hall)
    result = replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(rid(), account.account_no, "SLE0000100", "defect", "芯片损坏"),
    )
    assert result.amount_fen == 0
    assert result.reason == "卡片质量问题（非客户原因）：芯片损坏"


def test_supplement_puts_gas_on_the_card_without_charge_or_tier_usage(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(100))
    extra = supplement(
        hall.ctx,
        hall.clerk,
        SupplementRequest(
            rid(), account.card_serial, m3(15), "表具故障补气", approve(hall), loaded(sale)
        ),
    )
    assert (extra.amount_fen, extra.volume, extra.purchase_count) == (0, m3(15), 2)
    assert tier_usage(hall.ctx, hall.clerk, account.account_no).total_used == m3(100)
    with pytest.raises(PermissionDenied):  # no approval
        supplement(
            hall.ctx, hall.clerk, SupplementRequest(rid(), account.card_serial, m3(5), "补气", ())
        )


def test_transfer_changes_owner_and_blacklists_the_old_card(hall):
    account = open_customer(hall, name="赵大海")
    buy(hall, account.card_serial, volume=m3(50))
    result = transfer(
        hall.ctx,
        hall.clerk,
        TransferRequest(
            rid(),
            account.account_no,
            customer_input("钱小红"),
            ContractInput("HT-2026-01234", dt.date(2026, 3, 2)),
            meter_reading=m3(40),
            new_card_serial="SLE0000200",
        ),
    )
    assert result.kind == "transfer"
    view = account_view(hall.ctx, hall.clerk, account.account_no)
    assert view.summary.customer_name == "钱小红"
    assert view.summary.card_serial == "SLE0000200"
    assert view.purchase_count == 1  # the count stays with the account and meter
    with pytest.raises(RuleViolation):
        buy(hall, account.card_serial, volume=m3(10))
    with pytest.raises(RuleViolation):  # same owner again
        transfer(
            hall.ctx,
            hall.clerk,
            TransferRequest(
                rid(),
                account.account_no,
                _same_owner(hall, account),
                ContractInput("HT-2026-01235", dt.date(2026, 3, 2)),
                m3(41),
            ),
        )


def _same_owner(hall, account):
    from app.services.accounts import CustomerInput
    from app.services.security import reveal_identity

    s = account_view(hall.ctx, hall.clerk, account.account_no).summary
    full = reveal_identity(hall.ctx, hall.actor("zhoujie"), account.account_no, "过户核对")
    return CustomerInput(
        "residential", s.customer_name, "resident_id", full.id_number, full.phone, s.address, 3
    )


def test_close_account_refunds_unused_gas_at_the_prices_paid(hall):
    account = open_customer(hall)
    first = buy(hall, account.card_serial, volume=m3(340))
    second = buy(hall, account.card_serial, volume=m3(20), card_reading=loaded(first))
    # the meter used 330 of the 360 m³: 30 m³ unused, newest first = 10 m³ tier 2 + 10 m³ tier 1
    # of the second purchase, then 10 m³ tier 1 of the first
    closing = close_account(
        hall.ctx,
        hall.clerk,
        CloseAccountRequest(rid(), account.account_no, m3(330), "搬迁销户", card=loaded(second)),
    )
    assert closing.volume == -m3(30)
    assert closing.amount_fen == -(yuan("28.30") + yuan("26.10") + yuan("26.10"))
    assert tier_usage(hall.ctx, hall.clerk, account.account_no).total_used == m3(330)
    view = account_view(hall.ctx, hall.clerk, account.account_no)
    assert view.summary.status == "closed"
    assert {c.status for c in view.cards} == {"retired"}
    with pytest.raises(RuleViolation):
        buy(hall, account.card_serial, volume=m3(10))


def test_close_account_charges_gas_used_beyond_the_credit(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(100))
    closing = close_account(
        hall.ctx,
        hall.clerk,
        CloseAccountRequest(
            rid(),
            account.account_no,
            m3(105),
            "销户",
            cash_tendered_fen=yuan("20"),
            card=loaded(sale),
        ),
    )
    assert closing.volume == m3(5)
    assert closing.amount_fen == yuan("13.05")
    assert closing.change_fen == yuan("6.95")


def test_close_account_with_gas_still_on_the_card_is_refused(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(100))
    with pytest.raises(RuleViolation):
        close_account(
            hall.ctx,
            hall.clerk,
            CloseAccountRequest(rid(), account.account_no, 0, "销户", card=unloaded(sale)),
        )


def test_receipt_numbers_are_gapless_across_counters_and_kinds(hall):
    a = open_customer(hall)
    b = open_customer(hall)
    buy(hall, a.card_serial, volume=m3(10))
    buy(hall, b.card_serial, volume=m3(10), actor=hall.actor("wangfang", hall.counter2_id))
    with pytest.raises(RuleViolation):  # a refused sale takes no number
        buy(hall, a.card_serial, volume=m3(10), card_reading=_bad(a))
    replace_card(
        hall.ctx, hall.clerk, ReplaceCardRequest(rid(), a.account_no, "SLE0000300", "defect")
    )
    with hall.ctx.unit_of_work() as s:
        seqs = list(
            s.scalars(
                select(CounterTransaction.receipt_seq).order_by(CounterTransaction.receipt_seq)
            )
        )
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) == 5


def _bad(account):
    return CardReading(account.card_serial, 1, m3(10), 0)


def test_receipt_numbers_restart_each_year(hall):
    account = open_customer(hall)
    hall.clock.set(2026, 12, 31, 23, 0)
    last = buy(hall, account.card_serial, volume=m3(1))
    hall.clock.set(2027, 1, 1, 8, 30)
    first = buy(hall, account.card_serial, volume=m3(1))
    assert last.receipt_no.startswith("02-2026-")
    assert first.receipt_no == "02-2027-000001"


def test_find_accounts_by_every_key(hall):
    account = open_customer(hall, name="欧阳秀英", address="建设大道88号锦绣家园3栋")
    from app.services.security import reveal_identity

    s = account_view(hall.ctx, hall.clerk, account.account_no).summary
    full = reveal_identity(hall.ctx, hall.actor("zhoujie"), account.account_no, "核对")
    keys = (s.account_no, s.card_serial, s.meter_no, full.phone, full.id_number)
    for key in (*keys, full.id_number.lower()):
        assert [r.account_no for r in find_accounts(hall.ctx, hall.clerk, key)] == [
            account.account_no
        ], key
    for fragment in ("欧阳", "秀英", "阳秀", "欧阳秀英", "锦绣家园", "88号"):
        assert account.account_no in [
            r.account_no for r in find_accounts(hall.ctx, hall.clerk, fragment)
        ], fragment
    assert find_accounts(hall.ctx, hall.clerk, "英锦") == []  # name and address are separate fields
    assert find_accounts(hall.ctx, hall.clerk, "   ") == []


def test_old_card_serial_still_finds_the_account(hall):
    account = open_customer(hall)
    replace_card(
        hall.ctx, hall.clerk, ReplaceCardRequest(rid(), account.account_no, "SLE0000400", "lost")
    )
    assert [r.account_no for r in find_accounts(hall.ctx, hall.clerk, account.card_serial)] == [
        account.account_no
    ]


def test_history_lists_every_operation_newest_first(hall):
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(10))
    refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "退气", approve(hall)))
    kinds = [h.kind for h in history(hall.ctx, hall.clerk, account.account_no)]
    assert kinds == ["refund", "purchase", "opening"]


def test_blacklisted_card_rows_remain(hall):
    account = open_customer(hall)
    replace_card(
        hall.ctx, hall.clerk, ReplaceCardRequest(rid(), account.account_no, "SLE0000500", "lost")
    )
    with hall.ctx.unit_of_work() as s:
        old = s.scalar(select(Card).where(Card.serial == account.card_serial))
        assert old.status == "blacklisted" and old.status_changed_at is not None


def test_sale_step_is_a_hall_setting(hall):
    from app.errors import InvalidInput
    from app.policy import save_setting

    with hall.ctx.unit_of_work() as s:
        save_setting(s, "sale_step", 10)  # 0.1 m³
        s.commit()
    account = open_customer(hall)
    sale = buy(hall, account.card_serial, amount=yuan("10"))
    assert sale.volume == m3(3.8)  # 3.8 m³ × 2.61 = 9.918 → 9.92; 3.9 m³ would cost 10.18
    assert sale.amount_fen == yuan("9.92")
    with pytest.raises(InvalidInput):
        buy(hall, account.card_serial, volume=m3(1.25))
    with hall.ctx.unit_of_work() as s, pytest.raises(InvalidInput):
        save_setting(s, "sale_step", -1)


def test_closing_after_a_voided_refund_values_the_gas_kept(hall):
    from app.services.card_writes import settle_card

    account = open_customer(hall)
    sale = buy(hall, account.card_serial, volume=m3(100))
    refunded = refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(rid(), unloaded(sale), "退气", approve(hall), writes_card=True),
    )
    # the refund's card write never landed: the card still shows the purchase, so it is voided
    settled = settle_card(hall.ctx, hall.clerk, unloaded(sale))
    assert settled.outcome == "voided" and settled.sale.transaction_id == refunded.transaction_id
    closing = close_account(  # the card read once the customer has put it into the meter
        hall.ctx,
        hall.clerk,
        CloseAccountRequest(rid(), account.account_no, 0, "销户", card=loaded(sale)),
    )
    assert closing.amount_fen == -yuan("261.00")  # the 100 m³ kept are refunded at their price
    assert tier_usage(hall.ctx, hall.clerk, account.account_no).total_used == 0


def test_buying_by_amount_respects_the_volume_limit(hall):
    from app.errors import InvalidInput

    account = open_customer(hall)
    with pytest.raises(InvalidInput):
        buy(hall, account.card_serial, amount=yuan("49999"))


def test_a_closed_accounts_meter_serves_a_new_account(hall):
    account = open_customer(hall)
    meter_no = account_view(hall.ctx, hall.clerk, account.account_no).summary.meter_no
    close_account(hall.ctx, hall.clerk, CloseAccountRequest(rid(), account.account_no, 0, "销户"))
    assert (
        account_view(hall.ctx, hall.clerk, account.account_no).summary.meter_no is None
    )  # unbound
    again = open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            rid(),
            customer_input("新住户"),
            meter_no,
            "SLE0000800",
            ContractInput("HT-2026-R0001", dt.date(2026, 3, 2)),
        ),
    )
    assert again.meter_no == meter_no and again.account_no != account.account_no
