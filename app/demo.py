"""A demo hall for training and first runs: tariffs like a real city's, a few hundred customers.

Everything is created through the services, so demo data obeys the same rules as real data.
Names, IDs and phone numbers are generated: the IDs pass the GB 11643 checksum but belong to
nobody.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from app.context import Context
from app.domain.cash import ALIPAY, BANK_CARD, CASH, NON_CASH, WECHAT, Payment, count_of
from app.domain.identity import make_resident_id
from app.domain.money import VOLUME_SCALE
from app.errors import Conflict
from app.services.accounts import ContractInput, CustomerInput, OpenAccountRequest, open_account
from app.services.actor import Actor, resolve_actor
from app.services.administration import Fee, change_price_list, price_list
from app.services.credentials import Credential, hash_password
from app.services.meters import METER_FEE
from app.services.sales import PurchaseRequest, purchase
from app.services.security import AdminActor
from app.services.setup import (
    TariffInput,
    add_tariff,
    add_user,
    ensure_counter,
    ensure_hall,
    flat_rate,
    residential_ladder,
)
from app.services.shifts import (
    CloseShiftRequest,
    CountRequest,
    HandoverRequest,
    OpenShiftRequest,
    close_shift,
    count_drawer,
    current_shift,
    expected_by_method,
    hand_over,
    open_shift,
)
from app.vocabulary import CustomerKind, FloatSource, Role
from db.models import Account, User

HALL_CODE = "01"
HALL_NAME = "城东燃气客户服务中心"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢"
    "宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平"
    "刚桂英华玉萍红建文辉力鹏云飞海燕晓宇欣怡浩然子轩梓涵"
)
ROADS = ["解放路", "人民路", "建设大道", "幸福街", "和平路", "中山路", "光明巷", "长江路", "黄河路"]
ESTATES = ["阳光花园", "锦绣家园", "翠湖小区", "金桂苑", "东方明珠城", "康乐新村"]
REGIONS = ["110101", "310104", "440106", "330106", "510107", "420106", "320102"]

DEMO_PASSWORD = "gasdesk"  # every demo user's password (README); training and demo data only
DEMO_USERS = [
    ("admin", "王建国", Role.ADMINISTRATOR),
    ("lina", "李娜", Role.CLERK),
    ("chenxiao", "陈晓", Role.CLERK),
    ("zhoujie", "周杰", Role.TEAM_LEADER),
    ("sunwei", "孙伟", Role.DEPARTMENT_MANAGER),
    ("zhaomin", "赵敏", Role.FINANCE),
    ("wugang", "吴刚", Role.VICE_PRESIDENT),
]


@dataclass(frozen=True)
class DemoHall:
    hall_id: int
    counter_ids: list[int]
    users: dict[str, int]  # username → id
    accounts: int


def random_customer(rng: random.Random, index: int) -> CustomerInput:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    address = (
        f"{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.choice(ESTATES)}"
        f"{rng.randint(1, 30)}栋{rng.randint(1, 6)}单元"
        f"{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    )
    return CustomerInput(
        kind=CustomerKind.RESIDENTIAL,
        name=name,
        id_type="resident_id",
        id_number=make_resident_id(rng.choice(REGIONS), birth, index % 1000),
        phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        address=address,
        household_size=rng.choice((1, 2, 3, 3, 4, 5, 6)),
    )


def seed_hall(ctx: Context) -> tuple[int, list[int], dict[str, int]]:
    """Hall, counters, users and tariffs, each created only when missing."""
    hall_id = ensure_hall(ctx, HALL_CODE, HALL_NAME)
    counters = [ensure_counter(ctx, hall_id, str(n)) for n in range(1, 5)]
    with ctx.unit_of_work() as session:
        users = {u.username: u.id for u in session.scalars(select(User))}
    demo_hash = None
    for username, name, role in DEMO_USERS:
        if username not in users:
            demo_hash = demo_hash or hash_password(DEMO_PASSWORD)
            users[username] = add_user(ctx, username, name, role, password_hash=demo_hash)
    tariffs = [
        TariffInput(
            CustomerKind.RESIDENTIAL,
            "居民阶梯气价（2025）",
            dt.date(2025, 1, 1),
            residential_ladder((252, 277, 414)),
        ),
        TariffInput(
            CustomerKind.RESIDENTIAL,
            "居民阶梯气价（2026）",
            dt.date(2026, 1, 1),
            residential_ladder((261, 283, 423)),
        ),
        TariffInput(
            CustomerKind.COMMERCIAL, "工商业气价（2025）", dt.date(2025, 1, 1), flat_rate(320)
        ),
        TariffInput(
            CustomerKind.COMMERCIAL, "工商业气价（2026）", dt.date(2026, 1, 1), flat_rate(335)
        ),
    ]
    for tariff in tariffs:
        with contextlib.suppress(Conflict):  # already published
            add_tariff(ctx, tariff)
    fees = price_list(ctx)
    if not any(fee.code == METER_FEE for fee in fees):  # 换表 at the customer's fault charges it
        meter_fee = Fee(METER_FEE, "换表表费", 15000)
        change_price_list(ctx, AdminActor(users["admin"]), (*fees, meter_fee))
    return hall_id, counters, users


def create_demo_hall(ctx: Context, customers: int = 300, seed: int = 2026) -> DemoHall:
    """Seed the hall and open ``customers`` accounts, a third of them with a purchase.

    The demo clerk works one shift: opened with a float, cash handed to finance whenever the
    drawer passes the warning limit, counted and closed at the end, so the demo starts with
    every shift closed and the day's reports filled in.
    """
    hall_id, counters, users = seed_hall(ctx)
    with ctx.unit_of_work() as session:
        existing = session.scalar(select(func.count(Account.id)))
    if existing >= customers:
        return DemoHall(hall_id, counters, users, existing)
    rng = random.Random(seed)
    actor = Actor(users["lina"], counters[1])
    finance = Credential(users["zhaomin"], DEMO_PASSWORD)
    shift = current_shift(ctx, actor)
    if shift is None:
        open_shift(ctx, actor, OpenShiftRequest(uuid.uuid4(), count_of(50000), FloatSource.FINANCE))
    for index in range(existing, customers):
        rng.seed(seed * 100_000 + index)
        opened = open_account(
            ctx,
            actor,
            OpenAccountRequest(
                request_id=uuid.uuid5(uuid.NAMESPACE_URL, f"gasdesk-demo-open-{index}"),
                customer=random_customer(rng, index),
                meter_no=f"18A{index:07d}",
                card_serial=f"DEMO{index:08d}",
                contract=ContractInput(f"HT-DEMO-{index:05d}", dt.date(2026, 1, 1)),
                meter_model="IC卡智能燃气表 G2.5",
            ),
        )
        if index % 3 == 0:
            method = rng.choice((CASH, CASH, CASH, WECHAT, ALIPAY, BANK_CARD))
            sale = purchase(
                ctx,
                actor,
                PurchaseRequest(
                    request_id=uuid.uuid5(uuid.NAMESPACE_URL, f"gasdesk-demo-buy-{index}"),
                    card_serial=opened.card_serial,
                    volume=rng.choice((20, 30, 50, 100)) * VOLUME_SCALE,
                    payment=Payment(method, None if method == CASH else f"DEMO{index:010d}"),
                ),
            )
            if sale.warning:  # the drawer passed 5000 yuan: hand 4000 to finance
                hand_over(ctx, actor, HandoverRequest(uuid.uuid4(), count_of(400000), finance))
    _close_balanced(ctx, actor)
    return DemoHall(hall_id, counters, users, max(existing, customers))


def _close_balanced(ctx: Context, actor: Actor) -> None:
    """Count exactly what the rows expect (a demo clerk never miscounts) and close the shift."""
    with ctx.reading() as session:
        shift_id = resolve_actor(session, actor).shift_id
        expected = expected_by_method(session, shift_id)
    noncash = {method: expected[method] for method in NON_CASH}
    count_drawer(ctx, actor, CountRequest(uuid.uuid4(), count_of(expected[CASH]), noncash))
    close_shift(ctx, actor, CloseShiftRequest(uuid.uuid4()))
