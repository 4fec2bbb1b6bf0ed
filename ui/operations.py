"""Every counter operation with its function key; dialogs are imported when first opened, so
the window starts fast (bench metric ``startup_ratio``)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Operation:
    key: str  # the function key, "F1" ... "F12"
    name: str  # Chinese label on the button (translated by CounterWindow.tr)
    target: str  # "module:Class" of the dialog: Class(session, account_no, parent)
    needs_account: bool = False  # a loaded account (card read or search result) is required
    # acts on one customer (the loaded account or the card's): never while the search list
    # highlights somebody else
    for_customer: bool = True

    def dialog_class(self) -> type:
        module, _, name = self.target.partition(":")
        return getattr(importlib.import_module(module), name)


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "F1", QT_TRANSLATE_NOOP("CounterWindow", "购气"), "ui.dialogs.purchase:PurchaseDialog"
    ),
    Operation(
        "F2",
        QT_TRANSLATE_NOOP("CounterWindow", "开户"),
        "ui.dialogs.accounts:OpenAccountDialog",
        for_customer=False,
    ),
    Operation(
        "F3",
        QT_TRANSLATE_NOOP("CounterWindow", "补卡"),
        "ui.dialogs.accounts:ReplaceCardDialog",
        needs_account=True,
    ),
    Operation("F4", QT_TRANSLATE_NOOP("CounterWindow", "退气"), "ui.dialogs.refund:RefundDialog"),
    Operation(
        "F5", QT_TRANSLATE_NOOP("CounterWindow", "补气"), "ui.dialogs.refund:SupplementDialog"
    ),
    Operation(
        "F6",
        QT_TRANSLATE_NOOP("CounterWindow", "过户"),
        "ui.dialogs.accounts:TransferDialog",
        needs_account=True,
    ),
    Operation(
        "F7",
        QT_TRANSLATE_NOOP("CounterWindow", "销户"),
        "ui.dialogs.accounts:CloseAccountDialog",
        needs_account=True,
    ),
    Operation(
        "F8", QT_TRANSLATE_NOOP("CounterWindow", "重印"), "ui.dialogs.accounts:ReprintDialog"
    ),
    Operation(
        "F9",
        QT_TRANSLATE_NOOP("CounterWindow", "现金存取"),
        "ui.dialogs.shift:CashMoveDialog",
        for_customer=False,
    ),
    Operation(
        "F10",
        QT_TRANSLATE_NOOP("CounterWindow", "交款"),
        "ui.dialogs.shift:HandoverDialog",
        for_customer=False,
    ),
    Operation(
        "F11",
        QT_TRANSLATE_NOOP("CounterWindow", "开班/交班"),
        "ui.dialogs.shift:ShiftDialog",
        for_customer=False,
    ),
    Operation(
        "F12",
        QT_TRANSLATE_NOOP("CounterWindow", "报表"),
        "ui.dialogs.reports:ReportsDialog",
        for_customer=False,
    ),
)

# the operations of the 业务 menu: less frequent than the F-keys, each with a Ctrl shortcut
MENU_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "Ctrl+M",
        QT_TRANSLATE_NOOP("CounterWindow", "换表"),
        "ui.dialogs.meters:MeterReplacementDialog",
        needs_account=True,
    ),
    Operation(
        "Ctrl+B",
        QT_TRANSLATE_NOOP("CounterWindow", "写换表补气"),
        "ui.dialogs.meters:CarryOverDialog",
        needs_account=True,
    ),
    Operation(
        "Ctrl+J",
        QT_TRANSLATE_NOOP("CounterWindow", "安检"),
        "ui.dialogs.inspections:InspectionsDialog",
        for_customer=False,
    ),
    Operation(
        "Ctrl+K",
        QT_TRANSLATE_NOOP("CounterWindow", "本户限购"),
        "ui.dialogs.limits:AccountLimitDialog",
        for_customer=False,
    ),
    Operation(
        "Ctrl+R",
        QT_TRANSLATE_NOOP("CounterWindow", "撤销业务"),
        "ui.dialogs.reversal:ReversalDialog",
        for_customer=False,
    ),
)
# the 卡片 menu's tool cards (工具卡), opened like the operations
TOOL_CARD_OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "Ctrl+T",
        QT_TRANSLATE_NOOP("CounterWindow", "制作工具卡"),
        "ui.dialogs.tool_cards:MakeToolCardDialog",
        for_customer=False,
    ),
    Operation(
        "Ctrl+Shift+T",
        QT_TRANSLATE_NOOP("CounterWindow", "工具卡回读"),
        "ui.dialogs.tool_cards:ReadToolCardDialog",
        for_customer=False,
    ),
)


def by_key(key: str) -> Operation:
    return next(
        op for op in (*OPERATIONS, *MENU_OPERATIONS, *TOOL_CARD_OPERATIONS) if op.key == key
    )
