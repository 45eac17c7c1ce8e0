"""Printable documents: QR codes (SVG, segno) for receipts and certificates, and the certificate as
PDF (reportlab, the built-in STSong-Light CID font, so no font file has to ship)."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.utils import timezone


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no XML declaration) for an absolute URL."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=4, xmldecl=False, svgns=True, nl=False)
    return buf.getvalue().decode()


def certificate_pdf(cert: Any, verify_url: str) -> bytes:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True, pageCompression=0)
    c.setTitle(f"{cert.kind.name} {cert.serial}")
    width, height = A4
    c.setFont("STSong-Light", 22)
    c.drawCentredString(width / 2, height - 40 * mm, cert.kind.name)
    c.setFont("Helvetica", 10)
    c.drawRightString(width - 25 * mm, height - 50 * mm, f"No. {cert.serial}")
    c.setFont("STSong-Light", 13)
    y = height - 70 * mm
    line: list[str] = []
    text = cert.body
    chars_per_line = 34
    for i in range(0, len(text), chars_per_line):
        c.drawString(25 * mm, y, ("    " if i == 0 else "") + text[i:i + chars_per_line])
        y -= 9 * mm
    del line
    c.drawString(25 * mm, y - 6 * mm, f"用途：{cert.purpose}")
    c.drawString(25 * mm, y - 15 * mm, "特此证明。")
    c.drawRightString(width - 25 * mm, 80 * mm, cert.issuer_name)
    issued = timezone.localtime(cert.issued_at) if cert.issued_at else timezone.localtime()
    c.drawRightString(width - 25 * mm, 71 * mm, f"{issued.year}年{issued.month}月{issued.day}日")
    widget = QrCodeWidget(verify_url)
    b = widget.getBounds()
    size = 30 * mm
    d = Drawing(size, size, transform=[size / (b[2] - b[0]), 0, 0, size / (b[3] - b[1]), 0, 0])
    d.add(widget)
    renderPDF.draw(d, c, 25 * mm, 45 * mm)
    c.setFont("STSong-Light", 9)
    c.drawString(25 * mm, 40 * mm, f"核验码 {cert.verify_code}：扫码或访问下列网址核验真伪")
    c.setFont("Helvetica", 9)
    c.drawString(25 * mm, 35 * mm, verify_url)
    c.showPage()
    c.save()
    return buf.getvalue()
