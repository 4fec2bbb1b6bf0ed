"""The maker host: one process that loads a maker's card library and runs its calls.

Makers' libraries are 32-bit stdcall Windows DLLs that a 64-bit counter cannot load, so the
counter (``app.devices.makers.client``) runs this file in a separate (on Windows 32-bit,
embeddable) Python. It must stay ONE stdlib-only file that imports nothing of ``app``.

Run::

    python host.py LIBRARY [--encoding gbk] [--yhh-in-write] [--price-by-ptr]
    python -m app.devices.makers.host LIBRARY ...
    gasdesk --maker-host LIBRARY ...          (the frozen bundle: main.py calls ``main``)

The library is loaded with ``ctypes.WinDLL`` on Windows (stdcall) and ``ctypes.CDLL``
elsewhere; the five functions of ``interface.h`` are declared with their exact C types. An
export may be plain (``ReadGasCard``) or decorated as MSVC does for a 32-bit ``__stdcall``
without a .def file (``_ReadGasCard@92``: the number is 4 bytes per parameter, so it also tells
which WriteGasCard variant the library has).

Protocol: JSON lines (UTF-8) on stdin/stdout, one request answered at a time. Text fields are
converted to and from the library's bytes with ``--encoding`` (default gbk). Nothing else is ever
written on stdout: the process's own stdout (fd 1, and the Windows std handle) is pointed at
stderr before the library is loaded, so a library's ``printf`` cannot corrupt the protocol; logs
go to stderr (never argument values: no key, no card data).

First line written by the host::

    {"ready": true, "protocol": 1, "library": "...", "pid": 1234, "encoding": "gbk",
     "variant": {"yhh_in_write": false, "price_by_ptr": false}}
    {"ready": false, "error": "load_failed", "detail": "..."}      then exit code 3

``load_failed`` also covers a library that lacks one of the five functions (the detail names it).

Requests, one per line::

    {"id": 7, "call": "ReadGasCard", "args": {"com": 3, "baud": 9600, "kmm": "..."},
     "variant": {"yhh_in_write": true, "price_by_ptr": false}}

``call`` is one of CheckGasCard, ReadGasCard, WriteNewCard, WriteGasCard, FormatGasCard. ``args``
holds every input parameter of the function by its header name (ints as JSON integers within C
int, text as strings that fit GASCARD_TEXT - 1 bytes once encoded); ``yhh`` given to a
WriteGasCard variant without it is ignored, any other missing or unknown argument is refused.
``variant`` (optional, only used by WriteGasCard) overrides the start-time flags.

Answers::

    {"id": 7, "rc": 0, "out": {"klx": 1, "kh": "...", ...}}
    {"id": 7, "error": "bad_request", "detail": "..."}     the host goes on serving
    {"id": 7, "error": "call_failed", "detail": "..."}     the library faulted (Windows access
                                                           violation); the host should be replaced

``out`` holds every output parameter: all outputs of ReadGasCard; ``kmm`` read back from its
buffer for WriteNewCard and WriteGasCard (some makers leave a new key seed there), and
``oldprice``/``newprice`` read back for the price-by-pointer WriteGasCard; {} otherwise. Integer
outputs start at -1 and text outputs at "" (the interface's "the card has no such field").
A line that is not a JSON object gets a bad_request answer with ``"id": null``.

End of input (the counter closed stdin) ends the host with exit code 0. A library that crashes
the process (segfault, abort) ends it without an answer: the counter sees end of file.
"""

from __future__ import annotations

import argparse
import codecs
import ctypes
import json
import logging
import os
import sys

PROTOCOL = 1
GASCARD_TEXT = 64
# buffers handed to the library are larger than the header's GASCARD_TEXT: a maker that writes a
# few bytes too many then damages nothing of ours (the text is still cut at its first NUL)
_BUFFER = GASCARD_TEXT * 4

log = logging.getLogger("gasdesk.maker_host")

INT = "int"
TEXT = "text"
OUT_INT = "out_int"
OUT_TEXT = "out_text"
IO_TEXT = "io_text"  # kmm of the writes: input, and read back
IO_INT = "io_int"  # the prices of the price-by-pointer WriteGasCard: int *, read back


def _params(spec: str) -> list[tuple[str, str]]:
    kinds = {"i": INT, "t": TEXT, "I": OUT_INT, "T": OUT_TEXT, "k": IO_TEXT, "p": IO_INT}
    return [(name, kinds[kind]) for kind, name in (item.split(":") for item in spec.split())]


# parameter lists in the header's order; kind letters: i int, t char * input, I int * output,
# T char * output, k char * in/out (kmm), p int * in/out
_CHECK = _params("i:com i:baud")
_READ = _params(
    "i:com i:baud t:kmm I:klx I:kzt T:kh T:dqdm T:yhh T:tm I:ql I:cs I:ljgql I:bkcs I:ljyql"
    " I:syql I:bjql I:czsx I:tzed T:sqrq I:oldprice I:newprice T:sxrq T:sxbj"
)
_WRITE_NEW = _params(
    "i:com i:baud k:kmm i:klx i:kzt t:kh t:dqdm t:yhh t:tm i:ql i:cs i:ljgql i:bkcs i:ljyql"
    " i:bjql i:czsx i:tzed t:sqrq i:oldprice i:newprice t:sxrq t:sxbj"
)
_FORMAT = _params("i:com i:baud t:kmm i:klx t:kh t:dqdm")


