"""Masking of personal data on screens and receipts (full values only for roles that need them)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """张秀英 → 张*英, 王强 → 王*, 欧阳秀英 → 欧**英; single characters stay."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(number: str) -> str:
    """First 3 and last 4 characters of an ID number: 110***********4477."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(phone: str | None) -> str:
    """139****5678; landlines keep the area code and the last 4 digits."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
