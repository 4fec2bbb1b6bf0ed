"""An ESC/POS receipt printer emulator: the paper it would print, its status answers, a preview.

Training mode (培训模式) prints to it and shows its preview; the tests print to it through
python-escpos. It listens on TCP like a network printer (port 9100 style, one connection after
another) or decodes bytes a file printer wrote. It understands the subset of ESC/POS that
python-escpos 3.1 and GasDesk send, including Chinese (double-byte) mode with GB18030 text,
raster images, native QR codes, cuts, the cash drawer and real-time status (DLE EOT), and it can
be put into the faults a real printer has (paper out, near end, cover open, offline).

Anything it does not know is skipped and listed in ``unknown``; it never raises on input.
"""

from __future__ import annotations

import logging
import math
import select
import socket
import threading
import time
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported lazily: only the preview needs it
    from PIL import Image as PilImage

log = logging.getLogger(__name__)

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
LF, CR, HT = 0x0A, 0x0D, 0x09
EOT, ENQ, DC4 = 0x04, 0x05, 0x14

CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)

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


class PreviewFontError(FileNotFoundError):
    """No CJK font for the preview: the message names the font(s) looked for."""


# ---------------------------------------------------------------------------- paper elements


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


def _cells(ch: str) -> int:
    """Half-width cells a character takes on a printer (CJK and full-width take two)."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


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


# ------------------------------------------------------------------------------- the emulator


class EscposEmulator:
    """A receipt printer: decodes ESC/POS into ``elements``, answers status, renders a preview."""

    def __init__(
        self,
        *,
        width_dots: int = 576,
        font_path: str | None = None,
        chinese_default: bool = False,
    ) -> None:
        """``chinese_default``: start (and reset by ESC @) in Chinese mode, as many printers
        sold in China are set up to; python-escpos's ``text()`` sends CJK as GB18030 without
        FS &, which only such a printer prints right."""
        self.width_dots = width_dots  # 576 = 80 mm paper, 384 = 58 mm
        self.font_path = font_path
        self.chinese_default = chinese_default
        self._lock = threading.RLock()
        self._paper_out = False
        self._paper_near_end = False
        self._cover_open = False
        self._offline = False
        self._elements: list[Element] = []
        self._unknown: list[bytes] = []
        self._status_queries: list[int] = []
        self._discarded = 0
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
        # network mode
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._server_lock = threading.Lock()
        self._busy = False
        self.connections = 0  # connections served to their end

    # ------------------------------------------------------------------------ fault control

    def set_state(
        self,
        *,
        paper_out: bool | None = None,
        paper_near_end: bool | None = None,
        cover_open: bool | None = None,
        offline: bool | None = None,
    ) -> None:
        """Set any of the faults; None leaves one as it is."""
        with self._lock:
            if paper_out is not None:
                self._paper_out = bool(paper_out)
            if paper_near_end is not None:
                self._paper_near_end = bool(paper_near_end)
            if cover_open is not None:
                self._cover_open = bool(cover_open)
            if offline is not None:
                self._offline = bool(offline)

    def clear_faults(self) -> None:
        """Paper loaded, cover closed, online."""
        self.set_state(paper_out=False, paper_near_end=False, cover_open=False, offline=False)

    @property
    def paper_out(self) -> bool:
        with self._lock:
            return self._paper_out

    @paper_out.setter
    def paper_out(self, value: bool) -> None:
        self.set_state(paper_out=value)

    @property
    def paper_near_end(self) -> bool:
        with self._lock:
            return self._paper_near_end

    @paper_near_end.setter
    def paper_near_end(self, value: bool) -> None:
        self.set_state(paper_near_end=value)

    @property
    def cover_open(self) -> bool:
        with self._lock:
            return self._cover_open

    @cover_open.setter
    def cover_open(self, value: bool) -> None:
        self.set_state(cover_open=value)

    @property
    def offline(self) -> bool:
        with self._lock:
            return self._offline

    @offline.setter
    def offline(self, value: bool) -> None:
        self.set_state(offline=value)

    @property
    def stopped(self) -> bool:
        """True while the printer cannot print (paper out, cover open or offline)."""
        with self._lock:
            return self._paper_out or self._cover_open or self._offline

    def status_byte(self, n: int) -> int | None:
        """The answer to DLE EOT n, or None for an n a printer does not answer."""
        with self._lock:
            stopped = self._paper_out or self._cover_open or self._offline
            value = 0x12  # bits 1 and 4 are always set
            if n == 1:  # printer status
                if stopped:
                    value |= 0x08
            elif n == 2:  # offline cause
                if self._cover_open:
                    value |= 0x04
                if self._paper_out:
                    value |= 0x20
            elif n == 3:  # error cause: the emulator has no mechanical errors
                pass
            elif n == 4:  # roll paper sensor
                # with no paper the near-end sensor sees none either, as on a real printer
                if self._paper_near_end or self._paper_out:
                    value |= 0x0C
                if self._paper_out:
                    value |= 0x60
            else:
                return None
            return value

    # --------------------------------------------------------------------------- outputs

    @property
    def elements(self) -> list[Element]:
        """What came out on paper, in order (a copy)."""
        with self._lock:
            return list(self._elements)

    @property
    def unknown(self) -> list[bytes]:
        """Leading bytes of each command the emulator skipped without understanding it."""
        with self._lock:
            return list(self._unknown)

    @property
    def status_queries(self) -> list[int]:
        """The n of every DLE EOT n received (answered in network mode, recorded in both)."""
        with self._lock:
            return list(self._status_queries)

    @property
    def discarded_bytes(self) -> int:
        """Bytes of text and printing commands dropped because the printer was stopped."""
        with self._lock:
            return self._discarded

    def transcript(self) -> str:
        """The paper as text: one line per printed line, markers for everything else."""
        with self._lock:
            return "\n".join(marker(e) for e in self._elements)

    def receipts(self) -> list[str]:
        """The transcript cut into receipts at each cut, without the blank feed lines around."""
        with self._lock:
            elements = list(self._elements)
        receipts: list[str] = []
        current: list[str] = []
        for element in elements:
            if isinstance(element, Cut):
                receipts.append(_strip_blank("\n".join(current)))
                current = []
            else:
                current.append(marker(element))
        rest = _strip_blank("\n".join(current))
        if rest:
            receipts.append(rest)
        return receipts

    def reset_output(self) -> None:
        """Forget the paper (elements, unknown commands, status queries, discarded count)."""
        with self._lock:
            self._elements.clear()
            self._unknown.clear()
            self._status_queries.clear()
            self._discarded = 0
            self._segments = []
            self._column_open = self._column_merge = False

    # -------------------------------------------------------------------------- file mode

    def feed(self, data: bytes) -> bytes:
        """Decode bytes sent to the printer; returns what the printer answers (status bytes)."""
        with self._lock:
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

    def decode_file(self, path: str | Path) -> str:
        """Decode what a file printer wrote; returns the whole transcript."""
        self.feed(Path(path).read_bytes())
        return self.transcript()

    # ----------------------------------------------------------------------- network mode

    def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen like a network printer (port 0 = any free port); returns the port."""
        if self._thread is not None:
            raise RuntimeError("the emulator is already listening")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind((host, port))
            listener.listen(8)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="escpos-emulator", daemon=True)
        self._thread.start()
        return listener.getsockname()[1]

    def stop(self) -> None:
        """Stop listening and drop the connection being served."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stopping.set()
        thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def __enter__(self) -> EscposEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until every connection made so far has been served and closed.

        Call it after the client closed its connection: until then the bytes it sent may not
        have been decoded yet. Returns False on timeout.
        """
        deadline = time.monotonic() + timeout
        while True:
            if self._idle():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def _idle(self) -> bool:
        listener = self._listener
        if self._thread is None or listener is None:
            return True
        # under the lock the server cannot be between "pending" and "busy"
        with self._server_lock:
            if self._busy:
                return False
            try:
                pending, _, _ = select.select([listener], [], [], 0)
            except (OSError, ValueError):
                return True
            return not pending

    def _serve(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([listener], [], [], 0.05)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            with self._server_lock:
                self._busy = True
            try:
                conn, _ = listener.accept()
            except OSError:
                with self._server_lock:
                    self._busy = False
                continue
            try:
                self._serve_connection(conn)
            except Exception:  # a broken client must not kill the printer
                log.exception("escpos emulator: connection failed")
            finally:
                conn.close()
                with self._server_lock:
                    self.connections += 1
                    self._busy = False

    def _serve_connection(self, conn: socket.socket) -> None:
        while not self._stopping.is_set():
            ready, _, _ = select.select([conn], [], [], 0.05)
            if not ready:
                continue
            try:
                data = conn.recv(65536)
            except (ConnectionResetError, ConnectionAbortedError):
                return
            if not data:
                return
            reply = self.feed(data)
            if reply:
                try:
                    conn.sendall(reply)
                except OSError:
                    return

    # ---------------------------------------------------------------------------- decoder

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
        if self._paper_out or self._cover_open or self._offline:
            self._discarded += nbytes
            if self._segments:  # what was waiting in the buffer is lost too
                self._segments = []
            return False
        return True

    def _emit(self, element: Element) -> None:
        self._column_merge = False
        self._elements.append(element)

    def _unknown_cmd(self, cmd: bytes) -> None:
        log.debug("escpos emulator: skipped unknown command %s", cmd.hex(" "))
        self._unknown.append(cmd)

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
        columns = sum(_cells(c) for r in self._runs() for c in r.text)
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
        last = self._elements[-1] if self._elements else None
        if (
            self._column_merge
            and isinstance(last, Image)
            and last.column
            and (last.w, last.scale_x, last.scale_y) == (width, scale_x, scale_y)
        ):
            self._elements[-1] = replace(last, h=last.h + band, bitmap=last.bitmap + bitmap)
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
            self._status_queries.append(n)
            value = self.status_byte(n)
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
            if fn == 1 and not self.stopped:
                self._emit(Drawer(pin=5 if buf[i + 3] % 48 == 1 else 2))
            elif fn != 1:
                self._unknown_cmd(buf[i : i + 3])
            return total
        self._unknown_cmd(buf[i : i + 2])
        return 2

    # ---------------------------------------------------------------------------- preview

    def _font_file(self) -> str:
        if self.font_path is not None:
            if not Path(self.font_path).is_file():
                raise PreviewFontError(
                    f"CJK font for the printer preview not found: {self.font_path}"
                )
            return self.font_path
        for candidate in CJK_FONT_CANDIDATES:
            if Path(candidate).is_file():
                return candidate
        raise PreviewFontError(
            "no CJK font for the printer preview; install fonts-wqy-zenhei "
            f"({CJK_FONT_CANDIDATES[0]}) or pass font_path. Looked for: "
            + ", ".join(CJK_FONT_CANDIDATES)
        )

    def render_image(self) -> PilImage.Image:
        """The paper as a Pillow image (mode L, white, ``width_dots`` wide)."""
        from PIL import Image as Pil

        elements = self.elements
        painter = _Painter(self.width_dots, self._font_file())
        blocks = [painter.block(e) for e in elements]
        height = sum(b.height for b in blocks) + 2 * _MARGIN
        paper = Pil.new("L", (self.width_dots, max(height, 1)), 255)
        y = _MARGIN
        for block in blocks:
            paper.paste(block, (0, y))
            y += block.height
        return paper

    def render_png(self, path: str | Path) -> Path:
        """Write a PNG preview of the paper; returns its path."""
        path = Path(path)
        self.render_image().save(path, format="PNG")
        return path


def _strip_blank(text: str) -> str:
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


# ------------------------------------------------------------------------------- rendering

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
            w = _cells(ch) * _FONT_CELLS[run.font][0] * run.width_mult
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
