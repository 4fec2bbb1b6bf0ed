"""PDF documents built from the database rows, checked with poppler (pdftotext, pdffonts, pdftoppm).

Expected figures are summed here from what the services returned, independently of the report
queries. Page 1 of every document is rendered and copied to ``artifacts/`` for a reviewer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfbase import pdfmetrics

from app import fonts
from app.documents.data import Approver
from app.documents.hall_reports import daily_report
from app.documents.layout import cjk_font_name
from app.documents.opening_form import account_opening_form
from app.documents.tables import tier_label
from app.documents.zreport import zreport
from app.domain.cash import count_of
from app.domain.identity import make_resident_id
from app.domain.money import format_money, format_volume, yuan
from app.domain.privacy import mask_id, mask_phone
from app.errors import NotFound
from app.fonts import MissingFont, find_cjk_font
from app.services.accounts import ContractInput, OpenAccountRequest, open_account
from app.services.actor import resolve_actor
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.reports import daily_report_data, opening_form_data, zreport_data
from app.services.sales import RefundRequest, SupplementRequest, refund, supplement
from app.services.security import ApprovalInput
from app.services.setup import ensure_counter
from app.services.shifts import CountRequest, count_drawer
from app.vocabulary import HallMode, TransactionKind
from bench.documents import synthetic_zreport
from tests.support import (
    PASSWORD,
    SHANGHAI,
    buy,
    customer_input,
    loaded,
    m3,
    open_customer,
    open_shift,
    rid,
    terminals,
    unloaded,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


# -- poppler -------------------------------------------------------------------------------------


def poppler(tool: str) -> str:
    """Path of a poppler tool; skip (or fail under CI) when poppler-utils is missing."""
    path = shutil.which(tool)
    if path is None:
        reason = f"{tool} not found: install poppler-utils (apt-get install -y poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must have poppler-utils: {reason}")
        pytest.skip(reason)
    return path


def run(*args: str | Path) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{args[0]} failed: {done.stderr}"
    return done.stdout


def pdf_text(document: bytes, path: Path) -> str:
    path.write_bytes(document)
    return run(poppler("pdftotext"), "-layout", path, "-")


def squeezed(text: str) -> str:
    """The text without spaces: columns of a layout dump compared as plain strings."""
    return re.sub(r"\s+", "", text)


def check_page_numbers(text: str) -> int:
    """Every page (pdftotext ends each with a form feed) says 第 n 页，共 N 页; returns N."""
    pages = text.split("\f")[:-1]
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页，共 {len(pages)} 页" in page, number
    return len(pages)


def check_fonts_embedded(path: Path) -> None:
    """pdffonts lists only the CJK font (subsets), every one embedded."""
    listing = run(poppler("pdffonts"), path).splitlines()[2:]
    assert listing, "the PDF has no fonts"
    face = pdfmetrics.getFont(cjk_font_name()).face.name.decode()
    for line in listing:
        emb = re.search(r"(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", line)
        assert emb, line
        assert emb.group(1) == "yes", f"font not embedded: {line}"
        assert face in line, f"unexpected font: {line}"


def render_first_page(path: Path, artifact: str) -> Path:
    """pdftoppm page 1 at 50 dpi; the PNG is copied to artifacts/ for a reviewer."""
    prefix = path.with_suffix("")
    run(poppler("pdftoppm"), "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", path, prefix)
    png = prefix.with_suffix(".png")
    with Image.open(png) as image:
        assert image.size == (414, 585)  # A4 (595 x 842 pt) at 50 dpi, rounded up
        gray = image.convert("L")
        dark = sum(gray.histogram()[:128])
    assert dark > 2000, "page 1 is (nearly) blank"
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(png, ARTIFACTS / f"{artifact}.png")
    return png


# -- a day at the counter --------------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """A transaction as the service reported it, with who did it where."""

    clerk: str
    counter_id: int
    kind: str
    receipt_no: str
    created_at: dt.datetime
    volume: int = 0
    amount_fen: int = 0
    segments: tuple = ()


def approve(hall, who):
    return (ApprovalInput(hall.users[who], "同意", PASSWORD),)


def reopen_shift(hall, actor) -> int:
    """Count the actor's drawer exactly, close the shift, open a new one from the safe."""
    from app.services.shifts import (
        CloseShiftRequest,
        CountRequest,
        OpenShiftRequest,
        close_shift,
        count_drawer,
        expected_by_method,
        open_shift,
    )

    with hall.ctx.reading() as s:
        shift_id = resolve_actor(s, actor).shift_id
        cash = expected_by_method(s, shift_id)["cash"]
    count_drawer(hall.ctx, actor, CountRequest(rid(), count_of(cash), terminals()))
    close_shift(hall.ctx, actor, CloseShiftRequest(rid()))
    return open_shift(hall.ctx, actor, OpenShiftRequest(rid(), count_of(50000), "safe")).shift_id


