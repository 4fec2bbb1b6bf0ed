"""Security at the service layer (SQLite and PostgreSQL): who may do what, four-eyes approvals,
login lockout, the idle lock, users, privacy and the logged security events."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from app.counter.receipts import print_receipt
from app.devices.printer import printer_from_config
from app.domain.cash import count_of
from app.errors import Conflict, PermissionDenied
from app.services.accounts import (
    CloseAccountRequest,
    ContractInput,
    TransferRequest,
    close_account,
    transfer,
)
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.queries import find_accounts
from app.services.reports import daily_report_data
from app.services.sales import RefundRequest, SupplementRequest, refund, supplement
from app.services.security import (
    AdminActor,
    ApprovalInput,
    IdleLock,
    change_password,
    create_first_administrator,
    create_user,
    login,
    reset_password,
    reveal_identity,
    set_user_active,
    unlock_counter,
)
from app.services.setup import add_user, ensure_counter
from app.services.shifts import OpenShiftRequest, open_shift
from db.models import Approval, AuditEntry, CounterTransaction
from tests.support import (
    PASSWORD,
    buy,
    customer_input,
    loaded,
    m3,
    open_customer,
    password_hash,
    refused,
    rid,
    row_counts,
    terminals,
    unloaded,
)


def events(ctx, kind: str) -> list[AuditEntry]:
    with ctx.reading() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.kind == kind)))


def refusals(ctx) -> int:
    """Logged refusals of an approval: a rule, a wrong password (counted toward the lockout)."""
    kinds = ("approval_refused", "credential_failed", "credential_refused")
    return sum(len(events(ctx, kind)) for kind in kinds)


def with_all_roles(hall) -> None:
    for username, name, role in (
        ("sunwei", "孙伟", "department_manager"),
        ("wugang", "吴刚", "vice_president"),
    ):
        hall.users[username] = add_user(
            hall.ctx, username, name, role, password_hash=password_hash()
        )


# ------------------------------------------------------------------------- permission matrix

COUNTER_OPERATIONS = (
    "shift",
    "open_account",
    "purchase",
    "replace_card",
    "transfer",
    "refund",
    "supplement",
    "close_account",
    "print",
)
# the hall's rules (DOMAIN.md, "People"): who may do what
EXPECTED = {
    "lina": {*COUNTER_OPERATIONS},  # 营业员
    "zhoujie": {*COUNTER_OPERATIONS, "hall_reports", "view_identity"},  # 班长 works a counter too
    "sunwei": {"hall_reports", "view_identity"},  # 部门经理
    "zhaomin": {"hall_reports"},  # 财务 (and receives hand-overs: tests/test_cash.py)
    "wugang": {"hall_reports"},  # 分管副总
    "admin": {"view_identity", "manage_users"},  # 系统管理员
}


def test_each_role_can_do_exactly_its_operations(hall, tmp_path):
    with_all_roles(hall)
    ctx = hall.ctx
    leader_counter = ensure_counter(ctx, hall.hall_id, "4")
    account = open_customer(hall)
    card = {"serial": account.card_serial}  # the account's card changes with every 补卡
    serials = iter(f"SEC{n:07d}" for n in range(100))
    spool = tmp_path

    def prepare(who: str, operation: str):  # type: ignore[no-untyped-def]
        """Set up what the operation needs (as 李娜), return the operation as ``who``."""
        actor = hall.actor(who, leader_counter if who != "lina" else None)
        if operation == "shift":
            if who == "lina":  # 李娜's shift is open already
                return lambda: None
            return lambda: open_shift(
                ctx, actor, OpenShiftRequest(rid(), count_of(10000), "finance")
            )
        if operation == "open_account":
            return lambda: open_customer(hall, actor=actor)
        if operation == "purchase":
            return lambda: buy(hall, card["serial"], volume=m3(5), actor=actor)
        if operation == "replace_card":
            request = ReplaceCardRequest(rid(), account.account_no, next(serials), "defect")

            def replace() -> None:
                card["serial"] = replace_card(ctx, actor, request).card_serial

            return replace
        if operation == "hall_reports":
            return lambda: daily_report_data(ctx, actor, dt.date(2026, 3, 2), hall.hall_id)
        if operation == "view_identity":
            return lambda: reveal_identity(ctx, actor, account.account_no, "核对身份")
        if operation == "manage_users":
            admin = AdminActor(hall.users[who])
            name = f"u{next(serials)}"
            return lambda: create_user(ctx, admin, name, "新用户", "clerk", "pass-1234")
        other = open_customer(hall, actor=hall.clerk)
        if operation == "transfer":
            contract = ContractInput(next(serials), dt.date(2026, 3, 1))
            request = TransferRequest(rid(), other.account_no, customer_input("新户"), contract, 0)
            return lambda: transfer(ctx, actor, request)
        if operation == "close_account":
            request = CloseAccountRequest(rid(), other.account_no, 0, "拆表")
            return lambda: close_account(ctx, actor, request)
        sale = buy(hall, other.card_serial, volume=m3(5), actor=hall.clerk)
        if operation == "print":
            printer = printer_from_config({"type": "file", "path": f"{spool}/r.bin"})
            return lambda: print_receipt(ctx, actor, printer, sale.transaction_id)
        approval = (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)
        if operation == "refund":
            request = RefundRequest(rid(), unloaded(sale), "退气", approval)
            return lambda: refund(ctx, actor, request)
        assert operation == "supplement"
        request = SupplementRequest(rid(), other.card_serial, m3(2), "补气", approval, loaded(sale))
        return lambda: supplement(ctx, actor, request)

    operations = (*COUNTER_OPERATIONS, "hall_reports", "view_identity", "manage_users")
    found: dict[str, set[str]] = {}
    for who in EXPECTED:
        found[who] = set()
        for operation in operations:
            attempt = prepare(who, operation)
            before = row_counts(ctx)
            denied = len(events(ctx, "permission_denied"))
            try:
                attempt()
            except PermissionDenied:
                assert row_counts(ctx) == before, (who, operation)  # nothing written
                assert len(events(ctx, "permission_denied")) == denied + 1, (who, operation)
            else:
                found[who].add(operation)
    assert found == EXPECTED


# ------------------------------------------------------------------------- four-eyes approvals


def test_approval_refusals_write_nothing_and_are_logged(hall):
    with_all_roles(hall)
    account = open_customer(hall, household=6)
    sale = buy(hall, account.card_serial, volume=m3(600))  # above the 500 m³ threshold

    def attempt(approvals, fragment):
        before = row_counts(hall.ctx)
        logged = refusals(hall.ctx)
        with refused(PermissionDenied, fragment):
            refund(
                hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "客户退气", approvals)
            )
        assert row_counts(hall.ctx) == before
        assert refusals(hall.ctx) == logged + 1

    def ok(who, reason="同意退气，已核实"):
        return ApprovalInput(hall.users[who], reason, PASSWORD)

    everyone = (ok("admin"), ok("zhoujie"), ok("sunwei"))
    attempt((ok("admin"),), "需要以下人员审批")  # one approver for 600 m³
    attempt((ok("lina"), ok("zhoujie"), ok("sunwei")), "不能审批自己")  # self-approval
    wrong = ApprovalInput(hall.users["zhoujie"], "同意", "not-his")
    attempt((ok("admin"), wrong, ok("sunwei")), "密码错误")
    attempt((ok("admin"), ok("zhaomin"), ok("sunwei")), "岗位不符")  # finance is not a 班长
    attempt((ok("admin"), ok("zhoujie", ""), ok("sunwei")), "书面审批意见")  # no written reason
    attempt((ok("admin"), ok("admin"), ok("sunwei")), "两次")

    done = refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "客户退气", everyone))
    with hall.ctx.reading() as s:
        stored = s.scalars(select(Approval).where(Approval.transaction_id == done.transaction_id))
        assert sorted((a.role, a.reason) for a in stored) == [
            ("administrator", "同意退气，已核实"),
            ("department_manager", "同意退气，已核实"),
            ("team_leader", "同意退气，已核实"),
        ]


def test_the_largest_supplements_need_manager_finance_and_vice_president(hall):
    with_all_roles(hall)
    account = open_customer(hall)

    def ok(who):
        return ApprovalInput(hall.users[who], "表具故障，核实无误", PASSWORD)

    def request(approvals):
        return SupplementRequest(rid(), account.card_serial, m3(1200), "表具故障补气", approvals)

    with refused(PermissionDenied, "岗位不符"):  # the 500 m³ level is not enough
        supplement(
            hall.ctx, hall.clerk, request((ok("admin"), ok("zhoujie"), ok("sunwei"), ok("zhaomin")))
        )
    done = supplement(
        hall.ctx, hall.clerk, request((ok("wugang"), ok("zhaomin"), ok("sunwei"), ok("admin")))
    )
    assert done.volume == m3(1200)


def test_a_fee_waiver_needs_a_team_leader(hall):
    account = open_customer(hall)
    base = dict(account_no=account.account_no, reason_code="lost", waive_fee=True)
    with refused(PermissionDenied, "免收补卡工本费"):
        replace_card(hall.ctx, hall.clerk, ReplaceCardRequest(rid(), new_card_serial="W1", **base))
    approval = (ApprovalInput(hall.users["zhoujie"], "老年客户，免收", PASSWORD),)
    done = replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(rid(), new_card_serial="W2", approvals=approval, **base),
    )
    assert done.amount_fen == 0
    with hall.ctx.reading() as s:
        assert (
            s.scalar(select(func.count()).where(Approval.transaction_id == done.transaction_id))
            == 1
        )


# ------------------------------------------------------------------------- login and lockout


def test_lockout_after_the_configured_failures_then_unlock_after_the_window(hall, clock):
    for _ in range(4):
        with refused(PermissionDenied, "用户名或密码错误"):
            login(hall.ctx, "lina", "wrong", hall.counter_id)
    assert events(hall.ctx, "lockout") == []
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "lina", "wrong", hall.counter_id)  # the 5th: locked out
    (lock,) = events(hall.ctx, "lockout")
    assert json.loads(lock.data)["minutes"] == 5
    with refused(PermissionDenied, "用户名或密码错误"):  # even the right password
        login(hall.ctx, "lina", PASSWORD, hall.counter_id)
    clock.advance(minutes=5)
    assert login(hall.ctx, "lina", PASSWORD, hall.counter_id).display_name == "李娜"

    for _ in range(5):  # the second lockout of the day lasts twice as long
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "lina", "wrong", hall.counter_id)
    assert json.loads(events(hall.ctx, "lockout")[-1].data)["minutes"] == 10
    clock.advance(minutes=9)
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "lina", PASSWORD)
    clock.advance(minutes=1)
    login(hall.ctx, "lina", PASSWORD)
    assert len(events(hall.ctx, "login_failed")) == 10
    assert len(events(hall.ctx, "login_refused")) == 2


def test_failures_outside_the_window_do_not_add_up(hall, clock):
    for _ in range(4):
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "lina", "wrong")
    clock.advance(minutes=16)
    with pytest.raises(PermissionDenied):
        login(hall.ctx, "lina", "wrong")
    assert events(hall.ctx, "lockout") == []
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "nobody", "x")


def test_idle_lock_with_a_fake_clock(hall, clock):
    me = login(hall.ctx, "lina", PASSWORD, hall.counter_id)
    lock = IdleLock(me.user_id, 5, clock())
    clock.advance(minutes=4)
    lock.touch(clock())
    clock.advance(minutes=4, seconds=59)
    assert not lock.is_locked(clock())
    clock.advance(seconds=1)
    assert lock.is_locked(clock())
    lock.touch(clock())  # typing on a locked screen does not unlock it
    assert lock.is_locked(clock())
    with refused(PermissionDenied, "只有本人或班长"):
        unlock_counter(hall.ctx, lock, hall.counter_id, "wangfang", PASSWORD)
    with refused(PermissionDenied, "密码错误，还可再试 4 次"):  # her own lock screen
        unlock_counter(hall.ctx, lock, hall.counter_id, "lina", "wrong")
    assert lock.is_locked(clock())
    unlock_counter(hall.ctx, lock, hall.counter_id, "zhoujie", PASSWORD)  # a 班长 may
    assert not lock.is_locked(clock())
    clock.advance(minutes=5)
    assert lock.is_locked(clock())
    unlock_counter(hall.ctx, lock, hall.counter_id, "lina", PASSWORD)
    assert [len(events(hall.ctx, k)) for k in ("unlock_refused", "counter_unlocked")] == [1, 2]


# ------------------------------------------------------------------------- users


def test_first_administrator_passwords_and_disabled_users(ctx, clock):
    admin_id = create_first_administrator(ctx, "root", "管理员", "start-1234")
    with refused(Conflict, "不能再次初始化"):
        create_first_administrator(ctx, "root2", "管理员二", "start-1234")
    admin = AdminActor(admin_id)
    clerk = create_user(ctx, admin, "xiaoli", "小李", "clerk", "first-pass")
    with refused(PermissionDenied, "无权"):
        create_user(ctx, AdminActor(clerk), "x", "x", "clerk", "pass-1234")
    with refused(PermissionDenied, "原密码错误"):
        change_password(ctx, clerk, "nope", "second-pass")
    change_password(ctx, clerk, "first-pass", "second-pass")
    assert login(ctx, "xiaoli", "second-pass").role == "clerk"
    reset_password(ctx, admin, clerk, "third-pass")
    assert login(ctx, "xiaoli", "third-pass").user_id == clerk
    set_user_active(ctx, admin, clerk, False)
    with refused(PermissionDenied, "用户名或密码错误"):  # outside: as for a wrong password
        login(ctx, "xiaoli", "third-pass")
    assert json.loads(events(ctx, "login_refused")[-1].data) == {"disabled": True}  # the log
    from db.models import User

    with ctx.reading() as s:
        assert s.get(User, clerk).display_name == "小李"  # never deleted: history keeps the name
    kinds = {"user_created", "password_changed", "password_reset", "user_disabled"}
    assert all(events(ctx, kind) for kind in kinds)


# ------------------------------------------------------------------------- privacy


def test_identity_is_masked_and_each_full_view_is_logged(hall):
    with_all_roles(hall)
    account = open_customer(hall, name="张秀英")
    (found,) = find_accounts(hall.ctx, hall.clerk, account.account_no)
    assert "*" in found.id_number and "*" in found.phone and len(found.id_number) == 18
    with refused(PermissionDenied, "无权"):
        reveal_identity(hall.ctx, hall.clerk, account.account_no, "客户要求核对")
    full = reveal_identity(hall.ctx, hall.actor("zhoujie"), account.account_no, "客户要求核对")
    assert "*" not in full.id_number and full.id_number[:3] == found.id_number[:3]
    (viewed,) = events(hall.ctx, "identity_viewed")
    assert viewed.user_id == hall.users["zhoujie"] and "客户要求核对" in viewed.data


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL is backed up with pg_dump
def test_shift_close_takes_an_online_backup(hall, tmp_path, backend):
    from dataclasses import replace

    from app.services.backup import BackupSettings, list_backups
    from app.services.shifts import CloseShiftRequest, CountRequest, close_shift, count_drawer

    ctx = replace(hall.ctx, backups=BackupSettings(tmp_path / "backups", keep=5))
    count_drawer(ctx, hall.clerk, CountRequest(rid(), count_of(50000), terminals()))
    close_shift(ctx, hall.clerk, CloseShiftRequest(rid()))
    (taken,) = list_backups(tmp_path / "backups")
    assert taken.reason == "shift-close"
    with ctx.reading() as s:
        assert s.scalar(select(func.count(CounterTransaction.id))) >= 0


def test_settings_are_changed_by_the_administrator_and_audited(hall):
    from app.policy import load_policy
    from app.services.security import change_setting

    with refused(PermissionDenied, "无权"):
        change_setting(hall.ctx, AdminActor(hall.users["zhoujie"]), "drawer_warn_limit_fen", 1)
    change_setting(hall.ctx, AdminActor(hall.users["admin"]), "drawer_warn_limit_fen", 400000)
    with hall.ctx.reading() as s:
        assert load_policy(s).drawer_warn_limit_fen == 400000
    (changed,) = events(hall.ctx, "setting_changed")
    assert json.loads(changed.data) == {"key": "drawer_warn_limit_fen", "old": None, "new": 400000}


def test_hall_reports_are_for_the_supervisors_own_hall(hall):
    from app.services.setup import ensure_hall

    other_hall = ensure_hall(hall.ctx, "09", "城西燃气客户服务中心")
    other_counter = ensure_counter(hall.ctx, other_hall, "1")
    leader = hall.actor("zhoujie", other_counter)  # 周杰 at a counter of another hall
    with refused(PermissionDenied, "无权"):
        daily_report_data(hall.ctx, leader, dt.date(2026, 3, 2), hall.hall_id)
    assert daily_report_data(hall.ctx, hall.actor("zhoujie"), dt.date(2026, 3, 2), hall.hall_id)
