"""The card driver of one maker through the 2012 common interface.

Every call goes to the maker's library in its host process (``client.MakerHost``): detection by
``CheckGasCard`` (never a password), a read by ``ReadGasCard``, a sale, a refund (``ql = 0``) or
a supplement by ``WriteGasCard``, an issue by ``WriteNewCard``, a format by ``FormatGasCard``.
A card's key is the one it returned after its last write where its maker changes keys (kept per
card through ``CardKeys``), else the maker's key seed. Volumes: the interface counts whole m³
(``ql``), GasDesk 0.01 m³; a write of anything but whole m³ is refused before it is sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping

from app.devices.cardreader import CardRead, NotSupportedByCard
from app.devices.makers.client import MakerHost
from app.devices.makers.codes import InterfaceCardError
from app.devices.makers.config import MakerConfig
from app.devices.ports import CardKeys
from app.domain.cards import CardImage, CardIssue, CountRule
from app.domain.toolcards import MeterState, ToolCardImage, ToolCardOrder
from app.vocabulary import CardClaim, ToolCardKind

log = logging.getLogger(__name__)

M3 = 100  # 0.01 m³ in one m³
CHECK, READ, WRITE_NEW, WRITE_GAS, FORMAT = (
    "CheckGasCard",
    "ReadGasCard",
    "WriteNewCard",
    "WriteGasCard",
    "FormatGasCard",
)
NOT_A_USER_CARD = -8  # what ReadGasCard answers for a tool card
NO_CARD = -4
OPENING_CARD, USER_CARD = 0, 1  # kzt
# The 2012 interface has no function that makes a tool card and no field that names its kind:
# ReadGasCard answers -8 ("not a user card") for one. Where a maker's library fills the outputs
# anyway (the maker double does: interface.h), kzt carries the kind by this table, tm the meter
# and syql/ljyql/cs what the meter wrote; a kind not in it is OTHER.
TOOL_KZT: dict[int, ToolCardKind] = {
    2: ToolCardKind.CLEAR,
    3: ToolCardKind.SETUP,
    4: ToolCardKind.CHECK,
    5: ToolCardKind.TRANSFER,
    6: ToolCardKind.VALVE_OPEN,
    7: ToolCardKind.VALVE_CLOSE,
}
NO_TOOL_CARDS_MESSAGE = (
    "厂家卡通用接口（2012版）没有制作工具卡的功能：请用厂家的工具卡软件制作，"
    "再将工具卡插入读卡器登记发放"
)


def _number(value: object) -> int | None:
    """An interface number; -1 (or anything not a number) is "the card has none"."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


