"""PDF documents with an embedded CJK TrueType font: the account opening form (开户申请表), the
clerk's shift Z-report (营业员交班报表), the hall's daily report (营业厅日报) and monthly report
(营业厅月报).

reportlab builds the PDF objects: font subsetting and embedding, compression, cross references.
The page content itself is written by ``_Sheet`` as PDF operators (``Canvas.addLiteral``), with
each character's subset code and width looked up once per document: reportlab's ``drawString``
costs tens of microseconds per string in pure Python, too slow for a Z-report of 10,000
transactions (see the bench metric ``zreport_10k_s``). Writing every page before handing it to
the canvas also gives the page count for "第 n 页，共 N 页".

Output is deterministic: the same data gives the same bytes (fixed creation date and document
id, no clock read here). Every document takes plain dataclasses, filled by
``app.services.reports`` from the database rows; figures are integers (fen, 0.01 m³) shown with
``format_money`` and ``format_volume``. ID and phone numbers are masked here (with
``app.domain.privacy``, as on receipts), so the printed page never carries them in full.
Saving turns reportlab's ASCII85 stream filter off for the call (``_save_lock``): it is pure
Python and alone would cost about a second on a 10,000-row report.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from app.documents.cashdata import (
    CashSummary,
    DayLine,
    HandoverLine,
    HeldLine,
    MethodCount,
    OverShortLine,
    ShiftLine,
)
from app.documents.receipts import KIND_LABELS as KIND_LABELS  # re-exported: kinds in order
from app.documents.receipts import KIND_ORDER as KIND_ORDER
from app.documents.receipts import cash_items, kind_label, over_short_label, signer
from app.domain.money import format_money, format_volume
from app.domain.privacy import mask_id, mask_phone
from app.errors import GasDeskError

# --------------------------------------------------------------------------------------------
# Font lookup and registration
# --------------------------------------------------------------------------------------------

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
_WINDOWS_FONTS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
# Looked at in order after FONT_DIR. Fonts with PostScript (CFF) outlines, such as the usual
# OpenType builds of Noto Sans CJK, cannot be embedded by reportlab and are passed over.
SYSTEM_FONTS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    _WINDOWS_FONTS / "simhei.ttf",
    _WINDOWS_FONTS / "msyh.ttc",
    _WINDOWS_FONTS / "simsun.ttc",
)
FONT_SUFFIXES = (".ttf", ".ttc")


class MissingFont(GasDeskError):
    """No CJK TrueType font that can be embedded in a PDF was found."""

    code = "missing_font"


MISSING_FONT_MESSAGE = (
    "找不到可嵌入PDF的中文字体，无法生成PDF文档。"
    "请将中文TrueType字体文件（.ttf或.ttc，例如文泉驿正黑 wqy-zenhei.ttc）"
    "复制到程序目录下的 resources/fonts/ 文件夹，"
    "或在系统中安装文泉驿正黑字体（Debian/Ubuntu：sudo apt-get install fonts-wqy-zenhei），"
    "然后重新打印。"
)


def _has_truetype_outlines(path: Path) -> bool:
    """True when the (first face of the) font file has TrueType ``glyf`` outlines."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
            if head[:4] == b"ttcf":  # a collection: the first face's offset follows the header
                (offset,) = struct.unpack(">I", file.read(4))
                file.seek(offset)
                head = file.read(12)
            if len(head) < 12:
                return False
            (tables,) = struct.unpack(">H", head[4:6])
            directory = file.read(16 * tables)
    except OSError:
        return False
    tags = {directory[i : i + 4] for i in range(0, len(directory) - 15, 16)}
    return b"glyf" in tags


def _candidates() -> list[Path]:
    bundled = []
    if FONT_DIR.is_dir():
        bundled = sorted(
            p for p in FONT_DIR.iterdir() if p.suffix.lower() in FONT_SUFFIXES and p.is_file()
        )
    return [*bundled, *SYSTEM_FONTS]


def find_cjk_font() -> Path:
    """The CJK font for PDFs: the first usable one in resources/fonts/, else a system font."""
    candidates = _candidates()
    for path in candidates:
        if path.is_file() and _has_truetype_outlines(path):
            return path
    searched = ", ".join(str(p) for p in [FONT_DIR, *SYSTEM_FONTS])
    raise MissingFont(MISSING_FONT_MESSAGE, f"no embeddable CJK TrueType font in: {searched}")


_registered: dict[Path, str] = {}
_font_lock = threading.Lock()


def cjk_font_name() -> str:
    """Find the CJK font and register it with reportlab once; returns its reportlab name."""
    path = find_cjk_font()
    with _font_lock:
        name = _registered.get(path)
        if name is None:
            name = f"GasDeskCJK{len(_registered)}"
            try:
                # subfontIndex picks the first face of a .ttc; a .ttf ignores it
                pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
            except (TTFError, OSError) as error:
                raise MissingFont(MISSING_FONT_MESSAGE, f"cannot load {path}: {error}") from error
            _registered[path] = name
        return name


# --------------------------------------------------------------------------------------------
# Data handed to the documents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TariffTierRow:
    """One tier of the tariff as it applies to this household (annual volumes, 0.01 m³)."""

    tier: int
    lower: int
    upper: int | None  # None: no upper limit
    price_fen: int  # per m³


@dataclass(frozen=True)
class OpeningFormData:
    """开户申请表: the account as opened, with raw ID and phone (masked when printed)."""

    hall_name: str
    account_no: str
    opened_on: dt.date
    receipt_no: str | None  # the opening transaction's receipt
    clerk_name: str | None  # who opened it (经办人)
    customer_name: str
    customer_kind: str  # label: 民用户 / 工商业户
    residential: bool
    id_type: str  # label: 居民身份证 ...
    id_number: str
    phone: str | None
    address: str
    household_size: int
    meter_no: str | None
    meter_model: str | None
    initial_reading: int | None  # 0.01 m³
    card_serial: str | None
    contract_no: str | None
    contract_signed_on: dt.date | None
    proxy_name: str | None
    proxy_relation: str | None
    proxy_id_number: str | None
    tariff_name: str
    ladder_start_month: int
    tiers: tuple[TariffTierRow, ...]
    household_threshold: int = 0
    extra_per_member: int = 0  # 0.01 m³ added to each breakpoint per member above the threshold
    training: bool = False  # 培训模式: every page is marked 培训 · 无效


