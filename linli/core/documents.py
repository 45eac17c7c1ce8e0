"""Printable documents, once for every capability: QR codes (SVG, segno) and A4 PDF documents
(reportlab, the built-in STSong-Light CID font, so no font file has to ship) with the one foot
every issued paper carries — the issuer, the date, a QR code to the online original or its public
verification, its caption and the address written out.

    doc = Document(title=_("办理结果告知书"), number=app.number)
    for text in wrap(intro, 32):
        doc.line(text)
    return doc.finish(signer=centre, when=app.completed_at, url=status_url, caption=_("扫码…"))
"""

from __future__ import annotations

import io
from typing import Any

import segno
from django.utils import timezone

FONT = "STSong-Light"
LINE_CHARS = 32  # CJK characters per body line at 13 pt between the 25 mm margins


def qr_svg(data: str, *, scale: int = 4, title: str = "", css_class: str = "") -> str:
    """An inline SVG QR code (no XML declaration): a full QR code, never a Micro QR (many
    scanners cannot read those), error level M, black on white with the standard quiet zone."""
    kwargs: dict[str, Any] = {"scale": scale, "dark": "#000", "light": "#fff", "border": 4}
    if title:
        kwargs["title"] = title
    if css_class:
        kwargs["svgclass"] = css_class
    return str(segno.make_qr(data, error="m").svg_inline(**kwargs))


def wrap(text: str, width: int = LINE_CHARS, first_indent: bool = True) -> list[str]:
    """Lines of at most ``width`` characters (CJK text has no spaces to break at); paragraphs
    kept, each indented by two full-width spaces."""
    lines: list[str] = []
    for para in (text or "").splitlines() or [""]:
        para = ("\u3000\u3000" if first_indent else "") + para.strip()
        lines += [para[i:i + width] for i in range(0, len(para), width)] or [""]
    return lines


def date_cn(when: Any) -> str:
    day = timezone.localtime(when) if hasattr(when, "tzinfo") and when is not None else (when or timezone.localtime())
    return f"{day.year}年{day.month}月{day.day}日"


class Document:
    """One A4 document: a centred title, its number at the right, body lines that break onto a
    new page, and ``finish`` with the foot. Output is byte-stable for the same input
    (``invariant``), so a reprint is the same file."""

    def __init__(self, *, title: str, number: str, top_gap_mm: float = 65) -> None:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.mm = mm
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4, invariant=True, pageCompression=0)
        self.c.setTitle(f"{title} {number}")
        self.width, self.height = A4
        self.c.setFont(FONT, 22)
        self.c.drawCentredString(self.width / 2, self.height - 40 * mm, str(title))
        self.c.setFont("Helvetica", 10)
        self.c.drawRightString(self.width - 25 * mm, self.height - 50 * mm, f"No. {number}")
        self.y = self.height - top_gap_mm * mm

    def line(self, text: str, *, gap: float = 9) -> None:
        if self.y < 25 * self.mm:
            self.c.showPage()
            self.y = self.height - 30 * self.mm
        self.c.setFont(FONT, 13)
        self.c.drawString(25 * self.mm, self.y, str(text))
        self.y -= gap * self.mm

    def space(self, gap: float) -> None:
        self.y -= gap * self.mm

    def finish(self, *, signer: str, when: Any, url: str, caption: str) -> bytes:
        """The foot of the document — who issues it and when, a QR code of ``url`` with its
        caption and the address written out — on the lower part of the page (a new page when the
        body reaches it); then the document ends."""
        from reportlab.graphics import renderPDF
        from reportlab.graphics.barcode.qr import QrCodeWidget
        from reportlab.graphics.shapes import Drawing

        mm, c, width = self.mm, self.c, self.width
        if self.y < 88 * mm:
            c.showPage()
        c.setFont(FONT, 13)
        c.drawRightString(width - 25 * mm, 80 * mm, signer)
        c.drawRightString(width - 25 * mm, 71 * mm, date_cn(when))
        widget = QrCodeWidget(url)
        b = widget.getBounds()
        size = 30 * mm
        d = Drawing(size, size, transform=[size / (b[2] - b[0]), 0, 0, size / (b[3] - b[1]), 0, 0])
        d.add(widget)
        renderPDF.draw(d, c, 25 * mm, 45 * mm)
        c.setFont(FONT, 9)
        c.drawString(25 * mm, 40 * mm, str(caption))
        c.setFont("Helvetica", 9)
        c.drawString(25 * mm, 35 * mm, url)
        c.showPage()
        c.save()
        return self.buf.getvalue()