def a_day(hall) -> list[Done]:
    """2026-03-02 at the hall, in time order, plus one sale the next morning."""
    clock = hall.clock
    c1, c2 = hall.counter_id, hall.counter2_id
    done: list[Done] = []

    def sold(clerk: str, counter: int, result) -> None:
        done.append(
            Done(
                clerk,
                counter,
                result.kind,
                result.receipt_no,
                result.created_at.astimezone(SHANGHAI),  # replayed results come back in UTC
                result.volume,
                result.amount_fen,
                tuple(result.segments),
            )
        )

    def opened(name: str, household: int = 3):
        account = open_customer(hall, name=name, household=household)
        done.append(Done("lina", c1, TransactionKind.OPENING, account.receipt_no, clock()))
        return account

    clock.set(
        2026, 3, 2, 7, 25
    )  # the day shift starts: the seeded shift is closed, a new one opens
    hall.shifts["lina"] = reopen_shift(hall, hall.clerk)
    clock.set(2026, 3, 2, 7, 30)
    chen = opened("陈刚")
    clock.set(2026, 3, 2, 9, 0)
    a = opened("陈静")
    clock.set(2026, 3, 2, 9, 5)
    b = opened("赵大海")
    clock.set(2026, 3, 2, 9, 10)
    first = buy(hall, a.card_serial, volume=m3(50), tendered=yuan("200"))
    sold("lina", c1, first)
    clock.set(2026, 3, 2, 9, 20)
    big = buy(hall, b.card_serial, volume=m3(400))  # crosses 350 m³: tiers 1 and 2
    sold("lina", c1, big)
    clock.set(2026, 3, 2, 9, 30)
    back = refund(
        hall.ctx,
        hall.clerk,
        RefundRequest(rid(), unloaded(first), "客户退气", approve(hall, "admin")),
    )
    sold("lina", c1, back)
    clock.set(2026, 3, 2, 9, 40)
    extra = supplement(
        hall.ctx,
        hall.clerk,
        SupplementRequest(
            rid(), b.card_serial, m3(15), "表具故障补气", approve(hall, "admin"), loaded(big)
        ),
    )
    sold("lina", c1, extra)
    clock.set(2026, 3, 2, 9, 50)
    fee = replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(rid(), a.account_no, "SLE0000901", "lost", cash_tendered_fen=yuan("50")),
    )
    sold("lina", c1, fee)
    clock.set(2026, 3, 2, 10, 0)  # another clerk at another counter
    sold(
        "wangfang", c2, buy(hall, chen.card_serial, volume=m3(20), actor=hall.actor("wangfang", c2))
    )
    clock.set(2026, 3, 2, 10, 10)  # the team leader at a third counter
    c3 = ensure_counter(hall.ctx, hall.hall_id, "4")
    zhou = hall.actor("zhoujie", c3)
    open_shift(hall.ctx, zhou)
    sold("zhoujie", c3, buy(hall, chen.card_serial, volume=m3(30), actor=zhou))
    clock.set(2026, 3, 2, 18, 0)  # 李娜 closes her day shift
    hall.shifts["lina-evening"] = reopen_shift(hall, hall.clerk)
    clock.set(2026, 3, 2, 18, 30)  # her evening shift
    sold("lina", c1, buy(hall, b.card_serial, volume=m3(10)))
    clock.set(2026, 3, 3, 9, 0)  # the next business day
    sold("lina", c1, buy(hall, b.card_serial, volume=m3(12)))
    clock.set(2026, 3, 3, 9, 5)
    return done