@dataclass(frozen=True)
class KindTotal:
    """Transactions of one kind: how many, net volume (0.01 m³), net amount (fen)."""

    kind: str
    count: int
    volume: int
    amount_fen: int


@dataclass(frozen=True)
class PaymentTotal:
    """Money by payment method: received from customers (>= 0), paid back (<= 0)."""

    method: str  # label: 现金
    count: int  # transactions with money moving
    received_fen: int
    paid_fen: int

    @property
    def net_fen(self) -> int:
        return self.received_fen + self.paid_fen


@dataclass(frozen=True)
class TierTotal:
    """Transaction segments of one tier at one price, net of refunds and voids."""

    tier: int
    price_fen: int
    volume: int
    amount_fen: int


@dataclass(frozen=True)
class Totals:
    count: int
    volume: int
    amount_fen: int
    received_fen: int
    paid_fen: int


@dataclass(frozen=True)
class Approver:
    name: str
    role: str  # label: 系统管理员 / 班长 ...


@dataclass(frozen=True)
class GuardedRow:
    """A refund, supplement or other approved transaction, with who approved it."""

    receipt_no: str
    created_at: dt.datetime  # hall local time
    kind: str
    account_no: str
    volume: int
    amount_fen: int
    reason: str | None
    approvers: tuple[Approver, ...]


@dataclass(frozen=True)
class DetailRow:
    receipt_no: str
    created_at: dt.datetime  # hall local time
    kind: str
    account_no: str
    volume: int
    amount_fen: int


@dataclass(frozen=True)
class ZReportData:
    """营业员交班报表 (Z-report): one shift of one clerk at one counter, [start, end).

    For a closed shift every figure, ``end`` and ``printed_at`` come from the rows (the close
    time), so printing it again gives the same text; an open shift prints as an interim report.
    """

    hall_name: str
    counter_name: str
    clerk_name: str
    start: dt.datetime  # hall local time
    end: dt.datetime
    printed_at: dt.datetime
    kinds: tuple[KindTotal, ...]
    payments: tuple[PaymentTotal, ...]
    tiers: tuple[TierTotal, ...]
    guarded: tuple[GuardedRow, ...]
    total: Totals
    first_receipt: str | None
    last_receipt: str | None
    details: Sequence[DetailRow]
    training: bool = False  # 培训模式: every page is marked 培训 · 无效
    shift_id: int | None = None
    closed: bool = True  # False: the shift is still open (interim report, 未交班)
    cash: CashSummary | None = None
    methods: tuple[MethodCount, ...] = ()  # expected vs counted per payment method at close
    handovers: tuple[HandoverLine, ...] = ()
    over_short: tuple[OverShortLine, ...] = ()
    grand_total_fen: int = 0  # the counter's running grand total (累计) at the end of the shift
    counts_taken: int = 0  # blind counts recorded (a recount adds one)
    # the audit chain at the close (or now, for an open shift): entries and the newest mac, so
    # a log cut short later is caught against this paper (gasdesk admin audit verify)
    audit_entries: int | None = None
    audit_head: str | None = None


@dataclass(frozen=True)
class GroupTotal:
    """The transactions of one clerk or one counter in the daily report."""

    name: str
    count: int
    volume: int
    amount_fen: int
    received_fen: int
    paid_fen: int


@dataclass(frozen=True)
class DailyReportData:
    """营业厅日报: every transaction of the hall on one business date."""

    hall_name: str
    business_date: dt.date
    printed_at: dt.datetime
    clerks: tuple[GroupTotal, ...]
    counters: tuple[GroupTotal, ...]
    kinds: tuple[KindTotal, ...]
    payments: tuple[PaymentTotal, ...]
    tiers: tuple[TierTotal, ...]
    total: Totals
    first_receipt: str | None
    last_receipt: str | None
    training: bool = False  # 培训模式: every page is marked 培训 · 无效
    shifts: tuple[ShiftLine, ...] = ()
    handovers: tuple[HandoverLine, ...] = ()
    over_short: tuple[OverShortLine, ...] = ()
    drawer_cash_fen: int = 0  # cash still in open drawers
    safe_cash_fen: int = 0  # cash in the safe at the end of the day
    held: tuple[HeldLine, ...] = ()  # takings not yet with finance, oldest first


@dataclass(frozen=True)
class MonthlyReportData:
    """营业厅月报: every business day of one month, with the month's totals."""

    hall_name: str
    year: int
    month: int
    printed_at: dt.datetime
    days: tuple[DayLine, ...]
    clerks: tuple[GroupTotal, ...]
    counters: tuple[GroupTotal, ...]
    kinds: tuple[KindTotal, ...]
    payments: tuple[PaymentTotal, ...]
    tiers: tuple[TierTotal, ...]
    total: Totals
    handed_over_fen: int
    over_short: tuple[OverShortLine, ...]
    training: bool = False


# --------------------------------------------------------------------------------------------
# Formatting (ID and phone numbers are masked with app.domain.privacy, as on receipts)
# --------------------------------------------------------------------------------------------


_DIGITS = "零一二三四五六七八九十"


def tier_label(tier: int) -> str:
    return f"第{_DIGITS[tier]}阶梯" if 0 < tier <= 10 else f"第{tier}阶梯"


def _date(day: dt.date | None) -> str:
    return day.strftime("%Y-%m-%d") if day else "—"


