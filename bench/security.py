"""Security metric: what a login costs with the argon2id parameters in force.

Informational (no goal in the issues): the median time of ``security.login`` (argon2id verify
plus the audit entry) against the bare argon2 verify, so the note can say what the parameters
cost a clerk at the counter.
"""

from __future__ import annotations

from pathlib import Path

from app.services.credentials import HASHER, hash_password, password_matches
from app.services.security import login
from app.services.setup import add_user
from bench.common import Metric, fresh_context, median, timed


def login_cost(directory: Path, quick: bool) -> list[Metric]:
    ctx = fresh_context(directory, "login.sqlite3")
    password = "counter-2026"
    add_user(ctx, "lina", "李娜", "clerk", password=password)
    stored = hash_password(password)
    rounds = 10 if quick else 40
    verify = [timed(lambda: password_matches(stored, password)) for _ in range(rounds)]
    logins = [timed(lambda: login(ctx, "lina", password)) for _ in range(rounds)]
    ctx.db.dispose()
    params = f"argon2id m={HASHER.memory_cost} KiB, t={HASHER.time_cost}, p={HASHER.parallelism}"
    return [
        Metric(
            "login_ms",
            round(median(logins) * 1e3, 1),
            "ms",
            "< 1000",
            f"{params}; argon2 verify alone {median(verify) * 1e3:.1f} ms (medians of {rounds})",
        )
    ]