def _write_gas(yhh_in_write: bool, price_by_ptr: bool) -> list[tuple[str, str]]:
    yhh = " t:yhh" if yhh_in_write else ""
    price = "p" if price_by_ptr else "i"
    return _params(
        f"i:com i:baud k:kmm i:klx t:kh t:dqdm{yhh} i:ql i:cs i:ljgql i:bjql i:czsx i:tzed"
        f" t:sqrq {price}:oldprice {price}:newprice t:sxrq t:sxbj"
    )


FUNCTIONS = ("CheckGasCard", "ReadGasCard", "WriteNewCard", "WriteGasCard", "FormatGasCard")
VARIANT_KEYS = ("yhh_in_write", "price_by_ptr")
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def signature(function: str, variant: dict[str, bool]) -> list[tuple[str, str]]:
    """The (name, kind) parameters of ``function`` under ``variant``."""
    if function == "WriteGasCard":
        return _write_gas(variant["yhh_in_write"], variant["price_by_ptr"])
    return {
        "CheckGasCard": _CHECK,
        "ReadGasCard": _READ,
        "WriteNewCard": _WRITE_NEW,
        "FormatGasCard": _FORMAT,
    }[function]


_CTYPES = {
    INT: ctypes.c_int,
    TEXT: ctypes.c_char_p,
    OUT_INT: ctypes.POINTER(ctypes.c_int),
    OUT_TEXT: ctypes.c_char_p,
    IO_TEXT: ctypes.c_char_p,
    IO_INT: ctypes.POINTER(ctypes.c_int),
}


class BadRequest(Exception):
    """A request the host refuses; its text names fields, never their values."""


