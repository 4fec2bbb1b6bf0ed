"""Card metrics through the real PC/SC stack: APDUs per purchase, purchase time vs one APDU."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path

from app.counter.cards import CardOperations
from app.demo import seed_hall
from app.devices.cardreader import GasCardReader
from app.devices.meter import GasMeterSimulator
from app.devices.pcsc import VIRTUAL_READER, PcscTransport, virtual_readers, wait_for_card
from app.devices.sle4442 import Sle4442
from app.devices.vpcd import VirtualCard
from app.domain.cardformat import CardKey
from app.services.accounts import ContractInput, CustomerInput, OpenAccountRequest
from app.services.actor import Actor
from bench.common import Metric, fresh_context, median, open_bench_shift, timed

KEY = CardKey(b"gasdesk-bench-card-key-000000001", b"CDRQ")
READ_APDU = bytes.fromhex("FFB0000060")  # one full read of the card format area


def _swap(card: VirtualCard, inserted: bool) -> None:
    if inserted:
        card.insert()
    else:
        card.remove()
    if not wait_for_card(VIRTUAL_READER, present=inserted):
        raise RuntimeError("pcscd did not follow the virtual card")


def card_purchase(directory: Path, quick: bool) -> list[Metric]:
    """A clerk's sale on a card already read at insertion, then the card goes to the meter."""
    sales = 8 if quick else 40
    ctx = fresh_context(directory, "cards.sqlite3")
    _, counters, users = seed_hall(ctx)
    actor = Actor(users["lina"], counters[0])
    open_bench_shift(ctx, actor)
    with virtual_readers(str(directory / "pcscd.log")):
        transport = PcscTransport(VIRTUAL_READER)
        reader = GasCardReader(transport, KEY)
        counter = CardOperations(ctx, reader)
        chip = Sle4442.blank()
        card = VirtualCard(chip)
        _swap(card, True)
        opened = counter.open_account(
            actor,
            OpenAccountRequest(
                uuid.uuid4(),
                CustomerInput(
                    "residential",
                    "张秀英",
                    "resident_id",
                    "110101199003074477",
                    "13912345678",
                    "解放路1号",
                    3,
                ),
                meter_no="18A0042731",
                card_serial="SLE0000001",
                contract=ContractInput("HT-2026-00817", dt.date(2026, 1, 5)),
            ),
        )
        meter = GasMeterSimulator(opened.meter_no, KEY)

        bare: list[float] = []
        sale_times: list[float] = []
        apdus: list[int] = []
        for _ in range(sales):
            reader.forget()
            _swap(card, False)
            meter.insert(chip)  # the customer loads the last purchase at home
            _swap(card, True)
            counter.read(actor)  # insertion: the account appears on screen
            for _ in range(5):
                bare.append(timed(lambda: transport.transmit(READ_APDU)))
            before = card.apdu_count
            start = time.perf_counter()
            counter.sell(actor, uuid.uuid4(), volume=100)
            sale_times.append(time.perf_counter() - start)
            apdus.append(card.apdu_count - before)
        reader.forget()
        _swap(card, False)
        transport.close()
    ctx.db.dispose()
    per_sale = median(sale_times)
    one_apdu = median(bare)
    return [
        Metric(
            "apdus_per_purchase",
            max(apdus),
            "APDUs",
            "<= 4",
            f"max over {sales} sales (full read, PSC, changed-bytes write, read-back); "
            "the insertion read before it costs 3 more (select, full read, error counter)",
        ),
        Metric(
            "purchase_stack_ratio",
            round(per_sale / one_apdu, 1),
            "x",
            "(report)",
            f"sale {per_sale * 1e3:.1f} ms through pyscard+pcscd+vpcd vs one read APDU "
            f"{one_apdu * 1e3:.2f} ms (medians; {sales} sales)",
        ),
    ]