def _time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _or_dash(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return text or "—"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 13 → 十三, 21 → 二十一 (section numbers up to 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[ones] if ones else "")


# --------------------------------------------------------------------------------------------
# Page writer
# --------------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 42.0
RIGHT = PAGE_WIDTH - 42.0
WIDTH = RIGHT - LEFT
TOP = PAGE_HEIGHT - 46.0
BOTTOM = 56.0  # the footer lives below this
FOOTER_Y = 30.0
HEADER_GRAY = "0.90 g"
LABEL_GRAY = "0.95 g"
TRAINING_MARK = "培训 · 无效"

# reportlab reads the global rl_config.useA85 while saving; its ASCII85 filter is pure Python and
# would cost about a second on a 200-page report. Binary (Flate only) streams are just as valid.
# Our saves switch it off under this lock and restore it afterwards.
_save_lock = threading.Lock()


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    align: str = "left"  # left / right / center


class _Sheet:
    """A4 pages written as PDF operators with the CJK font, then handed to a reportlab canvas."""

    def __init__(self, title: str, footer_label: str, *, training: bool = False):
        self.font_name = cjk_font_name()
        self.font = pdfmetrics.getFont(self.font_name)
        self.buffer = io.BytesIO()
        self.canvas = Canvas(
            self.buffer,
            pagesize=A4,
            invariant=1,  # fixed creation date and document id: same data, same bytes
            pageCompression=1,
            initialFontName=self.font_name,  # no unused, unembedded Helvetica in the file
        )
        if training:
            title = f"{title}（{TRAINING_MARK}）"
            footer_label = f"{TRAINING_MARK} · {footer_label}"
        self.training = training
        self.canvas.setTitle(title)
        self.canvas.setSubject(footer_label)
        self.canvas.setAuthor("GasDesk")
        self.canvas.setCreator("GasDesk")
        self.doc = self.canvas._doc  # the font's subset state is kept per reportlab document
        self.footer_label = footer_label
        self.sections = 0  # numbered headings written so far (section)
        self._glyphs: dict[str, tuple[int, str]] = {}
        self._hex0: dict[int, str] = {}  # str.translate table: character → its subset-0 code
        self._widths: dict[str, float] = {}
        self._subset_names: dict[int, str] = {}
        self.pages: list[list[str]] = []
        self._start_page()

    # -- page state ---------------------------------------------------------------------------

    def _start_page(self) -> None:
        self.ops: list[str] = ["0.6 w 0 G 0 g"]
        self.pages.append(self.ops)
        self._in_text = False
        self._font_state: tuple[int, float] | None = None
        self.y = TOP

    def new_page(self) -> None:
        self._end_text()
        self._start_page()

    def need(self, height: float) -> None:
        """Start a new page unless ``height`` fits above the footer."""
        if self.y - height < BOTTOM:
            self.new_page()

    # -- text ---------------------------------------------------------------------------------

    def _glyph(self, char: str) -> tuple[int, str]:
        # splitString assigns the character a code in one of the font's 256-glyph subsets
        ((subset, code),) = self.font.splitString(char, self.doc)
        glyph = (subset, code.hex())
        self._glyphs[char] = glyph
        if subset == 0:
            self._hex0[ord(char)] = glyph[1]
        return glyph

    def width(self, text: str, size: float) -> float:
        try:  # sum/map run in C: most characters are known after the first rows
            return sum(map(self._widths.__getitem__, text)) * size
        except KeyError:
            for char in text:
                if char not in self._widths:
                    self._widths[char] = self.font.stringWidth(char, 1.0)
            return sum(map(self._widths.__getitem__, text)) * size

    def _subset_name(self, subset: int) -> str:
        name = self._subset_names.get(subset)
        if name is None:
            name = self._subset_names[subset] = self.font.getSubsetInternalName(subset, self.doc)
        return name

    def _begin_text(self) -> None:
        if not self._in_text:
            self.ops.append("BT")
            self._in_text = True

    def _end_text(self) -> None:
        if self._in_text:
            self.ops.append("ET")
            self._in_text = False

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 9,
        align: str = "left",
        width: float | None = None,  # the text's width when the caller measured it already
    ) -> None:
        if not text:
            return
        if align != "left":
            w = self.width(text, size) if width is None else width
            x -= w if align == "right" else w / 2
        self._begin_text()
        self.ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm {self._show(text, size)}")

    def _show(self, text: str, size: float) -> str:
        """The operators showing ``text`` at ``size``, font switches between subsets included."""
        # Fast path: every character already has a code in subset 0 (each becomes 2 hex digits,
        # an unknown one stays 1 character long).
        hex0 = text.translate(self._hex0)
        if len(hex0) == 2 * len(text):
            if self._font_state == (0, size):
                return f"<{hex0}> Tj"
            self._font_state = (0, size)
            return f"{self._subset_name(0)} {size:g} Tf <{hex0}> Tj"
        parts = []
        glyphs = self._glyphs
        state = self._font_state
        run: list[str] = []
        for char in text:
            subset, code = glyphs.get(char) or self._glyph(char)
            if state is None or state[0] != subset or state[1] != size:
                if run:
                    parts.append(f"<{''.join(run)}> Tj")
                    run = []
                state = (subset, size)
                parts.append(f"{self._subset_name(subset)} {size:g} Tf")
            run.append(code)
        parts.append(f"<{''.join(run)}> Tj")
        self._font_state = state
        return " ".join(parts)

    def fit(self, text: str, width: float, size: float) -> str:
        """``text`` cut with an ellipsis so that it fits in ``width``."""
        if self.width(text, size) <= width:
            return text
        while text and self.width(text + "…", size) > width:
            text = text[:-1]
        return text + "…"

    def wrap(self, text: str, width: float, size: float) -> list[str]:
        """Break ``text`` into lines no wider than ``width`` (character by character, CJK)."""
        lines: list[str] = []
        line = ""
        for char in text:
            if line and self.width(line + char, size) > width and char not in "，。；：、）》”":
                lines.append(line)
                line = ""
            line += char
        if line:
            lines.append(line)
        return lines

    # -- graphics -----------------------------------------------------------------------------

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.6) -> None:
        self._end_text()
        self.ops.append(f"{width:g} w {x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S")

    def fill(self, x: float, y: float, w: float, h: float, gray: str = HEADER_GRAY) -> None:
        self._end_text()
        self.ops.append(f"{gray} {x:.2f} {y:.2f} {w:.2f} {h:.2f} re f 0 g")

    def box(self, x: float, y: float, w: float, h: float) -> None:
        self._end_text()
        self.ops.append(f"0.6 w {x:.2f} {y:.2f} {w:.2f} {h:.2f} re S")

    # -- blocks -------------------------------------------------------------------------------

    def title(self, hall_name: str, title: str) -> None:
        self.text(PAGE_WIDTH / 2, self.y - 12, hall_name, 12, "center")
        self.text(PAGE_WIDTH / 2, self.y - 36, title, 18, "center")
        self.y -= 52
        if self.training:
            self.mark(f"（{TRAINING_MARK}）")

    def mark(self, text: str) -> None:
        """A centred line under the title: 培训 · 无效, 未交班 · 临时报表."""
        self.text(PAGE_WIDTH / 2, self.y - 14, text, 14, "center")
        self.y -= 22

    def _watermark(self) -> list[str]:
        """A light diagonal 培训 · 无效 across the page, drawn before its content."""
        self._font_state = None
        size = 60.0
        half = self.width(TRAINING_MARK, size) / 2
        c = 0.70710678  # cos 45° = sin 45°
        x = PAGE_WIDTH / 2 - c * half + c * size / 3
        y = PAGE_HEIGHT / 2 - c * half - c * size / 3
        show = self._show(TRAINING_MARK, size)
        self._font_state = None  # the page's own text sets its font again
        return [
            "0.82 g",
            f"BT {c:.6f} {c:.6f} {-c:.6f} {c:.6f} {x:.2f} {y:.2f} Tm {show} ET",
            "0 g",
        ]

    def heading(self, text: str) -> None:
        self.need(72)  # with room under it for a table's header, a row and a total line
        self.y -= 8
        self.text(LEFT, self.y - 12, text, 11)
        self.y -= 18

    def section(self, text: str) -> None:
        """A heading numbered 一、二、… in the order the sections are written."""
        self.sections += 1
        self.heading(f"{chinese_number(self.sections)}、{text}")

    def paragraph(self, text: str, size: float = 9, indent: float = 0, leading: float = 14):
        for line in self.wrap(text, WIDTH - indent, size):
            self.need(leading)
            self.text(LEFT + indent, self.y - size - 2, line, size)
            self.y -= leading

    def pairs(self, items: Sequence[tuple[str, str]], size: float = 9, columns: int = 0) -> None:
        """A line of "label：value" pairs, in ``columns`` equal columns (default: one each)."""
        self.need(16)
        step = WIDTH / max(1, columns or len(items))
        for i, (label, value) in enumerate(items):
            line = self.fit(f"{label}：{value}", step - 6, size)
            self.text(LEFT + i * step, self.y - 11, line, size)
        self.y -= 16

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 9,
        row_height: float = 15,
        total: Sequence[str] | None = None,
        empty: str = "（无）",
    ) -> None:
        """Rows under a shaded header; the header repeats after every page break."""
        xs: list[tuple[float, float, str]] = []  # (anchor x, width, align) per column
        x = LEFT
        for c in columns:
            anchor = {"left": x + 3, "right": x + c.width - 3}.get(c.align, x + c.width / 2)
            xs.append((anchor, c.width - 6, c.align))
            x += c.width
        right = x

        def header() -> None:
            self.fill(LEFT, self.y - row_height, right - LEFT, row_height)
            self.line(LEFT, self.y, right, self.y)
            base = self.y - row_height + (row_height - size) / 2 + 1.5
            for (anchor, _, align), c in zip(xs, columns, strict=True):
                self.text(anchor, base, c.title, size, align)
            self.y -= row_height
            self.line(LEFT, self.y, right, self.y)

        def row(cells: Sequence[str]) -> None:
            base = self.y - row_height + (row_height - size) / 2 + 1.5
            for (anchor, room, align), cell in zip(xs, cells, strict=True):
                if not cell:
                    continue
                w = None
                # no glyph is wider than 1 em: short cells fit without being measured
                if align != "left" or len(cell) * size > room:
                    w = self.width(cell, size)
                    if w > room:
                        cell, w = self.fit(cell, room, size), None
                self.text(anchor, base, cell, size, align, w)
            self.y -= row_height

        self.need(row_height * (2 + (total is not None)))
        header()
        if not rows:
            self.text(LEFT + 3, self.y - row_height + (row_height - size) / 2 + 1.5, empty, size)
            self.y -= row_height
        for cells in rows:
            if self.y - row_height < BOTTOM:
                self.line(LEFT, self.y, right, self.y)
                self.new_page()
                header()
            row(cells)
        if total is not None:
            if self.y - row_height < BOTTOM:
                self.new_page()
                header()
            self.line(LEFT, self.y, right, self.y)
            row(total)
        self.line(LEFT, self.y, right, self.y)
        self.y -= 4

    def grid(self, rows: Sequence[Sequence[tuple[str, str]]], size: float = 9.5) -> None:
        """A bordered form: each row holds one or two (label, value) cells."""
        label_w = 78.0
        height = 22.0
        half = WIDTH / 2
        for cells in rows:
            value_w = (WIDTH if len(cells) == 1 else half) - label_w
            lines = [self.wrap(value, value_w - 8, size) or [""] for _, value in cells]
            h = max(height, 8 + 13 * max(len(v) for v in lines))
            self.need(h)
            top = self.y
            x = LEFT
            for (label, _), value_lines in zip(cells, lines, strict=True):
                self.fill(x, top - h, label_w, h, LABEL_GRAY)
                self.box(x, top - h, label_w, h)
                self.box(x + label_w, top - h, value_w, h)
                self.text(x + 5, top - h / 2 - size / 2 + 1.5, label, size)
                first = top - h / 2 - size / 2 + 1.5 + 6.5 * (len(value_lines) - 1)
                for i, value in enumerate(value_lines):
                    self.text(x + label_w + 5, first - 13 * i, value, size)
                x += label_w + value_w
            self.y -= h
        self.y -= 6

    def signatures(self, labels: Sequence[str], size: float = 10) -> None:
        self.need(40)
        self.y -= 26
        step = WIDTH / len(labels)
        for i, label in enumerate(labels):
            x = LEFT + i * step
            self.text(x, self.y, f"{label}：", size)
            start = x + self.width(f"{label}：", size) + 2
            self.line(start, self.y - 2, x + step - 12, self.y - 2)
        self.y -= 14

    # -- output -------------------------------------------------------------------------------

    def finish(self) -> bytes:
        self._end_text()
        count = len(self.pages)
        canvas = self.canvas
        for number, ops in enumerate(self.pages, start=1):
            if self.training:
                ops[1:1] = self._watermark()  # after the page's initial line width and colours
            self.ops = ops
            self._font_state = None
            self.line(LEFT, BOTTOM - 12, RIGHT, BOTTOM - 12, 0.4)
            self.text(LEFT, FOOTER_Y, self.footer_label, 8)
            self.text(RIGHT, FOOTER_Y, f"第 {number} 页，共 {count} 页", 8, "right")
            self._end_text()
            canvas.addLiteral("\n".join(ops))
            canvas.showPage()
        with _save_lock:
            previous = rl_config.useA85
            rl_config.useA85 = 0
            try:
                canvas.save()
            finally:
                rl_config.useA85 = previous
        return self.buffer.getvalue()


