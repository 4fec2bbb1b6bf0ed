"""Cash-side layouts built from hand-made data (no database): the shift's Z-report and the daily
and monthly reports as PDF, the Z-report and the hand-over slip on the receipt printer, the
daily and monthly reports as CSV and XLSX.

The shift used throughout: float 500.00; cash sales 5,522.00 (purchases 5,502.00 and a card fee
of 20.00) and one WeChat sale of 300.00; a cash refund of 130.50; 4,500.00 handed to 赵敏 on slip
JK02-2026-00001; the blind count finds 1,381.50 where 1,391.50 was expected: short 10.00, signed
by 周杰 (班长).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from app.devices.escpos.emulator import EscposEmulator
from app.devices.escpos.paper import Text
from app.devices.printer import PROFILES, compose
from app.documents import export
from app.documents.data import (
    Approver,
    CashSummary,
    DailyReportData,
    DayLine,
    DenominationLine,
    DetailRow,
    GroupTotal,
    GuardedRow,
    HandoverLine,
    HandoverSlipData,
    HeldLine,
    KindTotal,
    MethodCount,
    MonthlyReportData,
    OverShortLine,
    PaymentTotal,
    ShiftLine,
    TierTotal,
    Totals,
    ZReportData,
)
from app.documents.hall_reports import daily_report, monthly_report
from app.documents.layout import chinese_number
from app.documents.receipts import (
    Receipt,
    amount_in_words,
    display_width,
    handover_slip,
    pair_lines,
    wrap,
    zreport_receipt,
)
from app.documents.zreport import zreport
from app.domain.money import format_money, yuan
from app.vocabulary import HallMode, TransactionKind
from tests.test_documents import check_fonts_embedded, check_page_numbers, pdf_text, squeezed

SHANGHAI = ZoneInfo("Asia/Shanghai")
HALL = "城东燃气客户服务中心"
OPENED = dt.datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
CLOSED = dt.datetime(2026, 3, 2, 17, 30, tzinfo=SHANGHAI)
SLIP = "JK02-2026-00001"
EXPLANATION = "找零时多付给顾客10元，已调阅监控确认"


def at(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hour, minute, second, tzinfo=SHANGHAI)


# -- the shift ------------------------------------------------------------------------------------

# 2,114.56 m³ at 2.61 (5,519.00) and 100 m³ at 2.83 (283.00): 5,802.00 of purchases, 300.00 of
# them by WeChat; a refund of 50 m³ at 2.61 (-130.50); a supplement of 15 m³; a card fee.
KINDS = (
    KindTotal("purchase", 13, 221456, yuan("5802.00")),
    KindTotal("refund", 1, -5000, -yuan("130.50")),
    KindTotal("supplement", 1, 1500, 0),
    KindTotal("card_replacement", 1, 0, yuan("20.00")),
    KindTotal("opening", 1, 0, 0),
    KindTotal("transfer", 0, 0, 0),
    KindTotal("closing", 0, 0, 0),
    KindTotal("void", 0, 0, 0),
)
TOTAL = Totals(17, 217956, yuan("5691.50"), yuan("5822.00"), -yuan("130.50"))
PAYMENTS = (
    PaymentTotal("现金", 14, yuan("5522.00"), -yuan("130.50")),
    PaymentTotal("银行卡", 0, 0, 0),
    PaymentTotal("微信", 1, yuan("300.00"), 0),
    PaymentTotal("支付宝", 0, 0, 0),
)
TIERS = (
    TierTotal(1, 261, 206456, yuan("5388.50")),
    TierTotal(2, 283, 10000, yuan("283.00")),
)
DENOMINATIONS = (
    DenominationLine("100元", 13, yuan("1300")),
    DenominationLine("50元", 1, yuan("50")),
    DenominationLine("20元", 1, yuan("20")),
    DenominationLine("10元", 1, yuan("10")),
    DenominationLine("1元", 1, yuan("1")),
    DenominationLine("5角", 1, yuan("0.50")),
)
CASH = CashSummary(
    float_fen=yuan("500.00"),
    cash_in_fen=0,
    cash_out_fen=0,
    cash_received_fen=yuan("5522.00"),
    cash_paid_fen=-yuan("130.50"),
    handed_over_fen=-yuan("4500.00"),
    over_short_fen=-yuan("10.00"),
    to_safe_fen=-yuan("1381.50"),
    expected_fen=yuan("1391.50"),
    counted_fen=yuan("1381.50"),
    denominations=DENOMINATIONS,
)
METHODS = (
    MethodCount("现金", yuan("1391.50"), yuan("1381.50")),
    MethodCount("银行卡", 0, 0),
    MethodCount("微信", yuan("300.00"), yuan("300.00")),
    MethodCount("支付宝", 0, 0),
)
HANDOVER = HandoverLine(SLIP, at(14, 30), "李娜", "赵敏", "钱箱", yuan("4500.00"))
SHORT = OverShortLine("李娜", "2号柜台", "现金", -yuan("10.00"), EXPLANATION, "周杰", "班长")


def details() -> list[DetailRow]:
    rows = [DetailRow("02-2026-000101", at(8, 5), "opening", "0200012345", 0, 0)]
    for n in range(12):  # cash purchases: 11 of 450.00 and one of 552.00, then WeChat 300.00
        amount = yuan("552.00") if n == 11 else yuan("450.00")
        rows.append(
            DetailRow(
                f"02-2026-{102 + n:06d}",
                at(9 + n // 2, 10 * (n % 2)),
                "purchase",
                f"02000123{n:02d}",
                17000,
                amount,
            )
        )
    rows.append(
        DetailRow("02-2026-000114", at(15, 0), "purchase", "0200019999", 11494, yuan("300.00"))
    )
    rows.append(
        DetailRow("02-2026-000115", at(15, 10), "refund", "0200012300", -5000, -yuan("130.50"))
    )
    rows.append(DetailRow("02-2026-000116", at(15, 20), "supplement", "0200012301", 1500, 0))
    rows.append(
        DetailRow("02-2026-000117", at(15, 30), "card_replacement", "0200012302", 0, yuan("20.00"))
    )
    return rows


def shift(**changes) -> ZReportData:
    data = ZReportData(
        hall_name=HALL,
        counter_name="2号柜台",
        clerk_name="李娜",
        start=OPENED,
        end=CLOSED,
        printed_at=CLOSED,
        kinds=KINDS,
        payments=PAYMENTS,
        tiers=TIERS,
        guarded=(
            GuardedRow(
                "02-2026-000115",
                at(15, 10),
                "refund",
                "0200012300",
                -5000,
                -yuan("130.50"),
                "客户退气",
                (Approver("王建国", "系统管理员"),),
            ),
            GuardedRow(
                "02-2026-000116",
                at(15, 20),
                "supplement",
                "0200012301",
                1500,
                0,
                "表具故障补气",
                (Approver("周杰", "班长"),),
            ),
        ),
        total=TOTAL,
        first_receipt="02-2026-000101",
        last_receipt="02-2026-000117",
        details=details(),
        shift_id=42,
        closed=True,
        cash=CASH,
        methods=METHODS,
        handovers=(HANDOVER,),
        over_short=(SHORT,),
        grand_total_fen=yuan("1234567.89"),
        counts_taken=1,
    )
    return replace(data, **changes)


def empty_shift(**changes) -> ZReportData:
    """A shift just opened: nothing sold, nothing counted, no id yet."""
    return shift(
        kinds=(),
        payments=(),
        tiers=(),
        guarded=(),
        total=Totals(0, 0, 0, 0, 0),
        first_receipt=None,
        last_receipt=None,
        details=[],
        shift_id=None,
        closed=False,
        cash=None,
        methods=(),
        handovers=(),
        over_short=(),
        grand_total_fen=0,
        counts_taken=0,
        **changes,
    )


# -- the day and the month ------------------------------------------------------------------------

WANG_SALES = GroupTotal("王芳", 4, 30000, yuan("783.00"), yuan("783.00"), 0)
DAY_TOTAL = Totals(21, 247956, yuan("6474.50"), yuan("6605.00"), -yuan("130.50"))
OLD_HANDOVER = HandoverLine(
    "JK02-2026-00002", at(16, 45), "王芳", "赵敏", "保险柜", yuan("3200.00")
)
HELD = (
    HeldLine(dt.date(2026, 2, 25), yuan("520.00"), 3, True),
    HeldLine(dt.date(2026, 3, 2), yuan("1381.50"), 0, False),
)


def day(**changes) -> DailyReportData:
    data = DailyReportData(
        hall_name=HALL,
        business_date=dt.date(2026, 3, 2),
        printed_at=at(18, 0),
        clerks=(
            GroupTotal("李娜", 17, 217956, yuan("5691.50"), yuan("5822.00"), -yuan("130.50")),
            WANG_SALES,
        ),
        counters=(
            GroupTotal("2号柜台", 17, 217956, yuan("5691.50"), yuan("5822.00"), -yuan("130.50")),
            replace(WANG_SALES, name="3号柜台"),
        ),
        kinds=(replace(KINDS[0], count=17, volume=251456, amount_fen=yuan("6585.00")), *KINDS[1:]),
        payments=(replace(PAYMENTS[0], count=18, received_fen=yuan("6305.00")), *PAYMENTS[1:]),
        tiers=(replace(TIERS[0], volume=236456, amount_fen=yuan("6171.50")), TIERS[1]),
        total=DAY_TOTAL,
        first_receipt="02-2026-000101",
        last_receipt="02-2026-000121",
        shifts=(
            ShiftLine("李娜", "2号柜台", OPENED, CLOSED, 0),
            ShiftLine("王芳", "3号柜台", at(9, 0), None, yuan("1283.00")),
        ),
        handovers=(HANDOVER, OLD_HANDOVER),
        over_short=(SHORT,),
        drawer_cash_fen=yuan("1283.00"),
        safe_cash_fen=yuan("1901.50"),
        held=HELD,
    )
    return replace(data, **changes)


DAYS = (
    DayLine(
        dt.date(2026, 3, 2),
        21,
        247956,
        yuan("6474.50"),
        yuan("6174.50"),
        yuan("300.00"),
        yuan("7700.00"),
        -yuan("10.00"),
    ),
    DayLine(dt.date(2026, 3, 3), 9, 60000, yuan("1566.00"), yuan("1266.00"), yuan("300.00"), 0, 0),
    DayLine(
        dt.date(2026, 3, 4),
        5,
        25000,
        yuan("652.50"),
        yuan("652.50"),
        0,
        yuan("1901.50"),
        yuan("0.50"),
    ),
)


def month(**changes) -> MonthlyReportData:
    over = replace(
        SHORT,
        clerk_name="王芳",
        counter_name="3号柜台",
        amount_fen=50,
        explanation="硬币点错",
        signed_by="周杰",
    )
    data = MonthlyReportData(
        hall_name=HALL,
        year=2026,
        month=3,
        printed_at=dt.datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI),
        days=DAYS,
        clerks=(
            GroupTotal("李娜", 26, 277956, yuan("7257.50"), yuan("7388.00"), -yuan("130.50")),
            GroupTotal("王芳", 9, 55000, yuan("1435.50"), yuan("1435.50"), 0),
        ),
        counters=(
            GroupTotal("2号柜台", 26, 277956, yuan("7257.50"), yuan("7388.00"), -yuan("130.50")),
            GroupTotal("3号柜台", 9, 55000, yuan("1435.50"), yuan("1435.50"), 0),
        ),
        kinds=(replace(KINDS[0], count=31, volume=336456, amount_fen=yuan("8803.50")), *KINDS[1:]),
        payments=(
            PaymentTotal("现金", 33, yuan("8223.50"), -yuan("130.50")),
            PaymentTotal("银行卡", 0, 0, 0),
            PaymentTotal("微信", 2, yuan("600.00"), 0),
            PaymentTotal("支付宝", 0, 0, 0),
        ),
        tiers=(TierTotal(1, 261, 321456, yuan("8410.00")), TIERS[1]),
        total=Totals(35, 332956, yuan("8693.00"), yuan("8823.50"), -yuan("130.50")),
        handed_over_fen=yuan("9601.50"),
        over_short=(SHORT, over),
    )
    return replace(data, **changes)


# -- PDF: Z-report ----------------------------------------------------------------------------------


def test_zreport_prints_the_shift_its_drawer_count_handover_and_shortage(tmp_path):
    path = tmp_path / "zreport.pdf"
    text = pdf_text(zreport(shift()), path)
    flat = squeezed(text)
    headings = [
        "班次信息",
        "按业务类型汇总",
        "按收款方式汇总",
        "按阶梯汇总（已扣除退气、作废）",
        "退气、补气及审批明细",
        "钱箱现金",
        "现金盘点（按面额）",
        "各付款方式核对（应收、实点、差额）",
        "交款明细",
        "长短款",
        "票据号段",
        "总计",
        "交易明细",
    ]
    for number, heading in enumerate(headings, start=1):
        assert f"{chinese_number(number)}、{heading}" in flat, heading
    for expected in (
        HALL,
        "营业员交班报表（Z报表）",
        "柜台：2号柜台",
        "营业员：李娜",
        "班次号：42",
        "统计时段：2026-03-0208:00:00至2026-03-0217:30:00",
        "开班时间2026-03-0208:00:00",
        "交班时间2026-03-0217:30:00",
        "状态已交班",
        # by kind and by payment method
        "购气132214.565802.00",
        "退气1-50-130.50",
        "合计172179.565691.50",
        "现金145522.00-130.505391.50",
        "微信1300.000.00300.00",
        "银行卡00.000.000.00",
        "合计155822.00-130.505691.50",
        "第一阶梯2.612064.565388.50",
        "王建国（系统管理员）",
        "周杰（班长）",
        # the drawer
        "备用金500.00",
        "现金收款5522.00",
        "现金退款-130.50",
        "交款-4500.00",
        "长短款-10.00",
        "存入保险柜-1381.50",
        "应有现金1391.50",
        "实点现金1381.50",
        "盘点差额-10.00",
        "100元131300.00",
        "5角10.50",
        "合计1381.50",
        # expected against counted
        "现金1391.501381.50-10.00",
        "微信300.00300.000.00",
        "合计1691.501681.50-10.00",
        # hand-over and shortage
        f"{SLIP}2026-03-0214:30:00钱箱李娜赵敏4500.00",
        "1李娜2号柜台现金短款-10.00周杰（班长）",
        f"（1）说明：{EXPLANATION}",
        # totals
        "起始票据号02-2026-000101，截止票据号02-2026-000117，共17张",
        "收入合计：5822.00元",
        "支出合计：-130.50元",
        "净收入：5691.50元",
        "累计总额：1234567.89元",
        "盘点次数：1次",
        "营业员签字",
        "班长复核",
        # details
        "1702-2026-00011703-0215:30:00补卡",
    ):
        assert expected in flat, expected
    assert "临时报表" not in flat and "培训" not in flat
    check_page_numbers(text)
    check_fonts_embedded(path)


def test_zreport_is_the_same_every_time_it_is_printed(tmp_path):
    first = zreport(shift())
    again = zreport(shift())
    assert first == again
    assert pdf_text(first, tmp_path / "a.pdf") == pdf_text(again, tmp_path / "b.pdf")
    assert zreport(empty_shift()) == zreport(empty_shift())


def test_an_open_shift_prints_as_an_interim_report_on_every_page(tmp_path):
    text = pdf_text(zreport(shift(closed=False)), tmp_path / "interim.pdf")
    pages = text.split("\f")[:-1]
    assert "【未交班 · 临时报表】" in pages[0]
    for page in pages:
        assert "未交班 · 临时报表 · 营业员交班报表" in page
    flat = squeezed(text)
    assert "状态未交班（临时报表）" in flat and "交班时间—（未交班）" in flat


def test_a_shift_with_nothing_recorded_prints_dashes_and_empty_tables(tmp_path):
    text = pdf_text(zreport(empty_shift(mode=HallMode.TRAINING)), tmp_path / "empty.pdf")
    flat = squeezed(text)
    for expected in (
        "班次号：—",
        "钱箱现金项目金额（元）说明（无钱箱记录）",
        "现金盘点（按面额）面额张数金额（元）（未盘点）",
        "付款方式应收（元）实点（元）差额（元）（未盘点）",
        "（无交款）",
        "（无长短款）",
        "票据号段无票据",
        "累计总额：0.00元",
        "盘点次数：0次",
        "（培训·无效）",
    ):
        assert expected in flat, expected
    # counted not yet: the expected and counted cash print as dashes
    counted_later = replace(CASH, expected_fen=None, counted_fen=None, denominations=())
    flat = squeezed(pdf_text(zreport(shift(cash=counted_later)), tmp_path / "uncounted.pdf"))
    assert "应有现金—" in flat and "实点现金—" in flat and "盘点差额—" in flat


# -- PDF: daily and monthly -------------------------------------------------------------------------


def test_daily_report_shows_shifts_handovers_cash_on_hand_and_overdue_takings(tmp_path):
    path = tmp_path / "daily.pdf"
    text = pdf_text(daily_report(day()), path)
    flat = squeezed(text)
    headings = (
        "按营业员汇总",
        "按柜台汇总",
        "按业务类型汇总",
        "按收款方式汇总",
        "按阶梯汇总（已扣除退气、作废）",
        "总计",
        "班次",
        "交款",
        "长短款",
        "库存现金",
        "未交财务的收入",
    )
    for number, heading in enumerate(headings, start=1):
        assert f"{chinese_number(number)}、{heading}" in flat, heading
    for expected in (
        "营业日期：2026-03-02",
        "李娜172179.565822.00-130.505691.50",
        "王芳4300783.000.00783.00",
        "合计212479.566605.00-130.506474.50",
        "净收入：6474.50元",
        "李娜2号柜台2026-03-0208:00:002026-03-0217:30:00已交班王芳",
        "王芳3号柜台2026-03-0209:00:00未交班1283.00",
        f"{SLIP}2026-03-0214:30:00钱箱李娜赵敏4500.00",
        "JK02-2026-000022026-03-0216:45:00保险柜王芳赵敏3200.00",
        "合计7700.00",
        "短款-10.00周杰（班长）",
        "钱箱现金（未交班）：1283.00元",
        "保险柜现金：1901.50元",
        "合计：3184.50元",
        "2026-02-25520.003超过两个工作日，须立即上交",
        "2026-03-021381.500待交财务",
        "合计1901.50",
        "注意：2026-02-25的收入超过两个工作日，须立即上交。",
        "营业厅负责人",
    ):
        assert expected in flat, expected
    check_page_numbers(text)
    check_fonts_embedded(path)
    assert daily_report(day()) == daily_report(day())


def test_daily_report_without_cash_records_prints_empty_tables(tmp_path):
    quiet = day(shifts=(), handovers=(), over_short=(), held=(), drawer_cash_fen=0, safe_cash_fen=0)
    flat = squeezed(pdf_text(daily_report(quiet), tmp_path / "quiet.pdf"))
    for expected in (
        "（无班次）",
        "（无交款）",
        "（无长短款）",
        "（无：各营业日收入均已交财务）",
        "合计：0.00元",
    ):
        assert expected in flat, expected
    assert "须立即上交" not in flat


def test_monthly_report_lists_the_days_and_the_months_totals(tmp_path):
    path = tmp_path / "monthly.pdf"
    text = pdf_text(monthly_report(month()), path)
    flat = squeezed(text)
    headings = (
        "按日汇总",
        "按营业员汇总",
        "按柜台汇总",
        "按业务类型汇总",
        "按收款方式汇总",
        "按阶梯汇总（已扣除退气、作废）",
        "交款与长短款",
        "总计",
    )
    for number, heading in enumerate(headings, start=1):
        assert f"{chinese_number(number)}、{heading}" in flat, heading
    for expected in (
        "营业厅月报2026年03月",
        "统计月份：2026年03月",
        "2026-03-02212479.566474.506174.50300.007700.00-10.00",
        "2026-03-045250652.50652.500.001901.500.50",
        "合计353329.568693.008093.00600.009601.50-9.50",
        "李娜262779.567388.00-130.507257.50",
        "微信2600.000.00600.00",
        "交款合计：9601.50元",
        "长短款合计：-9.50元",
        "王芳3号柜台现金长款0.50周杰（班长）",
        "（2）说明：硬币点错",
        "净收入：8693.00元",
    ):
        assert expected in flat, expected
    check_page_numbers(text)
    check_fonts_embedded(path)
    empty = month(days=(), clerks=(), counters=(), kinds=(), payments=(), tiers=(), over_short=())
    flat = squeezed(pdf_text(monthly_report(empty), tmp_path / "empty-month.pdf"))
    assert "（本月无营业日）" in flat and "（无长短款）" in flat
    assert monthly_report(month()) == monthly_report(month())


def test_chinese_section_numbers():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 13, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "十三",
        "二十",
        "二十一",
        "九十九",
    ]


# -- receipts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (50, "伍角整"),
        (1000, "壹拾元整"),
        (505, "伍元零伍分"),
        (1005, "壹拾元零伍分"),
        (1050, "壹拾元零伍角整"),
        (100110, "壹仟零壹元壹角整"),
        (100000, "壹仟元整"),
        (450000, "肆仟伍佰元整"),
        (552235, "伍仟伍佰贰拾贰元叁角伍分"),
        (10000000, "壹拾万元整"),
        (10050000, "壹拾万零伍佰元整"),
        (100001000, "壹佰万零壹拾元整"),
        (10000000000, "壹亿元整"),
        (10001000000, "壹亿零壹万元整"),
        (168032, "壹仟陆佰捌拾元零叁角贰分"),
        (123456789012, "壹拾贰亿叁仟肆佰伍拾陆万柒仟捌佰玖拾元零壹角贰分"),
        (-13050, "负壹佰叁拾元零伍角整"),
    ],
)
def test_amount_in_words(fen, words):
    assert amount_in_words(fen) == words


def test_amount_in_words_takes_whole_fen_only():
    with pytest.raises(TypeError):
        amount_in_words(4500.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        amount_in_words(True)  # type: ignore[arg-type]
    assert amount_in_words(10**18 - 1).startswith("玖仟玖佰玖拾玖万亿")
    with pytest.raises(ValueError):
        amount_in_words(10**18)  # ten thousand trillion yuan: no unit for it


def columns(line) -> int:
    """Columns a line takes on paper: display width, doubled for a big line."""
    return display_width(line.text) * (2 if line.big else 1)


def printed_columns(line) -> int:
    """Columns in the printer's Chinese mode: every GBK double-byte character takes two."""
    return len(line.text.encode("gbk")) * (2 if line.big else 1)


