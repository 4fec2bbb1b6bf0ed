"""What the counter learns from reading a customer's gas card (before any write)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardReading:
    """The state of a card as read at the counter.

    ``purchase_count`` is the count of the last purchase written to the card;
    ``meter_loaded_count`` the count of the last purchase the meter took (written back by the
    meter); ``pending_volume`` the gas of the last purchase (0.01 m³).
    """

    serial: str
    purchase_count: int
    pending_volume: int
    meter_loaded_count: int

    @property
    def has_unloaded_purchase(self) -> bool:
        """The last purchase is still on the card, not yet in the meter (卡内还有气量)."""
        return self.pending_volume > 0 and self.meter_loaded_count < self.purchase_count