# --------------------------------------------------------------------------------------------
# 开户申请表
# --------------------------------------------------------------------------------------------


def _contract_clauses(data: OpeningFormData) -> list[str]:
    if data.residential:
        price = (
            "居民用气实行年度阶梯气价，按本表所列各阶梯年用气量和单价分段计费，"
            "阶梯年度内累计购气量跨越分界量时分段计价；"
            "气价调整时按政府价格主管部门公布的价格执行。"
        )
    else:
        price = (
            "非居民用气执行工商业气价，按本表所列单价计费；"
            "气价调整时按政府价格主管部门公布的价格执行。"
        )
    return [
        "安全用气：用户应遵守《城镇燃气管理条例》，正确使用合格燃气器具，不得私自改装、"
        "拆除、迁移燃气设施；发现漏气应立即关闭阀门、开窗通风，严禁明火和开关电器，"
        "并到户外拨打燃气抢修电话。",
        "预付费购气：本户使用IC卡智能燃气表，先购气、后用气。用户持本户IC卡到营业厅柜台"
        "购气，购气后应及时将卡插入燃气表完成充值；卡内气量未插表前，可凭卡到柜台办理退气。",
        f"阶梯气价：{price}",
        "表具保护：燃气表及表前管道设施由供气方负责维护和检定，用户应妥善保护，不得擅自"
        "拆卸、损坏或干扰计量；IC卡遗失或损坏的，应及时到营业厅挂失补卡，"
        "因用户原因补卡的按规定收取工本费。",
        "过户与销户：房屋产权或使用权变更的，新旧用户应持有效证件到营业厅柜台办理过户；"
        "停止用气的，应到营业厅柜台办理销户，按表读数结算，未使用的气量按购气时的价格退还。",
        "其他：本摘要仅列主要条款，双方权利义务以签订的供用气合同全文为准。",
    ]