def check_fits(receipt: Receipt, width: int) -> str:
    """Every line fits the paper; returns the receipt's text."""
    for line in receipt.lines:
        assert columns(line) <= width, (width, line.text)
        assert printed_columns(line) <= width, (width, line.text)
    return "\n".join(line.text for line in receipt.lines)


def printed(receipt: Receipt, paper_mm: int) -> list[str]:
    """The receipt through the ESC/POS adapter into the emulator: its text lines."""
    profile = PROFILES["通用80mm中文" if paper_mm == 80 else "通用58mm中文"]
    emulator = EscposEmulator(width_dots=profile.width_dots)
    emulator.feed(compose(receipt, profile))
    assert not emulator.unknown
    lines = [e.line.rstrip() for e in emulator.elements if isinstance(e, Text)]
    while lines and not lines[-1]:  # the feed before the cut
        lines.pop()
    return lines


@pytest.mark.parametrize("width", [32, 48])
def test_zreport_receipt_fits_the_paper_and_carries_the_figures(width):
    receipt = zreport_receipt(shift(), width)
    text = check_fits(receipt, width)
    lines = text.splitlines()
    assert lines[0].strip() == HALL and "营业员交班报表" in lines[1]
    for expected in (
        "班次号",
        "42",
        "2026-03-02 08:00:00",
        "2026-03-02 17:30:00",
        "5802.00",
        "-130.50",
        "5691.50",
        "5522.00",
        "300.00",
        "1391.50",
        "1381.50",
        "-10.00",
        SLIP,
        "收款人 赵敏",
        "现金短款",
        EXPLANATION[:8],
        "周杰（班长）",
        "02-2026-000101",
        "02-2026-000117",
        "1234567.89",
        "营业员签字：",
        "班长签字：",
    ):
        assert expected in text, expected
    assert "培训" not in text and "临时报表" not in text
    assert any(line.startswith("购气") and line.endswith("5802.00") for line in lines)
    assert any(
        line.startswith("现金") and "5522.00" in line and "-130.50" in line for line in lines
    )
    assert any(line.startswith("备用金") and line.endswith("500.00") for line in lines)
    assert any(line.startswith("应有现金") and line.endswith("1391.50") for line in lines)
    assert "过户" not in text  # kinds without transactions are left out on paper
    assert receipt.qr.startswith("Z|42|2026-03-02 17:30:00|5691.50|")
    assert not receipt.open_drawer
    assert printed(receipt, 80 if width == 48 else 58) == [
        line.text.rstrip() for line in receipt.lines
    ]


