"""What a hall configures for one card maker of the common interface, and per counter.

The hall's makers live in the hall settings (``card_makers``: one list for every counter, in
detection order); each counter's config.toml says the serial port and baud rate of its makers'
reader (``[makers.<code>] port = 3``). Parsed here into ``MakerConfig``; a bad entry is refused
with a Chinese message naming the field.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from app.errors import InvalidInput

CODE = re.compile(r"^[a-z][a-z0-9_-]{0,19}$")
AREA_CODE = re.compile(r"^9A[0-9A-HJ-NP-Z]{2}$")  # 9A00-9AZZ without I or O
DEFAULT_TIMEOUT = 50.0  # seconds a library call may take before its host is killed


@dataclass(frozen=True)
class MakerConfig:
    """One maker's library and the settings every card of it is written with (volumes m³)."""

    code: str  # the maker code each account records (cards.maker)
    name: str  # shown to the clerk, e.g. "先锋"
    library: str  # path of the maker's DLL (or the double's .so)
    klx: int = 1  # card/meter type: 1 residential, 2 industrial
    dqdm: str = "9A00"  # area code
    bjql: int = 5  # low-gas alarm level
    czsx: int = 500  # recharge ceiling: the meter refuses gas while holding more than this
    tzed: int = 0  # overdraft allowance
    key_seed: str = ""  # kmm for a card that has no key of its own yet
    yhh_in_write: bool = False  # WriteGasCard takes yhh after dqdm
    price_by_ptr: bool = False  # WriteGasCard takes the prices by pointer
    messages: Mapping[int, str] = field(default_factory=dict)  # the maker's own error codes
    encoding: str = "gbk"
    timeout: float = DEFAULT_TIMEOUT
    host_python: str | None = None  # a 32-bit Python for the host on Windows
    port: int = 1  # COM port of this counter's makers' reader (COM1 = 1)
    baud: int = 9600

    @property
    def variant(self) -> dict[str, bool]:
        return {"yhh_in_write": self.yhh_in_write, "price_by_ptr": self.price_by_ptr}


def _bad(what: str, value: object, code: str) -> InvalidInput:
    return InvalidInput(
        f"厂家 {code} 的{what}无效：{value!r}", f"maker {code}: bad {what} {value!r}"
    )


def _int(
    values: Mapping[str, object],
    key: str,
    default: int,
    span: tuple[int, int],
    what: str,
    code: str,
) -> int:
    value = values.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not span[0] <= value <= span[1]:
        raise _bad(what, value, code)
    return value


def maker_from(
    entry: Mapping[str, object], counter: Mapping[str, object] | None = None
) -> MakerConfig:
    """A maker from its hall-settings entry and this counter's ``[makers.<code>]`` table."""
    code = entry.get("code")
    if not isinstance(code, str) or not CODE.match(code) or code == "gasdesk":
        raise InvalidInput(
            f"厂家代码无效：{code!r}（小写字母开头，最多20位）", f"bad code {code!r}"
        )
    name = entry.get("name", code)
    library = entry.get("library")
    if not isinstance(library, str) or not library.strip():
        raise _bad("动态库路径", library, code)
    dqdm = entry.get("dqdm", "9A00")
    if not isinstance(dqdm, str) or not AREA_CODE.match(dqdm):
        raise _bad("地区代码（9A00-9AZZ，不含I和O）", dqdm, code)
    messages_raw = entry.get("messages", {})
    if not isinstance(messages_raw, Mapping):
        raise _bad("错误代码表", messages_raw, code)
    try:
        messages = {int(k): str(v) for k, v in messages_raw.items()}
    except (TypeError, ValueError) as error:
        raise _bad("错误代码表", messages_raw, code) from error
    local = dict(counter or {})
    timeout = entry.get("timeout", DEFAULT_TIMEOUT)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout <= 600:
        raise _bad("超时时间（秒）", timeout, code)
    host_python = local.get("host_python", entry.get("host_python"))
    encoding = entry.get("encoding", "gbk")
    try:
        codecs.lookup(str(encoding))
    except LookupError as error:
        raise _bad("文字编码", encoding, code) from error
    flags = {}
    for flag in ("yhh_in_write", "price_by_ptr"):
        value = entry.get(flag, False)
        if not isinstance(value, bool):
            raise _bad("接口变体设置（true/false）", value, code)
        flags[flag] = value
    return MakerConfig(
        code=code,
        name=str(name),
        library=library.strip(),
        klx=_int(entry, "klx", 1, (0, 99), "卡类型", code),
        dqdm=dqdm,
        bjql=_int(entry, "bjql", 5, (0, 99_999), "报警气量", code),
        czsx=_int(entry, "czsx", 500, (0, 99_999_999), "充值上限", code),
        tzed=_int(entry, "tzed", 0, (0, 99_999), "透支额度", code),
        # a counter's own key seed (config.toml) keeps it out of the hall settings' audit trail
        key_seed=str(local.get("key_seed", entry.get("key_seed", ""))),
        yhh_in_write=flags["yhh_in_write"],
        price_by_ptr=flags["price_by_ptr"],
        messages=messages,
        encoding=str(encoding),
        timeout=float(timeout),
        host_python=str(host_python) if host_python else None,
        port=_int(local, "port", 1, (1, 255), "串口号", code),
        baud=_int(local, "baud", 9600, (1200, 115_200), "波特率", code),
    )


def counter_maker(entry: Mapping[str, object], extra: Mapping[str, object]) -> MakerConfig:
    """A hall-settings entry with this counter's ``[makers.<code>]`` table of config.toml
    (``extra``: the config's other keys)."""
    tables = extra.get("makers", {})
    local = tables.get(str(entry.get("code"))) if isinstance(tables, Mapping) else None
    return maker_from(entry, local if isinstance(local, Mapping) else None)