class Host:
    """The loaded library and its declared functions (one ctypes object per variant)."""

    def __init__(self, library: str, encoding: str, variant: dict[str, bool]):
        self.library = library
        self.encoding = encoding
        self.variant = variant
        loader = ctypes.WinDLL if sys.platform == "win32" else ctypes.CDLL
        self.dll = loader(library)
        every_variant = [
            {"yhh_in_write": yhh, "price_by_ptr": by_ptr}
            for yhh in (False, True)
            for by_ptr in (False, True)
        ]
        missing = [
            name
            for name in FUNCTIONS
            if not any(self._symbol(name, variant) for variant in every_variant)
        ]
        if missing:
            raise OSError(f"the library does not export {', '.join(missing)}")
        self._functions: dict[tuple, object] = {}

    def _symbol(self, name: str, variant: dict[str, bool]) -> str | None:
        """The export of ``name``: plain (a .def file, Delphi), or decorated as MSVC does for a
        32-bit ``__stdcall`` (``_Name@N``, N the bytes of arguments: 4 per parameter)."""
        size = 4 * len(signature(name, variant))
        for symbol in (name, f"_{name}@{size}", f"{name}@{size}"):
            if hasattr(self.dll, symbol):
                return symbol
        return None

    def function(self, name: str, variant: dict[str, bool]):
        key = (name, *(variant[flag] for flag in VARIANT_KEYS))
        if key not in self._functions:
            symbol = self._symbol(name, variant)
            if symbol is None:
                # a decorated export tells the size of its arguments: this variant is not it
                raise BadRequest(f"{name}: the library exports no {name} for variant {variant}")
            # item access makes a new function object: each variant keeps its own argtypes
            function = self.dll[symbol]
            function.argtypes = [_CTYPES[kind] for _, kind in signature(name, variant)]
            function.restype = ctypes.c_int
            self._functions[key] = function
        return self._functions[key]

    def handle(self, request: object) -> dict:
        if not isinstance(request, dict):
            raise BadRequest("a request is a JSON object")
        name = request.get("call")
        if name not in FUNCTIONS:
            raise BadRequest(f"unknown call {name!r}; one of {', '.join(FUNCTIONS)}")
        args = request.get("args", {})
        if not isinstance(args, dict):
            raise BadRequest("args must be an object")
        variant = self._variant(request.get("variant"))
        params = signature(name, variant)
        known = {param for param, _ in params}
        # yhh exists in some WriteGasCard headers only: a caller may pass it to every variant
        ignorable = {"yhh"} if name == "WriteGasCard" else set()
        unknown = sorted(set(args) - known - ignorable)
        if unknown:
            raise BadRequest(f"{name}: unknown argument(s) {', '.join(unknown)}")
        inputs = [param for param, kind in params if kind not in (OUT_INT, OUT_TEXT)]
        missing = [param for param in inputs if param not in args]
        if missing:
            raise BadRequest(f"{name}: missing argument(s) {', '.join(missing)}")
        values, keep = [], {}
        for param, kind in params:
            if kind in (INT, IO_INT, OUT_INT):
                cell = ctypes.c_int(self._int(param, args[param]) if kind != OUT_INT else -1)
                values.append(cell.value if kind == INT else ctypes.byref(cell))
                keep[param] = cell
            else:
                buffer = ctypes.create_string_buffer(
                    self._text(param, args[param]) if kind != OUT_TEXT else b"", _BUFFER
                )
                values.append(buffer)
                keep[param] = buffer
        function = self.function(name, variant)
        log.info("%s (variant %s)", name, variant if name == "WriteGasCard" else "-")
        try:
            rc = function(*values)
        except OSError as error:  # Windows: ctypes turns an access violation into OSError
            raise CallFailed(f"{name}: {error}") from None
        log.info("%s returned %d", name, rc)
        out = {}
        for param, kind in params:
            if kind in (OUT_INT, IO_INT):
                out[param] = keep[param].value
            elif kind in (OUT_TEXT, IO_TEXT):
                out[param] = self._decode(param, keep[param])
        return {"rc": rc, "out": out}

    def _variant(self, given: object) -> dict[str, bool]:
        if given is None:
            return dict(self.variant)
        if not isinstance(given, dict):
            raise BadRequest("variant must be an object")
        unknown = sorted(set(given) - set(VARIANT_KEYS))
        if unknown:
            raise BadRequest(f"unknown variant key(s) {', '.join(unknown)}")
        if any(not isinstance(value, bool) for value in given.values()):
            raise BadRequest("variant values are true or false")
        return {**self.variant, **given}

    @staticmethod
    def _int(param: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequest(f"{param} must be an integer")
        if not _INT_MIN <= value <= _INT_MAX:
            raise BadRequest(f"{param} is outside the range of a C int")
        return value

    def _text(self, param: str, value: object) -> bytes:
        if not isinstance(value, str):
            raise BadRequest(f"{param} must be a string")
        try:
            data = value.encode(self.encoding)
        except UnicodeEncodeError:
            raise BadRequest(f"{param} has characters {self.encoding} cannot encode") from None
        if b"\0" in data:
            raise BadRequest(f"{param} contains a NUL character")
        if len(data) > GASCARD_TEXT - 1:
            raise BadRequest(f"{param} is {len(data)} bytes, more than {GASCARD_TEXT - 1}")
        return data

    def _decode(self, param: str, buffer) -> str:
        data = buffer.value  # up to the first NUL
        if len(data) > GASCARD_TEXT - 1:
            log.warning(
                "%s: the library wrote %d bytes, more than %d", param, len(data), GASCARD_TEXT
            )
        try:
            return data.decode(self.encoding)
        except UnicodeDecodeError:
            log.warning("%s: not valid %s; undecodable bytes replaced", param, self.encoding)
            return data.decode(self.encoding, errors="replace")


class CallFailed(Exception):
    """The library faulted during a call (Windows reports it instead of killing the process)."""


def _protocol_stream():
    """A private copy of stdout for the protocol; fd 1 itself then points at stderr."""
    sys.stdout.flush()
    stream = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    if sys.platform == "win32":
        import msvcrt

        # a library writing through GetStdHandle(STD_OUTPUT_HANDLE) bypasses the C fd table
        ctypes.windll.kernel32.SetStdHandle(-11, msvcrt.get_osfhandle(2))
    return stream


def _send(stream, message: dict) -> None:
    stream.write(json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="host.py", description="GasDesk maker card host")
    parser.add_argument("library")
    parser.add_argument("--encoding", default="gbk")
    parser.add_argument("--yhh-in-write", action="store_true")
    parser.add_argument("--price-by-ptr", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Serve requests for one library until stdin ends; the exit code (3: not loadable)."""
    options = _parser().parse_args(argv)
    try:
        codecs.lookup(options.encoding)
    except LookupError:
        _parser().error(f"unknown encoding {options.encoding!r}")
    logging.basicConfig(
        stream=sys.stderr,
        level=os.environ.get("GASDESK_MAKER_HOST_LOG", "WARNING").upper(),
        format="maker-host %(levelname)s %(message)s",
    )
    stream = _protocol_stream()
    variant = {"yhh_in_write": options.yhh_in_write, "price_by_ptr": options.price_by_ptr}
    try:
        host = Host(options.library, options.encoding, variant)
    except OSError as error:
        _send(stream, {"ready": False, "error": "load_failed", "detail": str(error)})
        return 3
    _send(
        stream,
        {
            "ready": True,
            "protocol": PROTOCOL,
            "library": options.library,
            "pid": os.getpid(),
            "encoding": options.encoding,
            "variant": variant,
        },
    )
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        ident = None
        try:
            try:
                request = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                raise BadRequest("not a UTF-8 JSON line") from None
            if isinstance(request, dict):
                ident = request.get("id")
            answer = host.handle(request)
        except BadRequest as error:
            log.warning("bad request: %s", error)
            answer = {"error": "bad_request", "detail": str(error)}
        except CallFailed as error:
            log.error("library fault: %s", error)
            answer = {"error": "call_failed", "detail": str(error)}
        _send(stream, {"id": ident, **answer})
    return 0


if __name__ == "__main__":
    sys.exit(main())