@pytest.mark.parametrize("width", [32, 48])
def test_training_and_interim_z_receipts_are_marked_and_empty_ones_fit(width):
    text = check_fits(zreport_receipt(shift(mode=HallMode.TRAINING, closed=False), width), width)
    assert "培训 · 无效" in text and "未交班 临时报表" in text
    text = check_fits(zreport_receipt(empty_shift(), width), width)
    for expected in ("无钱箱记录", "未盘点", "无长短款", "起始票据号", "未交班"):
        assert expected in text, expected


@pytest.mark.parametrize("width", [32, 48])
def test_long_names_and_large_figures_wrap_instead_of_overflowing(width):
    big = 98765432101
    data = shift(
        hall_name="某某市城东燃气有限责任公司第一客户服务中心（人民路营业厅）",
        counter_name="人民路营业厅综合业务2号柜台",
        payments=(PaymentTotal("支付宝", 123456, big, -big),),
        methods=(MethodCount("银行卡", big, -big),),
        handovers=(replace(HANDOVER, receiver_name="欧阳娜娜娜娜娜娜娜娜", amount_fen=big),),
        over_short=(replace(SHORT, explanation=EXPLANATION * 4, signed_by="", signed_role=""),),
        grand_total_fen=big * 100,
    )
    text = check_fits(zreport_receipt(data, width), width)
    assert format_money(big) in text and format_money(-big) in text
    assert f"说明：{EXPLANATION * 4}" in text.replace("\n", "")
    slip = HandoverSlipData(
        data.hall_name,
        data.counter_name,
        SLIP,
        at(14, 30),
        "李娜",
        "赵敏",
        "钱箱",
        big,
        (),
        "x" * 100,
    )
    text = check_fits(handover_slip(slip, width), width)
    assert f"大写：人民币{amount_in_words(big)}" in text.replace("\n", "")


