"""Identity document checks.

Resident identity card numbers follow GB 11643-1999: 17 digits (6 region, 8 birth date, 3
sequence) and an ISO 7064 MOD 11-2 check character (0-9 or X).

Numbers are NFKC-normalised first (a Chinese IME types full-width digits and letters) and then
matched against ASCII digits only: ``\\d`` and ``str.isdigit`` take other scripts' digits too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_PHONE_RE = re.compile(r"^(1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8})$")


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize_identifier(raw: str) -> str:
    """NFKC (full-width digits and letters become ASCII) with every white space removed."""
    return "".join(unicodedata.normalize("NFKC", raw).split())


def normalize_resident_id(raw: str) -> str:
    """NFKC, no white space, a trailing x upper-cased."""
    return normalize_identifier(raw).upper()


def resident_id_problem(number: str) -> str | None:
    """Why ``number`` is not a valid resident ID (Chinese, for the clerk), or None when valid."""
    if not _ID_RE.fullmatch(number):
        return "身份证号应为18位（最后一位可为X）"
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if birth.year < 1900 or birth > dt.date.today():
        return "身份证号中的出生日期无效"
    if resident_id_check_char(number[:17]) != number[17]:
        return "身份证号校验位错误"
    return None


def make_resident_id(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid resident ID (used by demo data and tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_char(first17)


def normalize_phone(raw: str) -> str:
    """NFKC, no white space (a full-width hyphen becomes ``-``)."""
    return normalize_identifier(raw)


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` is not a mainland mobile or landline number, or None."""
    if not _PHONE_RE.fullmatch(phone):
        return "电话号码格式不正确（手机11位或区号-座机号）"
    return None
