"""The ESC/POS decoder: bytes sent to a receipt printer in, paper (``paper.Element``) and the
printer's status answers out. No socket, no thread, no lock: feed it bytes (in any pieces; an
incomplete command waits for the rest) and read ``elements``.

It understands the subset of ESC/POS that python-escpos 3.1 and GasDesk send, including Chinese
(double-byte) mode with GB18030 text, raster images, native QR codes, cuts, the cash drawer and
real-time status (DLE EOT), and it keeps the faults a real printer has (paper out, near end,
cover open, offline): a stopped printer drops what it is sent and says so when asked. Anything
it does not know is skipped and listed in ``unknown``; it never raises on input.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from app.devices.escpos.paper import Barcode, Cut, Drawer, Element, Image, Qr, Run, Text, cells

log = logging.getLogger(__name__)

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT = 0x0A, 0x0D, 0x09
EOT, ENQ, DC4 = 0x04, 0x05, 0x14

ALIGNS = ("left", "center", "right")

# ESC t n: the code tables Python has a codec for; others decode as CP437 (python-escpos's
# default table), which is still right for ASCII.
CODE_TABLES = {
    0: "cp437",
    2: "cp850",
    3: "cp860",
    4: "cp863",
    5: "cp865",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    19: "cp858",
    46: "cp1251",
}

# Commands with a fixed number of parameter bytes that change nothing on the emulated paper
# (spacing, margins, barcode settings, peripherals...): skipped without a word.
_ESC_IGNORED = {
    b"2": 0, b"3": 1, b" ": 1, b"$": 2, b"\\": 2, b"{": 1, b"V": 1, b"R": 1, b"%": 1,
    b"=": 1, b"G": 1, b"U": 1, b"r": 1, b"?": 1, b"T": 1, b"K": 1, b"f": 2, b"u": 1,
    b"v": 1, b"e": 1, b"L": 0, b"S": 0, b"W": 8, b"B": 2, b"c": 2, b"<": 0,
}  # fmt: skip
_GS_IGNORED = {
    b"a": 1, b"b": 1, b"B": 1, b"H": 1, b"h": 1, b"w": 1, b"f": 1, b"L": 2, b"W": 2,
    b"P": 2, b"$": 2, b"\\": 2, b"r": 1, b"I": 1, b"T": 1, b":": 0, b"^": 3, b"j": 1,
}  # fmt: skip
_FS_IGNORED = {b"!": 1, b"-": 1, b"W": 1, b"S": 2, b"C": 1}
_ESC_ONE_PARAM = {b"!", b"E", b"a", b"-", b"d", b"t", b"M", b"J"}
# Known layouts that would print something the emulator cannot show: skipped and listed.
_ESC_UNSUPPORTED: dict[bytes, int] = {}
_GS_UNSUPPORTED = {b"/": 1}
_FS_UNSUPPORTED = {b"p": 2, b"2": 74}


@dataclass
class _Mode:
    """Print modes ESC @ resets."""

    bold: bool = False
    underline: int = 0
    font: int = 0
    width_mult: int = 1
    height_mult: int = 1
    align: str = "left"
    chinese: bool = False
    code_table: int = 0

    def style(self) -> tuple:
        return (
            self.bold,
            self.width_mult,
            self.height_mult,
            self.underline,
            self.font,
            self.chinese,
            self.code_table,
        )


def _decode_text(data: bytes, chinese: bool, code_table: int) -> str:
    if chinese:
        return data.decode("gb18030", errors="replace")
    return data.decode(CODE_TABLES.get(code_table, "cp437"), errors="replace")


def _decode_text(data: bytes, chinese: bool, code_table: int) -> str:
    if chinese:
        return data.decode("gb18030", errors="replace")
    return data.decode(CODE_TABLES.get(code_table, "cp437"), errors="replace")


def _columns_to_rows(data: bytes, width: int, band: int) -> bytes:
    """ESC * column data (``band`` dots a column, MSB on top) as a row-major bitmap."""
    per_col = band // 8
    row_bytes = (width + 7) // 8
    out = bytearray(row_bytes * band)
    for x in range(width):
        for k in range(per_col):
            byte = data[x * per_col + k]
            if not byte:
                continue
            for bit in range(8):
                if byte & (0x80 >> bit):
                    y = k * 8 + bit
                    out[y * row_bytes + x // 8] |= 0x80 >> (x % 8)
    return bytes(out)


@dataclass
class PrinterFaults:
    """The printer's faults, as its real-time status (DLE EOT) reports them."""

    paper_out: bool = False
    paper_near_end: bool = False
    cover_open: bool = False
    offline: bool = False

    @property
    def stopped(self) -> bool:
        """True while the printer cannot print (paper out, cover open or offline)."""
        return self.paper_out or self.cover_open or self.offline

    def status_byte(self, n: int) -> int | None:
        """The answer to DLE EOT n, or None for an n a printer does not answer."""
        value = 0x12  # bits 1 and 4 are always set
        if n == 1:  # printer status
            if self.stopped:
                value |= 0x08
        elif n == 2:  # offline cause
            if self.cover_open:
                value |= 0x04
            if self.paper_out:
                value |= 0x20
        elif n == 3:  # error cause: the emulator has no mechanical errors
            pass
        elif n == 4:  # roll paper sensor
            # with no paper the near-end sensor sees none either, as on a real printer
            if self.paper_near_end or self.paper_out:
                value |= 0x0C
            if self.paper_out:
                value |= 0x60
        else:
            return None
        return value