def slip(**changes) -> HandoverSlipData:
    data = HandoverSlipData(
        hall_name=HALL,
        counter_name="2号柜台",
        slip_no=SLIP,
        handed_at=at(14, 30),
        clerk_name="李娜",
        receiver_name="赵敏",
        source="钱箱",
        amount_fen=yuan("4500.00"),
        denominations=(
            DenominationLine("100元", 40, yuan("4000")),
            DenominationLine("50元", 10, yuan("500")),
        ),
        note="午间交款",
    )
    return replace(data, **changes)


@pytest.mark.parametrize("width", [32, 48])
def test_handover_slip_shows_the_amount_in_figures_and_in_capitals(width):
    receipt = handover_slip(slip(), width)
    text = check_fits(receipt, width)
    lines = text.splitlines()
    assert "交款单" in lines[1]
    for label, value in (
        ("交款单号", SLIP),
        ("时间", "2026-03-02 14:30:00"),
        ("柜台", "2号柜台"),
        ("交款人", "李娜"),
        ("收款人(财务)", "赵敏"),
        ("款项来源", "钱箱"),
        ("金额(元)", "4500.00"),
    ):
        assert any(line.startswith(label) and line.endswith(value) for line in lines), label
    assert "大写：人民币肆仟伍佰元整" in lines
    assert any(
        line.startswith("100元") and "40" in line and line.endswith("4000.00") for line in lines
    )
    assert any(line.startswith("合计") and line.endswith("4500.00") for line in lines)
    assert "备注：午间交款" in lines
    assert any(line.startswith("交款人签字：") for line in lines)
    assert any(line.startswith("收款人签字：") for line in lines)
    assert "培训" not in text
    assert receipt.qr.startswith(f"{SLIP}|2026-03-02|4500.00|")
    assert receipt.meta == {"kind": "handover", "slip_no": SLIP}
    assert printed(receipt, 80 if width == 48 else 58) == [
        line.text.rstrip() for line in receipt.lines
    ]

    training = check_fits(
        handover_slip(slip(mode=HallMode.TRAINING, note=None, denominations=()), width), width
    )
    assert "培训 · 无效" in training and "备注" not in training and "面额" not in training


