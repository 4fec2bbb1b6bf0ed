"""The hall's vocabulary: every kind, role and state a row, a screen or a receipt names.

Each is a ``StrEnum`` whose value is what the database stores (so a member compares equal to the
stored string and binds as one), with its Chinese label (``.label``; receipts and reports), its
English label (``.label_en``; the screens in English, see ``ui.i18n.vocabulary_text``) and its
place in reports (definition order; ``.order``). Pure: no database, no Qt, no other app module,
so the domain, the services, the counter and the screens all import it.
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A value the hall names, with its Chinese label and its English one (the screens in
    English); members are in report order."""

    label: str
    label_en: str

    def __new__(cls, value: str, label: str, label_en: str | None = None) -> _Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.label_en = label_en or label  # never missing (tests ask for every one)
        return member

    def text(self, language: str = "zh_CN") -> str:
        """Its label in ``language`` ("en…" English, anything else Chinese)."""
        return self.label_en if language.startswith("en") else self.label

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

    PURCHASE = "purchase", "购气", "Purchase"
    REFUND = "refund", "退气", "Refund"
    SUPPLEMENT = "supplement", "补气", "Supplement"
    CARD_REPLACEMENT = "card_replacement", "补卡", "Card replacement"
    OPENING = "opening", "开户", "Account opening"
    TRANSFER = "transfer", "过户", "Ownership transfer"
    CLOSING = "closing", "销户", "Account closing"
    VOID = "void", "作废", "Void"
    METER_REPLACEMENT = "meter_replacement", "换表", "Meter replacement"
    OVERDRAWN = "overdrawn", "超用气", "Overdrawn gas"  # gas used beyond the bought, sold at 换表
    CARRY_OVER = "carry_over", "换表补气", "Carry-over"  # gas paid for on the old meter, written
    REVERSAL = "reversal", "撤销", "Reversal"  # a non-sale operation undone in its shift


class Role(_Labelled):
    """``users.role``: who a user is in the hall."""

    CLERK = "clerk", "营业员", "Clerk"
    TEAM_LEADER = "team_leader", "班长", "Team leader"
    DEPARTMENT_MANAGER = "department_manager", "部门经理", "Department manager"
    FINANCE = "finance", "财务", "Finance"
    VICE_PRESIDENT = "vice_president", "分管副总", "Vice president"
    ADMINISTRATOR = "administrator", "系统管理员", "System administrator"


class CashMovementKind(_Labelled):
    """``cash_movements.kind``: cash that moved without a sale."""

    FLOAT = "float", "备用金", "Float"
    CASH_IN = "cash_in", "现金存入", "Cash in"
    CASH_OUT = "cash_out", "现金支出", "Cash out"
    HANDOVER = "handover", "交款", "Hand-over"
    SAFE_DEPOSIT = "safe_deposit", "存入保险柜", "Safe deposit"
    OVER_SHORT = "over_short", "长短款", "Over/short"


class IdType(_Labelled):
    """``customers.id_type``: the identity document an account is opened with."""

    RESIDENT_ID = "resident_id", "居民身份证", "Resident ID card"
    BUSINESS_LICENSE = "business_license", "统一社会信用代码", "Unified social credit code"
    PASSPORT = "passport", "护照", "Passport"
    OTHER = "other", "其他证件", "Other document"


class ReplacementReason(_Labelled):
    """Why a card is replaced (recorded on the transaction as its label)."""

    LOST = "lost", "挂失补卡（客户遗失）", "Lost (by the customer)"
    DAMAGED = "damaged", "损坏补卡（客户原因）", "Damaged (by the customer)"
    DEFECT = "defect", "卡片质量问题（非客户原因）", "Card defect (not the customer's fault)"


class FloatSource(_Labelled):
    """Where a shift's float (备用金) came from."""

    SAFE = "safe", "保险柜", "Safe"
    FINANCE = "finance", "财务拨付", "Issued by finance"


class PaymentMethod(_Labelled):
    """``counter_transactions.payment_method``."""

    CASH = "cash", "现金", "Cash"
    BANK_CARD = "bank_card", "银行卡", "Bank card"
    WECHAT = "wechat", "微信", "WeChat Pay"
    ALIPAY = "alipay", "支付宝", "Alipay"


class CustomerKind(_Labelled):
    """``accounts.customer_kind``: which tariff family an account buys under."""

    RESIDENTIAL = "residential", "民用户", "Residential"
    COMMERCIAL = "commercial", "工商业户", "Commercial"


class TariffStatus(_Labelled):
    """Where a tariff version stands on a day: tariffs are never edited, only superseded."""

    PAST = "past", "已被接替（只读）", "Superseded (read-only)"
    CURRENT = "current", "现行", "In force"
    FUTURE = "future", "待生效", "Not yet in force"


