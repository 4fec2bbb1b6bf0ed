"""The emulated printer's network side: a TCP listener like a network printer's (port 9100
style), serving one connection after another on a daemon thread.

It knows nothing of ESC/POS: every chunk received goes to ``handle``, whose answer (status
bytes) is sent back.
"""

from __future__ import annotations

import logging
import select
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class PrinterServer:
    """Listens on TCP and hands what each connection sends to ``handle``."""

    def __init__(self, handle: Callable[[bytes], bytes]) -> None:
        self.handle = handle
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._busy = False
        self.connections = 0  # connections served to their end

    def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen (port 0 = any free port); returns the port."""
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

    def wait_idle(self, timeout: float = 2.0) -> bool:
        """Wait until every connection made so far has been served and closed (False on
        timeout)."""
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
        with self._lock:
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
            with self._lock:
                self._busy = True
            try:
                conn, _ = listener.accept()
            except OSError:
                with self._lock:
                    self._busy = False
                continue
            try:
                self._serve_connection(conn)
            except Exception:  # a broken client must not kill the printer
                log.exception("escpos emulator: connection failed")
            finally:
                conn.close()
                with self._lock:
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
            reply = self.handle(data)
            if reply:
                try:
                    conn.sendall(reply)
                except OSError:
                    return