def _tier_range(tier: TariffTierRow) -> str:
    if tier.upper is None:
        return f"{format_volume(tier.lower)} 以上" if tier.lower else "不限"
    return f"{format_volume(tier.lower)} – {format_volume(tier.upper)}"


def account_opening_form(data: OpeningFormData) -> bytes:
    """开户申请表 with the contract summary (《居民用户供用气合同》摘要), as PDF bytes."""
    label = f"燃气开户申请表 · 户号 {data.account_no}"
    sheet = _Sheet("燃气开户申请表", label, training=data.training)
    sheet.title(data.hall_name, "燃气开户申请表")
    sheet.pairs(
        [
            ("户号", data.account_no),
            ("开户日期", _date(data.opened_on)),
            ("受理单号", _or_dash(data.receipt_no)),
        ]
    )
    proxy = "无（本人办理）"
    if data.proxy_name:
        proxy = f"{data.proxy_name}（与户主关系：{_or_dash(data.proxy_relation)}）"
        if data.proxy_id_number:
            proxy += f"  证件号码：{mask_id(data.proxy_id_number)}"

    sheet.heading("一、用户信息")
    sheet.grid(
        [
            [("用户名称", data.customer_name), ("用户类型", data.customer_kind)],
            [("证件类型", data.id_type), ("证件号码", mask_id(data.id_number))],
            [
                ("联系电话", mask_phone(data.phone) or "—"),
                ("家庭人口", f"{data.household_size} 人"),
            ],
            [("用气地址", data.address)],
        ]
    )
    sheet.heading("二、表具与IC卡")
    reading = "—" if data.initial_reading is None else f"{format_volume(data.initial_reading)} m³"
    sheet.grid(
        [
            [("燃气表号", _or_dash(data.meter_no)), ("表具型号", _or_dash(data.meter_model))],
            [("表底数", reading), ("IC卡号", _or_dash(data.card_serial))],
        ]
    )
    sheet.heading("三、供用气合同")
    sheet.grid(
        [
            [
                ("合同编号", _or_dash(data.contract_no)),
                ("签订日期", _date(data.contract_signed_on)),
            ],
            [("代办人", proxy)],
        ]
    )
    sheet.heading(f"四、执行气价：{data.tariff_name}")
    sheet.table(
        [
            Column("阶梯", 120),
            Column("年用气量（m³/年）", 200, "center"),
            Column("单价（元/m³）", 191, "right"),
        ],
        [(tier_label(t.tier), _tier_range(t), format_money(t.price_fen)) for t in data.tiers],
    )
    note = f"阶梯年度自每年{data.ladder_start_month}月1日起计算。"
    if data.household_threshold and data.extra_per_member:
        note += (
            f"家庭人口超过{data.household_threshold}人的，每增加1人，各阶梯分界量增加"
            f"{format_volume(data.extra_per_member)} m³；上表已按本户人口计算。"
        )
    sheet.paragraph(note, 8.5)

    sheet.heading("五、申请人声明及签字")
    sheet.paragraph(
        "本人申请开通管道燃气供气，已阅读并同意供用气合同条款（摘要见下），"
        "所填信息真实有效，并遵守安全用气规定。",
        9,
    )
    clerk = f"经办人（{data.clerk_name}）" if data.clerk_name else "经办人"
    sheet.signatures(["客户签字", clerk, "日期"])

    contract = "居民用户供用气合同" if data.residential else "非居民用户供用气合同"
    sheet.y -= 10
    sheet.need(120)
    sheet.line(LEFT, sheet.y, RIGHT, sheet.y, 0.4)
    sheet.y -= 6
    sheet.text(PAGE_WIDTH / 2, sheet.y - 16, f"《{contract}》摘要", 13, "center")
    sheet.y -= 28
    for number, clause in enumerate(_contract_clauses(data), start=1):
        sheet.paragraph(f"{number}. {clause}", 9, leading=13.5)
        sheet.y -= 3
    return sheet.finish()


# --------------------------------------------------------------------------------------------
# Report tables as data: typed cells, printed here and written to CSV/XLSX by export.py
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    """A money cell (fen): 元 with two decimals on paper, a number in a spreadsheet."""

    fen: int

    def __int__(self) -> int:
        return self.fen


@dataclass(frozen=True)
class Volume:
    """A volume cell (0.01 m³)."""

    units: int

    def __int__(self) -> int:
        return self.units


Cell = str | int | Money | Volume | dt.datetime | dt.date | None
Row = tuple[Cell, ...]
TOTAL_LABEL = "合计"
OVERDUE_NOTE = "超过两个工作日，须立即上交"


def cell_text(cell: Cell) -> str:
    """A cell as printed: money and volumes formatted, times hall local, None empty."""
    if cell is None:
        return ""
    if isinstance(cell, Money):
        return format_money(cell.fen)
    if isinstance(cell, Volume):
        return format_volume(cell.units)
    if isinstance(cell, dt.datetime):
        return _time(cell)
    if isinstance(cell, dt.date):
        return _date(cell)
    return str(cell)