class CardWriteOutcome(_Labelled):
    """``card_write_outcomes.outcome``: how a card write that was committed PENDING ended."""

    COMPLETED = "completed", "已写卡", "Written to card"
    VOIDED = "voided", "已作废", "Voided"


class DrawerLevel(_Labelled):
    """How full the cash drawer is against the hall's limits."""

    OK = "ok", "正常", "OK"
    WARN = "warn", "请存入保险柜", "Deposit in the safe"
    STOP = "stop", "超限停止收款", "Over limit: no more cash"


class ReaderState(_Labelled):
    """The counter's card reader as the status bar shows it."""

    NOT_CONFIGURED = "not_configured", "未配置", "Not configured"
    READY = "ready", "就绪", "Ready"
    CARD_PRESENT = "card_present", "有卡", "Card in"
    CONNECTED = "connected", "正常", "OK"  # a reader that cannot tell whether a card is in
    FAULT = "fault", "故障", "Fault"


class PrinterState(_Labelled):
    """The counter's receipt printer as the status bar shows it."""

    NOT_CONFIGURED = "not_configured", "未配置", "Not configured"
    READY = "ready", "正常", "OK"
    UNREACHABLE = "unreachable", "未连接", "Not connected"
    PAPER_OUT = "paper_out", "缺纸", "Out of paper"
    COVER_OPEN = "cover_open", "上盖打开", "Cover open"
    OFFLINE = "offline", "离线", "Offline"

    @property
    def can_print(self) -> bool:
        return self is PrinterState.READY


class ReaderKind(_Labelled):
    """Which card reader a counter uses (``reader`` / ``emulated_devices`` in config.toml)."""

    PCSC = "pcsc", "PC/SC读卡器", "PC/SC card reader"
    EMULATED = (
        "emulated",
        "模拟设备（培训用，读卡器和打印机均为模拟）",
        "Emulated devices (training: reader and printer)",
    )
    NONE = "none", "不使用读卡器", "No card reader"


class PrinterKind(_Labelled):
    """How a counter reaches its receipt printer (``[printer] type`` in config.toml)."""

    NETWORK = "network", "网络打印机", "Network printer"
    USB = "usb", "USB打印机", "USB printer"
    SERIAL = "serial", "串口打印机", "Serial printer"
    FILE = "file", "设备文件", "Device file"


class CheckOutcome(_Labelled):
    """One line of ``gasdesk admin doctor``: passed, failed, or not run (what it needs failed)."""

    PASSED = "passed", "正常", "OK"
    FAILED = "failed", "未通过", "Failed"
    SKIPPED = "skipped", "未检查", "Not checked"


class HallMode(_Labelled):
    """What a counter is running: a live hall, the demo hall of a machine with nothing
    configured (演示), or 培训模式 on its own database. Demo and training run the emulated
    devices, and every screen, receipt and document of theirs carries the mode's ``mark``."""

    LIVE = "live", "营业", "Live"
    DEMO = "demo", "演示模式", "Demo mode"
    TRAINING = "training", "培训模式", "Training mode"

    @property
    def mark(self) -> str | None:
        """The words every receipt and document of this mode prints (None: a live hall's)."""
        return _MODE_MARKS.get(self.value)

    @property
    def emulated(self) -> bool:
        """True when the counter's devices are the emulators (never a real card or printer)."""
        return self is not HallMode.LIVE


_MODE_MARKS = {"demo": "演示 · 无效", "training": "培训 · 无效"}


class TrainingFault(_Labelled):
    """A fault 培训模式 lets a trainee switch on, to rehearse what real counters see."""

    CARD_PULLED = "card_pulled", "写卡时拔卡（下一次写卡）", "Card pulled during the next write"
    WRITE_IGNORED = "write_ignored", "卡片不接受写入", "Card ignores writes"
    PAPER_OUT = "paper_out", "打印机缺纸", "Printer out of paper"
    PRINTER_OFFLINE = "printer_offline", "打印机离线", "Printer offline"
    READER_UNPLUGGED = "reader_unplugged", "读卡器断开", "Card reader unplugged"


class PrinterFaultReason(_Labelled):
    """Why a receipt did not print (the receipt stays queued)."""

    UNREACHABLE = (
        "unreachable",
        "未连接打印机，请检查打印机电源和连接",
        "Printer not connected: check its power and cable",
    )
    PAPER_OUT = "paper_out", "打印机缺纸，请装纸", "Printer out of paper: load paper"
    COVER_OPEN = "cover_open", "打印机上盖打开，请合上", "Printer cover open: close it"
    OFFLINE = "offline", "打印机离线，请检查打印机", "Printer offline: check the printer"
    INTERRUPTED = (
        "interrupted",
        "打印中断，本张可能未打完整",
        "Printing interrupted: this receipt may be incomplete",
    )


