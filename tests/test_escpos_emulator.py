"""The ESC/POS printer emulator, driven by python-escpos as the app's printer adapter drives it."""

from __future__ import annotations

import pytest
from escpos.constants import RT_STATUS_ONLINE, RT_STATUS_PAPER
from escpos.printer import Dummy, File, Network
from PIL import Image as PilImage
from PIL import ImageDraw

from app import fonts
from app.devices.escpos import preview
from app.devices.escpos.decoder import EscposDecoder, PrinterFaults
from app.devices.escpos.emulator import EscposEmulator
from app.devices.escpos.paper import Cut, Drawer, Image, Qr, Text, receipts, transcript
from app.devices.escpos.preview import PreviewFontError

CHINESE_ON = b"\x1c\x26"
CHINESE_OFF = b"\x1c\x2e"
TITLE = "燃气购气凭证"
RARE_NAME = "姓名：𠮷田"  # 𠮷 (U+20BB7) is outside GBK: a GB18030 four-byte sequence
QR_DATA = "01-2026-000001|522.00"


def network(emu: EscposEmulator) -> Network:
    return Network("127.0.0.1", port=emu.port, timeout=5)


def small_image() -> PilImage.Image:
    image = PilImage.new("1", (20, 10), 1)
    ImageDraw.Draw(image).rectangle((2, 2, 10, 6), fill=0)
    return image


def print_job(p) -> None:
    """A receipt the way GasDesk prints one: Chinese in Chinese mode, ASCII through text()."""
    p.hw("INIT")
    p.set(bold=True, align="center")
    p._raw(CHINESE_ON + TITLE.encode("gb18030") + CHINESE_OFF + b"\n")
    p.set(bold=False, align="left")
    p.text("Receipt 01-2026-000001\n")
    p._raw(CHINESE_ON)
    p._raw(RARE_NAME.encode("gb18030"))
    p._raw(CHINESE_OFF + b"\n")
    p.set(double_width=True, double_height=True)
    p.text("TOTAL 522.00\n")
    p.set(normal_textsize=True, align="center")
    p.qr(QR_DATA, native=True, size=6)
    p.image(small_image())
    p.set(align="left")
    p.cashdraw(2)
    p.cut()


def test_a_receipt_printed_over_tcp_comes_out_as_sent(emulator):
    p = network(emulator)
    try:
        print_job(p)
    finally:
        p.close()
    assert emulator.wait_idle()

    lines = emulator.transcript().split("\n")
    assert lines[:4] == [TITLE, "Receipt 01-2026-000001", RARE_NAME, "TOTAL 522.00"]
    # python-escpos pads raster rows to whole bytes: 20 dots wide becomes 24
    assert lines[4:7] == [f"[QR {QR_DATA}]", "[IMAGE 24x10]", "[DRAWER pin 2]"]
    assert lines[-1] == "[CUT]"
    assert lines[7:-1] == [""] * 6  # cut() feeds six lines first (ESC d 6)
    assert emulator.unknown == []

    elements = emulator.elements
    title, receipt_no, _, total = elements[:4]
    assert title == Text(TITLE, bold=True, align="center", runs=title.runs)
    assert (receipt_no.bold, receipt_no.align, receipt_no.width_mult) == (False, "left", 1)
    assert (total.width_mult, total.height_mult) == (2, 2)
    qr = elements[4]
    assert isinstance(qr, Qr)
    assert (qr.data, qr.module_size, qr.ec_level, qr.align) == (QR_DATA, 6, "L", "center")
    image = elements[5]
    assert isinstance(image, Image)
    assert (image.w, image.h, image.align) == (24, 10, "center")
    # the rectangle drawn at x 2..10, y 2..6: row 2 is 0011 1111 1110 0000 ...
    assert image.bitmap[2 * 3 : 2 * 3 + 3] == bytes([0x3F, 0xE0, 0x00])
    assert image.bitmap[:3] == b"\x00\x00\x00"
    assert elements[6] == Drawer(pin=2)
    assert elements[-1] == Cut(partial=False)
    assert emulator.receipts() == ["\n".join(lines[:7])]


