"""The maker double's Python side: building its C library and handling its card slot.

The double (``double/maker_double.c``, rules in its header comment) is a maker's card library for
the common interface over a card kept in a text file, so training mode and the tests drive the
real ctypes path without a maker's DLL. ``build`` compiles it with gcc for one maker's mark and
header variant; ``DoubleSlot`` is the trainer's (or the test's) hand on a reader's slot: it puts
cards in, takes them out, reads them, and sets the library's fault switch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from app.errors import InvalidInput, SystemFault

SOURCE = Path(__file__).with_name("double") / "maker_double.c"
HEADER = Path(__file__).with_name("interface.h")
ENV_DIR = "GASDESK_MAKER_DOUBLE_DIR"
DEFAULT_DIR = Path("/tmp/gasdesk-maker-double")  # the library's own default
ENCODING = "gbk"  # text on the card, as the makers' libraries take it

# the card file's lines, in the order the library writes them
TEXT_FIELDS = (
    "maker",
    "state",
    "tool",
    "key",
    "factory_key",
    "kh",
    "dqdm",
    "yhh",
    "tm",
    "sqrq",
    "sxrq",
    "sxbj",
)
NUMBER_FIELDS = (
    "klx",
    "ql",
    "cs",
    "ljgql",
    "bkcs",
    "ljyql",
    "syql",
    "bjql",
    "czsx",
    "tzed",
    "oldprice",
    "newprice",
    "psc_attempts",
    "psc_failures",
    "writes",
)
FIELD_ORDER = (
    "maker",
    "state",
    "tool",
    "key",
    "factory_key",
    "klx",
    "kh",
    "dqdm",
    "yhh",
    "tm",
    "ql",
    "cs",
    "ljgql",
    "bkcs",
    "ljyql",
    "syql",
    "bjql",
    "czsx",
    "tzed",
    "sqrq",
    "oldprice",
    "newprice",
    "sxrq",
    "sxbj",
    "psc_attempts",
    "psc_failures",
    "writes",
)
CARD_COUNTERS = ("psc_attempts", "psc_failures", "writes")
STATES = ("new", "opening", "user", "tool")
_MAKER_CODE = re.compile(r"[A-Za-z0-9_-]{1,16}")

CardFields = dict[str, str | int]


class DoubleBuildError(SystemFault):
    """The maker double's library could not be built on this machine."""

    code = "maker_double_build"


class CompilerMissing(DoubleBuildError):
    """No gcc on the PATH: the double cannot be compiled."""

    code = "maker_double_no_compiler"


def default_dir() -> Path:
    """The slot directory the library uses: ``$GASDESK_MAKER_DOUBLE_DIR`` or its default."""
    value = os.environ.get(ENV_DIR)
    return Path(value) if value else DEFAULT_DIR


def library_name(maker_code: str) -> str:
    """``libmaker_<code>.so`` (``.dll`` on Windows)."""
    return f"libmaker_{maker_code}{'.dll' if sys.platform == 'win32' else '.so'}"


