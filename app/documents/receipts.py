"""Receipt layouts (pure): what a receipt says, line by line, for every counter transaction.

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
from dataclasses import dataclass, field

from app.domain.money import format_money, format_volume
from app.domain.privacy import mask_id, mask_name

TITLES = {
    "purchase": "燃气购气凭证",
    "refund": "退气凭证",
    "supplement": "补气凭证",
    "card_replacement": "补卡凭证",
    "opening": "开户凭证",
    "transfer": "过户凭证",
    "closing": "销户结算凭证",
    "void": "作废凭证",
}


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
    training: bool = False
    opens_drawer: bool = False


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


def qr_payload(data: ReceiptData) -> str:
    """Receipt number, date, amount and a check value (first 8 hex of SHA-256 of the rest).

    The check value lets a supervisor see that a photographed receipt was not altered by hand;
    it is not a secret signature.
    """
    body = f"{data.receipt_no}|{data.printed_for:%Y-%m-%d}|{format_money(data.amount_fen)}"
    return f"{body}|{hashlib.sha256(body.encode()).hexdigest()[:8]}"


def layout(data: ReceiptData, width: int = 48) -> Receipt:
    """The lines of a receipt for ``data`` on paper ``width`` half-width columns wide."""
    rule = "-" * width
    lines: list[Line] = [
        Line(data.hall_name, bold=True, align="center"),
        Line(TITLES.get(data.kind, "业务凭证"), bold=True, big=True, align="center"),
    ]
    if data.training:
        lines.append(Line("培训 · 无效", bold=True, big=True, align="center"))
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
    if data.purchase_count is not None and data.kind in ("purchase", "refund", "supplement"):
        lines.append(Line(pair("购气次数", str(data.purchase_count), width)))
    if data.meter_reading is not None:
        lines.append(Line(pair("表读数(立方米)", format_volume(data.meter_reading), width)))
    if data.tiers:
        lines.append(Line(rule))
        if data.tariff_name:
            lines.append(Line(pair("气价", data.tariff_name, width)))
        for tier in data.tiers:
            left = (
                f"第{tier.tier}阶 {format_volume(tier.volume)}立方米×{format_money(tier.price_fen)}"
            )
            lines.append(Line(pair(left, format_money(tier.amount_fen), width)))
    lines.append(Line(rule))
    if data.volume:
        lines.append(Line(pair("气量(立方米)", format_volume(data.volume), width), bold=True))
    lines.append(Line(pair("金额(元)", format_money(data.amount_fen), width), bold=True))
    if data.cash_tendered_fen is not None:
        lines.append(Line(pair("实收(元)", format_money(data.cash_tendered_fen), width)))
        lines.append(Line(pair("找零(元)", format_money(data.change_fen or 0), width)))
    if data.reason:
        lines.append(Line(f"原因：{data.reason}"))
    if data.approvers:
        lines.append(Line(f"审批：{'、'.join(data.approvers)}"))
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
