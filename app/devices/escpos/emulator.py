"""An ESC/POS receipt printer emulator: the paper it would print, its status answers, a preview.

Training mode (培训模式) prints to it and shows its paper; the tests print to it through
python-escpos. ``EscposEmulator`` puts the three parts together behind one lock: the decoder
(``decoder.EscposDecoder``, bytes to paper and status), the TCP listener (``server``, like a
network printer) and the preview (``preview``, the paper as an image). It also decodes bytes a
file printer wrote.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from app.devices.escpos import paper, preview
from app.devices.escpos.decoder import EscposDecoder, PrinterFaults
from app.devices.escpos.paper import Element
from app.devices.escpos.server import PrinterServer

if TYPE_CHECKING:  # Pillow is imported lazily: only the preview needs it
    from PIL import Image as PilImage


class EscposEmulator:
    """A receipt printer: decodes ESC/POS into ``elements``, answers status, renders a preview."""

    def __init__(
        self,
        *,
        width_dots: int = 576,
        font_path: str | None = None,
        chinese_default: bool = False,
    ) -> None:
        """``chinese_default``: start (and reset by ESC @) in Chinese mode (see
        ``EscposDecoder``)."""
        self.width_dots = width_dots  # 576 = 80 mm paper, 384 = 58 mm
        self.font_path = font_path
        self.chinese_default = chinese_default
        # one lock for the decoder and the faults: the server thread feeds while tests and the
        # training panel read the paper and set faults
        self._lock = threading.RLock()
        self._faults = PrinterFaults()
        self._decoder = EscposDecoder(chinese_default=chinese_default, faults=self._faults)
        self._server = PrinterServer(self.feed)

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
            faults = self._faults
            if paper_out is not None:
                faults.paper_out = bool(paper_out)
            if paper_near_end is not None:
                faults.paper_near_end = bool(paper_near_end)
            if cover_open is not None:
                faults.cover_open = bool(cover_open)
            if offline is not None:
                faults.offline = bool(offline)

    def clear_faults(self) -> None:
        """Paper loaded, cover closed, online."""
        self.set_state(paper_out=False, paper_near_end=False, cover_open=False, offline=False)

    @property
    def paper_out(self) -> bool:
        with self._lock:
            return self._faults.paper_out

    @paper_out.setter
    def paper_out(self, value: bool) -> None:
        self.set_state(paper_out=value)

    @property
    def paper_near_end(self) -> bool:
        with self._lock:
            return self._faults.paper_near_end

    @paper_near_end.setter
    def paper_near_end(self, value: bool) -> None:
        self.set_state(paper_near_end=value)

    @property
    def cover_open(self) -> bool:
        with self._lock:
            return self._faults.cover_open

    @cover_open.setter
    def cover_open(self, value: bool) -> None:
        self.set_state(cover_open=value)

    @property
    def offline(self) -> bool:
        with self._lock:
            return self._faults.offline

    @offline.setter
    def offline(self, value: bool) -> None:
        self.set_state(offline=value)

    @property
    def stopped(self) -> bool:
        """True while the printer cannot print (paper out, cover open or offline)."""
        with self._lock:
            return self._faults.stopped

    def status_byte(self, n: int) -> int | None:
        """The answer to DLE EOT n, or None for an n a printer does not answer."""
        with self._lock:
            return self._faults.status_byte(n)

    # --------------------------------------------------------------------------- outputs

    @property
    def elements(self) -> list[Element]:
        """What came out on paper, in order (a copy)."""
        with self._lock:
            return list(self._decoder.elements)

    @property
    def unknown(self) -> list[bytes]:
        """Leading bytes of each command the emulator skipped without understanding it."""
        with self._lock:
            return list(self._decoder.unknown)

    @property
    def status_queries(self) -> list[int]:
        """The n of every DLE EOT n received (answered in network mode, recorded in both)."""
        with self._lock:
            return list(self._decoder.status_queries)

    @property
    def discarded_bytes(self) -> int:
        """Bytes of text and printing commands dropped because the printer was stopped."""
        with self._lock:
            return self._decoder.discarded

    @property
    def printed_count(self) -> int:
        """How many elements are on the paper (no copy: a preview polls it)."""
        with self._lock:
            return len(self._decoder.elements)

    def transcript(self) -> str:
        """The paper as text: one line per printed line, markers for everything else."""
        return paper.transcript(self.elements)

    def receipts(self) -> list[str]:
        """The transcript cut into receipts at each cut, without the blank feed lines around."""
        return paper.receipts(self.elements)

    def reset_output(self) -> None:
        """Forget the paper (elements, unknown commands, status queries, discarded count)."""
        with self._lock:
            self._decoder.reset_output()

    # -------------------------------------------------------------------------- file mode

    def feed(self, data: bytes) -> bytes:
        """Decode bytes sent to the printer; returns what the printer answers (status bytes)."""
        with self._lock:
            return self._decoder.feed(data)

    def decode_file(self, path: str | Path) -> str:
        """Decode what a file printer wrote; returns the whole transcript."""
        self.feed(Path(path).read_bytes())
        return self.transcript()

    # ----------------------------------------------------------------------- network mode

    def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen like a network printer (port 0 = any free port); returns the port."""
        return self._server.start(host, port)

    def stop(self) -> None:
        """Stop listening and drop the connection being served."""
        self._server.stop()

    def __enter__(self) -> EscposEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def connections(self) -> int:
        """Connections served to their end."""
        return self._server.connections

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until every connection made so far has been served and closed.

        Call it after the client closed its connection: until then the bytes it sent may not
        have been decoded yet. Returns False on timeout.
        """
        return self._server.wait_idle(timeout)

    # ---------------------------------------------------------------------------- preview

    def render_image(self) -> PilImage.Image:
        """The paper as a Pillow image (mode L, white, ``width_dots`` wide)."""
        return preview.render_image(self.elements, self.width_dots, self.font_path)

    def render_png(self, path: str | Path) -> Path:
        """Write a PNG preview of the paper; returns its path."""
        path = Path(path)
        self.render_image().save(path, format="PNG")
        return path
