"""Receipt layouts (pure): what a receipt says, line by line, for every counter transaction, the
shift's Z-report (交班报表) and the hand-over slip (交款单).

Every fixed text is within GBK (so "立方米", not "m³"), which every Chinese receipt printer
has; only customer data can fall outside it. The layout knows nothing about printers:
``EscposReceiptPrinter`` turns ``Receipt`` lines into ESC/POS bytes (native Chinese mode or
raster). Widths are in half-width columns (a Chinese character takes two), 32 on 58 mm paper
and 48 on 80 mm paper.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from app.documents.data import (
    HandoverSlipData,
    ZReportData,
    cash_items,
    over_short_label,
    signer,
)
from app.domain.money import format_money, format_volume
from app.domain.privacy import mask_id, mask_name
from app.vocabulary import HallMode, Role, TransactionKind, tier_name

TITLES: dict[str, str] = {
    TransactionKind.PURCHASE: "燃气购气凭证",
    TransactionKind.REFUND: "退气凭证",
    TransactionKind.SUPPLEMENT: "补气凭证",
    TransactionKind.CARD_REPLACEMENT: "补卡凭证",
    TransactionKind.OPENING: "开户凭证",
    TransactionKind.TRANSFER: "过户凭证",
    TransactionKind.CLOSING: "销户结算凭证",
    TransactionKind.VOID: "作废凭证",
    TransactionKind.METER_REPLACEMENT: "换表凭证",
    TransactionKind.OVERDRAWN: "换表超用气购气凭证",
    TransactionKind.CARRY_OVER: "换表补气凭证",
    TransactionKind.REVERSAL: "撤销凭证",
}
# the kinds whose receipt shows the card's purchase count
_COUNTED = (
    TransactionKind.PURCHASE,
    TransactionKind.REFUND,
    TransactionKind.SUPPLEMENT,
    TransactionKind.CARRY_OVER,
)


@dataclass(frozen=True)
class TierLine:
    tier: int
    volume: int  # 0.01 m³
    price_fen: int
    amount_fen: int


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on one receipt, already resolved from the rows."""

    kind: str
    hall_name: str
    counter_name: str
    clerk_name: str
    receipt_no: str
    printed_for: dt.datetime  # the transaction's time, in the hall's time zone
    account_no: str
    customer_name: str
    id_number: str
    card_serial: str | None
    purchase_count: int | None
    volume: int
    amount_fen: int
    cash_tendered_fen: int | None
    change_fen: int | None
    tariff_name: str | None
    tiers: tuple[TierLine, ...] = ()
    reason: str | None = None
    approvers: tuple[str, ...] = ()
    meter_reading: int | None = None
    notices: tuple[str, ...] = ()
    reprint_no: int = 0  # 0: the original; n: the n-th reprint (重印)
    mode: HallMode = HallMode.LIVE  # 培训/演示: the receipt carries the mode's mark
    opens_drawer: bool = False
    payment_method: str | None = None  # label (现金, 微信 ...) when money moved
    payment_ref: str | None = None
    # label → value lines of the operation's own figures (换表: meters, readings, fees)
    details: tuple[tuple[str, str], ...] = ()
    carry_over_remaining: int = 0  # 换表补气 still owed to the account after this (0.01 m³)
    overrides: tuple[str, ...] = ()  # supervisors' overrides of this sale, one line each


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    big: bool = False  # double width and height
    align: str = "left"  # left / center / right


@dataclass(frozen=True)
class Receipt:
    lines: tuple[Line, ...]
    qr: str
    open_drawer: bool
    cut: bool = True
    meta: dict[str, str] = field(default_factory=dict)


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pair(label: str, value: str, width: int) -> str:
    """``label`` at the left, ``value`` at the right of one line (wraps when too long)."""
    gap = width - display_width(label) - display_width(value)
    return f"{label}{' ' * gap}{value}" if gap >= 1 else f"{label} {value}"


def _checked(body: str) -> str:
    """``body`` and a check value: the first 8 hex digits of its SHA-256."""
    return f"{body}|{hashlib.sha256(body.encode()).hexdigest()[:8]}"


def qr_payload(data: ReceiptData) -> str:
    """Receipt number, date, amount and a check value (first 8 hex of SHA-256 of the rest).

    The check value lets a supervisor see that a photographed receipt was not altered by hand;
    it is not a secret signature.
    """
    return _checked(
        f"{data.receipt_no}|{data.printed_for:%Y-%m-%d}|{format_money(data.amount_fen)}"
    )


