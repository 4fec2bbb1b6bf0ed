"""Document metrics: the Z-report PDF for 10,000 transactions against plain reportlab rows."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from app.documents.data import (
    Approver,
    DetailRow,
    GuardedRow,
    KindTotal,
    PaymentTotal,
    TierTotal,
    Totals,
    ZReportData,
)
from app.documents.layout import cjk_font_name
from app.documents.zreport import zreport
from app.domain.money import segment_amount
from app.vocabulary import TransactionKind
from bench.common import Metric, median, timed

SHANGHAI = ZoneInfo("Asia/Shanghai")
PRICES = (261, 283, 423)  # fen per m³ of the three residential tiers


def synthetic_zreport(rows: int, seed: int = 3) -> ZReportData:
    """A clerk's Z-report with ``rows`` transactions whose summary adds up to the details."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=SHANGHAI)
    details: list[DetailRow] = []
    kinds = {kind: [0, 0, 0] for kind in TransactionKind}
    tiers = {tier: [0, 0] for tier in (1, 2, 3)}
    guarded: list[GuardedRow] = []
    for n in range(1, rows + 1):
        when = start + dt.timedelta(seconds=n * 3)
        account = f"02{rng.randrange(1, 200_000):08d}"
        roll = rng.random()
        if roll < 0.9:
            kind, tier = "purchase", rng.choice((1, 1, 1, 2, 3))
            volume = rng.randrange(5, 200) * 100
            amount = segment_amount(volume, PRICES[tier - 1])
            tiers[tier][0] += volume
            tiers[tier][1] += amount
        elif roll < 0.95:
            kind, volume, amount = "card_replacement", 0, 2000
        elif roll < 0.98:
            kind, volume, amount = "opening", 0, 0
        else:
            kind, volume, amount = "supplement", rng.randrange(1, 30) * 100, 0
            guarded.append(
                GuardedRow(
                    f"02-2026-{n:06d}",
                    when,
                    kind,
                    account,
                    volume,
                    amount,
                    "表具故障补气",
                    (Approver("王建国", "系统管理员"),),
                )
            )
        details.append(DetailRow(f"02-2026-{n:06d}", when, kind, account, volume, amount))
        totals = kinds[kind]
        totals[0] += 1
        totals[1] += volume
        totals[2] += amount
    received = sum(d.amount_fen for d in details if d.amount_fen > 0)
    paid = sum(d.amount_fen for d in details if d.amount_fen < 0)
    return ZReportData(
        hall_name="城东燃气客户服务中心",
        counter_name="2号柜台",
        clerk_name="李娜",
        start=start,
        end=start + dt.timedelta(hours=10),
        printed_at=start + dt.timedelta(hours=10, minutes=5),
        kinds=tuple(KindTotal(k, *v) for k, v in kinds.items()),
        payments=(PaymentTotal("现金", sum(1 for d in details if d.amount_fen), received, paid),),
        tiers=tuple(TierTotal(t, PRICES[t - 1], *v) for t, v in tiers.items()),
        guarded=tuple(guarded),
        total=Totals(
            len(details),
            sum(d.volume for d in details),
            received + paid,
            received,
            paid,
        ),
        first_receipt=details[0].receipt_no if details else None,
        last_receipt=details[-1].receipt_no if details else None,
        details=details,
    )


def plain_rows(data: ZReportData) -> bytes:
    """The baseline: each detail row as one canvas.drawString, same font, with page breaks."""
    font = cjk_font_name()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    top, bottom, leading = A4[1] - 46, 56, 12.5
    canvas.setFont(font, 8)
    y = top
    for d in data.details:
        if y < bottom:
            canvas.showPage()
            canvas.setFont(font, 8)
            y = top
        canvas.drawString(
            42,
            y,
            f"{d.receipt_no}  {d.created_at:%m-%d %H:%M:%S}  {d.kind}  {d.account_no}  "
            f"{d.volume}  {d.amount_fen}",
        )
        y -= leading
    canvas.save()
    return buffer.getvalue()


def zreport_speed(directory: Path, quick: bool) -> list[Metric]:
    """Seconds to build the Z-report PDF of 10,000 transactions; ratio to plain reportlab rows."""
    rows = 10_000
    runs = 1 if quick else 3
    data = synthetic_zreport(rows)
    cjk_font_name()  # font lookup and parsing happen once per process, not per document
    report_times: list[float] = []
    plain_times: list[float] = []
    for _ in range(runs):  # interleaved, so drift on the machine hits both alike
        report_times.append(timed(lambda: zreport(data)))
        plain_times.append(timed(lambda: plain_rows(data)))
    pdf = zreport(data)
    (directory / "zreport-10k.pdf").write_bytes(pdf)
    report_s = median(report_times)
    plain_s = median(plain_times)
    scope = "one run (--quick)" if quick else f"median of {runs} runs"
    return [
        Metric(
            "zreport_10k_s",
            round(report_s, 3),
            "s",
            "< 2",
            f"zreport() on {rows:,} synthetic transactions, {len(pdf) / 1e6:.1f} MB PDF, {scope}",
        ),
        Metric(
            "zreport_ratio",
            round(report_s / plain_s, 2),
            "x",
            "(report)",
            f"vs {plain_s:.2f} s for the same {rows:,} rows drawn with canvas.drawString, one "
            f"string per row, same font, reportlab defaults; {scope}",
        ),
    ]
