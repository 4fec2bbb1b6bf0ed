"""Receipts through python-escpos to the ESC/POS emulator over TCP (and a file printer).

Every receipt kind prints in Chinese with its receipt number and amounts; a printer fault never
touches the sale and the receipt prints exactly once when the fault clears; copies are 重印.
PNG previews are written to artifacts/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.counter.receipts import print_queued, print_receipt, reprint
from app.devices.escpos.emulator import EscposEmulator
from app.devices.printer import printer_from_config
from app.domain.cards import CardReading
from app.services.accounts import (
    CloseAccountRequest,
    ContractInput,
    TransferRequest,
    close_account,
    transfer,
)
from app.services.cards import ReplaceCardRequest, replace_card
from app.services.printing import queued_jobs
from app.services.sales import RefundRequest, SupplementRequest, refund, supplement
from app.services.security import ApprovalInput
from db.models import CounterTransaction, PrintAttempt
from tests.support import (
    PASSWORD,
    buy,
    customer_input,
    loaded,
    m3,
    open_customer,
    rid,
    terminals,
    unloaded,
)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def printer(emulator):
    return printer_from_config({"type": "network", "host": "127.0.0.1", "port": emulator.port})


def approve(hall):
    return (ApprovalInput(hall.users["admin"], "同意", PASSWORD),)


def test_every_receipt_kind_prints_in_chinese(hall, emulator, printer, backend):
    opened = open_customer(hall, name="张秀英")
    sale = buy(hall, opened.card_serial, volume=m3(200), tendered=60000)
    back = refund(
        hall.ctx, hall.clerk, RefundRequest(uuid.uuid4(), unloaded(sale), "客户退气", approve(hall))
    )
    again = buy(hall, opened.card_serial, volume=m3(50))
    extra = supplement(
        hall.ctx,
        hall.clerk,
        SupplementRequest(
            uuid.uuid4(), opened.card_serial, m3(5), "表具故障补气", approve(hall), loaded(again)
        ),
    )
    fee = replace_card(
        hall.ctx,
        hall.clerk,
        ReplaceCardRequest(
            uuid.uuid4(), opened.account_no, "SLE7000001", "lost", cash_tendered_fen=5000
        ),
    )
    moved = transfer(
        hall.ctx,
        hall.clerk,
        TransferRequest(
            uuid.uuid4(),
            opened.account_no,
            customer_input("李明"),
            ContractInput("HT-2026-T0001", dt.date(2026, 3, 2)),
            m3(30),
        ),
    )
    closed = close_account(
        hall.ctx,
        hall.clerk,
        CloseAccountRequest(
            uuid.uuid4(),
            opened.account_no,
            m3(40),
            "搬迁销户",
            # the replacement card, read: it carries the count, its gas is in the meter
            card=CardReading("SLE7000001", extra.purchase_count, 0, extra.purchase_count),
        ),
    )

    expected = [
        (opened.transaction_id, opened.receipt_no, "开户凭证", []),
        (
            sale.transaction_id,
            sale.receipt_no,
            "燃气购气凭证",
            ["522.00", "600.00", "78.00", "第1档", "张*英", "[DRAWER pin 2]"],
        ),
        (back.transaction_id, back.receipt_no, "退气凭证", ["-522.00", "客户退气", "王建国"]),
        (extra.transaction_id, extra.receipt_no, "补气凭证", ["表具故障补气"]),
        (fee.transaction_id, fee.receipt_no, "补卡凭证", ["20.00", "SLE7000001"]),
        (moved.transaction_id, moved.receipt_no, "过户凭证", ["李*"]),
        (closed.transaction_id, closed.receipt_no, "销户结算凭证", ["搬迁销户"]),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    for txn_id, receipt_no, title, figures in expected:
        emulator.reset_output()
        outcome = print_receipt(hall.ctx, hall.clerk, printer, txn_id)
        assert outcome.printed, outcome.message
        emulator.wait_idle()
        text = emulator.transcript()
        for needle in [title, receipt_no, "城东燃气客户服务中心", "[CUT]", *figures]:
            assert needle in text, (title, needle, text)
        assert any(receipt_no in line for line in text.splitlines() if line.startswith("[QR"))
        emulator.render_png(ARTIFACTS / f"receipt-{title}-{backend}.png")
        assert (ARTIFACTS / f"receipt-{title}-{backend}.png").stat().st_size > 1000


def test_paper_out_keeps_the_sale_and_prints_once_after_the_fault(hall, emulator, printer):
    opened = open_customer(hall)
    emulator.set_state(paper_out=True)
    sale = buy(hall, opened.card_serial, volume=m3(30))
    outcome = print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id)
    assert not outcome.printed and "缺纸" in outcome.message
    emulator.wait_idle()
    assert emulator.transcript() == ""
    with hall.ctx.reading() as s:  # the sale stands
        assert (
            s.scalar(select(func.count()).where(CounterTransaction.id == sale.transaction_id)) == 1
        )
    assert [q[1] for q in queued_jobs(hall.ctx, hall.counter_id)] == [sale.receipt_no]

    emulator.set_state(paper_out=False)
    assert [o.printed for o in print_queued(hall.ctx, hall.clerk, printer)] == [True]
    assert print_queued(hall.ctx, hall.clerk, printer) == []  # nothing left: printed exactly once
    assert print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id).printed  # no-op
    emulator.wait_idle()
    assert emulator.transcript().count(sale.receipt_no) == 2  # one line + the QR code
    assert "重印" not in emulator.transcript()

    copy = reprint(hall.ctx, hall.clerk, printer, sale.receipt_no)
    assert copy.printed and copy.copy_no == 1
    emulator.wait_idle()
    receipts = emulator.receipts()
    assert "重印" not in receipts[0] and "重印（第1次）" in receipts[1]
    with hall.ctx.reading() as s:
        outcomes = list(s.scalars(select(PrintAttempt.outcome).order_by(PrintAttempt.id)))
    assert outcomes == ["failed", "printed", "printed"]


def test_cover_open_and_unreachable_printer_queue_the_receipt(hall, emulator, printer):
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(10))
    emulator.set_state(cover_open=True)
    assert "上盖" in print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id).message
    emulator.stop()
    gone = print_queued(hall.ctx, hall.clerk, printer)
    assert not gone[0].printed and "未连接打印机" in gone[0].message
    assert len(queued_jobs(hall.ctx, hall.counter_id)) == 1


def test_name_outside_gbk_prints_as_raster_without_error(hall, emulator, printer):
    opened = open_customer(hall, name="𠮷秀英")  # U+20BB7 is not in GBK
    sale = buy(hall, opened.card_serial, volume=m3(10))
    assert print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id).printed
    emulator.wait_idle()
    text = emulator.transcript()
    assert "户名" not in text  # that line went out as an image
    assert "[IMAGE" in text and sale.receipt_no in text and "?" not in text


def test_training_receipts_are_marked(hall, emulator, printer):
    hall.ctx.training = True
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(10))
    print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id)
    emulator.wait_idle()
    assert "培训 · 无效" in emulator.transcript()


def test_file_printer_and_raster_only_profile(hall, tmp_path):
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(10))
    path = tmp_path / "receipt.bin"
    printer = printer_from_config({"type": "file", "path": str(path)})
    assert print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id).printed
    decoded = EscposEmulator()
    decoded.decode_file(path)
    assert sale.receipt_no in decoded.transcript() and "燃气购气凭证" in decoded.transcript()

    raster_path = tmp_path / "raster.bin"
    raster = printer_from_config(
        {"type": "file", "path": str(raster_path), "profile": "通用80mm（无中文字库）"}
    )
    copy = reprint(hall.ctx, hall.clerk, raster, sale.receipt_no)
    assert copy.printed
    only_images = EscposEmulator()
    only_images.decode_file(raster_path)
    assert "燃气购气凭证" not in only_images.transcript()  # every Chinese line is an image
    assert only_images.transcript().count("[IMAGE") >= 10


def test_notice_lines_come_from_the_hall_settings(hall, emulator, printer):
    from app.errors import InvalidInput
    from app.policy import save_receipt_notices

    with hall.ctx.unit_of_work() as s:
        save_receipt_notices(s, ["春节期间营业时间：9:00-15:00", "抢修电话：96777"])
        s.commit()
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(10))
    print_receipt(hall.ctx, hall.clerk, printer, sale.transaction_id)
    emulator.wait_idle()
    text = emulator.transcript()
    assert "抢修电话：96777" in text and "请妥善保管燃气卡" not in text
    with hall.ctx.unit_of_work() as s, pytest.raises(InvalidInput):
        save_receipt_notices(s, ["太长" * 20])


def test_zreport_and_hand_over_slip_print_on_the_counter_printer(hall, emulator, printer):
    """The close of 李娜's shift: a 交款单 at the hand-over, then the Z-report, on real ESC/POS."""
    from app.counter.receipts import print_handover_slip, print_zreport
    from app.domain.cash import count_of
    from app.services.shifts import (
        CloseShiftRequest,
        CountRequest,
        HandoverRequest,
        close_shift,
        count_drawer,
        hand_over,
    )

    account = open_customer(hall)
    buy(hall, account.card_serial, volume=m3(200), tendered=60000)  # 522.00
    slip = hand_over(
        hall.ctx, hall.clerk, HandoverRequest(rid(), count_of(45000), hall.credential("zhaomin"))
    )
    emulator.reset_output()
    assert print_handover_slip(hall.ctx, hall.clerk, slip.movement_id, printer) > 0
    emulator.wait_idle()
    text = emulator.transcript()
    for expected in ("交款单", slip.slip_no, "赵敏", "李娜", "450.00", "肆佰伍拾元整"):
        assert expected in text, expected

    count_drawer(
        hall.ctx,
        hall.clerk,
        CountRequest(rid(), count_of(50000 + 52200 - 45000 - 1000), terminals()),
    )
    close_shift(
        hall.ctx, hall.clerk, CloseShiftRequest(rid(), "少10元", hall.credential("zhoujie"))
    )
    emulator.reset_output()
    print_zreport(hall.ctx, hall.clerk, hall.shifts["lina"], printer)
    emulator.wait_idle()
    text = emulator.transcript()
    for expected in ("522.00", "450.00", "-10.00", "周杰", slip.slip_no, "李娜"):
        assert expected in text, expected
    ARTIFACTS.mkdir(exist_ok=True)  # also when this test runs alone
    emulator.render_png(ARTIFACTS / "zreport-receipt.png")