def layout(data: ReceiptData, width: int = 48) -> Receipt:
    """The lines of a receipt for ``data`` on paper ``width`` half-width columns wide."""
    rule = "-" * width
    lines: list[Line] = [
        Line(data.hall_name, bold=True, align="center"),
        Line(TITLES.get(data.kind, "业务凭证"), bold=True, big=True, align="center"),
    ]
    if data.mode.mark:
        lines.append(Line(data.mode.mark, bold=True, big=True, align="center"))
    if data.reprint_no:
        lines.append(Line(f"重印（第{data.reprint_no}次）", bold=True, align="center"))
    lines += [
        Line(rule),
        Line(pair("凭证号", data.receipt_no, width)),
        Line(pair("时间", f"{data.printed_for:%Y-%m-%d %H:%M:%S}", width)),
        Line(pair("柜台/营业员", f"{data.counter_name} {data.clerk_name}", width)),
        Line(rule),
        Line(pair("户号", data.account_no, width)),
        Line(pair("户名", mask_name(data.customer_name), width)),
        Line(pair("证件号", mask_id(data.id_number), width)),
    ]
    if data.card_serial:
        lines.append(Line(pair("卡号", data.card_serial, width)))
    if data.purchase_count is not None and data.kind in _COUNTED:
        lines.append(Line(pair("购气次数", str(data.purchase_count), width)))
    if data.meter_reading is not None:
        lines.append(Line(pair("表读数(立方米)", format_volume(data.meter_reading), width)))
    if data.details:
        lines.append(Line(rule))
        for label, value in data.details:
            lines.extend(Line(text) for text in pair_lines(label, value, width))
    if data.tiers:
        lines.append(Line(rule))
        if data.tariff_name:
            lines.append(Line(pair("气价", data.tariff_name, width)))
        for tier in data.tiers:
            volume, price = format_volume(tier.volume), format_money(tier.price_fen)
            left = f"{tier_name(tier.tier)} {volume}立方米×{price}"
            lines.append(Line(pair(left, format_money(tier.amount_fen), width)))
    lines.append(Line(rule))
    if data.volume:
        lines.append(Line(pair("气量(立方米)", format_volume(data.volume), width), bold=True))
    lines.append(Line(pair("金额(元)", format_money(data.amount_fen), width), bold=True))
    if data.payment_method:
        lines.append(Line(pair("付款方式", data.payment_method, width)))
    if data.payment_ref:
        lines.extend(Line(text) for text in pair_lines("交易流水号", data.payment_ref, width))
    if data.cash_tendered_fen is not None:
        lines.append(Line(pair("实收(元)", format_money(data.cash_tendered_fen), width)))
        lines.append(Line(pair("找零(元)", format_money(data.change_fen or 0), width)))
    if data.reason:
        lines.append(Line(f"原因：{data.reason}"))
    if data.approvers:
        lines.append(Line(f"审批：{'、'.join(data.approvers)}"))
    lines += [Line(text) for override in data.overrides for text in wrap(override, width)]
    if data.carry_over_remaining:
        remaining = format_volume(data.carry_over_remaining)
        lines.append(Line(pair("换表补气余量(立方米)", remaining, width), bold=True))
    if data.notices:
        lines.append(Line(rule))
        lines += [Line(notice) for notice in data.notices]
    lines.append(Line("客户签字：", align="left"))
    return Receipt(
        lines=tuple(lines),
        qr=qr_payload(data),
        open_drawer=data.opens_drawer,
        meta={"receipt_no": data.receipt_no, "kind": data.kind},
    )


# --------------------------------------------------------------------------------------------
# Amounts in Chinese capital numerals (大写金额)
# --------------------------------------------------------------------------------------------

_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_LARGE_UNITS = ("", "万", "亿", "万亿")