def tier_sums(rows: list[Done]) -> dict[tuple[int, int], tuple[int, int]]:
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for s in row.segments:
            sums[(s.tier, s.price_fen)][0] += s.volume
            sums[(s.tier, s.price_fen)][1] += s.amount_fen
    return {key: tuple(value) for key, value in sums.items()}


def money_sums(rows: list[Done]) -> tuple[int, int, int, int, int]:
    """count, volume, net amount, received, paid."""
    return (
        len(rows),
        sum(r.volume for r in rows),
        sum(r.amount_fen for r in rows),
        sum(r.amount_fen for r in rows if r.amount_fen > 0),
        sum(r.amount_fen for r in rows if r.amount_fen < 0),
    )


# -- Z-report --------------------------------------------------------------------------------------


def test_zreport_adds_up_the_shifts_rows_and_prints_them(hall, backend, tmp_path):
    done = a_day(hall)
    day_shift = hall.shifts["lina"]
    start = dt.datetime(2026, 3, 2, 7, 25, tzinfo=SHANGHAI)
    end = dt.datetime(2026, 3, 2, 18, 0, tzinfo=SHANGHAI)
    mine = [
        d
        for d in done
        if d.clerk == "lina" and d.counter_id == hall.counter_id and start <= d.created_at < end
    ]
    others = [d for d in done if d not in mine]
    assert [d.kind for d in mine] == [
        TransactionKind.OPENING,
        TransactionKind.OPENING,
        TransactionKind.OPENING,
        TransactionKind.PURCHASE,
        TransactionKind.PURCHASE,
        TransactionKind.REFUND,
        TransactionKind.SUPPLEMENT,
        TransactionKind.CARD_REPLACEMENT,
    ]
    count, volume, amount, received, paid = money_sums(mine)
    # by hand: 50 m³ × 2.61 sold and refunded; 350 × 2.61 + 50 × 2.83; card fee 20.00
    assert (volume, amount) == (m3(50 + 400 - 50 + 15), yuan("913.50") + yuan("141.50") + 2000)
    assert (received, paid) == (yuan("130.50") + yuan("1055.00") + 2000, -yuan("130.50"))

    data = zreport_data(hall.ctx, hall.actor("zhoujie"), day_shift)

    assert (data.hall_name, data.counter_name, data.clerk_name) == (
        "城东燃气客户服务中心",
        "2号柜台",
        "李娜",
    )
    assert (data.start, data.end) == (start, end)
    assert data.printed_at == end  # a closed shift is dated by its close
    assert data.closed and data.shift_id == day_shift
    assert (data.total.count, data.total.volume, data.total.amount_fen) == (count, volume, amount)
    assert (data.total.received_fen, data.total.paid_fen) == (received, paid)
    by_kind = {k.kind: (k.count, k.volume, k.amount_fen) for k in data.kinds}
    assert list(by_kind) == list(TransactionKind)
    for kind in TransactionKind:
        rows = [d for d in mine if d.kind == kind]
        assert by_kind[kind] == money_sums(rows)[:3], kind
    assert [(p.method, p.received_fen, p.paid_fen) for p in data.payments] == [
        ("现金", received, paid),
        ("银行卡", 0, 0),
        ("微信", 0, 0),
        ("支付宝", 0, 0),
    ]
    assert {(t.tier, t.price_fen): (t.volume, t.amount_fen) for t in data.tiers} == tier_sums(mine)
    assert [(g.kind, g.receipt_no, g.approvers) for g in data.guarded] == [
        (TransactionKind.REFUND, mine[5].receipt_no, (Approver("王建国", "系统管理员"),)),
        (TransactionKind.SUPPLEMENT, mine[6].receipt_no, (Approver("王建国", "系统管理员"),)),
    ]
    assert (data.first_receipt, data.last_receipt) == (mine[0].receipt_no, mine[-1].receipt_no)
    assert [d.receipt_no for d in data.details] == [d.receipt_no for d in mine]
    assert [d.created_at for d in data.details] == [d.created_at for d in mine]
    assert all(d.created_at.tzinfo == SHANGHAI for d in data.details)

    document = zreport(data)
    path = tmp_path / "zreport.pdf"
    text = pdf_text(document, path)
    flat = squeezed(text)
    for heading in (
        "城东燃气客户服务中心",
        "营业员交班报表（Z报表）",
        "柜台：2号柜台",
        "营业员：李娜",
        "统计时段：2026-03-0207:25:00至2026-03-0218:00:00",
        "一、班次信息",
        "二、按业务类型汇总",
        "三、按收款方式汇总",
        "四、按阶梯汇总",
        "五、退气、补气及审批明细",
        "六、钱箱现金",
        "十一、票据号段",
        "十二、总计",
        "十三、交易明细",
        "营业员签字",
    ):
        assert heading in flat, heading
    check_page_numbers(text)
    assert f"净收入：{format_money(amount)}元" in flat
    assert f"收入合计：{format_money(received)}元" in flat
    assert f"支出合计：{format_money(paid)}元" in flat
    assert f"净售气量：{format_volume(volume)}m³" in flat
    assert f"合计{count}{format_volume(volume)}{format_money(amount)}" in flat
    with_money = sum(1 for d in mine if d.amount_fen)
    assert (
        f"现金{with_money}{format_money(received)}{format_money(paid)}{format_money(amount)}"
        in flat
    )
    assert flat.count("王建国（系统管理员）") == 2
    assert f"起始票据号{mine[0].receipt_no}，截止票据号{mine[-1].receipt_no}" in flat
    for (tier, price), (tier_volume, tier_amount) in tier_sums(mine).items():
        label = tier_label(tier)
        assert (
            f"{label}{format_money(price)}{format_volume(tier_volume)}{format_money(tier_amount)}"
            in flat
        )
    for n, d in enumerate(mine, start=1):
        line = f"{n}{d.receipt_no}{d.created_at:%m-%d%H:%M:%S}{TransactionKind.label_of(d.kind)}"
        assert line in flat, line
        assert f"{format_volume(d.volume)}{format_money(d.amount_fen)}" in flat
    for d in others:
        assert d.receipt_no not in flat
    check_fonts_embedded(path)
    render_first_page(path, f"zreport-{backend}")

    hall.clock.advance(days=2)
    again = zreport_data(hall.ctx, hall.actor("zhaomin"), day_shift)
    assert zreport(again) == document  # a closed shift: the same bytes whenever printed