class InterfaceCardDriver:
    """The ``CardReader`` port for one maker's cards, through its library's host process."""

    def __init__(
        self,
        config: MakerConfig,
        host: MakerHost,
        *,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        self.config = config
        self.maker = config.code
        self.host = host
        self.today = today
        self.lock = threading.RLock()  # one call at a time per reader
        self.keys: CardKeys | None = None

    # ---------------------------------------------------------------- calls

    @property
    def calls(self) -> int:
        """Library calls made so far (the bench counts them per sale)."""
        return self.host.calls

    def _port(self) -> dict[str, object]:
        return {"com": self.config.port, "baud": self.config.baud}

    def _call(self, function: str, args: Mapping[str, object]) -> Mapping[str, object]:
        answer = self.host.call(function, {**self._port(), **args}, self.config.variant)
        if answer.rc != 0:
            raise InterfaceCardError.from_rc(function, answer.rc, self.config.messages)
        return answer.out

    def _key(self, serial: str) -> str:
        if self.keys is not None and serial:
            stored = self.keys.key_for(self.maker, serial)
            if stored:
                return stored
        return self.config.key_seed

    def _keep_key(self, serial: str, presented: str, out: Mapping[str, object]) -> None:
        """A maker whose cards change key on every write returns the new one in kmm: it is
        stored at once, before anything else, or the card could not be written again."""
        returned = out.get("kmm")
        if isinstance(returned, str) and returned and returned != presented:
            if self.keys is None:
                log.error(
                    "card %s of %s returned a new key and no key store is set", serial, self.maker
                )
                return
            self.keys.remember(self.maker, serial, returned)

    # ---------------------------------------------------------------- the port

    def claims(self) -> CardClaim:
        with self.lock:
            rc = self.host.call(CHECK, self._port(), self.config.variant).rc
        if rc == 0:
            return CardClaim.CARD
        if rc == 1:
            return CardClaim.TOOL
        return CardClaim.NO_CARD if rc == NO_CARD else CardClaim.NOT_MINE

    def card_token(self) -> tuple[bool, object] | None:
        """Presence by ``CheckGasCard`` (no password); which insertion cannot be told, so a
        swap of two cards of one maker is seen at the next operation, which re-reads."""
        return None if self.claims() is CardClaim.NO_CARD else (True, self.maker)

    def forget(self) -> None:
        """The library opens and closes the port on every call: nothing is held."""

    def close(self) -> None:
        """End the library's host process (a later call would start a new one)."""
        self.host.close()

    def use_keys(self, keys: CardKeys) -> None:
        self.keys = keys

    def read(self) -> CardRead:
        with self.lock:
            answer = self.host.call(
                READ, {**self._port(), "kmm": self.config.key_seed}, self.config.variant
            )
        if answer.rc == NOT_A_USER_CARD:
            tool = self._tool_card(answer.out)
            return CardRead(b"", None, None, maker=self.maker, tool=tool.kind, tool_card=tool)
        if answer.rc != 0:
            raise InterfaceCardError.from_rc(READ, answer.rc, self.config.messages)
        out = {k: v for k, v in answer.out.items() if k != "kmm"}
        serial = str(out.get("kh") or "").strip()
        if not serial:  # a formatted new card of the maker: it can be issued
            return CardRead(b"", None, None, maker=self.maker, fields=out)
        return CardRead(b"", None, self._image(serial, out), maker=self.maker, fields=out)

    def _tool_card(self, out: Mapping[str, object]) -> ToolCardImage:
        """A tool card as far as the library told it (``TOOL_KZT``): its kind, number, meter
        and the meter's data once a meter wrote them (syql or ljyql present)."""
        kind = TOOL_KZT.get(_number(out.get("kzt")) or -1, ToolCardKind.OTHER)
        meter_no = str(out.get("tm") or "").strip()
        remaining, cumulative = _number(out.get("syql")), _number(out.get("ljyql"))
        state = None
        if remaining is not None or cumulative is not None:
            extra = {
                name: out[name]
                for name in ("kh", "dqdm", "bjql", "czsx")
                if name in out and out[name] not in ("", -1)
            }
            state = MeterState(
                meter_no=meter_no,
                remaining_volume=remaining,
                cumulative_volume=cumulative,
                loaded_count=_number(out.get("cs")),
                extra=extra,
            )
        serial = str(out.get("kh") or "").strip()
        return ToolCardImage(serial, kind, meter_no, self.maker, {}, state)

    def _image(self, serial: str, out: Mapping[str, object]) -> CardImage:
        count = _number(out.get("cs")) or 0
        gas = (_number(out.get("ql")) or 0) * M3
        purchased = _number(out.get("ljgql"))
        return CardImage(
            serial=serial,
            account_no=str(out.get("yhh") or "").strip(),
            meter_no=str(out.get("tm") or "").strip(),
            purchase_count=count,
            pending_volume=gas,
            # the meter takes the card's gas whole and leaves 0: no gas means it was loaded
            meter_loaded_count=count if gas == 0 else count - 1,
            remaining_volume=_number(out.get("syql")),
            cumulative_volume=_number(out.get("ljyql")),
            maker=self.maker,
            area_code=str(out.get("dqdm") or ""),
            customer_no=str(out.get("yhh") or ""),
            cumulative_purchased=None if purchased is None else purchased * M3,
            replacements=_number(out.get("bkcs")),
            count_rule=CountRule.RISES_WHEN_EMPTY,
            volume_step=M3,
        )

    def require_unlockable(self, read: CardRead) -> None:
        """The maker's library presents (and guards) the card's password itself."""

    @staticmethod
    def _m3(volume: int, what: str) -> int:
        if volume % M3:
            raise NotSupportedByCard(
                f"{what}必须是整立方米（厂家卡只能写入整立方米）", f"{volume} not whole m³"
            )
        return volume // M3

    def _klx(self, read: CardRead) -> int:
        """The card's own type as it was read, else the maker's configured one."""
        klx = _number(read.fields.get("klx"))
        return self.config.klx if klx is None else klx

    def _date(self) -> str:
        return self.today().strftime("%Y%m%d")

    def write_gas(self, read: CardRead, *, purchase_count: int, pending_volume: int) -> None:
        """WriteGasCard with the gas the card is to hold (0: the refund) and the count exactly
        as the counter computed it by the interface's rule."""
        image = read.image
        assert image is not None
        ql = self._m3(pending_volume, "写卡气量")
        f = read.fields
        purchased = (image.cumulative_purchased or 0) // M3
        # the cumulative purchase follows the gas: a refund takes back what it adds
        ljgql = max(0, purchased + ql - image.pending_volume // M3)
        kmm = self._key(image.serial)
        args: dict[str, object] = {
            "kmm": kmm,
            "klx": self._klx(read),
            "kh": image.serial,
            "dqdm": image.area_code or self.config.dqdm,
            "yhh": image.customer_no,
            "ql": ql,
            "cs": purchase_count,
            "ljgql": ljgql,
            "bjql": self.config.bjql,
            "czsx": self.config.czsx,
            "tzed": self.config.tzed,
            "sqrq": self._date(),
            "oldprice": _number(f.get("oldprice")) or 0,
            "newprice": _number(f.get("newprice")) or 0,
            "sxrq": str(f.get("sxrq") or ""),
            "sxbj": str(f.get("sxbj") or ""),
        }
        with self.lock:
            out = self._call(WRITE_GAS, args)
            self._keep_key(image.serial, kmm, out)

    def issue_card(self, read: CardRead, issue: CardIssue) -> CardImage:
        """WriteNewCard on the maker's new card: an account-opening card for a new account
        (it binds to the meter at its first insertion), a user card for a replacement."""
        if not read.blank:
            raise NotSupportedByCard("此卡不是厂家新卡，不能发卡", "not a new card")
        ql = self._m3(issue.pending_volume, "卡内气量")
        first = issue.purchase_count == 0 and issue.replacements == 0
        kmm = self.config.key_seed
        args: dict[str, object] = {
            "kmm": kmm,
            "klx": self.config.klx,
            "kzt": OPENING_CARD if first else USER_CARD,
            "kh": issue.serial,
            "dqdm": self.config.dqdm,
            "yhh": issue.account_no,
            "tm": issue.meter_no,
            "ql": ql,
            "cs": issue.purchase_count,
            "ljgql": issue.cumulative_purchased // M3,
            "bkcs": issue.replacements,
            "ljyql": 0,
            "bjql": self.config.bjql,
            "czsx": self.config.czsx,
            "tzed": self.config.tzed,
            "sqrq": self._date(),
            "oldprice": 0,
            "newprice": 0,
            "sxrq": "",
            "sxbj": "",
        }
        with self.lock:
            out = self._call(WRITE_NEW, args)
            self._keep_key(issue.serial, kmm, out)
        return self._image(
            issue.serial,
            {
                "yhh": issue.account_no,
                "tm": issue.meter_no,
                "cs": issue.purchase_count,
                "ql": ql,
                "ljgql": issue.cumulative_purchased // M3,
                "bkcs": issue.replacements,
                "dqdm": self.config.dqdm,
            },
        )

    def tool_kinds(self) -> frozenset[ToolCardKind]:
        """None: the 2012 interface has no function that makes a tool card."""
        return frozenset()

    def make_tool_card(self, read: CardRead, order: ToolCardOrder) -> ToolCardImage:
        raise NotSupportedByCard(NO_TOOL_CARDS_MESSAGE, f"{self.maker}: no tool card function")

    def unfinished_issue(self, read: CardRead) -> tuple[str, str]:
        raise NotSupportedByCard("厂家卡没有未完成发卡的状态", "interface cards")

    def finish_issue_card(self, read: CardRead, issue: CardIssue) -> str:
        raise NotSupportedByCard("厂家卡没有未完成发卡的状态", "interface cards")

    def format_card(self, read: CardRead) -> None:
        """FormatGasCard: the card becomes a new (blank) card of the maker."""
        image = read.image
        if image is None:
            raise NotSupportedByCard("此卡已是新卡，无需格式化", "already new")
        kmm = self._key(image.serial)
        args = {
            "kmm": kmm,
            "klx": self._klx(read),
            "kh": image.serial,
            "dqdm": image.area_code or self.config.dqdm,
        }
        with self.lock:
            out = self._call(FORMAT, args)
            self._keep_key(image.serial, kmm, out)
