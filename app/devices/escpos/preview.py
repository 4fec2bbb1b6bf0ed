"""The paper preview: what the emulated printer printed, painted with Pillow as a receipt
(fonts A and B in fixed cells, bold, double size, raster images, QR codes, a dashed cut).

Pillow and qrcode are imported only when a preview is painted. The CJK font is the one
``app.fonts`` finds (any outline format will do for a raster), unless a font file is given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.devices.escpos.paper import Barcode, Cut, Element, Image, Qr, Run, Text, cells
from app.fonts import MissingFont, candidates, find_cjk_font

if TYPE_CHECKING:
    from PIL import Image as PilImage


class PreviewFontError(FileNotFoundError):
    """No CJK font for the preview: the message names the font(s) looked for."""


def font_file(font_path: str | None = None) -> str:
    """The font the preview paints with: ``font_path`` when given, else the CJK font."""
    if font_path is not None:
        if not Path(font_path).is_file():
            raise PreviewFontError(f"CJK font for the printer preview not found: {font_path}")
        return font_path
    try:
        return str(find_cjk_font(embeddable=False))
    except MissingFont:
        looked = ", ".join(str(p) for p in candidates())
        raise PreviewFontError(
            "no CJK font for the printer preview; install fonts-wqy-zenhei, put a font into "
            f"resources/fonts/ or pass font_path. Looked for: {looked}"
        ) from None


def render_image(
    elements: Sequence[Element], width_dots: int, font_path: str | None = None
) -> PilImage.Image:
    """The paper as a Pillow image (mode L, white, ``width_dots`` wide)."""
    from PIL import Image as Pil

    painter = _Painter(width_dots, font_file(font_path))
    blocks = [painter.block(e) for e in elements]
    height = sum(b.height for b in blocks) + 2 * _MARGIN
    paper = Pil.new("L", (width_dots, max(height, 1)), 255)
    y = _MARGIN
    for block in blocks:
        paper.paste(block, (0, y))
        y += block.height
    return paper


_MARGIN = 8
_LINE_GAP = 6  # ESC 2 default spacing: 24-dot characters on a 30-dot line
_FONT_CELLS = {0: (12, 24), 1: (9, 17)}  # half-width cell of fonts A and B


class _Painter:
    """Turns elements into full-width strips of paper."""

    def __init__(self, width: int, font_file: str) -> None:
        from PIL import ImageFont

        self.width = width
        self.fonts = {
            font: ImageFont.truetype(font_file, size) for font, (_, size) in _FONT_CELLS.items()
        }

    def strip(self, height: int) -> PilImage.Image:
        from PIL import Image as Pil

        return Pil.new("L", (self.width, max(1, height)), 255)

    def x_for(self, align: str, width: int) -> int:
        if align == "center":
            return max(0, (self.width - width) // 2)
        if align == "right":
            return max(0, self.width - width)
        return 0

    def block(self, element: Element) -> PilImage.Image:
        if isinstance(element, Text):
            return self.text(element)
        if isinstance(element, Image):
            return self.image(element)
        if isinstance(element, Qr):
            return self.qr(element)
        if isinstance(element, Barcode):
            return self.barcode(element)
        if isinstance(element, Cut):
            return self.cut()
        return self.strip(0)  # the drawer kick prints nothing

    def text(self, element: Text) -> PilImage.Image:
        glyphs = [(ch, run) for run in element.runs for ch in run.text]
        if not glyphs:
            return self.strip(_FONT_CELLS[0][1] + _LINE_GAP)
        # a printer wraps a line wider than the paper
        rows: list[list[tuple[str, Run, int]]] = [[]]
        used = 0
        for ch, run in glyphs:
            w = cells(ch) * _FONT_CELLS[run.font][0] * run.width_mult
            if used + w > self.width and rows[-1]:
                rows.append([])
                used = 0
            rows[-1].append((ch, run, w))
            used += w
        strips = [self.text_row(row, element.align) for row in rows]
        out = self.strip(sum(s.height for s in strips))
        y = 0
        for s in strips:
            out.paste(s, (0, y))
            y += s.height
        return out

    def text_row(self, row: list[tuple[str, Run, int]], align: str) -> PilImage.Image:
        from PIL import Image as Pil
        from PIL import ImageDraw

        height = max(_FONT_CELLS[r.font][1] * r.height_mult for _, r, _ in row)
        out = self.strip(height + _LINE_GAP)
        x = self.x_for(align, sum(w for _, _, w in row))
        for ch, run, w in row:
            cell_w, cell_h = _FONT_CELLS[run.font]
            base_w = w // run.width_mult
            font = self.fonts[run.font]
            bold = 1 if run.bold else 0
            advance = font.getlength(ch) + bold
            natural = max(base_w, math.ceil(advance))
            glyph = Pil.new("L", (natural, cell_h), 255)
            draw = ImageDraw.Draw(glyph)
            gx = (natural - advance) / 2
            draw.text((gx, 0), ch, font=font, fill=0)
            if bold:  # emphasized printing strikes the dots again one dot to the right
                draw.text((gx + 1, 0), ch, font=font, fill=0)
            if natural > base_w:  # printers use fixed cells: squeeze wide Latin glyphs in
                glyph = glyph.resize((base_w, cell_h), Pil.Resampling.BOX)
            if run.underline:
                draw = ImageDraw.Draw(glyph)
                draw.line((0, cell_h - 1, base_w, cell_h - 1), fill=0, width=run.underline)
            if run.width_mult > 1 or run.height_mult > 1:
                glyph = glyph.resize((w, cell_h * run.height_mult), Pil.Resampling.NEAREST)
            # characters stand on the same baseline, the tallest one sets the line height
            out.paste(glyph, (x, height - glyph.height))
            x += w
        return out

    def image(self, element: Image) -> PilImage.Image:
        from PIL import Image as Pil

        row_bytes = (element.w + 7) // 8
        bitmap = Pil.frombytes(
            "1",
            (row_bytes * 8, element.h),
            element.bitmap.ljust(row_bytes * element.h, b"\0"),
            "raw",
            "1;I",
        )
        bitmap = bitmap.crop((0, 0, element.w, element.h)).convert("L")
        if element.scale_x > 1 or element.scale_y > 1:
            size = (element.w * element.scale_x, element.h * element.scale_y)
            bitmap = bitmap.resize(size, Pil.Resampling.NEAREST)
        out = self.strip(bitmap.height)
        out.paste(bitmap, (self.x_for(element.align, bitmap.width), 0))
        return out

    def qr(self, element: Qr) -> PilImage.Image:
        import qrcode
        from PIL import ImageDraw

        levels = {
            "L": qrcode.constants.ERROR_CORRECT_L,
            "M": qrcode.constants.ERROR_CORRECT_M,
            "Q": qrcode.constants.ERROR_CORRECT_Q,
            "H": qrcode.constants.ERROR_CORRECT_H,
        }
        code = qrcode.QRCode(error_correction=levels[element.ec_level], border=0)
        code.add_data(element.raw or element.data.encode("utf-8"))
        code.make(fit=True)
        matrix = code.get_matrix()
        size = element.module_size
        side = len(matrix) * size
        pad = 2 * size  # printers leave a little space around the symbol
        out = self.strip(side + 2 * pad)
        draw = ImageDraw.Draw(out)
        x0 = self.x_for(element.align, side)
        for r, row in enumerate(matrix):
            for c, dark in enumerate(row):
                if dark:
                    x, y = x0 + c * size, pad + r * size
                    draw.rectangle((x, y, x + size - 1, y + size - 1), fill=0)
        return out

    def barcode(self, element: Barcode) -> PilImage.Image:
        from PIL import ImageDraw

        out = self.strip(100)
        draw = ImageDraw.Draw(out)
        width = min(self.width, 24 + 22 * len(element.data))
        x0 = self.x_for(element.align, width)
        # a placeholder with the human-readable text, not scannable bars
        for k, byte in enumerate(element.data.encode("ascii", errors="replace")):
            for bit in range(8):
                if byte & (1 << bit):
                    x = x0 + 12 + k * 22 + bit * 2 + bit // 2
                    draw.line((x, 4, x, 64), fill=0, width=2)
        draw.text((x0, 70), element.data, font=self.fonts[0], fill=0)
        return out

    def cut(self) -> PilImage.Image:
        from PIL import ImageDraw

        out = self.strip(24)
        draw = ImageDraw.Draw(out)
        for x in range(0, self.width, 12):
            draw.line((x, 12, x + 6, 12), fill=0, width=2)
        return out