def test_zreport_of_a_shift_without_sales(hall, tmp_path):
    wang = hall.actor("wangfang", hall.counter2_id)
    with pytest.raises(NotFound):
        zreport_data(hall.ctx, wang, 9999)
    count_drawer(hall.ctx, wang, CountRequest(rid(), count_of(50000), terminals()))
    empty = zreport_data(hall.ctx, wang, hall.shifts["wangfang"])
    assert (empty.total.count, empty.details, empty.first_receipt) == (0, [], None)
    assert not empty.closed and empty.cash.expected_fen == empty.cash.counted_fen == 50000
    flat = squeezed(pdf_text(zreport(empty), tmp_path / "empty.pdf"))
    assert "无票据" in flat
    assert "（无）" in flat


def test_zreport_detail_pages_break_and_number(tmp_path):
    data = synthetic_zreport(1500, seed=11)
    document = zreport(data)
    path = tmp_path / "zreport-1500.pdf"
    text = pdf_text(document, path)
    pages = text.split("\f")[:-1]
    total = check_page_numbers(text)
    assert total > 20
    info = run(poppler("pdfinfo"), path)
    assert re.search(rf"^Pages:\s+{total}$", info, re.M)
    seen = Counter(re.findall(r"\b02-2026-\d{6}\b", text))
    details = [d.receipt_no for d in data.details]
    guarded = {g.receipt_no for g in data.guarded}
    ends = {data.first_receipt, data.last_receipt}
    for receipt in details:  # once in the details; again if guarded or an end of the range
        assert seen[receipt] == 1 + (receipt in guarded) + (receipt in ends), receipt
    assert squeezed(pages[-1]).count("交易明细") == 0  # continuation pages repeat only the header
    assert "票据号" in pages[-1] and "金额（元）" in pages[-1]
    check_fonts_embedded(path)
    assert zreport(data) == document


