"""Who acts at a counter: its own module so every service (security too) can annotate with it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The logged-in user working at a counter."""

    user_id: int
    counter_id: int
