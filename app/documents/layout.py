"""The PDF layout engine: A4 pages of text, tables, forms and signature lines in the embedded
CJK TrueType font, with page numbers and the training mark; and the typed tables it prints.

reportlab builds the PDF objects: font subsetting and embedding, compression, cross references.
The page content itself is written by ``Sheet`` as PDF operators (``Canvas.addLiteral``), with
each character's subset code and width looked up once per document: reportlab's ``drawString``
costs tens of microseconds per string in pure Python, too slow for a Z-report of 10,000
transactions (see the bench metric ``zreport_10k_s``). Writing every page before handing it to
the canvas also gives the page count for "第 n 页，共 N 页".

Output is deterministic: the same data gives the same bytes (fixed creation date and document
id, no clock read here). Saving turns reportlab's ASCII85 stream filter off for the call
(``_save_lock``): it is pure Python and alone would cost about a second on a 10,000-row report.
A ``Table`` is rows of typed cells (``Money`` in fen, ``Volume`` in 0.01 m³, times, dates):
``Sheet.put`` prints it, ``app.documents.export`` writes the same table to CSV/XLSX.
"""

from __future__ import annotations

import datetime as dt
import io
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
from app.fonts import MISSING_FONT_MESSAGE, MissingFont, find_cjk_font
from app.vocabulary import HallMode

# --------------------------------------------------------------------------------------------
# The font, registered with reportlab
# --------------------------------------------------------------------------------------------

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
# Formatting
# --------------------------------------------------------------------------------------------


_DIGITS = "零一二三四五六七八九十"


def date_text(day: dt.date | None) -> str:
    return day.strftime("%Y-%m-%d") if day else "—"


def time_text(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def or_dash(value: object) -> str:
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
# The page
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
TRAINING_MARK = HallMode.TRAINING.mark

# reportlab reads the global rl_config.useA85 while saving; its ASCII85 filter is pure Python and
# would cost about a second on a 200-page report. Binary (Flate only) streams are just as valid.
# Our saves switch it off under this lock and restore it afterwards.
_save_lock = threading.Lock()


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    align: str = "left"  # left / right / center


# --------------------------------------------------------------------------------------------
# Tables as data: typed cells, printed by Sheet.put and written to CSV/XLSX by export.py
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


def cell_text(cell: Cell) -> str:
    """A cell as printed: money and volumes formatted, times hall local, None empty."""
    if cell is None:
        return ""
    if isinstance(cell, Money):
        return format_money(cell.fen)
    if isinstance(cell, Volume):
        return format_volume(cell.units)
    if isinstance(cell, dt.datetime):
        return time_text(cell)
    if isinstance(cell, dt.date):
        return date_text(cell)
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


# --------------------------------------------------------------------------------------------
# The page writer
# --------------------------------------------------------------------------------------------


class Sheet:
    """A4 pages written as PDF operators with the CJK font, then handed to a reportlab canvas."""

    def __init__(self, title: str, footer_label: str, *, mode: HallMode = HallMode.LIVE):
        """``mode``: 培训/演示 puts its mark in the title, the footer and across every page."""
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
        self.marked = mode.mark  # None: a live hall's document
        if self.marked:
            title = f"{title}（{self.marked}）"
            footer_label = f"{self.marked} · {footer_label}"
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
        if self.marked:
            self.mark(f"（{self.marked}）")

    def mark(self, text: str) -> None:
        """A centred line under the title: 培训 · 无效, 未交班 · 临时报表."""
        self.text(PAGE_WIDTH / 2, self.y - 14, text, 14, "center")
        self.y -= 22

    def _watermark(self) -> list[str]:
        """A light diagonal 培训 · 无效 (or 演示 · 无效) across the page, drawn before its
        content."""
        self._font_state = None
        size = 60.0
        mark = self.marked or ""
        half = self.width(mark, size) / 2
        c = 0.70710678  # cos 45° = sin 45°
        x = PAGE_WIDTH / 2 - c * half + c * size / 3
        y = PAGE_HEIGHT / 2 - c * half - c * size / 3
        show = self._show(mark, size)
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

    def put(self, table: Table, size: float = 9) -> None:
        """Print a typed ``table``: its cells as ``cell_text`` shows them."""
        self.table(
            table.columns,
            [tuple(map(cell_text, row)) for row in table.rows],
            total=None if table.total is None else tuple(map(cell_text, table.total)),
            empty=table.empty,
            size=size,
        )

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
            if self.marked:
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