# -- daily report ----------------------------------------------------------------------------------


def test_daily_report_groups_the_halls_day_by_clerk_counter_kind_and_tier(hall, backend, tmp_path):
    done = a_day(hall)
    day = dt.date(2026, 3, 2)
    today = [d for d in done if d.created_at.astimezone(SHANGHAI).date() == day]
    assert len(today) == len(done) - 1

    data = daily_report_data(hall.ctx, hall.actor("zhaomin"), day, hall.hall_id)

    assert data.business_date == day and data.hall_name == "城东燃气客户服务中心"
    count, volume, amount, received, paid = money_sums(today)
    assert (data.total.count, data.total.volume, data.total.amount_fen) == (count, volume, amount)
    assert (data.total.received_fen, data.total.paid_fen) == (received, paid)
    by_clerk = {
        g.name: (g.count, g.volume, g.amount_fen, g.received_fen, g.paid_fen) for g in data.clerks
    }
    assert by_clerk == {
        "李娜": money_sums([d for d in today if d.clerk == "lina"]),
        "王芳": money_sums([d for d in today if d.clerk == "wangfang"]),
        "周杰": money_sums([d for d in today if d.clerk == "zhoujie"]),
    }
    by_counter = {
        g.name: (g.count, g.volume, g.amount_fen, g.received_fen, g.paid_fen) for g in data.counters
    }
    assert by_counter == {
        "2号柜台": money_sums([d for d in today if d.counter_id == hall.counter_id]),
        "3号柜台": money_sums([d for d in today if d.counter_id == hall.counter2_id]),
        "4号柜台": money_sums([d for d in today if d.clerk == "zhoujie"]),
    }
    by_kind = {k.kind: (k.count, k.volume, k.amount_fen) for k in data.kinds}
    for kind in (
        TransactionKind.PURCHASE,
        TransactionKind.REFUND,
        TransactionKind.SUPPLEMENT,
        TransactionKind.CARD_REPLACEMENT,
        TransactionKind.OPENING,
        TransactionKind.TRANSFER,
        TransactionKind.CLOSING,
        TransactionKind.VOID,
    ):
        assert by_kind[kind] == money_sums([d for d in today if d.kind == kind])[:3], kind
    assert {(t.tier, t.price_fen): (t.volume, t.amount_fen) for t in data.tiers} == tier_sums(today)
    assert (data.first_receipt, data.last_receipt) == (today[0].receipt_no, today[-1].receipt_no)

    document = daily_report(data)
    path = tmp_path / "daily.pdf"
    text = pdf_text(document, path)
    flat = squeezed(text)
    for heading in (
        "营业厅日报",
        "营业日期：2026-03-02",
        "一、按营业员汇总",
        "二、按柜台汇总",
        "三、按业务类型汇总",
        "四、按收款方式汇总",
        "五、按阶梯汇总",
        "六、总计",
    ):
        assert heading in flat, heading
    check_page_numbers(text)
    for name, sums in {**by_clerk, **by_counter}.items():
        n, v, a, r, p = sums
        row = f"{name}{n}{format_volume(v)}{format_money(r)}{format_money(p)}{format_money(a)}"
        assert row in flat, row
    assert (
        f"合计{count}{format_volume(volume)}{format_money(received)}{format_money(paid)}{format_money(amount)}"
        in flat
    )
    assert f"净收入：{format_money(amount)}元" in flat
    assert f"起始票据号{today[0].receipt_no}，截止票据号{today[-1].receipt_no}，共{count}张" in flat
    assert done[-1].receipt_no not in flat  # the next day's sale
    check_fonts_embedded(path)
    render_first_page(path, f"daily-{backend}")
    again = daily_report_data(hall.ctx, hall.actor("zhaomin"), day, hall.hall_id)
    assert daily_report(again) == document