def test_status_answers_what_python_escpos_expects(emulator):
    p = network(emulator)
    try:
        assert p.paper_status() == 2
        assert p.is_online() is True

        emulator.set_state(paper_near_end=True)
        assert p.paper_status() == 1
        assert p.is_online() is True  # near end still prints

        emulator.set_state(paper_out=True)
        assert p.paper_status() == 0
        assert p.is_online() is False
        assert p.query_status(b"\x10\x04\x02") == bytes([0x12 | 0x20])  # stopped by paper end
        p.text("LOST WHILE OUT OF PAPER\n")
        p.cut()
        assert p.is_online() is False  # a round trip: everything before it is decoded

        emulator.clear_faults()
        emulator.cover_open = True
        assert p.is_online() is False
        assert p.paper_status() == 2
        assert p.query_status(b"\x10\x04\x02") == bytes([0x12 | 0x04])

        emulator.set_state(cover_open=False, offline=True)
        assert p.is_online() is False
        emulator.offline = False
        assert p.is_online() is True
        p.text("PRINTED AFTER RECOVERY\n")
    finally:
        p.close()
    assert emulator.wait_idle()

    assert emulator.transcript() == "PRINTED AFTER RECOVERY"
    assert emulator.discarded_bytes == len(b"LOST WHILE OUT OF PAPER\n") + 3 + 3  # ESC d 6, GS V 0
    assert emulator.status_queries == [4, 1, 4, 1, 4, 1, 2, 1, 1, 4, 2, 1, 1]


def test_several_jobs_on_one_connection_and_one_after_another(emulator):
    first = network(emulator)
    try:
        first.text("job 1\n")
        first.cut()
        first.text("job 2\n")
        first.cut(mode="PART")
    finally:
        first.close()
    second = network(emulator)
    try:
        second.text("job 3\n")
        second.cut(feed=False)  # GS V 66 0: feed nothing more, then cut
    finally:
        second.close()
    assert emulator.wait_idle()
    assert emulator.receipts() == ["job 1", "job 2", "job 3"]
    assert [e for e in emulator.elements if isinstance(e, Cut)] == [
        Cut(partial=False),
        Cut(partial=True),
        Cut(partial=True),
    ]
    assert emulator.connections == 2


def test_file_printer_output_decodes_to_the_same_transcript(emulator, tmp_path):
    p = network(emulator)
    try:
        print_job(p)
    finally:
        p.close()
    assert emulator.wait_idle()

    path = tmp_path / "printer.bin"
    file_printer = File(str(path))
    try:
        print_job(file_printer)
        file_printer._raw(RT_STATUS_PAPER + RT_STATUS_ONLINE)  # a file cannot answer: recorded
    finally:
        file_printer.close()
    from_file = EscposEmulator()
    assert from_file.decode_file(path) == emulator.transcript()
    assert from_file.status_queries == [4, 1]


def test_bytes_split_anywhere_decode_the_same(tmp_path):
    job = Dummy()
    print_job(job)
    data = job.output
    whole = EscposEmulator()
    whole.feed(data)
    bytewise = EscposEmulator()
    for k in range(len(data)):
        bytewise.feed(data[k : k + 1])
    assert bytewise.elements == whole.elements
    assert TITLE in whole.transcript()


def test_other_image_and_text_commands():
    job = Dummy()
    image = PilImage.new("1", (16, 30), 0)  # all black
    job.image(image, impl="graphics")
    job.image(image, impl="bitImageColumn")
    job.set(custom_size=True, width=3, height=2)
    job.text("WIDE\n")
    job._raw(b"\x1b!\x08" + b"bold via ESC !\n")
    job.qr("张三 522.00", native=True, ec=1)  # QR_ECLEVEL_M
    job.cashdraw(5)
    emu = EscposEmulator(width_dots=384)
    emu.feed(job.output)
    graphics, column, wide, bold, qr, drawer = emu.elements
    assert (graphics.w, graphics.h, graphics.column) == (16, 30, False)
    assert graphics.bitmap == b"\xff\xff" * 30
    # ESC * sends 24-dot bands, each ended by LF: one image, no blank lines
    assert (column.w, column.h, column.column) == (16, 48, True)
    assert column.bitmap[: 2 * 30] == b"\xff\xff" * 30
    assert column.bitmap[2 * 30 :] == b"\x00\x00" * 18
    assert (wide.line, wide.width_mult, wide.height_mult) == ("WIDE", 3, 2)
    assert (bold.line, bold.bold, bold.width_mult) == ("bold via ESC !", True, 1)
    assert (qr.data, qr.ec_level) == ("张三 522.00", "M")
    assert drawer == Drawer(pin=5)


def test_unknown_commands_are_skipped_and_listed():
    emu = EscposEmulator()
    emu.feed(b"\x1b\x99ab\n\x1d(Z\x02\x00xy" + b"cd\n\x10\x99" + b"\x1b3\x10ef\n")
    assert emu.transcript() == "ab\ncd\nef"
    assert emu.unknown == [b"\x1b\x99", b"\x1d(Z", b"\x10\x99"]


