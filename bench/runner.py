"""Run every benchmark, print a table, optionally write JSON."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench import (
    bundle,
    cards,
    core,
    documents,
    imports,
    limits,
    makers,
    receipts,
    security,
    startup,
)
from bench.common import Metric

BENCHMARKS = [
    core.purchase_service_ratio,
    core.purchase_statements,
    limits.limit_check_ms,
    core.purchase_pg_ms,
    core.lookup_latency,
    cards.card_purchase,
    makers.makers_sale,
    receipts.receipt_bytes,
    documents.zreport_speed,
    imports.import_speed,
    security.login_cost,
    startup.startup_ratio,
    bundle.bundle_metrics,
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller data sets, under a minute")
    parser.add_argument("--json", type=Path, help="write the metrics to this file")
    parser.add_argument("--only", help="run only benchmarks whose name contains this")
    args = parser.parse_args(argv)

    metrics: list[Metric] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gasdesk-bench-") as tmp:
        for bench in BENCHMARKS:
            if args.only and args.only not in bench.__name__:
                continue
            directory = Path(tmp) / bench.__name__
            directory.mkdir()
            metrics.extend(bench(directory, args.quick))
    elapsed = time.perf_counter() - started

    mode = "quick (smaller data sets)" if args.quick else "full"
    print(f"GasDesk benchmarks — {mode}, {elapsed:.0f} s")
    width = max(len(m.name) for m in metrics)
    print(f"{'metric':<{width}}  {'value':>10}  {'unit':<4}  {'goal':<7}  note")
    for m in metrics:
        value = "-" if m.value is None else m.value
        print(f"{m.name:<{width}}  {value:>10}  {m.unit:<4}  {m.goal:<7}  {m.note}")
    if args.json:
        payload = {m.name: {"value": m.value, "unit": m.unit, "goal": m.goal} for m in metrics}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0
