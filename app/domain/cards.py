"""What the counter learns from reading a customer's gas card, whoever made it.

One typed card image for every card driver (GasDesk format v1, the makers' cards through the
2012 common interface), the reading the services decide on, the purchase-count rules, and how a
card read settles an interrupted write. Pure: no reader, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

GASDESK_MAKER = "gasdesk"  # the maker code of GasDesk's own card format v1


class CountRule(Enum):
    """How a card's purchase count moves with a write of gas."""

    ALWAYS_RISES = "always_rises"  # format v1, 金卡: every write of gas counts one more
    # the 2012 interface: the first purchase sets 1; after that the count rises by one only
    # when the card's gas is 0 (the previous purchase was loaded into the meter)
    RISES_WHEN_EMPTY = "rises_when_empty"


def next_count(rule: CountRule, count: int, gas_on_card: int) -> int:
    """The count a write of more gas carries, from the card's count and gas now."""
    if rule is CountRule.RISES_WHEN_EMPTY and count > 0 and gas_on_card > 0:
        return count
    return count + 1


@dataclass(frozen=True)
class CardImage:
    """One card as its driver read it (volumes in 0.01 m³).

    ``maker`` is the maker code the hall configured for the driver that owns the card;
    ``serial`` the card number (kh) exactly as the card carries it; ``account_no`` the GasDesk
    account number the card was issued for (format v1: in its layout; interface cards: the
    customer number yhh GasDesk writes). ``pending_volume`` is the gas on the card not yet in
    the meter; ``meter_loaded_count`` the count of the last purchase the meter took. The meter's
    write-back (``remaining_volume``, ``cumulative_volume``, ``meter_status``) is None where the
    card has none.
    """

    serial: str
    account_no: str
    meter_no: str
    purchase_count: int
    pending_volume: int
    meter_loaded_count: int
    remaining_volume: int | None = None
    cumulative_volume: int | None = None
    meter_status: int | None = None
    maker: str = GASDESK_MAKER
    area_code: str = ""
    customer_no: str = ""
    cumulative_purchased: int | None = None  # ljgql, where the card keeps it
    replacements: int | None = None  # bkcs, where the card keeps it
    count_rule: CountRule = CountRule.ALWAYS_RISES
    volume_step: int = 1  # the smallest gas the card can carry (interface cards: whole m³)

    def reading(self) -> CardReading:
        """What the services decide a sale on."""
        return CardReading(
            self.serial,
            self.purchase_count,
            self.pending_volume,
            self.meter_loaded_count,
            volume_step=self.volume_step,
            maker=self.maker,
        )


@dataclass(frozen=True)
class CardIssue:
    """What a blank or new card is to carry when it becomes an account's card (开卡/补卡)."""

    serial: str
    account_no: str
    meter_no: str
    purchase_count: int
    pending_volume: int = 0  # a replacement carries the unloaded last purchase
    cumulative_purchased: int = 0
    replacements: int = 0


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
    volume_step: int = 1  # 0.01 m³; a sale onto this card is a multiple of it
    maker: str = GASDESK_MAKER  # whose driver read it

    @property
    def has_unloaded_purchase(self) -> bool:
        """The last purchase is still on the card, not yet in the meter (卡内还有气量)."""
        return self.pending_volume > 0 and self.meter_loaded_count < self.purchase_count


def write_landed(
    reading: CardReading,
    *,
    previous_count: int,
    target_count: int,
    previous_volume: int | None,
    target_volume: int | None,
) -> bool | None:
    """Whether a pending write landed, from the card as read now: True (count and gas as
    targeted, or the gas since taken by the meter), False (as before the write, or its gas
    since taken by the meter: a refund that did not land), None (neither:
    the card and the records disagree). Writes recorded before the gas was kept (volumes None)
    are decided by the count alone."""
    count, gas = reading.purchase_count, reading.pending_volume
    loaded_since = gas == 0 and reading.meter_loaded_count >= count
    as_targeted = count == target_count and (
        target_volume is None or gas == target_volume or loaded_since
    )
    as_before = count == previous_count and (
        previous_volume is None or gas == previous_volume or loaded_since
    )
    if as_targeted:
        return True  # (both: a write that changes nothing on the card has nothing to void)
    return False if as_before else None
