"""The counter (柜台) at work: the only place where devices and services meet.

``CounterSession`` is one clerk's counter, with one method per F-key operation, each returning
an ``Outcome``; ``compose.devices_from_config`` builds the counter's devices (real or training)
behind the ports of ``app.devices.ports``. The counter window and the operation dialogs import
this package, the domain, the errors and the vocabulary, nothing else of ``app``: the names
below are what they take from the services (requests they fill in, views they show). The
reports (``app.counter.reports``, reportlab behind it) are imported by the F12 dialog itself.
``TariffDesk`` is an administrator's front door to the tariffs and the price change (调价).
"""

from app.counter.admin import AdminDesk, LimitForm, UserAdded
from app.counter.cards import CardAtCounter, EarlierSaleCompleted, SaleOnCard, SaleVoided
from app.counter.devices import (
    CounterDevices,
    DeviceCheck,
    DeviceSetup,
    DevicesSaved,
    PrinterChoices,
    PrinterConfig,
    ReaderConfig,
    ReaderList,
)
from app.counter.meters import MeterReplacedOnCard
from app.counter.quote import PurchaseStart, Quote
from app.counter.receipts import PrintOutcome
from app.counter.session import (
    ApprovalEntry,
    CardPoll,
    CounterSession,
    CounterStatus,
    CustomerSummary,
    Outcome,
    OverrideEntry,
    settlement_error,
)
from app.counter.tariffs import TariffDesk
from app.services.accounts import (
    ID_TYPES,
    CloseAccountRequest,
    ContractInput,
    CustomerInput,
    OpenAccountRequest,
    OpenAccountResult,
    TransferRequest,
)
from app.services.administration import (
    CalendarView,
    Fee,
    SettingView,
    UserRow,
    fee_range,
    shown_in_unit,
)
from app.services.cards import REPLACEMENT_REASONS, ReplaceCardRequest
from app.services.directory import ApprovalSlots
from app.services.imports import BatchView, ImportOutcome, ImportPlan
from app.services.inspections import (
    HEADERS as INSPECTION_HEADERS,
)
from app.services.inspections import (
    ImportCancelled,
    ImportProgress,
    ImportResult,
    InspectionEntry,
)
from app.services.limits import AccountLimits
from app.services.meters import ReplacementFigures, ReplacementReversed, ReplaceMeterRequest
from app.services.queries import AccountSummary, AccountView, MeterHistoryEntry, TierUse
from app.services.reversals import ReversalQuote
from app.services.sales import RefundQuote, SaleResult
from app.services.shifts import (
    CashMoveRequest,
    CountRequest,
    CountResult,
    DrawerStatus,
    HandoverRequest,
    Moved,
    OpenShiftRequest,
    ShiftClosed,
    ShiftDesk,
    ShiftInfo,
    ShiftOpened,
)
from app.services.takeovers import TakeoverResult
from app.services.tariff_admin import (
    ClassTariffs,
    PriceChange,
    PricedPurchase,
    PricePreview,
    TariffOverview,
    TariffVersion,
    TierInput,
    TypicalPurchase,
)

__all__ = [
    "BatchView",
    "ImportOutcome",
    "ImportPlan",
    "INSPECTION_HEADERS",
    "LimitForm",
    "AccountLimits",
    "ImportCancelled",
    "ImportProgress",
    "ImportResult",
    "InspectionEntry",
    "OverrideEntry",
    "MeterHistoryEntry",
    "MeterReplacedOnCard",
    "ReplaceMeterRequest",
    "ReplacementFigures",
    "ReplacementReversed",
    "ID_TYPES",
    "REPLACEMENT_REASONS",
    "AccountSummary",
    "AdminDesk",
    "CalendarView",
    "Fee",
    "SettingView",
    "UserAdded",
    "UserRow",
    "fee_range",
    "shown_in_unit",
    "AccountView",
    "ApprovalEntry",
    "ApprovalSlots",
    "CardAtCounter",
    "CardPoll",
    "CashMoveRequest",
    "ClassTariffs",
    "CloseAccountRequest",
    "ContractInput",
    "CounterSession",
    "CounterDevices",
    "CounterStatus",
    "CountRequest",
    "CountResult",
    "CustomerInput",
    "CustomerSummary",
    "DeviceCheck",
    "DeviceSetup",
    "DevicesSaved",
    "DrawerStatus",
    "EarlierSaleCompleted",
    "HandoverRequest",
    "Moved",
    "OpenAccountRequest",
    "OpenAccountResult",
    "OpenShiftRequest",
    "Outcome",
    "PriceChange",
    "PricedPurchase",
    "PricePreview",
    "PrintOutcome",
    "PrinterChoices",
    "PrinterConfig",
    "PurchaseStart",
    "Quote",
    "ReaderConfig",
    "ReaderList",
    "RefundQuote",
    "ReplaceCardRequest",
    "ReversalQuote",
    "SaleOnCard",
    "SaleResult",
    "SaleVoided",
    "ShiftClosed",
    "ShiftDesk",
    "ShiftInfo",
    "ShiftOpened",
    "TakeoverResult",
    "TariffDesk",
    "TariffOverview",
    "TariffVersion",
    "TierInput",
    "TierUse",
    "TransferRequest",
    "TypicalPurchase",
    "settlement_error",
]
