"""The counter's side of the maker host: ``MakerHost`` runs a maker's calls in a host process.

The host (``host.py``, protocol in its docstring) is started with the library's folder as its
working directory (makers' DLLs read their .ini files and load their helper DLLs from there):

- ``python`` given (on Windows the 32-bit embeddable Python next to the counter):
  ``[python, -I, .../app/devices/makers/host.py, LIBRARY, --encoding, ENC]``; the frozen bundle
  must then carry host.py as a data file at ``app/devices/makers/host.py`` (PyInstaller datas).
- no ``python``, not frozen: the same with ``sys.executable``.
- no ``python``, frozen by PyInstaller: ``[sys.executable, --maker-host, LIBRARY, --encoding,
  ENC]``; main.py must hand that flag to the host before anything else::

      if len(sys.argv) > 1 and sys.argv[1] == "--maker-host":
          from app.devices.makers import host
          sys.exit(host.main(sys.argv[2:]))

One call at a time (a lock). With ``keep_alive`` the host serves call after call and a dead one
is replaced at the next call; without it every call has a host of its own. A call that does not
answer within ``timeout`` has its host killed (the whole process group on POSIX). Key values
(``kmm``) never reach the log or an exception: they are masked, and scrubbed from whatever the
library writes on stderr. A host that speaks another protocol version than this file (an old
host.py beside the embeddable Python) is refused at start.
"""

from __future__ import annotations

import codecs
import contextlib
import itertools
import json
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.devices.cardreader import CardReaderError, CardTimeout, NoReader
from app.devices.makers.host import PROTOCOL

if TYPE_CHECKING:
    from app.devices.makers.config import MakerConfig

log = logging.getLogger(__name__)

HOST_SCRIPT = Path(__file__).with_name("host.py")
SECRET_FIELDS = ("kmm",)
_MASK = "***"
_STDERR_TAIL = 20
_CLOSE_GRACE = 2.0


class LibraryMissing(NoReader):
    """The maker's library file is not there (nothing was started)."""

    code = "maker_library_missing"


class LibraryNotLoadable(NoReader):
    """The host could not load the library (wrong architecture, missing DLLs, not a library)."""

    code = "maker_library_not_loadable"


class HostStartFailed(NoReader):
    """The host process could not be started (its Python is missing)."""

    code = "maker_host_start_failed"


class HostTimeout(CardTimeout):
    """The host did not answer in time; it was killed."""

    code = "maker_host_timeout"


class HostCrashed(CardReaderError):
    """The host ended (or faulted) before answering; the next call starts a new one."""

    code = "maker_host_crashed"


class HostProtocolError(HostCrashed):
    """The host answered something that is not the protocol; it was killed."""

    code = "maker_host_protocol"


class HostBadRequest(CardReaderError):
    """The host refused the request (unknown function, missing or ill-typed argument)."""

    code = "maker_host_bad_request"


@dataclass(frozen=True)
class HostAnswer:
    """A function's return code and its output parameters (``kmm`` masked in the repr)."""

    rc: int
    out: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"HostAnswer(rc={self.rc}, out={masked(self.out)!r})"


def masked(values: Mapping) -> dict:
    """``values`` with the key fields replaced by a mask, for the log."""
    return {
        name: (_MASK if name in SECRET_FIELDS and value else value)
        for name, value in values.items()
    }


def host_command(library: Path, python: str | None = None, encoding: str = "gbk") -> list[str]:
    """The command line that starts a host for ``library`` (see the module docstring)."""
    tail = [str(library), "--encoding", encoding]
    if python is None and getattr(sys, "frozen", False):
        return [sys.executable, "--maker-host", *tail]
    # -I: no PYTHONPATH, user site or script folder on sys.path; the host needs the stdlib only
    return [python or sys.executable, "-I", str(HOST_SCRIPT), *tail]


