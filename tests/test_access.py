"""Issue 11, items 12 and 13 (SQLite and PostgreSQL): one failure counter and lockout for every
password check, no user enumeration (same answer, same argon2 work, for a locked-out user too),
no typed user name in the log when nobody has it, a capped lockout, remaining minutes rounded
up in the log, and failures counted one at a time on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from app.domain.cash import count_of
from app.errors import PermissionDenied
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.credentials import Credential
from app.services.directory import user_id_by_username
from app.services.sales import RefundRequest, refund
from app.services.security import AdminActor, ApprovalInput, change_setting, login, set_user_active
from app.services.shifts import (
    CloseShiftRequest,
    CountRequest,
    HandoverRequest,
    close_shift,
    count_drawer,
    hand_over,
)
from db.models import AuditEntry
from tests.support import (
    PASSWORD,
    buy,
    m3,
    open_customer,
    refused,
    rid,
    row_counts,
    terminals,
    unloaded,
)


def kinds(ctx, *wanted: str) -> list[AuditEntry]:
    with ctx.reading() as s:
        query = select(AuditEntry).where(AuditEntry.kind.in_(wanted)).order_by(AuditEntry.seq)
        return list(s.scalars(query))


def refund_with(hall, sale, password: str, who: str = "admin"):
    approval = ApprovalInput(hall.users[who], None, password)
    return refund(
        hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "客户退气", (approval,))
    )


@pytest.fixture
def sale(hall):
    account = open_customer(hall)
    return buy(hall, account.card_serial, volume=m3(10))


# ------------------------------------------------------------------------- item 12


def test_wrong_approver_passwords_lock_the_approver_out_of_login_and_approvals(hall, sale):
    before = row_counts(hall.ctx)
    for _ in range(5):
        with refused(PermissionDenied, "密码错误"):
            refund_with(hall, sale, "guess")
    assert row_counts(hall.ctx) == before  # the refusals wrote nothing but the audit log
    (lockout,) = kinds(hall.ctx, "lockout")
    assert lockout.user_id == hall.users["admin"]
    # the right password no longer helps: neither at the login nor as an approver
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "admin", PASSWORD, hall.counter_id)
    with refused(PermissionDenied, "审批人用户名或密码错误"):
        refund_with(hall, sale, PASSWORD)
    assert row_counts(hall.ctx) == before


def test_a_user_locked_out_of_login_cannot_approve_until_the_lockout_ends(hall, sale, clock):
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "admin", "guess", hall.counter_id)
    with refused(PermissionDenied, "审批人用户名或密码错误"):
        refund_with(hall, sale, PASSWORD)
    clock.advance(minutes=5)
    assert refund_with(hall, sale, PASSWORD).volume == -m3(10)


def test_failures_at_every_check_add_up_to_one_lockout(hall):
    """Login, unlock screen, fee waiver and finance confirmation of one user (a team leader who
    is also asked as receiver): five failures in all, wherever they happened, lock the user."""
    zhoujie = hall.users["zhoujie"]
    account = open_customer(hall)
    with pytest.raises(PermissionDenied):
        login(hall.ctx, "zhoujie", "guess-1", hall.counter_id)
    waiver = (ApprovalInput(zhoujie, "老年客户，免收", "guess-2"),)
    for serial in ("W1", "W2"):
        with refused(PermissionDenied, "密码错误"):
            replace_card(
                hall.ctx,
                hall.clerk,
                ReplaceCardRequest(
                    rid(),
                    account_no=account.account_no,
                    reason_code="lost",
                    waive_fee=True,
                    new_card_serial=serial,
                    approvals=waiver,
                ),
            )
    receiver = Credential(zhoujie, "guess-3")  # wrong role too: the password is checked first
    with refused(PermissionDenied, "密码错误"):
        hand_over(hall.ctx, hall.clerk, HandoverRequest(rid(), count_of(10000), receiver))
    assert kinds(hall.ctx, "lockout") == []
    with refused(PermissionDenied, "密码错误"):
        hand_over(hall.ctx, hall.clerk, HandoverRequest(rid(), count_of(10000), receiver))
    (lockout,) = kinds(hall.ctx, "lockout")
    assert lockout.user_id == zhoujie
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "zhoujie", PASSWORD, hall.counter_id)


def test_a_wrong_over_short_sign_off_counts_and_a_locked_team_leader_cannot_sign(hall):
    count_drawer(hall.ctx, hall.clerk, CountRequest(rid(), count_of(50000 + 2000), terminals()))
    wrong = CloseShiftRequest(rid(), "多收", hall.credential("zhoujie", "guess"))
    for _ in range(4):
        with refused(PermissionDenied, "密码错误"):
            close_shift(hall.ctx, hall.clerk, wrong)
    with pytest.raises(PermissionDenied):
        login(hall.ctx, "zhoujie", "guess")  # the 5th failure, at the login
    right = CloseShiftRequest(rid(), "多收", hall.credential("zhoujie"))
    with refused(PermissionDenied, "签字班长用户名或密码错误"):
        close_shift(hall.ctx, hall.clerk, right)


def test_a_locked_out_finance_user_cannot_confirm_a_hand_over(hall):
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "zhaomin", "guess")
    before = row_counts(hall.ctx)
    request = HandoverRequest(rid(), count_of(10000), hall.credential("zhaomin"))
    with refused(PermissionDenied, "收款财务用户名或密码错误"):
        hand_over(hall.ctx, hall.clerk, request)
    assert row_counts(hall.ctx) == before


# ------------------------------------------------------------------------- item 13


@pytest.fixture
def verifies(monkeypatch):
    """Counts argon2 verifies: the work an answer costs, without timing anything."""
    calls: list[str] = []
    real = PasswordHasher.verify

    def spy(self, stored, password):  # type: ignore[no-untyped-def]
        calls.append(password)
        return real(self, stored, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return calls


def test_unknown_disabled_and_wrong_get_the_same_answer_after_the_same_work(hall, verifies):
    set_user_active(hall.ctx, AdminActor(hall.users["admin"]), hall.users["wangfang"], False)
    answers = {}
    for username, password in (
        ("lina", "wrong"),  # a known user, wrong password
        ("nobody", "wrong"),  # nobody has this name
        ("wangfang", PASSWORD),  # disabled, right password
    ):
        verifies.clear()
        with pytest.raises(PermissionDenied) as error:
            login(hall.ctx, username, password, hall.counter_id)
        answers[username] = (error.value.user_message, len(verifies))
    assert answers == dict.fromkeys(("lina", "nobody", "wangfang"), ("用户名或密码错误", 1))


def test_a_locked_out_login_costs_the_same_work(hall, verifies):
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "lina", "wrong")
    verifies.clear()
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "lina", PASSWORD)
    assert len(verifies) == 1


def test_unknown_approvers_and_confirmers_answer_like_a_wrong_password(hall, sale, verifies):
    nobody = user_id_by_username(hall.ctx, "no-such-approver")  # no NotFound naming the name
    answers = []
    for approver, password in ((nobody, PASSWORD), (hall.users["admin"], "wrong")):
        verifies.clear()
        approval = (ApprovalInput(approver, None, password),)
        with pytest.raises(PermissionDenied) as error:
            refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "退气", approval))
        answers.append((error.value.user_message, len(verifies)))
    for receiver in (Credential(nobody, PASSWORD), hall.credential("zhaomin", "wrong")):
        verifies.clear()
        with pytest.raises(PermissionDenied) as error:
            hand_over(hall.ctx, hall.clerk, HandoverRequest(rid(), count_of(100), receiver))
        answers.append((error.value.user_message, len(verifies)))
    assert answers[0] == answers[1] == ("审批人用户名或密码错误", 1)
    assert answers[2] == answers[3] == ("收款财务用户名或密码错误", 1)


def test_a_name_nobody_has_is_never_stored(hall):
    typed = "Secret-Pa55word!"  # a password typed into the user-name field
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, typed, "x", hall.counter_id)
    with hall.ctx.reading() as s:
        stored = [(e.kind, e.data, e.ref) for e in s.scalars(select(AuditEntry))]
    assert not any(typed.lower() in json.dumps(row, ensure_ascii=False).lower() for row in stored)
    (failed,) = kinds(hall.ctx, "login_failed")
    assert failed.user_id is None and json.loads(failed.data) == {"username": "unknown user"}


def test_doubling_lockouts_stop_at_the_hall_maximum(hall, clock):
    def lock_out() -> int:
        for _ in range(5):
            with pytest.raises(PermissionDenied):
                login(hall.ctx, "lina", "wrong")
        minutes = json.loads(kinds(hall.ctx, "lockout")[-1].data)["minutes"]
        clock.advance(minutes=minutes)
        return minutes

    assert [lock_out() for _ in range(7)] == [5, 10, 20, 40, 60, 60, 60]
    change_setting(hall.ctx, AdminActor(hall.users["admin"]), "max_lockout_minutes", 15)
    assert lock_out() == 15


def test_the_remaining_lockout_is_logged_in_whole_minutes_rounded_up(hall, clock):
    """The clerk hears only 用户名或密码错误; the log tells the supervisor how long is left."""

    def minutes_logged(kind: str) -> int:
        return json.loads(kinds(hall.ctx, kind)[-1].data)["minutes_left"]

    for _ in range(5):
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "lina", "wrong")
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "lina", PASSWORD)
    assert minutes_logged("login_refused") == 5  # a 5-minute lockout says 5, not 6
    clock.advance(minutes=1)
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "lina", PASSWORD)
    assert minutes_logged("login_refused") == 4
    clock.advance(minutes=3, seconds=30)
    with refused(PermissionDenied, "用户名或密码错误"):
        login(hall.ctx, "lina", PASSWORD)
    assert minutes_logged("login_refused") == 1  # 30 seconds left
    account = open_customer(hall)  # the same for an approver
    sale = buy(hall, account.card_serial, volume=m3(1))
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "admin", "wrong")
    with refused(PermissionDenied, "审批人用户名或密码错误"):
        refund_with(hall, sale, PASSWORD)
    refusal = json.loads(kinds(hall.ctx, "credential_refused")[-1].data)
    assert (refusal["problem"], refusal["minutes_left"]) == ("locked out", 5)


def test_a_lockout_does_not_tell_that_a_user_name_exists(hall, sale, verifies):
    """Unknown users never lock, so a distinct answer for a locked user (five wrong guesses and
    one more) would tell which names exist: every try, at the login and as an approver, gets
    the same answer after the same argon2 work for a known and an unknown name."""

    def answers(try_once) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
        seen = []
        for password in ["wrong"] * 6 + [PASSWORD]:
            verifies.clear()
            with pytest.raises(PermissionDenied) as error:
                try_once(password)
            seen.append((error.value.user_message, len(verifies)))
        return seen

    known = answers(lambda password: login(hall.ctx, "zhoujie", password, hall.counter_id))
    unknown = answers(lambda password: login(hall.ctx, "nosuchuser", password, hall.counter_id))
    assert known == unknown == [("用户名或密码错误", 1)] * 7
    assert [e.user_id for e in kinds(hall.ctx, "lockout")] == [hall.users["zhoujie"]]
    nobody = user_id_by_username(hall.ctx, "no-such-approver")

    def approve_as(approver: int | None):  # type: ignore[no-untyped-def]
        def attempt(password: str):  # type: ignore[no-untyped-def]
            approval = (ApprovalInput(approver, None, password),)  # type: ignore[arg-type]
            refund(hall.ctx, hall.clerk, RefundRequest(rid(), unloaded(sale), "退气", approval))

        return attempt

    known = answers(approve_as(hall.users["admin"]))
    unknown = answers(approve_as(nobody))
    assert known == unknown == [("审批人用户名或密码错误", 1)] * 7
    locked = [json.loads(e.data) for e in kinds(hall.ctx, "credential_refused")]
    assert [d["problem"] for d in locked if d.get("confirmer") == hall.users["admin"]] == [
        "locked out"
    ] * 2  # the 6th and 7th tries: the log keeps the real reason


# ------------------------------------------------------------------------- races (PostgreSQL)


def guess_in_parallel(url, when, counter_id, password, barrier, out) -> None:  # type: ignore[no-untyped-def]
    """One counter's process: a login of ``lina`` at the same instant as the others."""
    from app.context import Context
    from db.engine import open_database
    from tests.support import AUDIT_KEY

    ctx = Context(db=open_database(url), clock=lambda: when, audit_key=AUDIT_KEY)
    try:
        barrier.wait(120)
        try:
            login(ctx, "lina", password, counter_id)
            out.put("accepted")
        except PermissionDenied as error:
            out.put(error.user_message)
        except Exception as error:  # noqa: BLE001 - the test shows what went wrong
            out.put(f"{type(error).__name__}: {error}")
    finally:
        ctx.db.dispose()


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
@pytest.mark.parametrize("password", ["wrong", "right"])
def test_parallel_guesses_from_many_counters_lock_out_exactly_once(hall, database, password):
    """Ten processes log ``lina`` in at the same instant, after three failures: with a wrong
    password the failures are counted one at a time, exactly the 5th starts the one lockout
    (``login_max_failures``), the eight after it are refused as locked and not counted, and
    everybody gets the same answer; with the right password everybody gets in."""
    from tests.processes import processes

    for _ in range(3):  # three failures already: two more in the race reach the limit of 5
        with pytest.raises(PermissionDenied):
            login(hall.ctx, "lina", "wrong", hall.counter_id)
    racers = 10
    barrier, out = processes.Barrier(racers), processes.Queue()
    typed = PASSWORD if password == "right" else "wrong"
    workers = [
        processes.Process(
            target=guess_in_parallel,
            args=(database.url, hall.clock(), hall.counter_id, typed, barrier, out),
        )
        for _ in range(racers)
    ]
    for worker in workers:
        worker.start()
    answers = [out.get(timeout=180) for _ in workers]
    for worker in workers:
        worker.join(60)
    failed = kinds(hall.ctx, "login_failed")
    lockouts = kinds(hall.ctx, "lockout")
    refused_locked = kinds(hall.ctx, "login_refused")
    if password == "wrong":
        assert answers == ["用户名或密码错误"] * racers
        assert len(failed) == 5 and len(lockouts) == 1  # the 5th failure, and only it
        assert lockouts[0].seq > max(f.seq for f in failed)
        assert len(refused_locked) == racers - 2  # the rest came after the lockout
    else:  # the right password: every racer gets in, none is counted, nobody is locked out
        assert answers == ["accepted"] * racers
        assert (len(failed), lockouts) == (3, [])


def test_the_dummy_hash_is_made_by_the_first_check_of_any_kind(hall, monkeypatch):
    """Its one-off argon2 cost must not fall on the first unknown or locked-out name."""
    from app.services import credentials

    credentials._dummy_hash.cache_clear()
    made: list[str] = []
    real = PasswordHasher.hash

    def spy(self, password, **kwargs):  # type: ignore[no-untyped-def]
        made.append(password)
        return real(self, password, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", spy)
    with pytest.raises(PermissionDenied):
        login(hall.ctx, "lina", "wrong")  # a known user: the dummy is made here
    assert len(made) == 1
    with pytest.raises(PermissionDenied):
        login(hall.ctx, "nobody", "wrong")  # no extra work for the unknown name
    assert len(made) == 1
