"""What the admin commands ask at the terminal."""

from __future__ import annotations

import getpass
import sys


def read_password(username: str) -> str:
    """The administrator's password from the terminal (or the first line of stdin)."""
    if sys.stdin.isatty():
        return getpass.getpass(f"{username} 的密码: ")
    return sys.stdin.readline().rstrip("\n")
