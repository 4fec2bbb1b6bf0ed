"""Receipt size in bytes: native Chinese mode against raster fallback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from app.devices.printer import PROFILES, compose
from app.documents.receipts import ReceiptData, TierLine, layout
from bench.common import Metric


def purchase_receipt() -> ReceiptData:
    """The scenario's 08:40 purchase: 200 m³ for 522.00, paid 600.00."""
    return ReceiptData(
        kind="purchase",
        hall_name="城东燃气客户服务中心",
        counter_name="2号柜台",
        clerk_name="李娜",
        receipt_no="01-2026-000123",
        printed_for=dt.datetime(2026, 3, 2, 8, 40, tzinfo=ZoneInfo("Asia/Shanghai")),
        account_no="0100000001",
        customer_name="张秀英",
        id_number="110101199003074477",
        card_serial="SLE0000001",
        purchase_count=1,
        volume=20000,
        amount_fen=52200,
        cash_tendered_fen=60000,
        change_fen=7800,
        tariff_name="居民阶梯气价（2026）",
        tiers=(TierLine(1, 20000, 261, 52200),),
        notices=("请妥善保管燃气卡，购气后请及时插表。",),
        opens_drawer=True,
    )


def receipt_bytes(directory: Path, quick: bool) -> list[Metric]:
    receipt = layout(purchase_receipt(), 48)
    native = compose(receipt, PROFILES["通用80mm中文"])
    raster = compose(receipt, PROFILES["通用80mm（无中文字库）"])
    return [
        Metric(
            "receipt_bytes_native",
            len(native),
            "bytes",
            "(report)",
            "one purchase receipt, 80 mm, printer's Chinese mode, native QR",
        ),
        Metric(
            "receipt_bytes_raster",
            len(raster),
            "bytes",
            "(report)",
            f"the same receipt as raster lines and a QR image: {len(raster) / len(native):.0f}× "
            "the native size",
        ),
    ]
