"""What came out of the emulated receipt printer: printed lines, images, codes, cuts and
drawer kicks, and the paper as text (one line per printed line, markers for the rest).

Plain values: the decoder makes them, the preview paints them, tests read them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """Part of a printed line in one style."""

    text: str
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1
    underline: int = 0
    font: int = 0  # 0 = font A (12x24 dots), 1 = font B (9x17)


@dataclass(frozen=True)
class Text:
    """One printed line of text; line-level style is the widest/boldest of its runs."""

    line: str
    bold: bool = False
    width_mult: int = 1
    height_mult: int = 1
    align: str = "left"
    runs: tuple[Run, ...] = ()


@dataclass(frozen=True)
class Image:
    """A bit image; ``bitmap`` is row-major, ceil(w/8) bytes a row, MSB leftmost, 1 = black."""

    w: int
    h: int
    bitmap: bytes
    scale_x: int = 1
    scale_y: int = 1
    align: str = "left"
    column: bool = False  # came as ESC * bands (merged into one image)


@dataclass(frozen=True)
class Qr:
    """A native QR code as printed; ``raw`` is the stored bytes the symbol encodes."""

    data: str
    raw: bytes = b""
    module_size: int = 3
    ec_level: str = "L"
    align: str = "left"


@dataclass(frozen=True)
class Barcode:
    """A 1D barcode (GS k); the preview shows a placeholder, not scannable bars."""

    system: int
    data: str
    align: str = "left"


@dataclass(frozen=True)
class Cut:
    partial: bool = False


@dataclass(frozen=True)
class Drawer:
    pin: int  # drawer kick connector pin: 2 or 5


Element = Text | Image | Qr | Barcode | Cut | Drawer


def marker(element: Element) -> str:
    """The transcript line of one element."""
    if isinstance(element, Text):
        # trailing spaces are invisible on paper (column padding)
        return element.line.rstrip()
    if isinstance(element, Image):
        return f"[IMAGE {element.w}x{element.h}]"
    if isinstance(element, Qr):
        return f"[QR {element.data}]"
    if isinstance(element, Barcode):
        return f"[BARCODE {element.data}]"
    if isinstance(element, Cut):
        return "[CUT]"
    return f"[DRAWER pin {element.pin}]"


def transcript(elements: Sequence[Element]) -> str:
    """The paper as text: one line per printed line, markers for everything else."""
    return "\n".join(marker(e) for e in elements)


def receipts(elements: Sequence[Element]) -> list[str]:
    """The transcript cut into receipts at each cut, without the blank feed lines around."""
    out: list[str] = []
    current: list[str] = []
    for element in elements:
        if isinstance(element, Cut):
            out.append(_strip_blank("\n".join(current)))
            current = []
        else:
            current.append(marker(element))
    rest = _strip_blank("\n".join(current))
    if rest:
        out.append(rest)
    return out


def _strip_blank(text: str) -> str:
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def cells(ch: str) -> int:
    """Half-width cells a character takes on a printer (CJK and full-width take two)."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
