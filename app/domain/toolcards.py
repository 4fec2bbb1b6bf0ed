"""Tool cards (工具卡): what one carries to a meter and what it brings back, whoever made it.

A tool card is made for one meter (清零 clear, 设置 set-up, 检查 check, 转移 transfer, 开阀/关阀
valve open/close); the meter does what it says and writes its own state onto the card, which the
counter reads when the technician brings it back. Pure: no reader, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.vocabulary import ToolCardKind

# a meter's status flags, as format v1 cards carry them (0: normal); makers' cards have their own
STATUS_VALVE_CLOSED = 0x01  # the valve is shut (a valve-close card, or a fault that shut it)
STATUS_TAMPER = 0x02  # the meter saw tampering (a magnet, an opened case): valve-open unlocks

# what a set-up card writes into the meter (0.01 m³): its low-gas alarm level and the recharge
# ceiling above which it refuses a card's gas
SETUP_PARAMETERS: dict[str, str] = {
    "alarm_level": "报警气量",
    "recharge_ceiling": "充值上限",
}


def status_text(status: int | None) -> str:
    """The clerk's words for a meter's status flags ("" when the card has none)."""
    if status is None:
        return ""
    if status == 0:
        return "正常"
    words = []
    if status & STATUS_VALVE_CLOSED:
        words.append("阀门关闭")
    if status & STATUS_TAMPER:
        words.append("异常（被干扰）")
    rest = status & ~(STATUS_VALVE_CLOSED | STATUS_TAMPER)
    if rest:
        words.append(f"其他故障（代码 {rest:#04x}）")
    return "，".join(words)


@dataclass(frozen=True)
class ToolCardOrder:
    """What a blank card is to carry as a tool card: its number, kind, meter and (set-up) the
    parameters it writes into the meter (``SETUP_PARAMETERS``, 0.01 m³)."""

    serial: str
    kind: ToolCardKind
    meter_no: str
    parameters: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MeterState:
    """What a meter wrote onto a tool card (volumes 0.01 m³; None: the card has no such field).

    A check card brings the meter's state; a transfer card the gas that moved out of the meter
    (``remaining_volume``) and its cumulative use; every kind brings the state after it acted.
    """

    meter_no: str
    remaining_volume: int | None
    cumulative_volume: int | None
    meter_status: int | None = None
    loaded_count: int | None = None  # the purchase count of the last gas the meter took
    extra: Mapping[str, object] = field(default_factory=dict)  # a maker's other fields

    def as_json(self) -> dict[str, object]:
        """Every field, for ``tool_card_returns.state``."""
        return {
            "meter_no": self.meter_no,
            "remaining_volume": self.remaining_volume,
            "cumulative_volume": self.cumulative_volume,
            "meter_status": self.meter_status,
            "loaded_count": self.loaded_count,
            **{key: value for key, value in self.extra.items()},
        }


@dataclass(frozen=True)
class ToolCardImage:
    """One tool card as its driver read it: what it carries and, once a meter took it, what it
    brought back (``state``; None: not used yet)."""

    serial: str
    kind: ToolCardKind
    meter_no: str
    maker: str
    parameters: Mapping[str, int] = field(default_factory=dict)
    state: MeterState | None = None

    @property
    def used(self) -> bool:
        """A meter took the card (it carries the meter's state)."""
        return self.state is not None

    def fulfils(self, order: ToolCardOrder) -> bool:
        """The card already is what ``order`` asks (a maker's card whose kind it cannot tell,
        OTHER, or naming no meter, fits any), and it is unused."""
        kind_fits = self.kind in (order.kind, ToolCardKind.OTHER)
        meter_fits = self.meter_no in ("", order.meter_no)
        return not self.used and kind_fits and meter_fits