def test_plain_text_outside_chinese_mode_is_cp437_unless_the_printer_defaults_to_chinese():
    job = Dummy()
    job.text("燃气 ok\n")  # python-escpos sends CJK as GB18030 without FS &
    plain = EscposEmulator()
    plain.feed(job.output)
    assert plain.transcript() == "燃气 ok".encode("gb18030").decode("cp437")
    chinese = EscposEmulator(chinese_default=True)
    chinese.feed(job.output + b"\x1b@" + "购气\n".encode("gb18030"))
    assert chinese.transcript() == "燃气 ok\n购气"


def test_reset_output_forgets_the_paper():
    emu = EscposEmulator()
    emu.feed(b"one\n\x10\x04\x01\x1b\x99")
    emu.reset_output()
    assert (emu.transcript(), emu.elements, emu.unknown, emu.status_queries) == ("", [], [], [])
    emu.feed(b"two\n")
    assert emu.transcript() == "two"


def test_png_preview(tmp_path):
    job = Dummy()
    print_job(job)
    emu = EscposEmulator(width_dots=384)
    emu.feed(job.output)
    path = emu.render_png(tmp_path / "paper.png")

    with PilImage.open(path) as png:
        assert png.format == "PNG"
        assert png.width == 384
        assert png.height > 300
        paper = png.convert("L")
    assert paper.getpixel((0, 0)) == 255  # white background
    # the centred bold title sits in the first text line: dark dots in its middle, none at the
    # far left where a left-aligned line would start
    title_band = paper.crop((0, 8, 384, 8 + 24))
    dark = [x for x in range(384) for y in range(24) if title_band.getpixel((x, y)) < 128]
    assert dark, "the title left no ink"
    assert min(dark) > 384 // 2 - 6 * 24 // 2 - 4
    assert max(dark) < 384 // 2 + 6 * 24 // 2 + 4
    # the cut is a dashed line near the bottom
    bottom = paper.crop((0, paper.height - 40, 384, paper.height))
    assert bottom.getextrema()[0] == 0


def test_missing_font_is_named_only_when_a_preview_is_rendered(tmp_path):
    emu = EscposEmulator(font_path="/nonexistent/fonts/simsun.ttc")
    emu.feed(CHINESE_ON + TITLE.encode("gb18030") + b"\n")
    assert emu.transcript() == TITLE
    with pytest.raises(PreviewFontError, match="/nonexistent/fonts/simsun.ttc"):
        emu.render_png(tmp_path / "paper.png")


def test_the_decoder_alone_turns_bytes_into_paper_and_status():
    """No socket, no thread: bytes in, paper and status answers out."""
    job = Dummy()
    print_job(job)
    faults = PrinterFaults()
    decoder = EscposDecoder(faults=faults)
    assert decoder.feed(job.output) == b""  # nothing asked, nothing answered
    lines = transcript(decoder.elements).split("\n")
    assert lines[:4] == [TITLE, "Receipt 01-2026-000001", RARE_NAME, "TOTAL 522.00"]
    assert lines[4:7] == [f"[QR {QR_DATA}]", "[IMAGE 24x10]", "[DRAWER pin 2]"]
    assert receipts(decoder.elements) == [transcript(decoder.elements[:7])]
    assert decoder.unknown == []

    # DLE EOT 1 and 4: printer status and paper sensor, answered from the faults
    assert decoder.feed(b"\x10\x04\x01\x10\x04\x04") == bytes([0x12, 0x12])
    faults.paper_out = True
    assert decoder.feed(b"\x10\x04\x01\x10\x04\x04") == bytes([0x1A, 0x7E])
    assert decoder.status_queries == [1, 4, 1, 4]
    before = len(decoder.elements)
    assert decoder.feed(b"lost\n") == b""  # a stopped printer drops what it is sent
    assert (len(decoder.elements), decoder.discarded) == (before, 5)


def test_the_preview_font_is_the_one_app_fonts_finds(monkeypatch, tmp_path):
    """One font list for the PDFs, the printer and the preview; a raster takes CFF fonts too."""
    system = fonts.find_cjk_font()
    cff = tmp_path / "cff.ttf"
    cff.write_bytes(b"OTTO" + bytes(200))  # CFF outlines: no PDF can embed it
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", (system,))
    assert fonts.find_cjk_font() == system
    assert preview.font_file() == str(cff)
    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path / "absent")
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", (tmp_path / "absent.ttc",))
    with pytest.raises(PreviewFontError, match="absent.ttc"):
        EscposEmulator().render_image()