# -- opening form ----------------------------------------------------------------------------------


def test_opening_form_shows_the_account_masked_ids_tariff_and_contract(hall, backend, tmp_path):
    hall.clock.set(2026, 3, 2, 10, 30)
    customer = customer_input("张秀英", household=6, phone="13912345678")
    proxy_id = make_resident_id("110101", dt.date(1990, 3, 7), 447)
    opened = open_account(
        hall.ctx,
        hall.clerk,
        OpenAccountRequest(
            request_id=rid(),
            customer=customer,
            meter_no="18A0042731",
            card_serial="SLE0000001",
            contract=ContractInput(
                "HT-2026-00817", dt.date(2026, 3, 2), "刘小洋", proxy_id, "儿子"
            ),
            meter_model="G2.5",
        ),
    )

    data = opening_form_data(hall.ctx, opened.account_no)

    assert (data.account_no, data.receipt_no, data.clerk_name) == (
        opened.account_no,
        opened.receipt_no,
        "李娜",
    )
    assert (data.customer_name, data.customer_kind, data.residential) == ("张秀英", "民用户", True)
    assert (data.id_type, data.id_number, data.phone) == (
        "居民身份证",
        customer.id_number,
        "13912345678",
    )
    assert (data.meter_no, data.meter_model, data.card_serial) == (
        "18A0042731",
        "G2.5",
        "SLE0000001",
    )
    assert (data.contract_no, data.contract_signed_on) == ("HT-2026-00817", dt.date(2026, 3, 2))
    assert (data.proxy_name, data.proxy_relation) == ("刘小洋", "儿子")
    # 6 people: 2 above the threshold of 4, 50 m³ more per person at each breakpoint
    assert [(t.lower, t.upper, t.price_fen) for t in data.tiers] == [
        (0, m3(450), 261),
        (m3(450), m3(600), 283),
        (m3(600), None, 423),
    ]

    document = account_opening_form(data)
    path = tmp_path / "opening.pdf"
    text = pdf_text(document, path)
    flat = squeezed(text)
    masked_id = mask_id(customer.id_number)
    assert masked_id == customer.id_number[:3] + "*" * 11 + customer.id_number[-4:]
    assert mask_phone("13912345678") == "139****5678"
    for expected in (
        "燃气开户申请表",
        f"户号：{opened.account_no}",
        f"受理单号：{opened.receipt_no}",
        "一、用户信息",
        "用户名称张秀英",
        "用户类型民用户",
        "证件类型居民身份证",
        f"证件号码{masked_id}",
        "联系电话139****5678",
        "家庭人口6人",
        f"用气地址{customer.address}",
        "燃气表号18A0042731",
        "IC卡号SLE0000001",
        "合同编号HT-2026-00817",
        "签订日期2026-03-02",
        f"刘小洋（与户主关系：儿子）证件号码：{mask_id(proxy_id)}",
        "四、执行气价：居民阶梯气价",
        "第一阶梯0–4502.61",
        "第二阶梯450–6002.83",
        "第三阶梯600以上4.23",
        "客户签字：",
        "经办人（李娜）：",
        "日期：",
        "《居民用户供用气合同》摘要",
        "安全用气",
        "预付费购气",
        "阶梯气价",
        "表具保护",
        "过户与销户",
    ):
        assert expected in flat, expected
    for secret in (customer.id_number, proxy_id, "13912345678"):
        assert secret not in flat
    check_fonts_embedded(path)
    render_first_page(path, f"opening-{backend}")
    assert account_opening_form(opening_form_data(hall.ctx, opened.account_no)) == document


