"""Return codes of the common card interface: clerk messages and typed errors.

The interface (2012) defines -1 … -18; -19 … -30 are reserved for the host (the charging
system); anything else is the maker's own, explained by the maker's table when it has one.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.devices.cardreader import CardReaderError, NoCard

NO_CARD = -4

STANDARD: dict[int, str] = {
    -1: "非本系统注册用户的卡",
    -2: "读卡器串口初始化失败，请检查读卡器连接和串口设置",
    -3: "读取读卡器状态失败，请检查读卡器",
    -4: "读卡器中没有卡，请插卡",
    -5: "读取卡密码错误计数失败，请重新插卡",
    -6: "卡已损坏",
    -7: "读卡出错，请重新插卡",
    -8: "不是用户卡",
    -9: "卡密码校验失败",
    -10: "写卡失败，请重新插卡后重试",
    -11: "卡内备份气量错误",
    -12: "关闭读卡器串口失败",
    -13: "这是新卡，或卡插反了，请检查插卡方向",
    -14: "不是本系统的卡",
    -15: "不是新卡，不能开户写卡",
    -16: "卡号或地区代码与卡内不符",
    -17: "格式化卡失败",
    -18: "购气量超出上限",
}
HOST_RESERVED = range(-30, -18)  # -30 … -19
for _code in HOST_RESERVED:
    STANDARD[_code] = f"读卡服务内部错误（代码 {_code}）"
del _code


def message_for(rc: int, maker_messages: Mapping[int, str] | None = None) -> str:
    """The clerk's message for ``rc``: the standard table, else the maker's, else a generic one."""
    if rc == 0:
        return "操作成功"
    if rc in STANDARD:
        return STANDARD[rc]
    if maker_messages and rc in maker_messages:
        return maker_messages[rc]
    return f"读卡器返回错误代码 {rc}（厂家未说明）"


class InterfaceCardError(CardReaderError):
    """A maker's function answered ``rc`` (not success); ``function`` names it."""

    code = "interface_card"

    def __init__(self, function: str, rc: int, user_message: str):
        super().__init__(user_message, f"{function} returned {rc}", function=function, rc=rc)
        self.function = function
        self.rc = rc

    @classmethod
    def from_rc(
        cls, function: str, rc: int, maker_messages: Mapping[int, str] | None = None
    ) -> InterfaceCardError:
        """The typed error for ``rc`` (-4 gives ``InterfaceNoCard``, a ``NoCard``)."""
        if rc == 0:
            raise ValueError(f"{function}: 0 is success, not an error")
        message = message_for(rc, maker_messages)
        if f"代码 {rc}" not in message:
            message = f"{message}（错误代码 {rc}）"
        kind = InterfaceNoCard if rc == NO_CARD else InterfaceCardError
        return kind(function, rc, message)


class InterfaceNoCard(InterfaceCardError, NoCard):
    """-4: no card in the reader, handled like every other driver's ``NoCard``."""

    code = NoCard.code