@dataclass(frozen=True)
class Table:
    """One table of a report: columns (title, width on the page, alignment), rows, total row."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None
    empty: str = "（无）"  # printed in place of the rows when there are none

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in (*self.rows, *([] if self.total is None else [self.total])):
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} cells in a table of {width} columns")

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(c.title for c in self.columns)

    def without_last_column(self) -> Table:
        return Table(
            self.columns[:-1],
            tuple(row[:-1] for row in self.rows),
            None if self.total is None else self.total[:-1],
            self.empty,
        )


Summed = type[int] | type[Money] | type[Volume]


def _number(cell: Cell) -> int:
    if isinstance(cell, Money | Volume | int):
        return int(cell)
    raise TypeError(f"not a figure: {cell!r}")


def _total(rows: Sequence[Row], *kinds: Summed | None) -> Row:
    """The total row of ``rows``: 合计, then per further column the sum as ``kind`` (int, Money
    or Volume), or nothing where ``kind`` is None."""
    return (
        TOTAL_LABEL,
        *(
            None if kind is None else kind(sum(_number(row[i]) for row in rows))
            for i, kind in enumerate(kinds, start=1)
        ),
    )


def _table(
    columns: tuple[Column, ...], rows: Sequence[Row], *kinds: Summed | None, empty: str
) -> Table:
    """A table whose total row sums the columns as ``kinds`` say (the columns after the last
    kind are left empty); no total row when there are no rows."""
    kinds += (None,) * (len(columns) - 1 - len(kinds))
    return Table(columns, tuple(rows), _total(rows, *kinds) if rows else None, empty)


def kinds_table(kinds: Sequence[KindTotal], total: Totals) -> Table:
    return Table(
        (
            Column("业务类型", 140),
            Column("笔数", 90, "right"),
            Column("气量（m³）", 140, "right"),
            Column("金额（元）", 141, "right"),
        ),
        tuple((kind_label(k.kind), k.count, Volume(k.volume), Money(k.amount_fen)) for k in kinds),
        (TOTAL_LABEL, total.count, Volume(total.volume), Money(total.amount_fen)),
    )


def payments_table(payments: Sequence[PaymentTotal]) -> Table:
    return _table(
        (
            Column("收款方式", 111),
            Column("笔数", 70, "right"),
            Column("收入（元）", 110, "right"),
            Column("支出（元）", 110, "right"),
            Column("净额（元）", 110, "right"),
        ),
        [
            (p.method, p.count, Money(p.received_fen), Money(p.paid_fen), Money(p.net_fen))
            for p in payments
        ],
        int,
        Money,
        Money,
        Money,
        empty="（无）",
    )


def tiers_table(tiers: Sequence[TierTotal]) -> Table:
    rows = tuple(
        (tier_label(t.tier), Money(t.price_fen), Volume(t.volume), Money(t.amount_fen))
        for t in tiers
    )
    return Table(
        (
            Column("阶梯", 140),
            Column("单价（元/m³）", 90, "right"),
            Column("气量（m³）", 140, "right"),
            Column("金额（元）", 141, "right"),
        ),
        rows,
        _total(rows, None, Volume, Money),
        "（无分阶梯计价的业务）",
    )


def groups_table(title: str, groups: Sequence[GroupTotal], total: Totals) -> Table:
    """The transactions of each clerk or counter; ``title`` heads the name column."""
    return Table(
        (
            Column(title, 111),
            Column("笔数", 50, "right"),
            Column("气量（m³）", 80, "right"),
            Column("收入（元）", 90, "right"),
            Column("支出（元）", 90, "right"),
            Column("净额（元）", 90, "right"),
        ),
        tuple(
            (
                g.name,
                g.count,
                Volume(g.volume),
                Money(g.received_fen),
                Money(g.paid_fen),
                Money(g.amount_fen),
            )
            for g in groups
        ),
        (
            TOTAL_LABEL,
            total.count,
            Volume(total.volume),
            Money(total.received_fen),
            Money(total.paid_fen),
            Money(total.amount_fen),
        ),
    )


def hall_tables(data: DailyReportData | MonthlyReportData) -> list[tuple[str, Table]]:
    """By clerk, counter, kind, payment method and tier, with their headings: the daily and the
    monthly report."""
    return [
        ("按营业员汇总", groups_table("营业员", data.clerks, data.total)),
        ("按柜台汇总", groups_table("柜台", data.counters, data.total)),
        ("按业务类型汇总", kinds_table(data.kinds, data.total)),
        ("按收款方式汇总", payments_table(data.payments)),
        ("按阶梯汇总（已扣除退气、作废）", tiers_table(data.tiers)),
    ]


def cash_table(cash: CashSummary | None) -> Table:
    rows = () if cash is None else cash_items(cash)
    return Table(
        (Column("项目", 150), Column("金额（元）", 150, "right"), Column("说明", 211)),
        tuple((label, "—" if fen is None else Money(fen), note) for label, fen, note in rows),
        empty="（无钱箱记录）",
    )


def denominations_table(cash: CashSummary | None) -> Table:
    return _table(
        (Column("面额", 170), Column("张数", 170, "right"), Column("金额（元）", 171, "right")),
        [(d.name, d.pieces or None, Money(d.amount_fen)) for d in cash.denominations]
        if cash is not None
        else [],
        None,
        Money,
        empty="（未盘点）",
    )


def methods_table(methods: Sequence[MethodCount]) -> Table:
    return _table(
        (
            Column("付款方式", 131),
            Column("应收（元）", 125, "right"),
            Column("实点（元）", 125, "right"),
            Column("差额（元）", 130, "right"),
        ),
        [
            (m.method, Money(m.expected_fen), Money(m.counted_fen), Money(m.difference_fen))
            for m in methods
        ],
        Money,
        Money,
        Money,
        empty="（未盘点）",
    )


def handovers_table(handovers: Sequence[HandoverLine]) -> Table:
    return _table(
        (
            Column("交款单号", 105),
            Column("时间", 110),
            Column("来源", 45),
            Column("交款人", 70),
            Column("收款人（财务）", 80),
            Column("金额（元）", 101, "right"),
        ),
        [
            (h.slip_no, h.handed_at, h.source, h.clerk_name, h.receiver_name, Money(h.amount_fen))
            for h in handovers
        ],
        None,
        None,
        None,
        None,
        Money,
        empty="（无交款）",
    )


def over_short_table(lines: Sequence[OverShortLine]) -> Table:
    """Differences found at close; the explanation is the last column (the PDF prints it in full
    under the table)."""
    rows = tuple(
        (
            i,
            o.clerk_name,
            o.counter_name,
            o.method,
            over_short_label(o.amount_fen),
            Money(o.amount_fen),
            signer(o.signed_by, o.signed_role),
            o.explanation,
        )
        for i, o in enumerate(lines, start=1)
    )
    net = sum(o.amount_fen for o in lines)
    return Table(
        (
            Column("序号", 30, "right"),
            Column("营业员", 66),
            Column("柜台", 66),
            Column("付款方式", 55),
            Column("类型", 45),
            Column("金额（元）", 75, "right"),
            Column("签字人", 174),
            Column("说明", 0),
        ),
        rows,
        (None, TOTAL_LABEL, None, None, over_short_label(net), Money(net), None, None)
        if rows
        else None,
        "（无长短款）",
    )


def shifts_table(shifts: Sequence[ShiftLine]) -> Table:
    return Table(
        (
            Column("营业员", 70),
            Column("柜台", 70),
            Column("开班时间", 110),
            Column("交班时间", 110),
            Column("状态", 50),
            Column("钱箱现金（元）", 101, "right"),
        ),
        tuple(
            (
                s.clerk_name,
                s.counter_name,
                s.opened_at,
                s.closed_at,
                "已交班" if s.closed_at else "未交班",
                None if s.closed_at else Money(s.cash_fen),
            )
            for s in shifts
        ),
        empty="（无班次）",
    )


def held_table(held: Sequence[HeldLine]) -> Table:
    return _table(
        (
            Column("营业日期", 110),
            Column("金额（元）", 110, "right"),
            Column("已持有（工作日）", 100, "right"),
            Column("状态", 191),
        ),
        [
            (
                h.business_date,
                Money(h.amount_fen),
                h.working_days_held,
                OVERDUE_NOTE if h.overdue else "待交财务",
            )
            for h in held
        ],
        Money,
        empty="（无：各营业日收入均已交财务）",
    )


def days_table(days: Sequence[DayLine]) -> Table:
    return _table(
        (
            Column("营业日期", 70),
            Column("笔数", 45, "right"),
            Column("气量（m³）", 70, "right"),
            Column("金额（元）", 66, "right"),
            Column("现金（元）", 66, "right"),
            Column("非现金（元）", 66, "right"),
            Column("交款（元）", 66, "right"),
            Column("长短款（元）", 62, "right"),
        ),
        [
            (
                d.business_date,
                d.count,
                Volume(d.volume),
                Money(d.amount_fen),
                Money(d.cash_fen),
                Money(d.noncash_fen),
                Money(d.handed_over_fen),
                Money(d.over_short_fen),
            )
            for d in days
        ],
        int,
        Volume,
        Money,
        Money,
        Money,
        Money,
        Money,
        empty="（本月无营业日）",
    )


# --------------------------------------------------------------------------------------------
# 营业员交班报表 (Z-report), 营业厅日报 and 营业厅月报
# --------------------------------------------------------------------------------------------

ZREPORT_TITLE = "营业员交班报表（Z报表）"
INTERIM_MARK = "未交班 · 临时报表"

_DETAIL_COLUMNS = (
    Column("序号", 38, "right"),
    Column("票据号", 94),
    Column("时间", 104),
    Column("业务类型", 55),
    Column("户号", 76),
    Column("气量（m³）", 68, "right"),
    Column("金额（元）", 76, "right"),
)


def _put(sheet: _Sheet, table: Table, size: float = 9) -> None:
    """Print ``table`` on ``sheet``."""
    sheet.table(
        table.columns,
        [tuple(map(cell_text, row)) for row in table.rows],
        total=None if table.total is None else tuple(map(cell_text, table.total)),
        empty=table.empty,
        size=size,
    )


def _over_short(sheet: _Sheet, lines: Sequence[OverShortLine]) -> None:
    """The differences, then each one's explanation in full (a table cell would cut it)."""
    _put(sheet, over_short_table(lines).without_last_column())
    for i, o in enumerate(lines, start=1):
        sheet.paragraph(f"（{i}）说明：{_or_dash(o.explanation)}", 9, indent=6)


