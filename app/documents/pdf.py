"""PDF documents with an embedded CJK TrueType font: the account opening form (开户申请表), the
clerk's Z-report (营业员日结报表) and the hall's daily report (营业厅日报).

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

# Counter transaction kinds (``counter_transactions.kind``) in report order, with their labels.
KIND_LABELS: dict[str, str] = {
    "purchase": "购气",
    "refund": "退气",
    "supplement": "补气",
    "card_replacement": "补卡",
    "opening": "开户",
    "transfer": "过户",
    "closing": "销户",
    "void": "作废",
}
KIND_ORDER: tuple[str, ...] = tuple(KIND_LABELS)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


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
    """营业员日结报表: one clerk at one counter over [start, end)."""

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
            self.text(PAGE_WIDTH / 2, self.y - 14, f"（{TRAINING_MARK}）", 14, "center")
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
        self.need(44)
        self.y -= 8
        self.text(LEFT, self.y - 12, text, 11)
        self.y -= 18

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
# 营业员日结报表 (Z-report) and 营业厅日报
# --------------------------------------------------------------------------------------------

_KIND_COLUMNS = (
    Column("业务类型", 140),
    Column("笔数", 90, "right"),
    Column("气量（m³）", 140, "right"),
    Column("金额（元）", 141, "right"),
)
_PAYMENT_COLUMNS = (
    Column("收款方式", 111),
    Column("笔数", 70, "right"),
    Column("收入（元）", 110, "right"),
    Column("支出（元）", 110, "right"),
    Column("净额（元）", 110, "right"),
)
_TIER_COLUMNS = (
    Column("阶梯", 140),
    Column("单价（元/m³）", 90, "right"),
    Column("气量（m³）", 140, "right"),
    Column("金额（元）", 141, "right"),
)
_GROUP_COLUMNS = (
    Column("", 111),
    Column("笔数", 50, "right"),
    Column("气量（m³）", 80, "right"),
    Column("收入（元）", 90, "right"),
    Column("支出（元）", 90, "right"),
    Column("净额（元）", 90, "right"),
)
_DETAIL_COLUMNS = (
    Column("序号", 38, "right"),
    Column("票据号", 94),
    Column("时间", 104),
    Column("业务类型", 55),
    Column("户号", 76),
    Column("气量（m³）", 68, "right"),
    Column("金额（元）", 76, "right"),
)


def _kinds_table(sheet: _Sheet, kinds: Sequence[KindTotal], total: Totals) -> None:
    sheet.table(
        _KIND_COLUMNS,
        [
            (kind_label(k.kind), str(k.count), format_volume(k.volume), format_money(k.amount_fen))
            for k in kinds
        ],
        total=(
            "合计",
            str(total.count),
            format_volume(total.volume),
            format_money(total.amount_fen),
        ),
    )


def _payments_table(sheet: _Sheet, payments: Sequence[PaymentTotal]) -> None:
    sheet.table(
        _PAYMENT_COLUMNS,
        [
            (
                p.method,
                str(p.count),
                format_money(p.received_fen),
                format_money(p.paid_fen),
                format_money(p.net_fen),
            )
            for p in payments
        ],
    )


def _tiers_table(sheet: _Sheet, tiers: Sequence[TierTotal]) -> None:
    sheet.table(
        _TIER_COLUMNS,
        [
            (
                tier_label(t.tier),
                format_money(t.price_fen),
                format_volume(t.volume),
                format_money(t.amount_fen),
            )
            for t in tiers
        ],
        total=(
            "合计",
            "",
            format_volume(sum(t.volume for t in tiers)),
            format_money(sum(t.amount_fen for t in tiers)),
        ),
        empty="（无分阶梯计价的业务）",
    )


def _receipt_range(first: str | None, last: str | None, count: int, *, clerk: bool) -> str:
    if first is None:
        return "无票据"
    text = f"起始票据号 {first}，截止票据号 {last}，共 {count} 张"
    if clerk:  # receipt numbers are shared by the hall's counters
        text += "（号段内其余票据由其他营业员或柜台开具）"
    return text


def _totals(sheet, total, net_label: str) -> None:  # type: ignore[no-untyped-def]
    """The 总计 block shared by the Z-report and the daily report."""
    sheet.pairs(
        [
            ("业务笔数", f"{total.count} 笔"),
            ("净售气量", f"{format_volume(total.volume)} m³"),
            ("现金收入", f"{format_money(total.received_fen)} 元"),
        ],
        9.5,
    )
    sheet.pairs(
        [
            ("现金支出", f"{format_money(total.paid_fen)} 元"),
            (net_label, f"{format_money(total.amount_fen)} 元"),
        ],
        9.5,
        columns=3,
    )


def zreport(data: ZReportData) -> bytes:
    """营业员日结报表 (Z-report) as PDF bytes."""
    label = f"营业员日结报表 · {data.clerk_name} · {data.counter_name}"
    sheet = _Sheet("营业员日结报表", label, training=data.training)
    sheet.title(data.hall_name, "营业员日结报表")
    sheet.pairs([("柜台", data.counter_name), ("营业员", data.clerk_name)])
    sheet.pairs([("统计时段", f"{_time(data.start)} 至 {_time(data.end)}")])
    sheet.pairs([("打印时间", _time(data.printed_at))])

    sheet.heading("一、按业务类型汇总")
    _kinds_table(sheet, data.kinds, data.total)
    sheet.heading("二、按收款方式汇总")
    _payments_table(sheet, data.payments)
    sheet.heading("三、按阶梯汇总（已扣除退气、作废）")
    _tiers_table(sheet, data.tiers)

    sheet.heading("四、退气、补气及审批明细")
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
                "、".join(f"{a.name}（{a.role}）" for a in g.approvers) or "—",
                g.reason or "",
            )
            for g in data.guarded
        ],
        size=8,
    )

    sheet.heading("五、票据号段")
    receipts = _receipt_range(data.first_receipt, data.last_receipt, data.total.count, clerk=True)
    sheet.paragraph(receipts, 9.5)

    sheet.heading("六、总计")
    total = data.total
    _totals(sheet, total, "应缴现金")
    sheet.signatures(["营业员签字", "班长复核", "财务签收"])

    sheet.heading("七、交易明细")
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


def _group_rows(groups: Sequence[GroupTotal]) -> list[tuple[str, ...]]:
    return [
        (
            g.name,
            str(g.count),
            format_volume(g.volume),
            format_money(g.received_fen),
            format_money(g.paid_fen),
            format_money(g.amount_fen),
        )
        for g in groups
    ]


def _group_total(total: Totals) -> tuple[str, ...]:
    return (
        "合计",
        str(total.count),
        format_volume(total.volume),
        format_money(total.received_fen),
        format_money(total.paid_fen),
        format_money(total.amount_fen),
    )


def daily_report(data: DailyReportData) -> bytes:
    """营业厅日报 as PDF bytes."""
    day = _date(data.business_date)
    label = f"营业厅日报 · {data.hall_name} · {day}"
    sheet = _Sheet("营业厅日报", label, training=data.training)
    sheet.title(data.hall_name, "营业厅日报")
    sheet.pairs([("营业日期", day), ("打印时间", _time(data.printed_at))])

    first, *rest = _GROUP_COLUMNS
    sheet.heading("一、按营业员汇总")
    sheet.table(
        (Column("营业员", first.width), *rest),
        _group_rows(data.clerks),
        total=_group_total(data.total),
    )
    sheet.heading("二、按柜台汇总")
    sheet.table(
        (Column("柜台", first.width), *rest),
        _group_rows(data.counters),
        total=_group_total(data.total),
    )
    sheet.heading("三、按业务类型汇总")
    _kinds_table(sheet, data.kinds, data.total)
    sheet.heading("四、按收款方式汇总")
    _payments_table(sheet, data.payments)
    sheet.heading("五、按阶梯汇总（已扣除退气、作废）")
    _tiers_table(sheet, data.tiers)

    sheet.heading("六、总计")
    total = data.total
    _totals(sheet, total, "现金净额")
    receipts = _receipt_range(data.first_receipt, data.last_receipt, total.count, clerk=False)
    sheet.paragraph(f"票据号段：{receipts}", 9.5)
    sheet.signatures(["制表", "营业厅负责人", "财务"])
    return sheet.finish()
