"""Money and volume units.

Money is always an integer number of fen (分, 0.01 yuan). Volume is always an integer number of
hundredths of a cubic metre (0.01 m³, ``VOLUME_SCALE`` per m³). Decimal appears only while parsing
what a person typed and inside tariff arithmetic.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.errors import InvalidInput

FEN_PER_YUAN = 100
VOLUME_SCALE = 100  # volume units per m³: volumes are stored in 0.01 m³


def _scaled(text: str | int | Decimal, scale: int, what: str) -> int:
    """``text`` times ``scale`` as an exact integer; ``what`` names the quantity (Chinese)."""
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput(f"{what}格式不正确", f"not a {what}: {text!r}") from None
    if not value.is_finite():
        raise InvalidInput(f"{what}格式不正确", f"not a finite {what}: {text!r}")
    units = value * scale
    if units != units.to_integral_value():
        raise InvalidInput(f"{what}最多两位小数", f"more than 2 decimals: {text!r}")
    return int(units)


def yuan(amount: str | int | Decimal) -> int:
    """Parse an amount in yuan ("522", "522.00") into fen; more than 2 decimals is an error."""
    return _scaled(amount, FEN_PER_YUAN, "金额")


def m3(volume: str | int | Decimal) -> int:
    """Parse a volume in m³ into 0.01 m³ units; more than 2 decimals is an error."""
    return _scaled(volume, VOLUME_SCALE, "气量")


def format_money(fen: int) -> str:
    """The one way money is shown to people: ``-1234`` → ``"-12.34"``."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def format_volume(units: int) -> str:
    """Volume for people: whole m³ without decimals, otherwise two decimals."""
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(units), VOLUME_SCALE)
    return f"{sign}{whole}" if part == 0 else f"{sign}{whole}.{part:02d}"


def segment_amount(volume: int, price_fen_per_m3: int) -> int:
    """Price of ``volume`` (0.01 m³) at ``price_fen_per_m3``, rounded half up (四舍五入)."""
    exact = Decimal(volume) * Decimal(price_fen_per_m3) / VOLUME_SCALE
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
