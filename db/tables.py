"""The Core tables of the models, named for the statements the services build once at import."""

from __future__ import annotations

from db.models import (
    Account,
    AccountLimit,
    Approval,
    AuditEntry,
    Card,
    CardTakeover,
    CardWrite,
    CardWriteOutcome,
    CashMovement,
    Counter,
    CounterTransaction,
    Customer,
    Hall,
    ImportBatch,
    ImportedAccount,
    ImportedCard,
    Inspection,
    MakerCardKey,
    Meter,
    MeterReplacement,
    NumberSequence,
    OpeningEntry,
    OpeningUsage,
    SaleOverride,
    Setting,
    Shift,
    ShiftCount,
    Tariff,
    TariffTier,
    ToolCard,
    ToolCardReturn,
    TransactionSegment,
    User,
)

users = User.__table__
counters = Counter.__table__
halls = Hall.__table__
accounts = Account.__table__
customers = Customer.__table__
cards = Card.__table__
tariffs = Tariff.__table__
tariff_tiers = TariffTier.__table__
transactions = CounterTransaction.__table__
segments_table = TransactionSegment.__table__
approvals_table = Approval.__table__
sequences = NumberSequence.__table__
card_writes = CardWrite.__table__
card_write_outcomes = CardWriteOutcome.__table__
maker_card_keys = MakerCardKey.__table__
shifts = Shift.__table__
movements = CashMovement.__table__
counts = ShiftCount.__table__
settings = Setting.__table__
audit_log = AuditEntry.__table__
meters = Meter.__table__
meter_replacements = MeterReplacement.__table__
tool_cards = ToolCard.__table__
tool_card_returns = ToolCardReturn.__table__
inspections = Inspection.__table__
account_limits = AccountLimit.__table__
sale_overrides = SaleOverride.__table__
import_batches = ImportBatch.__table__
imported_accounts = ImportedAccount.__table__
imported_cards = ImportedCard.__table__
opening_usage = OpeningUsage.__table__
opening_entries = OpeningEntry.__table__
card_takeovers = CardTakeover.__table__