def _receipt_range(first: str | None, last: str | None, count: int, *, clerk: bool) -> str:
    if first is None:
        return "无票据"
    text = f"起始票据号 {first}，截止票据号 {last}，共 {count} 张"
    if clerk:  # receipt numbers are shared by the hall's counters
        text += "（号段内其余票据由其他营业员或柜台开具）"
    return text


def _totals(sheet: _Sheet, total: Totals) -> None:
    """The 总计 block of every report: all payment methods together."""
    sheet.pairs(
        [
            ("业务笔数", f"{total.count} 笔"),
            ("净售气量", f"{format_volume(total.volume)} m³"),
            ("收入合计", f"{format_money(total.received_fen)} 元"),
        ],
        9.5,
    )
    sheet.pairs(
        [
            ("支出合计", f"{format_money(total.paid_fen)} 元"),
            ("净收入", f"{format_money(total.amount_fen)} 元"),
        ],
        9.5,
        columns=3,
    )


def _guarded_table(sheet: _Sheet, guarded: Sequence[GuardedRow]) -> None:
    sheet.table(
        (
            Column("票据号", 86),
            Column("时间", 46),
            Column("类型", 32),
            Column("户号", 60),
            Column("气量（m³）", 50, "right"),
            Column("金额（元）", 56, "right"),
            Column("审批人", 111),
            Column("原因", 70),
        ),
        [
            (
                g.receipt_no,
                g.created_at.strftime("%H:%M:%S"),
                kind_label(g.kind),
                g.account_no,
                format_volume(g.volume),
                format_money(g.amount_fen),
                "、".join(signer(a.name, a.role) for a in g.approvers) or "—",
                g.reason or "",
            )
            for g in guarded
        ],
        size=8,
    )


def _shift_no(shift_id: int | None) -> str:
    return "—" if shift_id is None else str(shift_id)