def test_a_non_cash_receipt_names_the_method_and_keeps_the_drawer_shut(hall):
    from app.documents.receipts import layout
    from app.domain.cash import Payment
    from app.services.printing import receipt_data
    from app.services.sales import PurchaseRequest, purchase

    account = open_customer(hall)
    request = PurchaseRequest(
        rid(), account.card_serial, m3(10), payment=Payment("alipay", "2026030222001400001234")
    )
    sale = purchase(hall.ctx, hall.clerk, request)
    data = receipt_data(hall.ctx, sale.transaction_id)
    assert (data.payment_method, data.opens_drawer) == ("支付宝", False)
    text = "\n".join(line.text for line in layout(data, 32).lines)
    assert "支付宝" in text and "2026030222001400001234" in text and "实收" not in text
    cash = receipt_data(hall.ctx, buy(hall, account.card_serial, volume=m3(1)).transaction_id)
    assert (cash.payment_method, cash.opens_drawer) == ("现金", True)


def test_the_printer_port_reports_typed_states_and_fault_reasons(hall, emulator, printer):
    from app.devices.printer import PrinterFault
    from app.documents.receipts import layout
    from app.services.printing import receipt_data
    from app.vocabulary import PrinterFaultReason, PrinterState

    assert printer.state() is PrinterState.READY
    emulator.set_state(paper_out=True)
    assert printer.state() is PrinterState.PAPER_OUT
    emulator.set_state(paper_out=False, cover_open=True)
    assert printer.state() is PrinterState.COVER_OPEN
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(10))
    receipt = layout(receipt_data(hall.ctx, sale.transaction_id), printer.columns)
    with pytest.raises(PrinterFault) as fault:
        printer.print_receipt(receipt)
    assert fault.value.reason is PrinterFaultReason.COVER_OPEN
    emulator.stop()
    assert printer.state() is PrinterState.UNREACHABLE


def test_no_printer_queues_the_receipt_and_says_so(hall, emulator, printer):
    """One rule for every receipt: without a printer the job waits in the queue and prints on
    request once a printer is there."""
    opened = open_customer(hall)
    sale = buy(hall, opened.card_serial, volume=m3(10))
    outcome = print_receipt(hall.ctx, hall.clerk, None, sale.transaction_id)
    assert not outcome.printed and "未配置打印机" in outcome.message
    assert sale.receipt_no in outcome.message
    assert [q[1] for q in queued_jobs(hall.ctx, hall.counter_id)] == [sale.receipt_no]
    copy = reprint(hall.ctx, hall.clerk, None, sale.receipt_no)
    assert not copy.printed and copy.copy_no == 1
    assert [o.printed for o in print_queued(hall.ctx, hall.clerk, printer)] == [True, True]
    assert queued_jobs(hall.ctx, hall.counter_id) == []