def test_wrap_and_pair_lines_keep_to_the_width():
    assert wrap("", 10) == [""]
    assert wrap("交款单号JK02", 6) == ["交款单", "号JK02"]
    assert pair_lines("交款人", "李娜", 16) == ["交款人      李娜"]
    assert pair_lines("收款人(财务)", "欧阳娜娜娜娜", 16) == ["收款人(财务)", "    欧阳娜娜娜娜"]


# -- CSV and XLSX -----------------------------------------------------------------------------------


def csv_blocks(document: bytes) -> dict[str, list[list[str]]]:
    """The CSV's sections by name: header row and rows."""
    assert document.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(document.decode("utf-8-sig"))))
    blocks: dict[str, list[list[str]]] = {}
    current = None
    for row in rows[1:]:
        if not row:
            current = None
        elif current is None:
            current = blocks.setdefault(row[0].strip("【】"), [])
        else:
            current.append(row)
    return blocks


def test_daily_report_csv_has_every_section_in_utf8_with_bom():
    document = export.daily_report_csv(day())
    assert document.decode("utf-8-sig").splitlines()[0] == f"营业厅日报,{HALL},2026-03-02"
    blocks = csv_blocks(document)
    assert list(blocks) == [
        "日报",
        "按营业员汇总",
        "按柜台汇总",
        "按业务类型汇总",
        "按收款方式汇总",
        "按阶梯汇总",
        "班次",
        "交款",
        "长短款",
        "未交财务的收入",
    ]
    assert ["净收入（元）", "6474.50"] in blocks["日报"]
    assert ["保险柜现金（元）", "1901.50"] in blocks["日报"]
    assert blocks["按营业员汇总"][1] == ["李娜", "17", "2179.56", "5822.00", "-130.50", "5691.50"]
    assert blocks["交款"][1] == [SLIP, "2026-03-02 14:30:00", "钱箱", "李娜", "赵敏", "4500.00"]
    assert blocks["交款"][-1] == ["合计", "", "", "", "", "7700.00"]
    assert blocks["长短款"][0] == [
        "序号",
        "营业员",
        "柜台",
        "付款方式",
        "类型",
        "金额（元）",
        "签字人",
        "说明",
    ]
    assert blocks["长短款"][1] == [
        "1",
        "李娜",
        "2号柜台",
        "现金",
        "短款",
        "-10.00",
        "周杰（班长）",
        EXPLANATION,
    ]
    assert blocks["长短款"][-1] == ["", "合计", "", "", "短款", "-10.00", "", ""]
    assert blocks["未交财务的收入"][1] == [
        "2026-02-25",
        "520.00",
        "3",
        "超过两个工作日，须立即上交",
    ]
    assert blocks["班次"][2][3:] == ["", "未交班", "1283.00"]
    assert export.daily_report_csv(day()) == document
    training = export.daily_report_csv(day(mode=HallMode.TRAINING)).decode("utf-8-sig")
    assert training.splitlines()[0].endswith(",培训 · 无效")


