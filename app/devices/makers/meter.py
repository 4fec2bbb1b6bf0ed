"""A prepaid gas meter that loads makers' cards written through the common interface.

The counterpart of ``app.devices.meter`` (the format-v1 meter) for the maker double's cards: it
reads the card in a ``DoubleSlot`` as the maker's meter would and applies the interface's rules,
so training mode and the tests see what a customer would at home. A purchase is credited once:
the card's count must follow the meter's while the card holds gas, and the meter empties the
card's gas (ql 0) when it takes it, writing its cumulative use and remaining gas back.

Units: ``remaining``, ``cumulative`` and ``credited`` in 0.01 m³ (the card's ljyql and syql);
the card's ql and the recharge ceiling ``czsx`` in whole m³.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.devices.makers.double import DoubleSlot
from app.devices.meter import GasRegister

DEFAULT_CZSX = 9999  # m³: a residential meter's register takes no more


class MeterOutcome(StrEnum):
    """What the meter did with one card."""

    LOADED = "loaded"
    NOTHING_NEW = "nothing_new"  # no gas on the card: meter data written back only
    REFUSED_NO_CARD = "refused_no_card"
    REFUSED_FOREIGN = "refused_foreign"  # another maker's card, or a blank
    REFUSED_NOT_USER_CARD = "refused_not_user_card"  # a new (unissued) card or a tool card
    REFUSED_OTHER_METER = "refused_other_meter"
    REFUSED_COUNT = "refused_count"
    REFUSED_CEILING = "refused_ceiling"  # remaining gas above the recharge ceiling
    TOOL_DONE = "tool_done"  # a tool card: the meter did what it says and wrote its data back
    REFUSED_TOOL_USED = "refused_tool_used"  # a tool card some meter took already
    CARD_ERROR = "card_error"  # the card's fields do not read as numbers


@dataclass(frozen=True)
class MeterLoad:
    """One insertion: its outcome, the gas credited (0.01 m³) and a message for the clerk."""

    outcome: MeterOutcome
    credited: int
    message: str
    written_back: bool = False  # the card now carries the meter's ljyql and syql
    bound: bool = False  # this insertion bound the meter to the card (an opening card)


def _field(card: dict[str, object], name: str) -> int | None:
    """A number the card carries (None: absent, or -1, the interface's "none")."""
    value = card.get(name)
    return value if isinstance(value, int) and value >= 0 else None


def _m3(hundredths: int) -> str:
    return f"{hundredths / 100:.2f}"


class InterfaceMeterSimulator(GasRegister):
    """One household meter of a maker: its number, the card it is bound to and its gas."""

    def __init__(
        self,
        meter_no: str,
        maker_code: str,
        *,
        czsx: int = DEFAULT_CZSX,
        count: int = 0,
        remaining: int = 0,
        cumulative: int = 0,
        card_no: str | None = None,
    ) -> None:
        self.meter_no = meter_no
        self.maker_code = maker_code
        self.czsx = czsx
        self.count = count  # the purchase count of the last gas taken
        self.remaining = remaining
        self.cumulative = cumulative
        self.card_no = card_no  # kh of the card bound at the opening card's first insertion
        self.customer_no = ""  # yhh of that card: a replacement card of it is taken over
        self.replacements = 0  # bkcs of the newest card taken: older cards are refused
        self.loads: list[tuple[int, int]] = []  # (purchase count, 0.01 m³) credited
        self.credited_total = 0
        self.valve_open = True
        self.bjql = 0  # the alarm level a set-up card wrote (m³)

    use = GasRegister.use_gas  # the name the double's tests and training use

    def insert(self, slot: DoubleSlot) -> MeterLoad:
        """Take the card in ``slot``: credit its gas at most once and write the meter back."""
        card = slot.card()
        if not card:
            return MeterLoad(MeterOutcome.REFUSED_NO_CARD, 0, "未插卡")
        if card.get("maker") != self.maker_code or card.get("state") not in (
            "new",
            "opening",
            "user",
            "tool",
        ):
            return MeterLoad(MeterOutcome.REFUSED_FOREIGN, 0, "不是本厂家的卡，表不接受")
        state = card["state"]
        if state == "new":
            return MeterLoad(MeterOutcome.REFUSED_NOT_USER_CARD, 0, "新卡尚未开户，表不接受")
        if state == "tool":
            return self._take_tool(slot, card)
        ql, cs = card.get("ql"), card.get("cs")
        if not isinstance(ql, int) or not isinstance(cs, int):
            return MeterLoad(MeterOutcome.CARD_ERROR, 0, "卡内数据无法识别，表不接受")
        kh = str(card.get("kh", ""))
        tm = str(card.get("tm", ""))
        if tm and tm != self.meter_no:
            return MeterLoad(
                MeterOutcome.REFUSED_OTHER_METER, 0, f"此卡属于表 {tm}，不是本表 {self.meter_no}"
            )
        binds = False
        yhh = str(card.get("yhh", ""))
        bkcs = card.get("bkcs") if isinstance(card.get("bkcs"), int) else 0
        if state == "opening":
            if self.card_no is not None and self.card_no != kh:
                return MeterLoad(
                    MeterOutcome.REFUSED_OTHER_METER, 0, "本表已开户，不接受其他开户卡"
                )
            binds = self.card_no is None
        elif self.card_no is None:
            return MeterLoad(MeterOutcome.REFUSED_OTHER_METER, 0, "本表尚未开户：请先插开户卡")
        elif self.card_no != kh:
            # a replacement card (补卡) of the same customer number carries more replacements:
            # the meter moves to it, and from then on refuses the card it replaced
            if not (self.customer_no and yhh == self.customer_no and bkcs > self.replacements):
                return MeterLoad(MeterOutcome.REFUSED_OTHER_METER, 0, "此卡不是本表的用户卡")
            self.card_no = kh
        if bkcs < self.replacements:
            return MeterLoad(MeterOutcome.REFUSED_OTHER_METER, 0, "此卡已被补卡替换，表不接受")

        credit = 0
        already_taken = ql > 0 and cs == self.count and self.count > 0
        if already_taken:
            # a replacement card carrying a purchase this meter took from the lost card: the
            # count says so, so the gas is not credited again and the card is cleared
            ql = 0
        if ql > 0:
            if cs != self.count + 1:
                return MeterLoad(
                    MeterOutcome.REFUSED_COUNT,
                    0,
                    f"购气次数不符：卡上为第 {cs} 次，表内已充到第 {self.count} 次",
                )
            if self.remaining > self.czsx * 100:
                return MeterLoad(
                    MeterOutcome.REFUSED_CEILING,
                    0,
                    f"表内剩余 {_m3(self.remaining)} 立方米，超过充值上限 {self.czsx} 立方米，"
                    "卡内气量暂不充入",
                )
            credit = ql * 100

        # credit before writing back: a card whose write-back failed still carries cs = the
        # meter's count, so a second insertion is refused, never credited twice
        if binds:
            self.card_no = kh
        if binds or not self.customer_no:
            self.customer_no = yhh
        self.replacements = max(self.replacements, bkcs)
        if credit:
            self.remaining += credit
            self.count = cs
            self.loads.append((cs, credit))
            self.credited_total += credit
        updated = dict(card)
        updated.update(state="user", ljyql=self.cumulative, syql=self.remaining)
        if credit or already_taken:
            updated["ql"] = 0
        try:
            slot.write_card(updated)
            written = True
        except OSError:
            written = False
        note = "" if written else "；表内数据回写到卡上失败"
        opened = "开户成功，" if binds else ""
        if credit:
            message = (
                f"{opened}充入 {ql} 立方米（第 {cs} 次购气），表内剩余 {_m3(self.remaining)} 立方米"
            )
            return MeterLoad(MeterOutcome.LOADED, credit, message + note, written, binds)
        message = f"{opened}卡内没有新购气量，表内剩余 {_m3(self.remaining)} 立方米"
        return MeterLoad(MeterOutcome.NOTHING_NEW, 0, message + note, written, binds)

    def _take_tool(self, slot: DoubleSlot, card: dict[str, object]) -> MeterLoad:
        """A tool card of the maker (the double's ``tool`` line): the meter acts on it once and
        writes its count, cumulative use and remaining gas onto it (tm: this meter)."""
        tool = str(card.get("tool", ""))
        tm = str(card.get("tm", ""))
        if tm and tm != self.meter_no:
            return MeterLoad(
                MeterOutcome.REFUSED_OTHER_METER,
                0,
                f"此工具卡属于表 {tm}，不是本表 {self.meter_no}",
            )
        if _field(card, "syql") is not None:
            return MeterLoad(MeterOutcome.REFUSED_TOOL_USED, 0, "此工具卡已被使用过，表不接受")
        moved_out = self.remaining
        if tool == "clear":
            self.remaining, self.count = 0, 0
        elif tool == "setup":
            self.czsx = _field(card, "czsx") or self.czsx
            self.bjql = _field(card, "bjql") or self.bjql
        elif tool in ("valve_open", "valve_close"):
            self.valve_open = tool == "valve_open"
        elif tool not in ("check", "transfer"):
            return MeterLoad(MeterOutcome.REFUSED_NOT_USER_CARD, 0, "本表不认识此工具卡")
        updated = dict(card)
        # a transfer card carries the gas out: the card holds it before the meter lets it go
        updated.update(tm=self.meter_no, cs=self.count, ljyql=self.cumulative, syql=self.remaining)
        try:
            slot.write_card(updated)
        except OSError:
            return MeterLoad(MeterOutcome.CARD_ERROR, 0, "写工具卡失败，表内数据未改变")
        if tool == "transfer":
            self.remaining = 0
        message = f"工具卡已执行，表内剩余 {_m3(self.remaining)} 立方米"
        if tool == "transfer":
            message = f"转移卡已带出 {_m3(moved_out)} 立方米，表内剩余气量清零"
        return MeterLoad(MeterOutcome.TOOL_DONE, 0, message, True)