def zreport(data: ZReportData) -> bytes:
    """营业员交班报表 (Z-report) of one shift as PDF bytes; an open shift is marked interim."""
    label = f"营业员交班报表 · {data.clerk_name} · {data.counter_name}"
    title = ZREPORT_TITLE
    if not data.closed:
        label = f"{INTERIM_MARK} · {label}"
        title = f"{title}（{INTERIM_MARK}）"
    sheet = _Sheet(title, label, training=data.training)
    sheet.title(data.hall_name, ZREPORT_TITLE)
    if not data.closed:
        sheet.mark(f"【{INTERIM_MARK}】")
    sheet.pairs(
        [
            ("柜台", data.counter_name),
            ("营业员", data.clerk_name),
            ("班次号", _shift_no(data.shift_id)),
        ]
    )
    sheet.pairs([("统计时段", f"{_time(data.start)} 至 {_time(data.end)}")])
    sheet.pairs([("打印时间", _time(data.printed_at))])

    sheet.section("班次信息")
    sheet.grid(
        [
            [
                ("班次号", _shift_no(data.shift_id)),
                ("状态", "已交班" if data.closed else "未交班（临时报表）"),
            ],
            [
                ("开班时间", _time(data.start)),
                ("交班时间", _time(data.end) if data.closed else "—（未交班）"),
            ],
            [("柜台", data.counter_name), ("营业员", data.clerk_name)],
        ]
    )
    for heading, table in (
        ("按业务类型汇总", kinds_table(data.kinds, data.total)),
        ("按收款方式汇总", payments_table(data.payments)),
        ("按阶梯汇总（已扣除退气、作废）", tiers_table(data.tiers)),
    ):
        sheet.section(heading)
        _put(sheet, table)
    sheet.section("退气、补气及审批明细")
    _guarded_table(sheet, data.guarded)
    for heading, table in (
        ("钱箱现金", cash_table(data.cash)),
        ("现金盘点（按面额）", denominations_table(data.cash)),
        ("各付款方式核对（应收、实点、差额）", methods_table(data.methods)),
        ("交款明细", handovers_table(data.handovers)),
    ):
        sheet.section(heading)
        _put(sheet, table)
    sheet.section("长短款")
    _over_short(sheet, data.over_short)

    sheet.section("票据号段")
    receipts = _receipt_range(data.first_receipt, data.last_receipt, data.total.count, clerk=True)
    sheet.paragraph(receipts, 9.5)

    sheet.section("总计")
    _totals(sheet, data.total)
    sheet.pairs(
        [
            ("累计总额", f"{format_money(data.grand_total_fen)} 元"),
            ("盘点次数", f"{data.counts_taken} 次"),
            ("审计链", audit_line(data)),
        ],
        9.5,
        columns=3,
    )
    sheet.signatures(["营业员签字", "班长复核", "财务签收"])

    sheet.section("交易明细")
    rows = [
        (
            str(i),
            d.receipt_no,
            d.created_at.strftime("%m-%d %H:%M:%S"),
            kind_label(d.kind),
            d.account_no,
            format_volume(d.volume),
            format_money(d.amount_fen),
        )
        for i, d in enumerate(data.details, start=1)
    ]
    sheet.table(_DETAIL_COLUMNS, rows, size=8, row_height=12.5)
    return sheet.finish()


def _hall_sections(sheet: _Sheet, data: DailyReportData | MonthlyReportData) -> None:
    for heading, table in hall_tables(data):
        sheet.section(heading)
        _put(sheet, table)


def daily_report(data: DailyReportData) -> bytes:
    """营业厅日报 as PDF bytes."""
    day = _date(data.business_date)
    label = f"营业厅日报 · {data.hall_name} · {day}"
    sheet = _Sheet("营业厅日报", label, training=data.training)
    sheet.title(data.hall_name, "营业厅日报")
    sheet.pairs([("营业日期", day), ("打印时间", _time(data.printed_at))])

    _hall_sections(sheet, data)
    sheet.section("总计")
    total = data.total
    _totals(sheet, total)
    receipts = _receipt_range(data.first_receipt, data.last_receipt, total.count, clerk=False)
    sheet.paragraph(f"票据号段：{receipts}", 9.5)

    sheet.section("班次")
    _put(sheet, shifts_table(data.shifts))
    sheet.section("交款")
    _put(sheet, handovers_table(data.handovers))
    sheet.section("长短款")
    _over_short(sheet, data.over_short)
    sheet.section("库存现金")
    sheet.pairs(
        [
            ("钱箱现金（未交班）", f"{format_money(data.drawer_cash_fen)} 元"),
            ("保险柜现金", f"{format_money(data.safe_cash_fen)} 元"),
            ("合计", f"{format_money(data.drawer_cash_fen + data.safe_cash_fen)} 元"),
        ],
        9.5,
    )
    sheet.section("未交财务的收入")
    _put(sheet, held_table(data.held))
    overdue = [_date(h.business_date) for h in data.held if h.overdue]
    if overdue:
        sheet.paragraph(f"注意：{'、'.join(overdue)} 的收入{OVERDUE_NOTE}。", 9.5)
    sheet.signatures(["制表", "营业厅负责人", "财务"])
    return sheet.finish()


def audit_line(data: ZReportData) -> str:
    """第N条 · <mac prefix>: what ``gasdesk admin audit verify --expect-count N --expect-mac``
    takes from the paper."""
    if data.audit_entries is None:
        return "—"
    return f"第{data.audit_entries}条 {data.audit_head or ''}".strip()


def month_title(year: int, month: int) -> str:
    return f"营业厅月报 {year}年{month:02d}月"


def monthly_report(data: MonthlyReportData) -> bytes:
    """营业厅月报 as PDF bytes: the month's days, then its totals grouped like the daily report."""
    title = month_title(data.year, data.month)
    label = f"营业厅月报 · {data.hall_name} · {data.year}年{data.month:02d}月"
    sheet = _Sheet(title, label, training=data.training)
    sheet.title(data.hall_name, title)
    sheet.pairs(
        [("统计月份", f"{data.year}年{data.month:02d}月"), ("打印时间", _time(data.printed_at))]
    )

    sheet.section("按日汇总")
    _put(sheet, days_table(data.days), size=8.5)
    _hall_sections(sheet, data)
    sheet.section("交款与长短款")
    over_short = sum(o.amount_fen for o in data.over_short)
    sheet.pairs(
        [
            ("交款合计", f"{format_money(data.handed_over_fen)} 元"),
            ("长短款合计", f"{format_money(over_short)} 元"),
        ],
        9.5,
        columns=3,
    )
    _over_short(sheet, data.over_short)
    sheet.section("总计")
    _totals(sheet, data.total)
    sheet.signatures(["制表", "营业厅负责人", "财务"])
    return sheet.finish()
