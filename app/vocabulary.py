"""The hall's vocabulary: every kind, role and state a row, a screen or a receipt names.

Each is a ``StrEnum`` whose value is what the database stores (so a member compares equal to the
stored string and binds as one), with its Chinese label (``.label``) and its place in reports
(definition order; ``.order``). Pure: no database, no Qt, no other app module, so the domain,
the services, the counter and the screens all import it.
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A value the hall names, with its Chinese label; members are in report order."""

    label: str

    def __new__(cls, value: str, label: str) -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @property
    def order(self) -> int:
        """Its place in reports and lists (0 first)."""
        return list(type(self)).index(self)

    @classmethod
    def labels(cls) -> dict[str, str]:
        """value → label, in order (for combo boxes and report columns)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def label_of(cls, value: str | None, default: str | None = None) -> str:
        """The label of a stored value; ``default`` (or the value itself) when it is unknown."""
        try:
            return cls(value).label
        except ValueError:
            return default if default is not None else str(value)


class TransactionKind(_Labelled):
    """``counter_transactions.kind``: what a row at the counter was."""

    PURCHASE = "purchase", "购气"
    REFUND = "refund", "退气"
    SUPPLEMENT = "supplement", "补气"
    CARD_REPLACEMENT = "card_replacement", "补卡"
    OPENING = "opening", "开户"
    TRANSFER = "transfer", "过户"
    CLOSING = "closing", "销户"
    VOID = "void", "作废"


class Role(_Labelled):
    """``users.role``: who a user is in the hall."""

    CLERK = "clerk", "营业员"
    TEAM_LEADER = "team_leader", "班长"
    DEPARTMENT_MANAGER = "department_manager", "部门经理"
    FINANCE = "finance", "财务"
    VICE_PRESIDENT = "vice_president", "分管副总"
    ADMINISTRATOR = "administrator", "系统管理员"


class CashMovementKind(_Labelled):
    """``cash_movements.kind``: cash that moved without a sale."""

    FLOAT = "float", "备用金"
    CASH_IN = "cash_in", "现金存入"
    CASH_OUT = "cash_out", "现金支出"
    HANDOVER = "handover", "交款"
    SAFE_DEPOSIT = "safe_deposit", "存入保险柜"
    OVER_SHORT = "over_short", "长短款"


class FloatSource(_Labelled):
    """Where a shift's float (备用金) came from."""

    SAFE = "safe", "保险柜"
    FINANCE = "finance", "财务拨付"


class PaymentMethod(_Labelled):
    """``counter_transactions.payment_method``."""

    CASH = "cash", "现金"
    BANK_CARD = "bank_card", "银行卡"
    WECHAT = "wechat", "微信"
    ALIPAY = "alipay", "支付宝"


class CustomerKind(_Labelled):
    """``accounts.customer_kind``: which tariff family an account buys under."""

    RESIDENTIAL = "residential", "民用户"
    COMMERCIAL = "commercial", "工商业户"


class CardWriteOutcome(_Labelled):
    """``card_write_outcomes.outcome``: how a card write that was committed PENDING ended."""

    COMPLETED = "completed", "已写卡"
    VOIDED = "voided", "已作废"


class DrawerLevel(_Labelled):
    """How full the cash drawer is against the hall's limits."""

    OK = "ok", "正常"
    WARN = "warn", "请存入保险柜"
    STOP = "stop", "超限停止收款"


class ReaderState(_Labelled):
    """The counter's card reader as the status bar shows it."""

    NOT_CONFIGURED = "not_configured", "未配置"
    READY = "ready", "就绪"
    CARD_PRESENT = "card_present", "有卡"
    CONNECTED = "connected", "正常"  # a reader that cannot tell whether a card is in
    FAULT = "fault", "故障"


class PrinterState(_Labelled):
    """The counter's receipt printer as the status bar shows it."""

    NOT_CONFIGURED = "not_configured", "未配置"
    READY = "ready", "正常"
    UNREACHABLE = "unreachable", "未连接"
    PAPER_OUT = "paper_out", "缺纸"
    COVER_OPEN = "cover_open", "上盖打开"
    OFFLINE = "offline", "离线"

    @property
    def can_print(self) -> bool:
        return self is PrinterState.READY


class TrainingFault(_Labelled):
    """A fault 培训模式 lets a trainee switch on, to rehearse what real counters see."""

    CARD_PULLED = "card_pulled", "写卡时拔卡（下一次写卡）"
    WRITE_IGNORED = "write_ignored", "卡片不接受写入"
    PAPER_OUT = "paper_out", "打印机缺纸"
    PRINTER_OFFLINE = "printer_offline", "打印机离线"
    READER_UNPLUGGED = "reader_unplugged", "读卡器断开"


class PrinterFaultReason(_Labelled):
    """Why a receipt did not print (the receipt stays queued)."""

    UNREACHABLE = "unreachable", "未连接打印机，请检查打印机电源和连接"
    PAPER_OUT = "paper_out", "打印机缺纸，请装纸"
    COVER_OPEN = "cover_open", "打印机上盖打开，请合上"
    OFFLINE = "offline", "打印机离线，请检查打印机"
    INTERRUPTED = "interrupted", "打印中断，本张可能未打完整"


# A price tier as the counter names it, on the screen (``第{n}档`` in the account panel and the
# purchase quote, translated there) and on the receipt: one word for one thing.
TIER_NAME = "第{n}档"


def tier_name(n: int) -> str:
    """``第1档``: the receipt's and the screen's name of price tier ``n``."""
    return TIER_NAME.format(n=n)