def _yuan_in_words(yuan: int) -> str:
    """A whole positive number of yuan in capitals: 1001 → 壹仟零壹, 100000 → 壹拾万."""
    digits = str(yuan)
    if len(digits) > 4 * len(_LARGE_UNITS):
        raise ValueError(f"amount too large for words: {yuan} yuan")
    words: list[str] = []
    zero = False  # zeros seen since the last digit written: one 零 stands for all of them
    for index, char in enumerate(digits):
        place = len(digits) - 1 - index
        if char == "0":
            zero = True
        else:
            if zero and words:
                words.append("零")
            zero = False
            words.append(_CAPITAL[int(char)] + _SMALL_UNITS[place % 4])
        if place % 4 == 0 and int(digits[max(0, index - 3) : index + 1]):
            words.append(_LARGE_UNITS[place // 4])  # 万 / 亿 after a group that is not all zeros
    return "".join(words)


def amount_in_words(fen: int) -> str:
    """An amount in fen as written on Chinese financial documents (中文大写金额).

    The rules of 《支付结算办法》: 壹拾 for a leading ten, one 零 for a run of zeros inside the
    number, 零 between 元 and a 角 or 分 after a zero units digit, 整 after 元 or 角, none after
    分. 450000 → 肆仟伍佰元整, 100110 → 壹仟零壹元壹角整, 5 → 伍分, 0 → 零元整.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amount in fen must be an int, not {type(fen).__name__}")
    if fen < 0:
        return "负" + amount_in_words(-fen)
    if fen == 0:
        return "零元整"
    yuan, rest = divmod(fen, 100)
    jiao, fen_digit = divmod(rest, 10)
    words = f"{_yuan_in_words(yuan)}元" if yuan else ""
    if yuan and rest and (yuan % 10 == 0 or jiao == 0):
        words += "零"  # 壹拾元零伍角, 伍元零伍分
    if jiao:
        words += f"{_CAPITAL[jiao]}角"
    return words + (f"{_CAPITAL[fen_digit]}分" if fen_digit else "整")


# --------------------------------------------------------------------------------------------
# Lines that fit the paper
# --------------------------------------------------------------------------------------------


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into pieces no wider than ``width`` columns (character by character)."""
    lines: list[str] = []
    line, used = "", 0
    for char in text:
        w = display_width(char)
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0
        line += char
        used += w
    return [*lines, line] if line or not lines else lines


def pair_lines(label: str, value: str, width: int) -> list[str]:
    """``pair`` when it fits on one line; else the label, then the value at the right."""
    if display_width(label) + 1 + display_width(value) <= width:
        return [pair(label, value, width)]
    lines = wrap(label, width)
    for piece in wrap(value, width):
        lines.append(" " * (width - display_width(piece)) + piece)
    return lines


def _lines(texts: Sequence[str], *, bold: bool = False) -> list[Line]:
    return [Line(text, bold=bold) for text in texts]


def _text(text: str, width: int, *, bold: bool = False, align: str = "left") -> list[Line]:
    return [Line(piece, bold=bold, align=align) for piece in wrap(text, width)]


def _big(text: str, width: int) -> list[Line]:
    """A bold double-size line, centred (it takes twice the columns of its text)."""
    return [Line(piece, bold=True, big=True, align="center") for piece in wrap(text, width // 2)]


def _pair(label: str, value: str, width: int, *, bold: bool = False) -> list[Line]:
    return _lines(pair_lines(label, value, width), bold=bold)


def _row(cells: Sequence[str], widths: Sequence[int], width: int) -> str | None:
    """The first cell at the left, each other right-aligned in its column; None if too wide."""
    first = width - sum(widths)
    if display_width(cells[0]) > first:
        return None
    text = cells[0] + " " * (first - display_width(cells[0]))
    for cell, w in zip(cells[1:], widths, strict=True):
        gap = w - display_width(cell)
        if gap < 1:
            return None
        text += " " * gap + cell
    return text


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[int],
    width: int,
    total: Sequence[str] | None = None,
) -> list[Line]:
    """A small table: a row too wide for the paper prints as its first cell and then one
    "header value" line per other cell."""

    def lines(cells: Sequence[str], bold: bool = False) -> list[Line]:
        text = _row(cells, widths, width)
        if text is not None:
            return [Line(text, bold=bold)]
        out = _text(cells[0], width, bold=bold)
        for header, cell in zip(headers[1:], cells[1:], strict=True):
            out += _pair(f"  {header}", cell, width, bold=bold)
        return out

    out = lines(headers)
    for cells in rows:
        out += lines(cells)
    if total is not None:
        out += lines(total, bold=True)
    return out


def _signature(label: str, width: int) -> list[Line]:
    head = f"{label}签字："
    return [Line(""), Line(head + "_" * max(0, width - display_width(head)))]


# --------------------------------------------------------------------------------------------
# 交班报表 (Z-report) and 交款单 on the receipt printer
# --------------------------------------------------------------------------------------------

TRAINING_BANNER = HallMode.TRAINING.mark
INTERIM_BANNER = "未交班 临时报表"


def _wide(width: int) -> bool:
    return width >= 48


def zreport_receipt(data: ZReportData, width: int = 48) -> Receipt:
    """The shift's Z-report (交班报表) for the receipt printer, ``width`` columns wide.

    Kinds with no transactions are left out; the PDF has every section in full.
    """
    rule = Line("-" * width)
    amounts = (6, 13, 14) if _wide(width) else (5, 10, 11)  # 笔数 / 气量, 收入 / 金额, 支出
    checks = (13, 13, 12) if _wide(width) else (8, 9, 9)  # 应收 / 实点 / 差额
    lines: list[Line] = [
        *_text(data.hall_name, width, bold=True, align="center"),
        *_big("营业员交班报表", width),
        Line("(Z报表)", align="center"),
    ]
    if data.mode.mark:
        lines += _big(data.mode.mark, width)
    if not data.closed:
        lines += _big(INTERIM_BANNER, width)
    lines.append(rule)
    shift = "无" if data.shift_id is None else str(data.shift_id)
    lines += _pair("班次号", shift, width)
    lines += _pair("柜台", data.counter_name, width)
    lines += _pair(Role.CLERK.label, data.clerk_name, width)
    lines += _pair("开班时间", f"{data.start:%Y-%m-%d %H:%M:%S}", width)
    closed = f"{data.end:%Y-%m-%d %H:%M:%S}" if data.closed else "未交班"
    lines += _pair("交班时间", closed, width)
    lines += _pair("打印时间", f"{data.printed_at:%Y-%m-%d %H:%M:%S}", width)

    lines += [rule, Line("业务汇总", bold=True), *_text("(气量：立方米  金额：元)", width)]
    total = data.total
    lines += _table(
        ("类型", "笔数", "气量", "金额"),
        [
            (
                TransactionKind.label_of(k.kind),
                str(k.count),
                format_volume(k.volume),
                format_money(k.amount_fen),
            )
            for k in data.kinds
            if k.count
        ],
        amounts,
        width,
        ("合计", str(total.count), format_volume(total.volume), format_money(total.amount_fen)),
    )
    lines += [rule, Line("收款方式", bold=True)]
    lines += _table(
        ("方式", "笔数", "收入", "支出"),
        [
            (p.method, str(p.count), format_money(p.received_fen), format_money(p.paid_fen))
            for p in data.payments
        ],
        amounts,
        width,
        ("合计", "", format_money(total.received_fen), format_money(total.paid_fen)),
    )
    lines += _pair("净收入(元)", format_money(total.amount_fen), width, bold=True)

    lines += [rule, Line("钱箱现金(元)", bold=True)]
    if data.cash is None:
        lines.append(Line("无钱箱记录"))
    else:
        for label, fen, _note in cash_items(data.cash):
            lines += _pair(label, "未盘点" if fen is None else format_money(fen), width)

    lines += [rule, Line("盘点核对(元)", bold=True)]
    lines += _pair("盘点次数", str(data.counts_taken), width)
    if data.methods:
        lines += _table(
            ("方式", "应收", "实点", "差额"),
            [
                (
                    m.method,
                    format_money(m.expected_fen),
                    format_money(m.counted_fen),
                    format_money(m.difference_fen),
                )
                for m in data.methods
            ],
            checks,
            width,
        )
    else:
        lines.append(Line("未盘点"))

    lines += [rule, Line("交款", bold=True)]
    for h in data.handovers:
        lines += _pair(h.slip_no, format_money(h.amount_fen), width)
        lines += _pair(
            f"  {h.handed_at:%m-%d %H:%M} {h.source}", f"收款人 {h.receiver_name}", width
        )
    handed = sum(h.amount_fen for h in data.handovers)
    lines += _pair("交款合计(元)", format_money(handed) if data.handovers else "无", width)

    lines += [rule, Line("长短款", bold=True)]
    for o in data.over_short:
        lines += _pair(
            f"{o.method}{over_short_label(o.amount_fen)}", format_money(o.amount_fen), width
        )
        lines += _text(f"说明：{o.explanation or '无'}", width)
        lines += _pair("签字", signer(o.signed_by, o.signed_role) if o.signed_by else "无", width)
    if not data.over_short:
        lines.append(Line("无长短款"))

    lines.append(rule)
    lines += _pair("起始票据号", data.first_receipt or "无", width)
    lines += _pair("截止票据号", data.last_receipt or "无", width)
    lines += _pair("累计总额(元)", format_money(data.grand_total_fen), width, bold=True)
    if data.audit_entries is not None:
        lines += _pair("审计链条数", str(data.audit_entries), width)
        lines += _pair("审计链校验", data.audit_head or "", width)
    lines.append(rule)
    lines += _signature(Role.CLERK.label, width)
    lines += _signature(Role.TEAM_LEADER.label, width)
    when = f"{data.end:%Y-%m-%d %H:%M:%S}"
    shift_no = "-" if data.shift_id is None else str(data.shift_id)
    return Receipt(
        lines=tuple(lines),
        qr=_checked(f"Z|{shift_no}|{when}|{format_money(total.amount_fen)}"),
        open_drawer=False,
        meta={"kind": "zreport", "shift_id": shift_no},
    )


def handover_slip(data: HandoverSlipData, width: int = 48) -> Receipt:
    """交款单: the cash handed to finance, by denomination, in figures and in capitals."""
    rule = Line("-" * width)
    lines: list[Line] = [
        *_text(data.hall_name, width, bold=True, align="center"),
        *_big("交款单", width),
    ]
    if data.mode.mark:
        lines += _big(data.mode.mark, width)
    lines.append(rule)
    lines += _pair("交款单号", data.slip_no, width)
    lines += _pair("时间", f"{data.handed_at:%Y-%m-%d %H:%M:%S}", width)
    lines += _pair("柜台", data.counter_name, width)
    lines += _pair("交款人", data.clerk_name, width)
    lines += _pair("收款人(财务)", data.receiver_name, width)
    lines += _pair("款项来源", data.source, width)
    lines.append(rule)
    if data.denominations:
        lines += _table(
            ("面额", "张数", "金额(元)"),
            [
                (d.name, str(d.pieces) if d.pieces else "", format_money(d.amount_fen))
                for d in data.denominations
            ],
            (12, 20) if _wide(width) else (8, 14),
            width,
            ("合计", "", format_money(sum(d.amount_fen for d in data.denominations))),
        )
        lines.append(rule)
    lines += _pair("金额(元)", format_money(data.amount_fen), width, bold=True)
    lines += _text(f"大写：人民币{amount_in_words(data.amount_fen)}", width, bold=True)
    if data.note:
        lines += _text(f"备注：{data.note}", width)
    lines.append(rule)
    lines += _signature("交款人", width)
    lines += _signature("收款人", width)
    return Receipt(
        lines=tuple(lines),
        qr=_checked(f"{data.slip_no}|{data.handed_at:%Y-%m-%d}|{format_money(data.amount_fen)}"),
        open_drawer=False,
        meta={"kind": "handover", "slip_no": data.slip_no},
    )


PRINTER_TEST_TITLE = "打印测试"


def printer_test_slip(
    hall_name: str, counter_name: str, printed_at: dt.datetime, printer: str, width: int = 48
) -> Receipt:
    """The test slip of the devices screen (本柜台设备 → 测试打印): who printed it where and when,
    Chinese and ASCII text and a QR code, so the administrator sees every kind of line print."""
    rule = Line("-" * width)
    lines: list[Line] = [
        *_text(hall_name, width, bold=True, align="center"),
        *_big(PRINTER_TEST_TITLE, width),
        rule,
        *_pair("柜台", counter_name, width),
        *_pair("时间", f"{printed_at:%Y-%m-%d %H:%M:%S}", width),
        *_text(f"打印机：{printer}", width),
        rule,
        *_text("中文：燃气购气凭证 立方米 元 找零", width),
        *_text("ASCII: 0123456789 ABCDEFGHIJ abcdefghij", width),
        *_text("粗体：金额(元) 0.00", width, bold=True),
        rule,
        *_text("以上文字和下方二维码都清楚，打印机即设置正确。", width),
    ]
    return Receipt(
        lines=tuple(lines),
        qr=_checked(f"TEST|{printed_at:%Y-%m-%d %H:%M:%S}"),
        open_drawer=False,
        meta={"kind": "printer_test"},
    )
