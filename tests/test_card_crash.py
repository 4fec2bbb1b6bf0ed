"""Kill -9 of a counter process at each step of a card sale (the real PC/SC stack).

After the kill, a fresh counter reads the card: the sale is exactly one of {completed once,
voided}. The meter simulator never credits twice, and there is never money without gas on the
card nor gas without money in the ledger.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.devices.meter import GasMeterSimulator
from app.devices.sle4442 import Sle4442
from app.devices.vpcd import VirtualCard
from app.domain import cardformat
from db.models import CounterTransaction
from tests.card_support import KEY
from tests.support import m3

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.pcsc, pytest.mark.parametrize("backend", ["sqlite"])]


class KillingCard(VirtualCard):
    """Kills the counter process when the sale's card write arrives, then lands it or not."""

    def __init__(self, chip, victim: list[int], land: bool):  # type: ignore[no-untyped-def]
        super().__init__(chip)
        self.victim = victim
        self.land = land

    def _apdu(self, apdu: bytes) -> bytes | None:
        is_sale_write = apdu[:2] == b"\xff\xd0" and apdu[3] >= cardformat.COUNT.start
        if is_sale_write and self.victim:
            os.kill(self.victim[0], signal.SIGKILL)
            if not self.land:
                return None  # pulled before it landed
        return super()._apdu(apdu)


def run_counter(hall, database, step: str, victim: list[int]):  # type: ignore[no-untyped-def]
    job = {
        "die": step,
        "db_url": database.url,
        "when": hall.clock().isoformat(),
        "actor": [hall.users["lina"], hall.counter_id],
        "request_id": str(uuid.uuid4()),
        "volume": m3(30),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.card_crash_worker", json.dumps(job)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    victim.append(process.pid)
    out, err = process.communicate(timeout=60)
    return process.returncode, out + err


@pytest.mark.parametrize(
    ("step", "landed"),
    [
        ("after_pending", False),
        ("mid_write_lost", False),
        ("mid_write_landed", True),
        ("after_write", True),
    ],
)
@pytest.mark.parametrize("station", ["pcsc"], indirect=True)
def test_kill_at_each_step_settles_exactly_once(
    hall, database, station, virtual_card, step, landed
):
    from tests.card_support import opening_request

    chip = Sle4442.blank()
    station.insert(chip)
    opened = station.counter(hall.ctx).open_account(hall.clerk, opening_request())
    station.remove()

    victim: list[int] = []
    if step.startswith("mid_write"):
        card = KillingCard(chip, victim, land=step.endswith("landed"))
    else:
        card = VirtualCard(chip)
    card.insert()
    from app.devices.pcsc import wait_for_card

    assert wait_for_card("Virtual PCD 00 00", present=True)
    worker_step = step if not step.startswith("mid_write") else "none"
    code, output = run_counter(hall, database, worker_step, victim)
    assert code == -signal.SIGKILL, output  # the counter really died
    card.remove()
    assert wait_for_card("Virtual PCD 00 00", present=False)
    assert (cardformat.parse(bytes(chip.memory), KEY).purchase_count == 1) is landed

    # the counter restarts: the card is read and decides the sale
    station.insert(chip)
    counter = station.counter(hall.ctx)
    settlement = counter.read(hall.clerk).settlement
    assert settlement.outcome == ("completed" if landed else "voided")
    assert counter.read(hall.clerk).settlement is None  # settled once, never again
    with hall.ctx.reading() as s:
        kinds = list(s.scalars(select(CounterTransaction.kind).order_by(CounterTransaction.id)))
        money = s.scalar(select(func.sum(CounterTransaction.amount_fen)))
    assert kinds == ["opening", "purchase"] + ([] if landed else ["void"])
    assert money == (7830 if landed else 0)  # 30 m³ × 2.61 only when the gas is on the card

    station.remove()
    meter = GasMeterSimulator(opened.meter_no, KEY)
    meter.insert(chip)
    meter.insert(chip)
    assert meter.credited_total == (m3(30) if landed else 0)  # never a double credit
