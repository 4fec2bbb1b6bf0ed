"""The go-live import at a hall's scale: the dry run and the real run of 100,000 accounts (with
meters, cards and usage) on SQLite and on the PostgreSQL server, and the import's peak memory.

Each run is a child process of its own (``python -m bench.imports``), so its peak resident
memory is the import's and nothing the bench did before; the parent makes the hall database
and the files, the child times ``dry_run`` and then ``run_import`` as ``gasdesk admin import``
calls them.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from app.context import Context
from app.demo import seed_hall
from bench.common import Metric, fresh_context
from bench.import_data import write_import_files
from db import migrate
from db.engine import open_database

FULL, QUICK = 100_000, 5_000  # --quick: a twentieth, so the whole quick run stays under a minute
PG_SERVER = os.environ.get("GASDESK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _child(files: Path, url: str, admin_id: int, key: bytes) -> dict[str, float]:
    """Run the import in a process of its own; its timings and peak RSS."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.imports", str(files), url, str(admin_id), key.hex()],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if out.returncode != 0:
        raise RuntimeError(f"import child failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def import_speed(directory: Path, quick: bool) -> list[Metric]:
    """Seconds for the dry run and for dry run + import of ``FULL`` accounts (``--quick``: a
    twentieth, scaled to the full size linearly and said so), and the import's peak memory."""
    size = QUICK if quick else FULL
    scope = f"{size:,} accounts" + (
        f" (--quick: scaled ×{FULL // QUICK} from {QUICK:,})" if quick else ""
    )
    scale = FULL / size
    files = directory / "files"
    files.mkdir()
    started = time.perf_counter()
    write_import_files(files, size, seed=1)
    made = time.perf_counter() - started
    ctx = fresh_context(directory, "import.sqlite3")
    _, _, users = seed_hall(ctx)
    ctx.db.dispose()
    sqlite = _child(
        files, f"sqlite:///{directory / 'import.sqlite3'}", users["admin"], ctx.audit_key
    )
    metrics = [
        Metric(
            "dryrun_100k_s",
            round(sqlite["dry_run_s"] * scale, 1),
            "s",
            "<= 30",
            f"gasdesk admin import --dry-run: read, check and plan {scope} "
            f"(7 files, made in {made:.0f} s)",
        ),
        Metric(
            "import_100k_s",
            round((sqlite["dry_run_s"] + sqlite["import_s"]) * scale, 1),
            "s",
            "<= 60",
            f"dry run {sqlite['dry_run_s']:.1f} s + import {sqlite['import_s']:.1f} s of {scope} "
            f"on SQLite ({sqlite['added']:.0f} accounts written)",
        ),
        Metric(
            "import_100k_mb",
            round(sqlite["peak_mb"], 0),
            "MB",
            "<= 500",
            f"peak resident memory of the import process, {scope}"
            + (" (not scaled)" if quick else ""),
        ),
    ]
    metrics.append(_pg(files, size, scale, scope))
    return metrics


def _pg(files: Path, size: int, scale: float, scope: str) -> Metric:
    import psycopg
    from psycopg import sql

    name = f"gasdesk_bench_import_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        note = f"skipped: no PostgreSQL answers at {PG_SERVER} ({type(error).__name__})"
        return Metric("import_100k_pg_s", None, "s", "reported", note)
    url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    try:
        db = open_database(url)
        migrate.upgrade(db)
        key = secrets.token_bytes(32)
        ctx = Context(db=db, tz=ZoneInfo("Asia/Shanghai"), audit_key=key)
        _, _, users = seed_hall(ctx)
        db.dispose()
        pg = _child(files, url, users["admin"], key)
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
    return Metric(
        "import_100k_pg_s",
        round((pg["dry_run_s"] + pg["import_s"]) * scale, 1),
        "s",
        "reported",
        f"dry run {pg['dry_run_s']:.1f} s + import {pg['import_s']:.1f} s of {scope} on "
        f"{PG_SERVER.rsplit('@', 1)[-1]}",
    )


def main(argv: list[str]) -> None:
    """The child: dry run and import the files into the database; print one JSON line."""
    import resource

    from app.services.imports import dry_run, run_import
    from app.services.security import AdminActor

    files, url, admin_id, key = argv
    ctx = Context(db=open_database(url), tz=ZoneInfo("Asia/Shanghai"), audit_key=bytes.fromhex(key))
    admin = AdminActor(int(admin_id))
    started = time.perf_counter()
    plan = dry_run(ctx, admin, [Path(files)])
    checked = time.perf_counter()
    if plan.errors:
        raise SystemExit(f"the bench's files have {len(plan.errors)} errors: {plan.errors[:3]}")
    outcome = run_import(ctx, admin, plan)
    done = time.perf_counter()
    ctx.db.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "dry_run_s": checked - started,
                "import_s": done - checked,
                "added": outcome.added,
                "peak_mb": peak,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