def build(
    out_dir: Path,
    maker_code: str,
    *,
    yhh_in_write: bool = False,
    price_by_ptr: bool = False,
    new_key_each_write: bool = False,
) -> Path:
    """Compile the double for ``maker_code`` into ``out_dir`` and return the library's path.

    Skipped when the library there was built from the same source and options. A process
    loads a library once per path (dlopen caches it): keep each variant in its own ``out_dir``.
    """
    if not _MAKER_CODE.fullmatch(maker_code):
        raise InvalidInput(
            f"厂家代码“{maker_code}”无效：只能使用 1 到 16 个字母、数字、下划线或连字符",
            f"maker code {maker_code!r} is not [A-Za-z0-9_-]{{1,16}}",
            field="maker_code",
        )
    gcc = shutil.which("gcc")
    if gcc is None:
        raise CompilerMissing(
            "找不到 C 编译器 gcc，无法生成培训用的厂家卡模拟库。请安装 gcc 后重试。",
            "gcc not found on PATH: cannot build the maker double",
        )
    windows = sys.platform == "win32"
    options = [f'-DMAKER_CODE="{maker_code}"']
    if yhh_in_write:
        options.append("-DGASCARD_YHH_IN_WRITE")
    if price_by_ptr:
        options.append("-DGASCARD_PRICE_BY_PTR")
    if new_key_each_write:
        options.append("-DNEW_KEY_EACH_WRITE")
    # every code is position independent on Windows; --kill-at: undecorated stdcall names
    flags = ["-shared", "-O2", "-Wall", "-Werror", *(["-Wl,--kill-at"] if windows else ["-fPIC"])]
    digest = hashlib.sha256()
    digest.update(SOURCE.read_bytes())
    digest.update(HEADER.read_bytes())
    digest.update(json.dumps([gcc, flags, options]).encode())
    fingerprint = digest.hexdigest()

    out_dir = Path(out_dir)
    target = out_dir / library_name(maker_code)
    stamp = target.with_name(target.name + ".sha256")
    if target.is_file() and stamp.is_file() and stamp.read_text().strip() == fingerprint:
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    # a new file renamed over the old: a process that has the old one loaded keeps its mapping
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    command = [gcc, *flags, *options, "-o", str(partial), str(SOURCE)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        partial.unlink(missing_ok=True)
        raise DoubleBuildError(
            "无法运行 C 编译器 gcc 生成厂家卡模拟库。", f"running gcc failed: {error}"
        ) from error
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise DoubleBuildError(
            "编译厂家卡模拟库失败（gcc 报错）。",
            f"gcc exited {done.returncode}: {done.stderr.strip()}",
        )
    try:
        os.replace(partial, target)
        stamp.write_text(fingerprint + "\n")
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise DoubleBuildError(
            f"无法写入厂家卡模拟库：{target}", f"installing {target} failed: {error}"
        ) from error
    return target


def _write_atomic(path: Path, data: bytes) -> None:
    # same promise as the library: a reader sees the old file or the new one, never half
    partial = path.with_name(f"{path.name}.py{os.getpid()}.part")
    with open(partial, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _parse(data: bytes) -> dict[str, str]:
    text = data.decode(ENCODING, errors="surrogateescape")
    entries: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key:
            entries[key] = value
    return entries


def _render(entries: Mapping[str, object]) -> bytes:
    known = [key for key in FIELD_ORDER if key in entries]
    extra = [key for key in entries if key not in FIELD_ORDER]
    lines = []
    for key in (*known, *extra):
        value = str(entries[key])
        if "\n" in value or "\r" in value or "=" in key or "\n" in key:
            raise ValueError(f"card field {key!r} cannot hold a line break")
        lines.append(f"{key}={value}\n")
    return "".join(lines).encode(ENCODING, errors="surrogateescape")


def _numbers(entries: Mapping[str, str], names: tuple[str, ...] | None) -> dict[str, str | int]:
    out: dict[str, str | int] = {}
    for key, value in entries.items():
        if names is None or key in names:
            try:
                out[key] = int(value)
                continue
            except ValueError:
                pass
        out[key] = value
    return out


def new_card_fields(maker: str, key: str) -> CardFields:
    """A formatted new card of ``maker`` whose factory seed is ``key``, as the library writes
    it after FormatGasCard (fields "" and -1)."""
    fields: CardFields = {name: -1 if name in NUMBER_FIELDS else "" for name in FIELD_ORDER}
    fields.update(maker=maker, state="new", key=key, factory_key=key)
    fields.update(dict.fromkeys(CARD_COUNTERS, 0))
    return fields


class DoubleSlot:
    """One reader's slot of the double: the card on port ``com`` is ``<dir>/com<com>.card``."""

    def __init__(self, dir: Path, com: int) -> None:
        if not 1 <= com <= 255:
            raise ValueError(f"com port {com} is outside 1..255")
        self.dir = Path(dir)
        self.com = com

    @property
    def path(self) -> Path:
        """The card file."""
        return self.dir / f"com{self.com}.card"

    @property
    def stats_path(self) -> Path:
        return self.dir / "stats"

    @property
    def control_path(self) -> Path:
        return self.dir / "control"

    # ---- cards ----

    def insert_new(self, maker: str, key: str = "FACTORY-A") -> None:
        """A formatted new card of ``maker`` whose key (factory seed) is ``key``."""
        self.write_card(new_card_fields(maker, key))

    def insert_tool(
        self,
        maker: str,
        tool: str,
        *,
        key: str = "FACTORY-A",
        kh: str = "",
        dqdm: str = "",
        **fields: str | int,
    ) -> None:
        """A tool card (``clear``, ``setup``, ``check``, ``transfer``, ``valve_open``,
        ``valve_close``) of ``maker``, as the maker's tool software made it; ``fields``: any
        other of its lines (``tm`` the meter it is for, ``bjql``/``czsx`` of a set-up card)."""
        card = new_card_fields(maker, key)
        card.update(state="tool", tool=tool, kh=kh, dqdm=dqdm, **fields)
        self.write_card(card)

    def insert_blank(self) -> None:
        """A card nobody recognises: no maker's mark."""
        self._write(b"blank=1\n")

    def insert_file(self, source: Path | bytes) -> None:
        """Put in the card held by a file (or its bytes, e.g. what ``remove`` returned)."""
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        self._write(data)

    def write_card(self, fields: Mapping[str, object]) -> None:
        """Replace the card by ``fields`` (what the meter does when it writes back)."""
        self._write(_render(fields))

    def remove(self) -> bytes | None:
        """Take the card out; returns its bytes (``insert_file`` puts it back), None if empty."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        self.path.unlink(missing_ok=True)
        return data

    def card(self) -> CardFields:
        """The card's lines (numbers as int); ``{}`` when the slot is empty."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        return _numbers(_parse(data), NUMBER_FIELDS)

    def _write(self, data: bytes) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.path, data)

    # ---- the library's counters and fault switch (shared by every slot of the dir) ----

    def stats(self) -> dict[str, int]:
        """Calls per function, ``calls``, ``psc_presented``, ``psc_failures`` (0 when absent)."""
        try:
            data = self.stats_path.read_bytes()
        except FileNotFoundError:
            data = b""
        counts = {"calls": 0, "psc_presented": 0, "psc_failures": 0}
        parsed = _numbers(_parse(data), None)
        counts.update({key: value for key, value in parsed.items() if isinstance(value, int)})
        return counts

    def reset_stats(self) -> None:
        self.stats_path.unlink(missing_ok=True)

    def set_faults(
        self,
        *,
        fail_at: int | None = None,
        fail_code: int = -10,
        hang_at: int | None = None,
        crash_at: int | None = None,
        after_write: bool = False,
    ) -> None:
        """Arm the fault switch; call numbers count from now (the library's next call is 1).

        ``after_write``: the hang or crash comes after the call's work (the card written)."""
        entries: dict[str, object] = {"calls_seen": 0}
        if fail_at is not None:
            entries.update(fail_at=fail_at, fail_code=fail_code)
        if hang_at is not None:
            entries.update(hang_at=hang_at, hang_after_write=int(after_write))
        if crash_at is not None:
            entries.update(crash_at=crash_at, crash_after_write=int(after_write))
        self.dir.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.control_path, _render(entries))

    def clear_faults(self) -> None:
        self.control_path.unlink(missing_ok=True)

    def calls_seen(self) -> int:
        """Calls the library counted since the fault switch was armed (0 when not armed)."""
        try:
            entries = _parse(self.control_path.read_bytes())
        except FileNotFoundError:
            return 0
        try:
            return int(entries.get("calls_seen", "0"))
        except ValueError:
            return 0