def test_monthly_report_csv():
    blocks = csv_blocks(export.monthly_report_csv(month()))
    assert list(blocks)[:2] == ["月报", "按日"]
    assert blocks["按日"][1] == [
        "2026-03-02",
        "21",
        "2479.56",
        "6474.50",
        "6174.50",
        "300.00",
        "7700.00",
        "-10.00",
    ]
    assert blocks["按日"][-1] == [
        "合计",
        "35",
        "3329.56",
        "8693.00",
        "8093.00",
        "600.00",
        "9601.50",
        "-9.50",
    ]
    assert ["交款合计（元）", "9601.50"] in blocks["月报"]


def sheet_rows(sheet) -> list[tuple]:
    """The data rows of a sheet, without the header and the 合计 row."""
    return [row for row in sheet.iter_rows(min_row=2, values_only=True) if "合计" not in row[:2]]


def fen(values) -> int:
    """Yuan read back from the workbook, summed, in fen."""
    return round(sum(v or 0 for v in values) * 100)


def test_daily_report_xlsx_round_trip(tmp_path):
    data = day()
    path = tmp_path / "daily.xlsx"
    path.write_bytes(export.daily_report_xlsx(data))
    book = load_workbook(path)
    assert book.sheetnames == [
        "日报",
        "按营业员汇总",
        "按柜台汇总",
        "按业务类型汇总",
        "按收款方式汇总",
        "按阶梯汇总",
        "班次",
        "交款",
        "长短款",
        "未交财务的收入",
    ]
    clerks = book["按营业员汇总"]
    assert [c.value for c in clerks[1]] == [
        "营业员",
        "笔数",
        "气量（m³）",
        "收入（元）",
        "支出（元）",
        "净额（元）",
    ]
    assert all(c.font.bold for c in clerks[1])
    rows = sheet_rows(clerks)
    assert sum(r[1] for r in rows) == data.total.count
    assert round(sum(r[2] for r in rows) * 100) == sum(g.volume for g in data.clerks)
    assert fen(r[3] for r in rows) == data.total.received_fen
    assert fen(r[4] for r in rows) == data.total.paid_fen
    assert fen(r[5] for r in rows) == data.total.amount_fen
    assert clerks["D2"].number_format == "0.00" and clerks["C2"].number_format == "0.00"
    assert clerks["D2"].value == 5822 and clerks["E2"].value == -130.5

    kinds = sheet_rows(book["按业务类型汇总"])
    assert [(r[0], r[1], round(r[2] * 100), round(r[3] * 100)) for r in kinds] == [
        (TransactionKind.label_of(k.kind), k.count, k.volume, k.amount_fen) for k in data.kinds
    ]
    payments = sheet_rows(book["按收款方式汇总"])
    assert [(r[0], round(r[2] * 100), round(r[3] * 100)) for r in payments] == [
        (p.method, p.received_fen, p.paid_fen) for p in data.payments
    ]
    tiers = sheet_rows(book["按阶梯汇总"])
    assert fen(r[3] for r in tiers) == sum(t.amount_fen for t in data.tiers)
    assert fen(r[1] for r in tiers) == sum(t.price_fen for t in data.tiers)
    assert fen(r[5] for r in sheet_rows(book["交款"])) == sum(h.amount_fen for h in data.handovers)
    assert fen(r[5] for r in sheet_rows(book["长短款"])) == sum(
        o.amount_fen for o in data.over_short
    )
    held = sheet_rows(book["未交财务的收入"])
    assert fen(r[1] for r in held) == sum(h.amount_fen for h in data.held)
    assert held[0][0] == dt.datetime(2026, 2, 25) and held[0][3] == "超过两个工作日，须立即上交"
    shifts = sheet_rows(book["班次"])
    assert shifts[0][2] == dt.datetime(2026, 3, 2, 8, 0) and shifts[1][3] is None
    assert book["班次"]["C2"].number_format == "yyyy-mm-dd hh:mm:ss"
    summary = {row[0]: row[1] for row in book["日报"].iter_rows(min_row=2, values_only=True)}
    assert summary["营业厅"] == HALL
    assert round(summary["净收入（元）"] * 100) == data.total.amount_fen
    assert round(summary["钱箱现金（未交班，元）"] * 100) == data.drawer_cash_fen
    assert round(summary["净售气量（m³）"] * 100) == data.total.volume