class _Process:
    """One running host: the process and the threads that read its stdout and stderr."""

    def __init__(
        self,
        command: list[str],
        cwd: Path,
        env: dict,
        encoding: str,
    ):
        options: dict = {}
        if sys.platform == "win32":
            options["creationflags"] = subprocess.CREATE_NO_WINDOW
        else:
            options["start_new_session"] = True  # its own process group, killed as a whole
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
            **options,
        )
        self.pid = self.proc.pid
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=_STDERR_TAIL)
        self._encoding = encoding
        # stderr lines wait here for MakerHost to scrub keys out of them (a new key seed is only
        # known once the answer is in) and log them
        self.stderr_lines: queue.Queue[str] = queue.Queue()
        # threads, not select(): select does not work on pipes on Windows
        self._threads = [
            threading.Thread(target=self._read_stdout, daemon=True, name=f"maker-host-{self.pid}"),
            threading.Thread(target=self._read_stderr, daemon=True, name=f"maker-err-{self.pid}"),
        ]
        for thread in self._threads:
            thread.start()

    def _read_stdout(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in self.proc.stdout:
                self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            for raw in self.proc.stderr:
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    # a maker library's own text
                    text = raw.decode(self._encoding, errors="replace")
                text = text.rstrip()
                self.stderr_tail.append(text)
                self.stderr_lines.put(text)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, message: dict) -> None:
        self.proc.stdin.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")
        self.proc.stdin.flush()

    def receive(self, timeout: float) -> dict | None:
        """The next message; None at end of file; ``queue.Empty`` after ``timeout``."""
        line = self.lines.get(timeout=timeout)
        if line is None:
            self.lines.put(None)  # stays at end of file
            return None
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise HostProtocolError(
                "读卡程序返回了无法识别的数据，请重试", f"maker host {self.pid}: not a JSON line"
            ) from None
        if not isinstance(message, dict):
            raise HostProtocolError(
                "读卡程序返回了无法识别的数据，请重试", f"maker host {self.pid}: not an object"
            )
        return message

    def tail(self) -> str:
        return " | ".join(self.stderr_tail)

    def kill(self) -> None:
        if self.alive():
            with contextlib.suppress(OSError):
                if sys.platform == "win32":
                    self.proc.kill()
                else:
                    os.killpg(self.pid, signal.SIGKILL)
        self._reap(_CLOSE_GRACE)

    def close(self) -> None:
        """End of input: the host leaves by itself; killed if it does not."""
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()
        try:
            self.proc.wait(_CLOSE_GRACE)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self._reap(_CLOSE_GRACE)

    def _reap(self, grace: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(grace)
        for thread in self._threads:
            thread.join(grace)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


def bundled_host_python() -> str | None:
    """The 32-bit Python the Windows setup installs beside the counter for makers' DLLs
    (``makerhost32\\python.exe``, installer/build-windows.md); None elsewhere."""
    if sys.platform != "win32":
        return None
    candidate = Path(sys.executable).parent / "makerhost32" / "python.exe"
    return str(candidate) if candidate.is_file() else None


class MakerHost:
    """Calls of one maker's library, each run in a host process (see the module docstring).

    ``env`` adds to (or overrides) this process's environment for the host. ``calls`` counts the
    calls made, ``spawns`` the host processes started.
    """

    def __init__(
        self,
        library: Path,
        *,
        python: str | None = None,
        timeout: float = 50.0,
        encoding: str = "gbk",
        keep_alive: bool = True,
        env: Mapping[str, str] | None = None,
    ):
        codecs.lookup(encoding)  # LookupError now, not a host that will not start
        self.library = Path(library).absolute()
        self.python = python
        self.timeout = timeout
        self.encoding = encoding
        self.keep_alive = keep_alive
        self.env = dict(env or {})
        self.calls = 0
        self.spawns = 0
        self._lock = threading.Lock()
        self._process: _Process | None = None
        self._ids = itertools.count(1)
        self._secrets: deque[str] = deque(maxlen=16)

    @classmethod
    def for_maker(cls, maker: MakerConfig, **options: object) -> MakerHost:
        """The host of a configured maker's library: its encoding and time-out, its 32-bit
        Python (the entry's, else the one the Windows setup puts beside the counter);
        ``options`` (keep_alive, env, timeout) as for the constructor."""
        settings: dict[str, object] = {
            "python": maker.host_python or bundled_host_python(),
            "timeout": maker.timeout,
            "encoding": maker.encoding,
            **options,
        }
        return cls(Path(maker.library), **settings)  # type: ignore[arg-type]

    @property
    def pid(self) -> int | None:
        """The running host's process id (None when none runs)."""
        process = self._process
        return process.pid if process is not None and process.alive() else None

    def __enter__(self) -> MakerHost:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop the host (it ends at end of input); waits for a call under way to finish."""
        with self._lock:
            self._drop(kill=False)

    def call(self, function: str, args: Mapping, variant: Mapping | None = None) -> HostAnswer:
        """Run ``function`` with ``args`` (header names) in the host; its rc and outputs."""
        with self._lock:
            self.calls += 1
            self._remember(args)
            log.debug("maker call %s %s", function, masked(args))
            started = time.monotonic()
            try:
                answer = self._exchange(function, dict(args), dict(variant or {}))
                self._remember(answer.out)
            finally:
                process = self._process
                if not self.keep_alive:
                    self._drop(kill=False)
                self._log_stderr(process)
            log.info(
                "maker %s: %s rc %d (%.0f ms)",
                self.library.name,
                function,
                answer.rc,
                (time.monotonic() - started) * 1000,
            )
            return answer

    # -- one exchange ----------------------------------------------------------------------

    def _exchange(self, function: str, args: dict, variant: dict) -> HostAnswer:
        process = self._process if self._process is not None and self._process.alive() else None
        if process is None:
            self._drop(kill=True)
            process = self._start()
        ident = next(self._ids)
        request = {"id": ident, "call": function, "args": args, "variant": variant}
        try:
            process.send(request)
        except OSError:
            # the pipe was closed, so the request never reached it: a fresh host may take it
            self._drop(kill=True)
            process = self._start()
            try:
                process.send(request)
            except OSError:
                self._drop(kill=True)
                raise self._crashed(process, function) from None
        try:
            message = process.receive(self.timeout)
        except queue.Empty:
            self._drop(kill=True)
            raise HostTimeout(
                f"读卡器 {self.timeout:g} 秒内没有响应，已中止读卡程序，请检查读卡器后重试",
                f"{function}: maker host {process.pid} for {self.library} did not answer within"
                f" {self.timeout:g} s; killed",
                library=str(self.library),
                function=function,
            ) from None
        except HostProtocolError:
            self._drop(kill=True)
            raise
        if message is None:
            self._drop(kill=True)
            raise self._crashed(process, function)
        if message.get("id") != ident:
            self._drop(kill=True)
            raise HostProtocolError(
                "读卡程序返回了无法识别的数据，请重试",
                f"{function}: maker host {process.pid} answered id {message.get('id')!r},"
                f" expected {ident}",
            )
        error = message.get("error")
        if error == "bad_request":
            raise HostBadRequest(
                "读卡程序拒绝了这次调用，请联系维护人员",
                self._scrub(f"{function}: bad request: {message.get('detail')}"),
                library=str(self.library),
                function=function,
            )
        if error is not None:
            self._drop(kill=True)
            raise self._crashed(process, function, self._scrub(str(message.get("detail"))))
        rc, out = message.get("rc"), message.get("out")
        if not isinstance(rc, int) or not isinstance(out, dict):
            self._drop(kill=True)
            raise HostProtocolError(
                "读卡程序返回了无法识别的数据，请重试",
                f"{function}: maker host {process.pid} answered without rc/out",
            )
        return HostAnswer(rc, out)

    def _start(self) -> _Process:
        if not self.library.is_file():
            raise LibraryMissing(
                f"找不到读卡器厂家动态库：{self.library}，请检查设备设置",
                f"maker library {self.library} does not exist",
                library=str(self.library),
            )
        command = host_command(self.library, self.python, self.encoding)
        try:
            process = _Process(
                command,
                self.library.parent,
                {**os.environ, **self.env},
                self.encoding,
            )
        except OSError as error:
            raise HostStartFailed(
                f"无法启动读卡程序（{command[0]}），请检查安装",
                f"cannot start the maker host {command[0]}: {error}",
                library=str(self.library),
            ) from None
        self.spawns += 1
        try:
            ready = process.receive(self.timeout)
        except queue.Empty:
            process.kill()
            raise HostTimeout(
                f"读卡程序 {self.timeout:g} 秒内没有启动，已中止，"
                f"请检查读卡器厂家动态库：{self.library}",
                f"maker host {process.pid} for {self.library} not ready within {self.timeout:g} s",
                library=str(self.library),
            ) from None
        except HostProtocolError:
            process.kill()
            raise
        if ready is None:
            process.kill()
            raise self._crashed(process, "start")
        if ready.get("ready") is not True:
            process.close()
            detail = str(ready.get("detail"))
            raise LibraryNotLoadable(
                f"无法加载读卡器厂家动态库：{self.library}，请检查文件是否完整、是否与读卡程序位数一致",
                f"maker host cannot load {self.library}: {detail}",
                library=str(self.library),
                detail=detail,
            )
        if ready.get("protocol") != PROTOCOL:
            process.close()
            raise HostProtocolError(
                "读卡程序版本与本机柜台程序不符，请重新安装",
                f"maker host speaks protocol {ready.get('protocol')!r}, the counter {PROTOCOL}",
                library=str(self.library),
            )
        self._process = process
        log.info("maker host %d started for %s", process.pid, self.library)
        return process

    def _drop(self, *, kill: bool) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill() if kill else process.close()
            self._log_stderr(process)

    def _log_stderr(self, process: _Process | None) -> None:
        while process is not None:
            try:
                text = process.stderr_lines.get_nowait()
            except queue.Empty:
                return
            log.debug("maker host %d: %s", process.pid, self._scrub(text))

    def _crashed(self, process: _Process, function: str, detail: str | None = None) -> HostCrashed:
        code = process.proc.poll()
        return HostCrashed(
            f"读卡程序意外退出，请重新插卡后重试（厂家动态库：{self.library}）",
            f"{function}: maker host {process.pid} for {self.library} ended without answering"
            f" (exit {code}){'; ' + detail if detail else ''};"
            f" stderr: {self._scrub(process.tail()) or '-'}",
            library=str(self.library),
            function=function,
        )

    # -- secrets ---------------------------------------------------------------------------

    def _remember(self, values: Mapping) -> None:
        for name in SECRET_FIELDS:
            value = values.get(name)
            if isinstance(value, str) and value and value not in self._secrets:
                self._secrets.append(value)

    def _scrub(self, text: str) -> str:
        for secret in sorted(tuple(self._secrets), key=len, reverse=True):
            text = text.replace(secret, _MASK)
        return text
