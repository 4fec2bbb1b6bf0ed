"""Makers' card metrics: library calls and time per sale through the DLL host, host overhead.

The maker is the C double (``app.devices.makers.double``) compiled for the plain 2012 interface;
its card is a file in a slot directory of the bench's own. The sale runs the counter's workflow
(``CardOperations.sell``) on a ``CardSlot`` holding only that maker's driver, as in a hall with
one maker. The overhead ratio repeats the sale's three library calls with the same arguments
through the keep-alive host and in-process with ctypes, on the same card state each time.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from app.counter.cards import CardOperations
from app.demo import seed_hall
from app.devices.detect import CardSlot
from app.devices.makers import host as host_script
from app.devices.makers.client import HostAnswer, MakerHost
from app.devices.makers.config import maker_from
from app.devices.makers.double import ENV_DIR, DoubleSlot, build
from app.devices.makers.driver import InterfaceCardDriver
from app.devices.makers.meter import InterfaceMeterSimulator
from app.services.accounts import ContractInput, CustomerInput, OpenAccountRequest
from app.services.actor import Actor
from bench.common import Metric, fresh_context, median, open_bench_shift

PORT = 3
MARK = "A"  # the maker's mark on the double's cards

# the interface's parameter kinds (host.signature) as ctypes declares them
_ARGTYPES = {
    host_script.INT: ctypes.c_int,
    host_script.TEXT: ctypes.c_char_p,
    host_script.OUT_INT: ctypes.POINTER(ctypes.c_int),
    host_script.OUT_TEXT: ctypes.c_char_p,
    host_script.IO_TEXT: ctypes.c_char_p,
    host_script.IO_INT: ctypes.POINTER(ctypes.c_int),
}

Call = tuple[str, dict, dict]  # function, args, variant


class RecordingHost(MakerHost):
    """The client, also keeping what each call sent (the bench replays the sale's calls)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.sent: list[Call] = []

    def call(self, function: str, args: Mapping, variant: Mapping | None = None) -> HostAnswer:
        self.sent.append((function, dict(args), dict(variant or {})))
        return super().call(function, args, variant)


class InProcess:
    """The same library loaded in this process, called with ctypes as the host calls it."""

    def __init__(self, library: Path, encoding: str = "gbk"):
        self.dll = ctypes.CDLL(str(library))
        self.encoding = encoding
        self._functions: dict[tuple, tuple[object, list]] = {}

    def call(self, function: str, args: Mapping, variant: Mapping) -> int:
        key = (function, *sorted(variant.items()))
        if key not in self._functions:
            full = {**{"yhh_in_write": False, "price_by_ptr": False}, **variant}
            params = host_script.signature(function, full)
            target = self.dll[function]
            target.argtypes = [_ARGTYPES[kind] for _, kind in params]
            target.restype = ctypes.c_int
            self._functions[key] = (target, params)
        target, params = self._functions[key]
        values, keep = [], []  # buffers made per call, as a caller in this process must
        for name, kind in params:
            if kind in (host_script.INT, host_script.IO_INT, host_script.OUT_INT):
                cell = ctypes.c_int(args[name] if kind != host_script.OUT_INT else -1)
                keep.append(cell)
                values.append(cell.value if kind == host_script.INT else ctypes.byref(cell))
            else:
                text = args[name].encode(self.encoding) if kind != host_script.OUT_TEXT else b""
                buffer = ctypes.create_string_buffer(text, host_script.GASCARD_TEXT * 4)
                keep.append(buffer)
                values.append(buffer)
        return target(*values)


def _opening(n: int) -> OpenAccountRequest:
    return OpenAccountRequest(
        uuid.uuid4(),
        CustomerInput(
            "residential",
            "张秀英",
            "resident_id",
            "110101199003074477",
            "13912345678",
            "解放路1号",
            3,
        ),
        meter_no=f"18M{n:07d}",
        card_serial=f"MKA{n:07d}",
        contract=ContractInput(f"HT-2026-M{n:04d}", dt.date(2026, 1, 5)),
    )


def _clock(fn: Callable[..., Any], *args: object) -> tuple[float, Any]:
    """Seconds ``fn(*args)`` took, and what it returned."""
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def makers_sale(directory: Path, quick: bool) -> list[Metric]:
    """Sales on a maker's card through the host, then the sale's calls host vs in-process."""
    sales, reps, spawns = (10, 100, 8) if quick else (40, 500, 20)
    mode = "quick (fewer repetitions): " if quick else ""
    library = build(directory / "lib", MARK)
    sale_dir = directory / "slot-host"
    local_dir = directory / "slot-inproc"
    config = maker_from(
        {
            "code": "xfa",
            "name": "先锋（基准）",
            "library": str(library),
            "key_seed": "FACTORY-A",
            "dqdm": "9A01",
        },
        {"port": PORT},
    )
    # the double's slot dir reaches the host through its environment, set before it starts
    host = RecordingHost(library, timeout=config.timeout, env={ENV_DIR: str(sale_dir)})
    slot = CardSlot([InterfaceCardDriver(config, host)])  # a hall with this one maker
    double = DoubleSlot(sale_dir, PORT)

    ctx = fresh_context(directory, "makers.sqlite3")
    _, counters, users = seed_hall(ctx)
    actor = Actor(users["lina"], counters[0])
    open_bench_shift(ctx, actor)
    counter = CardOperations(ctx, slot)
    try:
        double.insert_new(MARK, key=config.key_seed)
        opened = counter.open_account(actor, _opening(1))
        meter = InterfaceMeterSimulator(opened.meter_no, MARK)

        sale_times: list[float] = []
        sale_calls: list[int] = []
        before_last = b""
        for _ in range(sales):
            meter.insert(double)  # the customer loads the last purchase at home
            meter.use(50)
            counter.read(actor)  # insertion: the account appears on screen
            before_last = double.path.read_bytes()
            calls, host.sent = host.calls, []
            elapsed, _ = _clock(lambda: counter.sell(actor, uuid.uuid4(), volume=100))
            sale_times.append(elapsed)
            sale_calls.append(host.calls - calls)
        replay = list(host.sent)  # the last sale's calls, exactly as the driver sent them

        # the same calls through the keep-alive host and in-process, each on its own slot dir
        # with the card as it was before that sale, reset before every repetition
        local = InProcess(library, config.encoding)
        host_slot, local_slot = double, DoubleSlot(local_dir, PORT)
        through_host: list[float] = []
        in_process: list[float] = []
        per_call: dict[str, list[float]] = {name: [] for name, _, _ in replay}
        saved_env = os.environ.get(ENV_DIR)
        os.environ[ENV_DIR] = str(local_dir)  # the library reads it at every call
        try:
            for _ in range(reps):
                host_slot.insert_file(before_last)
                total = 0.0
                for function, args, variant in replay:
                    elapsed, answer = _clock(host.call, function, args, variant)
                    if answer.rc != 0:
                        raise RuntimeError(f"{function} through the host returned {answer.rc}")
                    per_call[function].append(elapsed)
                    total += elapsed
                through_host.append(total)
                local_slot.insert_file(before_last)
                total = 0.0
                for function, args, variant in replay:
                    elapsed, rc = _clock(local.call, function, args, variant)
                    if rc != 0:
                        raise RuntimeError(f"{function} in-process returned {rc}")
                    total += elapsed
                in_process.append(total)
        finally:
            if saved_env is None:
                os.environ.pop(ENV_DIR, None)
            else:
                os.environ[ENV_DIR] = saved_env
        if host_slot.card() != local_slot.card():
            raise RuntimeError("the host and in-process calls left different cards")

        # a process per call: the host started, the library loaded, one CheckGasCard, closed
        check = next(args for name, args, _ in replay if name == "CheckGasCard")
        spawn_times: list[float] = []
        with MakerHost(library, keep_alive=False, env={ENV_DIR: str(sale_dir)}) as one_shot:
            for _ in range(spawns):
                spawn_times.append(_clock(lambda: one_shot.call("CheckGasCard", check))[0])
            started = one_shot.spawns
    finally:
        slot.close()
        ctx.db.dispose()

    via_host, direct = median(through_host), median(in_process)
    sequence = ", ".join(name for name, _, _ in replay)
    return [
        Metric(
            "maker_sale_calls",
            max(sale_calls),
            "calls",
            "<= 3",
            f"{mode}max over {sales} sales of MakerHost.calls around CardOperations.sell on an "
            f"inserted card ({sequence}); CardSlot with only the maker's driver (a hall with one "
            "maker; each more maker before it in the hall's order adds its CheckGasCard)",
        ),
        Metric(
            "maker_sale_ms",
            round(median(sale_times) * 1e3, 1),
            "ms",
            "report",
            f"{mode}median of {sales} sales (1 m³, SQLite) through the keep-alive host against "
            "the C double: CheckGasCard + ReadGasCard, PENDING commit, WriteGasCard (the card "
            "file rewritten and fsync'd), COMPLETED commit",
        ),
        Metric(
            "maker_host_overhead_ratio",
            round(via_host / direct, 2),
            "x",
            "<= 2",
            f"{mode}the sale's {len(replay)} calls, same arguments, same card reset before each "
            f"of {reps} interleaved repetitions: keep-alive host {via_host * 1e3:.2f} ms vs "
            f"in-process ctypes CDLL {direct * 1e3:.2f} ms (medians of the three together; both "
            "leave the same card)",
        ),
        Metric(
            "maker_host_spawn_ms",
            round(median(spawn_times) * 1e3, 1),
            "ms",
            "report",
            f"{mode}median of {spawns} CheckGasCard calls with keep_alive=False ({started} "
            f"hosts started: python -I host.py, library loaded, call, exit) vs "
            f"{median(per_call['CheckGasCard']) * 1e3:.2f} ms through the keep-alive host",
        ),
    ]