class EscposDecoder:
    """Decodes ESC/POS into ``elements``; answers status queries from ``faults``."""

    def __init__(self, *, chinese_default: bool = False, faults: PrinterFaults | None = None):
        """``chinese_default``: start (and reset by ESC @) in Chinese mode, as many printers
        sold in China are set up to; python-escpos's ``text()`` sends CJK as GB18030 without
        FS &, which only such a printer prints right."""
        self.chinese_default = chinese_default
        self.faults = faults if faults is not None else PrinterFaults()
        self.elements: list[Element] = []  # what came out on paper, in order
        self.unknown: list[bytes] = []  # leading bytes of each command skipped, not understood
        self.status_queries: list[int] = []  # the n of every DLE EOT n received
        self.discarded = 0  # bytes of text and printing commands dropped while stopped
        self._tail = b""  # an incomplete command waiting for more bytes
        self._mode = _Mode(chinese=chinese_default)
        self._segments: list[tuple[tuple, bytearray]] = []  # the line being built
        self._line_align = "left"
        self._qr_store = b""
        self._qr_size = 3
        self._qr_ec = "L"
        self._graphics: Image | None = None  # GS ( L stored graphics, printed by fn 50
        self._column_open = False  # an ESC * band just ended: its LF feeds no blank line
        self._column_merge = False  # the next ESC * band extends the last image

    def feed(self, data: bytes) -> bytes:
        """Decode bytes sent to the printer; returns what the printer answers (status bytes)."""
        buf = self._tail + bytes(data)
        replies = bytearray()
        i = 0
        while i < len(buf):
            used = self._step(buf, i, replies)
            if used == 0:  # incomplete command: wait for the rest
                break
            i += used
        self._tail = buf[i:]
        return bytes(replies)

    def reset_output(self) -> None:
        """Forget the paper (elements, unknown commands, status queries, discarded count)."""
        self.elements.clear()
        self.unknown.clear()
        self.status_queries.clear()
        self.discarded = 0
        self._segments = []
        self._column_open = self._column_merge = False

    def _step(self, buf: bytes, i: int, replies: bytearray) -> int:
        """Decode one command or text run at ``buf[i]``; bytes used, 0 if incomplete."""
        b = buf[i]
        if b >= 0x20:
            j = i
            while j < len(buf) and buf[j] >= 0x20:
                j += 1
            self._text(buf[i:j])
            return j - i
        if b == LF:
            if self._column_open:  # the LF ending an ESC * band
                self._column_open = False
                self._column_merge = True
                return 1
            if self._printing(1):
                self._end_line()
            return 1
        if b == HT:
            self._tab()
            return 1
        if b == ESC:
            return self._esc(buf, i)
        if b == GS:
            return self._gs(buf, i)
        if b == FS:
            return self._fs(buf, i)
        if b == DLE:
            return self._dle(buf, i, replies)
        return 1  # CR, NUL, BEL, FF, CAN...: nothing on paper

    def _printing(self, nbytes: int) -> bool:
        """Whether printing output may appear now; counts the bytes dropped when it may not."""
        if self.faults.stopped:
            self.discarded += nbytes
            if self._segments:  # what was waiting in the buffer is lost too
                self._segments = []
            return False
        return True

    def _emit(self, element: Element) -> None:
        self._column_merge = False
        self.elements.append(element)

    def _unknown_cmd(self, cmd: bytes) -> None:
        log.debug("escpos emulator: skipped unknown command %s", cmd.hex(" "))
        self.unknown.append(cmd)

    # text -------------------------------------------------------------------------------

    def _text(self, data: bytes) -> None:
        if not self._printing(len(data)):
            return
        self._column_open = self._column_merge = False
        if not self._segments:
            self._line_align = self._mode.align  # ESC a counts at the start of a line
        style = self._mode.style()
        if self._segments and self._segments[-1][0] == style:
            self._segments[-1][1].extend(data)
        else:
            self._segments.append((style, bytearray(data)))

    def _tab(self) -> None:
        columns = sum(cells(c) for r in self._runs() for c in r.text)
        self._text(b" " * (8 - columns % 8))

    def _runs(self) -> list[Run]:
        runs = []
        for (bold, wm, hm, underline, font, chinese, table), data in self._segments:
            text = _decode_text(bytes(data), chinese, table)
            runs.append(Run(text, bold, wm, hm, underline, font))
        return runs

    def _end_line(self) -> None:
        runs = self._runs()
        self._segments = []
        if not runs:
            self._emit(Text("", align=self._mode.align))
            return
        visible = [r for r in runs if r.text.strip()] or runs
        self._emit(
            Text(
                "".join(r.text for r in runs),
                bold=any(r.bold for r in visible),
                width_mult=max(r.width_mult for r in runs),
                height_mult=max(r.height_mult for r in runs),
                align=self._line_align,
                runs=tuple(runs),
            )
        )

    def _flush_line(self) -> None:
        """Print what waits in the buffer (before an image, a code or a cut)."""
        if self._segments:
            self._end_line()

    def _feed_lines(self, n: int) -> None:
        if n == 0:
            self._flush_line()
            return
        self._end_line()
        for _ in range(n - 1):
            self._emit(Text("", align=self._mode.align))

    # ESC ---------------------------------------------------------------------------------

    def _esc(self, buf: bytes, i: int) -> int:
        if i + 1 >= len(buf):
            return 0
        cmd = buf[i + 1 : i + 2]
        avail = len(buf) - i
        m = self._mode
        if cmd in _ESC_ONE_PARAM:
            if avail < 3:
                return 0
            n = buf[i + 2]
            if cmd == b"!":
                m.font = n & 0x01
                m.bold = bool(n & 0x08)
                m.height_mult = 2 if n & 0x10 else 1
                m.width_mult = 2 if n & 0x20 else 1
                m.underline = 1 if n & 0x80 else 0
            elif cmd == b"E":
                m.bold = bool(n & 1)
            elif cmd == b"a":
                m.align = ALIGNS[n % 48] if n % 48 < 3 else m.align
            elif cmd == b"-":
                m.underline = n % 48 if n % 48 < 3 else m.underline
            elif cmd == b"d":
                if self._printing(3):
                    self._feed_lines(n)
            elif cmd == b"J":  # feed n dots: prints the buffer
                if self._printing(3):
                    self._flush_line()
            elif cmd == b"t":
                m.code_table = n
            elif cmd == b"M":
                m.font = 1 if n % 48 == 1 else 0
            return 3
        if cmd == b"@":
            self._mode = _Mode(chinese=self.chinese_default)
            self._segments = []  # ESC @ clears the print buffer
            return 2
        if cmd == b"p":
            if avail < 5:
                return 0
            if self._printing(5):
                self._emit(Drawer(pin=5 if buf[i + 2] % 48 == 1 else 2))
            return 5
        if cmd in (b"i", b"m"):  # old partial-cut commands
            if self._printing(2):
                self._flush_line()
                self._emit(Cut(partial=True))
            return 2
        if cmd == b"*":
            return self._esc_star(buf, i)
        if cmd == b"D":  # tab stops, up to 32, NUL-terminated
            end = buf.find(b"\x00", i + 2, i + 2 + 33)
            if end < 0:
                return 0 if avail < 2 + 33 else 2 + 32
            return end + 1 - i
        if cmd == b"(":  # ESC ( x pL pH data
            if avail < 5:
                return 0
            total = 5 + buf[i + 3] + buf[i + 4] * 256
            if avail < total:
                return 0
            self._unknown_cmd(buf[i : i + 3])
            return total
        return self._fixed(buf, i, cmd, _ESC_IGNORED, _ESC_UNSUPPORTED)

    def _esc_star(self, buf: bytes, i: int) -> int:
        if len(buf) - i < 5:
            return 0
        mode = buf[i + 2]
        width = buf[i + 3] + buf[i + 4] * 256
        band = 24 if mode in (32, 33) else 8
        total = 5 + width * band // 8
        if len(buf) - i < total:
            return 0
        if not self._printing(total):
            return total
        self._flush_line()
        bitmap = _columns_to_rows(buf[i + 5 : i + total], width, band)
        # low densities stretch the dots on paper (python-escpos: "the image will be stretched")
        scale_x = 1 if mode & 1 else 2
        scale_y = 1 if band == 24 else 2
        last = self.elements[-1] if self.elements else None
        if (
            self._column_merge
            and isinstance(last, Image)
            and last.column
            and (last.w, last.scale_x, last.scale_y) == (width, scale_x, scale_y)
        ):
            self.elements[-1] = replace(last, h=last.h + band, bitmap=last.bitmap + bitmap)
        else:
            self._emit(
                Image(width, band, bitmap, scale_x, scale_y, align=self._mode.align, column=True)
            )
        self._column_open = True
        self._column_merge = False
        return total

    def _fixed(self, buf: bytes, i: int, cmd: bytes, ignored: dict, unsupported: dict) -> int:
        """Skip a fixed-length command; an unknown one is skipped as its two bytes."""
        if cmd in ignored:
            total = 2 + ignored[cmd]
            return total if len(buf) - i >= total else 0
        if cmd in unsupported:
            total = 2 + unsupported[cmd]
            if len(buf) - i < total:
                return 0
            self._unknown_cmd(buf[i : i + 2])
            return total
        self._unknown_cmd(buf[i : i + 2])
        return 2

    # GS ----------------------------------------------------------------------------------

    def _gs(self, buf: bytes, i: int) -> int:
        if i + 1 >= len(buf):
            return 0
        cmd = buf[i + 1 : i + 2]
        avail = len(buf) - i
        if cmd == b"!":
            if avail < 3:
                return 0
            n = buf[i + 2]
            self._mode.width_mult = min(8, ((n >> 4) & 0x0F) + 1)
            self._mode.height_mult = min(8, (n & 0x0F) + 1)
            return 3
        if cmd == b"V":
            return self._gs_cut(buf, i)
        if cmd == b"v":
            return self._gs_raster(buf, i)
        if cmd == b"(":
            if avail < 5:
                return 0
            total = 5 + buf[i + 3] + buf[i + 4] * 256
            if avail < total:
                return 0
            body = buf[i + 5 : i + total]
            if buf[i + 2 : i + 3] == b"k":
                self._gs_2d_code(buf[i : i + 3], body, total)
            elif buf[i + 2 : i + 3] == b"L":
                self._gs_graphics(buf[i : i + 3], body, total)
            else:
                self._unknown_cmd(buf[i : i + 3])
            return total
        if cmd == b"8":  # GS 8 L p1 p2 p3 p4 m fn ...: graphics with a 4-byte length
            if avail < 7:
                return 0
            total = 7 + int.from_bytes(buf[i + 3 : i + 7], "little")
            if avail < total:
                return 0
            if buf[i + 2 : i + 3] == b"L":
                self._gs_graphics(buf[i : i + 3], buf[i + 7 : i + total], total)
            else:
                self._unknown_cmd(buf[i : i + 3])
            return total
        if cmd == b"k":
            return self._gs_barcode(buf, i)
        return self._fixed(buf, i, cmd, _GS_IGNORED, _GS_UNSUPPORTED)

    def _gs_cut(self, buf: bytes, i: int) -> int:
        if len(buf) - i < 3:
            return 0
        m = buf[i + 2]
        total = 4 if m in (65, 66, 97, 98, 103, 104) else 3  # these carry a feed amount n
        if len(buf) - i < total:
            return 0
        if self._printing(total):
            self._flush_line()
            self._emit(Cut(partial=m in (1, 49, 66, 98, 104)))
        return total

    def _gs_raster(self, buf: bytes, i: int) -> int:
        # GS v 0 m xL xH yL yH d...: x is in bytes (8 dots), y in dots
        if len(buf) - i < 8:
            return 0
        if buf[i + 2] != 0x30:
            self._unknown_cmd(buf[i : i + 3])
            return 3
        m = buf[i + 3]
        width_bytes = buf[i + 4] + buf[i + 5] * 256
        height = buf[i + 6] + buf[i + 7] * 256
        total = 8 + width_bytes * height
        if len(buf) - i < total:
            return 0
        if self._printing(total):
            self._flush_line()
            self._emit(
                Image(
                    width_bytes * 8,
                    height,
                    bytes(buf[i + 8 : i + total]),
                    scale_x=2 if m & 1 else 1,
                    scale_y=2 if m & 2 else 1,
                    align=self._mode.align,
                )
            )
        return total

    def _gs_graphics(self, head: bytes, body: bytes, total: int) -> None:
        # body = m fn params...; fn 112 stores a raster graphic, fn 50 prints it
        if len(body) < 2:
            self._unknown_cmd(head)
            return
        fn = body[1]
        if fn == 112 and len(body) >= 10:
            bx, by = body[3], body[4]
            width = body[6] + body[7] * 256
            height = body[8] + body[9] * 256
            data = bytes(body[10 : 10 + (width + 7) // 8 * height])
            self._graphics = Image(
                width, height, data, scale_x=max(1, bx % 48), scale_y=max(1, by % 48)
            )
        elif fn in (2, 50):
            if self._printing(total) and self._graphics is not None:
                self._flush_line()
                self._emit(replace(self._graphics, align=self._mode.align))
        elif fn in (0, 1, 48, 49, 51, 64, 65):  # capacity queries, dot density: no paper output
            pass
        else:
            self._unknown_cmd(head + body[:2])

    def _gs_2d_code(self, head: bytes, body: bytes, total: int) -> None:
        # body = cn fn [m] data; cn 49 is QR (Epson's "function 165..181" are fn 65..81)
        if len(body) < 2 or body[0] != 49:
            self._unknown_cmd(head + body[:2])
            return
        fn = body[1]
        if fn == 65:  # model
            pass
        elif fn == 67 and len(body) >= 3:  # module size
            self._qr_size = max(1, min(16, body[2]))
        elif fn == 69 and len(body) >= 3:  # error correction level
            self._qr_ec = "LMQH"[body[2] - 48] if 48 <= body[2] <= 51 else self._qr_ec
        elif fn == 80:  # store data (after m = 48)
            self._qr_store = bytes(body[3:])
        elif fn == 81:  # print the stored symbol
            if self._printing(total) and self._qr_store:
                self._flush_line()
                raw = self._qr_store
                try:
                    data = raw.decode("utf-8")
                except UnicodeDecodeError:
                    data = raw.decode("gb18030", errors="replace")
                self._emit(Qr(data, raw, self._qr_size, self._qr_ec, self._mode.align))
        elif fn == 82:  # size information request: nothing on paper
            pass
        else:
            self._unknown_cmd(head + body[:2])

    def _gs_barcode(self, buf: bytes, i: int) -> int:
        if len(buf) - i < 3:
            return 0
        system = buf[i + 2]
        if system <= 6:  # GS k m d... NUL
            end = buf.find(b"\x00", i + 3)
            if end < 0:
                return 0
            data, total = buf[i + 3 : end], end + 1 - i
        else:  # GS k m n d1..dn
            if len(buf) - i < 4:
                return 0
            total = 4 + buf[i + 3]
            if len(buf) - i < total:
                return 0
            data = buf[i + 4 : i + total]
        if self._printing(total):
            self._flush_line()
            text = bytes(data).decode("ascii", errors="replace")
            self._emit(Barcode(system, text, self._mode.align))
        return total

    # FS / DLE ----------------------------------------------------------------------------

    def _fs(self, buf: bytes, i: int) -> int:
        if i + 1 >= len(buf):
            return 0
        cmd = buf[i + 1 : i + 2]
        if cmd == b"&":
            self._mode.chinese = True
            return 2
        if cmd == b".":
            self._mode.chinese = False
            return 2
        return self._fixed(buf, i, cmd, _FS_IGNORED, _FS_UNSUPPORTED)

    def _dle(self, buf: bytes, i: int, replies: bytearray) -> int:
        if len(buf) - i < 3:
            return 0
        cmd = buf[i + 1]
        if cmd == EOT:
            n = buf[i + 2]
            self.status_queries.append(n)
            value = self.faults.status_byte(n)
            if value is not None:
                replies.append(value)
            return 3
        if cmd == ENQ:  # real-time request (recover, clear buffers): nothing to do
            return 3
        if cmd == DC4:  # real-time pulse and friends: fn 1/2 take 2 more bytes
            fn = buf[i + 2]
            total = {1: 5, 2: 5, 7: 6, 8: 10}.get(fn, 3)
            if len(buf) - i < total:
                return 0
            if fn == 1 and not self.faults.stopped:
                self._emit(Drawer(pin=5 if buf[i + 3] % 48 == 1 else 2))
            elif fn != 1:
                self._unknown_cmd(buf[i : i + 3])
            return total
        self._unknown_cmd(buf[i : i + 2])
        return 2