# A price tier as the counter names it, on the screen (``第{n}档`` in the account panel and the
# purchase quote, translated there) and on the receipt: one word for one thing.
TIER_NAME = "第{n}档"


def tier_name(n: int) -> str:
    """``第1档``: the receipt's and the screen's name of price tier ``n``."""
    return TIER_NAME.format(n=n)


class CalendarDay(_Labelled):
    """A day of the hall's working-day calendar that differs from its weekday."""

    HOLIDAY = "holiday", "节假日", "Holiday"
    WORKDAY = "workday", "调休上班", "Make-up workday"


class SettingUnit(_Labelled):
    """The unit a hall setting is typed in on the settings screen."""

    MONEY = "money", "元", "yuan"
    VOLUME = "volume", "立方米", "m³"
    MINUTES = "minutes", "分钟", "minutes"
    TIMES = "times", "次", "times"
    MONTHS = "months", "个月", "months"  # 限购/安检 periods


class CardClaim(_Labelled):
    """What a card driver says of the card in the slot when asked without any password."""

    CARD = "card", "用户卡", "Customer card"  # a blank, new, account-opening or user card
    TOOL = "tool", "工具卡", "Tool card"
    NOT_MINE = "not_mine", "非本厂家卡", "Not this maker's card"
    NO_CARD = "no_card", "无卡", "No card"


class ToolCardKind(_Labelled):
    """工具卡: the makers' tool cards a technician carries to the meter."""

    CLEAR = "clear", "清零卡", "Clear card"
    SETUP = "setup", "设置卡", "Set-up card"
    CHECK = "check", "检查卡", "Check card"
    TRANSFER = "transfer", "转移卡", "Transfer card"
    VALVE_OPEN = "valve_open", "开阀卡", "Valve-open card"
    VALVE_CLOSE = "valve_close", "关阀卡", "Valve-close card"
    OTHER = "other", "其他工具卡", "Other tool card"


class MeterStatus(_Labelled):
    """``meters.status``: where a meter is in its life."""

    ACTIVE = "active", "在用", "In use"
    RETIRED = "retired", "已拆除", "Retired"


class InspectionResult(_Labelled):
    """``inspections.result``: what a safety inspection (安检) found."""

    PASSED = "passed", "合格", "Passed"
    HAZARD = "hazard", "存在隐患", "Hazard found"
    NOBODY_HOME = "nobody_home", "到访不遇", "Nobody home"
    REFUSED = "refused", "拒绝安检", "Inspection refused"


class InspectionSource(_Labelled):
    """``inspections.source``: how a result reached GasDesk."""

    COUNTER = "counter", "柜台录入", "Entered at the counter"
    IMPORT = "import", "批量导入", "Imported"


class OverrideKind(_Labelled):
    """``sale_overrides.kind``: what a team leader let one sale past."""

    PURCHASE_LIMIT = "purchase_limit", "超限购放行", "Purchase limit overridden"
    SAFETY_HOLD = "safety_hold", "安检限制放行", "Safety hold overridden"


class AccountKind(_Labelled):
    """``accounts.kind``: how an account's gas is measured and paid (开户 makes card accounts;
    the import brings all three)."""

    CARD = "card", "IC卡表", "IC card meter"
    POSTPAID = "postpaid", "普表（抄表后付费）", "Meter read, billed afterwards"
    REMOTE = "remote", "远传表（预付费）", "Remote-read meter, prepaid"


class AccountStatus(_Labelled):
    """``accounts.status``."""

    ACTIVE = "active", "正常户", "Active account"
    CLOSED = "closed", "已销户", "Closed"


class CardStatus(_Labelled):
    """``cards.status``."""

    ACTIVE = "active", "有效卡", "Valid card"
    BLACKLISTED = "blacklisted", "挂失作废", "Blacklisted"
    RETIRED = "retired", "已收回", "Retired"


class ImportBatchKind(_Labelled):
    """``import_batches.kind``: a go-live import, or the reversal of one."""

    IMPORT = "import", "导入", "Import"
    ROLLBACK = "rollback", "回退", "Rollback"


class ImportBatchStatus(_Labelled):
    """``import_batches.status``: where a batch is (an interrupted one resumes)."""

    RUNNING = "running", "进行中（可续导）", "Running (resumable)"
    COMPLETED = "completed", "已完成", "Completed"
    ROLLED_BACK = "rolled_back", "已回退", "Rolled back"


class OpeningEntryKind(_Labelled):
    """``opening_balances.kind``: what the old system said an account holds or owes."""

    BALANCE = "balance", "期初余额", "Opening balance"
    BILL = "bill", "期初欠费账单", "Opening unpaid bill"