def test_commercial_opening_form_uses_the_flat_rate_and_its_contract(hall, tmp_path):
    opened = open_customer(hall, name="城东饭店", kind="commercial")
    data = opening_form_data(hall.ctx, opened.account_no)
    assert (data.customer_kind, data.residential, data.id_type) == (
        "工商业户",
        False,
        "统一社会信用代码",
    )
    assert [(t.tier, t.upper, t.price_fen) for t in data.tiers] == [(1, None, 335)]
    flat = squeezed(pdf_text(account_opening_form(data), tmp_path / "commercial.pdf"))
    assert "四、执行气价：工商业气价" in flat
    assert "第一阶梯不限3.35" in flat
    assert "《非居民用户供用气合同》摘要" in flat


# -- font ------------------------------------------------------------------------------------------


def test_missing_font_is_a_chinese_error_naming_the_fix(monkeypatch, tmp_path):
    (tmp_path / "postscript.ttf").write_bytes(b"OTTO" + bytes(200))  # CFF outlines: unusable
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", (tmp_path / "absent.ttc",))
    with pytest.raises(MissingFont) as error:
        find_cjk_font()
    message = error.value.user_message
    assert "中文字体" in message and "resources/fonts" in message
    assert "fonts-wqy-zenhei" in message
    assert error.value.code == "missing_font"
    with pytest.raises(MissingFont):
        zreport(synthetic_zreport(3))


def test_a_font_in_resources_fonts_comes_first(monkeypatch, tmp_path):
    system = find_cjk_font()
    bundled = tmp_path / "bundled.ttc" if system.suffix == ".ttc" else tmp_path / "bundled.ttf"
    bundled.symlink_to(system)
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    assert find_cjk_font() == bundled
    document = zreport(synthetic_zreport(5))
    assert document.startswith(b"%PDF-")


def test_training_mode_marks_every_page(hall, backend, tmp_path):
    account = open_customer(hall, name="陈静")
    buy(hall, account.card_serial, volume=m3(20))
    training = replace(hall.ctx, training=True)
    leader = hall.actor("zhoujie")
    data = zreport_data(training, leader, hall.shifts["lina"])
    assert data.mode is HallMode.TRAINING
    assert zreport_data(hall.ctx, leader, hall.shifts["lina"]).mode is HallMode.LIVE
    big = replace(synthetic_zreport(300), mode=HallMode.TRAINING)
    for name, document in (
        ("zreport", zreport(data)),
        ("zreport-300", zreport(big)),
        ("opening", account_opening_form(opening_form_data(training, account.account_no))),
        (
            "daily",
            daily_report(daily_report_data(training, leader, dt.date(2026, 3, 2), hall.hall_id)),
        ),
    ):
        path = tmp_path / f"{name}.pdf"
        text = pdf_text(document, path)
        assert "（培训 · 无效）" in text.split("\f")[0], name  # under the title
        pages = text.split("\f")[:-1]
        for page in pages:  # the footer of every page
            assert "培训 · 无效 · " in page, name
        assert re.search(r"^Title:.*（培训 · 无效）$", run(poppler("pdfinfo"), path), re.M)
        check_fonts_embedded(path)
    render_first_page(tmp_path / "zreport.pdf", f"zreport-training-{backend}")


def test_kind_labels_cover_every_kind_the_services_record():
    assert set(TransactionKind) == {
        TransactionKind.PURCHASE,
        TransactionKind.REFUND,
        TransactionKind.SUPPLEMENT,
        TransactionKind.CARD_REPLACEMENT,
        TransactionKind.OPENING,
        TransactionKind.TRANSFER,
        TransactionKind.CLOSING,
        TransactionKind.VOID,
        TransactionKind.METER_REPLACEMENT,
        TransactionKind.OVERDRAWN,
        TransactionKind.CARRY_OVER,
        TransactionKind.REVERSAL,
    }
