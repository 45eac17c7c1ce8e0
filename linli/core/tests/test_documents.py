"""The kernel's printable documents: one QR code function (full QR, quiet zone, black on white)
and the A4 document with the issuer/date/QR foot that every capability's papers use."""

import datetime as dt
import re

import segno

from linli.core.documents import Document, date_cn, qr_svg, wrap


def test_the_qr_code_is_a_full_qr_with_its_quiet_zone():
    svg = qr_svg("https://linli.example/affairs/verify/ABC/", scale=4, title="核验", css_class="qr")
    assert svg.startswith("<svg") and "<?xml" not in svg and 'class="qr"' in svg and "<title>核验</title>" in svg
    qr = segno.make_qr("https://linli.example/affairs/verify/ABC/", error="m")
    assert not qr.is_micro
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert width == (qr.symbol_size(border=4)[0]) * 4  # modules plus 4 modules of quiet zone each side
    assert 'fill="#fff"' in svg or "fill:#fff" in svg  # a light background, never transparent


def test_wrap_breaks_cjk_text_and_keeps_paragraphs():
    assert wrap("一二三四五\n六七", 4) == ["\u3000\u3000一二", "三四五", "\u3000\u3000六七"]
    assert wrap("", 4) == ["\u3000\u3000"]


def test_a_document_ends_with_the_foot_and_breaks_long_bodies_onto_new_pages():
    doc = Document(title="测试文书", number="N-1")
    for n in range(80):  # more than one page of body
        doc.line(f"第{n}行")
    pdf = doc.finish(signer="猎德社区居民委员会", when=dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC),
                     url="https://linli.example/v/1/", caption="扫码核验")
    assert pdf.startswith(b"%PDF-") and b"https://linli.example/v/1/" in pdf
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 4  # 23 lines on the first page, 27 on each next, the foot below the last 3
    again = Document(title="测试文书", number="N-1")
    for n in range(80):
        again.line(f"第{n}行")
    assert again.finish(signer="猎德社区居民委员会", when=dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC),
                        url="https://linli.example/v/1/", caption="扫码核验") == pdf  # a reprint is the same file


def test_dates_are_written_the_chinese_way():
    assert date_cn(dt.date(2026, 1, 5)) == "2026年1月5日"