def test_monthly_report_xlsx_round_trip(tmp_path):
    data = month()
    path = tmp_path / "monthly.xlsx"
    path.write_bytes(export.monthly_report_xlsx(data))
    book = load_workbook(path)
    assert book.sheetnames == [
        "月报",
        "按日",
        "按营业员汇总",
        "按柜台汇总",
        "按业务类型汇总",
        "按收款方式汇总",
        "按阶梯汇总",
        "长短款",
    ]
    days = sheet_rows(book["按日"])
    assert [r[0] for r in days] == [dt.datetime(2026, 3, d) for d in (2, 3, 4)]
    assert sum(r[1] for r in days) == sum(d.count for d in data.days)
    for column, field in enumerate(
        ("volume", "amount_fen", "cash_fen", "noncash_fen", "handed_over_fen", "over_short_fen"),
        start=2,
    ):
        assert fen(r[column] for r in days) == sum(getattr(d, field) for d in data.days), field
    assert fen(r[6] for r in days) == data.handed_over_fen
    for name, groups in (("按营业员汇总", data.clerks), ("按柜台汇总", data.counters)):
        rows = sheet_rows(book[name])
        assert fen(r[5] for r in rows) == sum(g.amount_fen for g in groups) == data.total.amount_fen
    total_row = list(book["按日"].iter_rows(values_only=True))[-1]
    assert total_row[0] == "合计" and round(total_row[3] * 100) == data.total.amount_fen
    assert all(c.font.bold for c in book["按日"][book["按日"].max_row])
    summary = {row[0]: row[1] for row in book["月报"].iter_rows(min_row=2, values_only=True)}
    assert summary["统计月份"] == "2026-03"
    assert round(summary["交款合计（元）"] * 100) == data.handed_over_fen
    assert round(summary["长短款合计（元）"] * 100) == sum(o.amount_fen for o in data.over_short)


def test_empty_reports_export():
    quiet = day(
        clerks=(),
        counters=(),
        kinds=(),
        payments=(),
        tiers=(),
        shifts=(),
        handovers=(),
        over_short=(),
        held=(),
    )
    for document in (
        export.daily_report_xlsx(quiet),
        export.monthly_report_xlsx(month(days=(), over_short=())),
    ):
        book = load_workbook(io.BytesIO(document))
        assert book.sheetnames
    blocks = csv_blocks(export.daily_report_csv(quiet))
    assert blocks["交款"] == [
        ["交款单号", "时间", "来源", "交款人", "收款人（财务）", "金额（元）"],
    ]
