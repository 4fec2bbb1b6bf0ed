"""The CJK font: one lookup for the PDFs, the receipt printer's raster lines, the printer
emulator's preview and the screens of a machine whose Qt knows no Chinese font.

A font copied into ``resources/fonts/`` wins; then the usual system fonts are tried in order.
No reportlab, Pillow or Qt here: each user loads the file its own way.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from app.errors import GasDeskError

FONT_DIR = Path(__file__).resolve().parents[1] / "resources" / "fonts"
_WINDOWS_FONTS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
# Looked at in order after FONT_DIR. Fonts with PostScript (CFF) outlines, such as the usual
# OpenType builds of Noto Sans CJK, cannot be embedded by reportlab: a PDF passes them over,
# a raster (Pillow) may use them.
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
    Path("/System/Library/Fonts/PingFang.ttc"),
    Path("/System/Library/Fonts/STHeiti Light.ttc"),
)
FONT_SUFFIXES = (".ttf", ".ttc")


class MissingFont(GasDeskError):
    """No CJK font was found (for a PDF: none with TrueType outlines that it can embed)."""

    code = "missing_font"


MISSING_FONT_MESSAGE = (
    "找不到可嵌入PDF的中文字体，无法生成PDF文档。"
    "请将中文TrueType字体文件（.ttf或.ttc，例如文泉驿正黑 wqy-zenhei.ttc）"
    "复制到程序目录下的 resources/fonts/ 文件夹，"
    "或在系统中安装文泉驿正黑字体（Debian/Ubuntu：sudo apt-get install fonts-wqy-zenhei），"
    "然后重新打印。"
)


def has_truetype_outlines(path: Path) -> bool:
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


def candidates() -> list[Path]:
    """Every place looked at, in order: the fonts in resources/fonts/, then SYSTEM_FONTS."""
    bundled = []
    if FONT_DIR.is_dir():
        bundled = sorted(
            p for p in FONT_DIR.iterdir() if p.suffix.lower() in FONT_SUFFIXES and p.is_file()
        )
    return [*bundled, *SYSTEM_FONTS]


def find_cjk_font(*, embeddable: bool = True) -> Path:
    """The first usable CJK font file; ``embeddable``: only one with TrueType outlines (what a
    PDF needs), else any font file (a raster renderer reads CFF outlines too)."""
    for path in candidates():
        if path.is_file() and (not embeddable or has_truetype_outlines(path)):
            return path
    searched = ", ".join(str(p) for p in [FONT_DIR, *SYSTEM_FONTS])
    what = "embeddable CJK TrueType font" if embeddable else "CJK font"
    raise MissingFont(MISSING_FONT_MESSAGE, f"no {what} in: {searched}")
