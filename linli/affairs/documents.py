"""Printable documents: QR codes (SVG, segno) for receipts and certificates, and the certificate and
the result notice (办理结果告知书) as PDF (reportlab, the built-in STSong-Light CID font, so no font
file has to ship)."""

from __future__ import annotations

import io
from typing import Any

import segno
from django.utils import timezone
from django.utils.translation import gettext as _


def qr_svg(url: str) -> str:
    """An inline SVG QR code (no XML declaration) for an absolute URL."""
    buf = io.BytesIO()
    segno.make_qr(url, error="m").save(buf, kind="svg", scale=4, xmldecl=False, svgns=True, nl=False)
    return buf.getvalue().decode()


def certificate_pdf(cert: Any, verify_url: str) -> bytes:
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
    _sign_and_close(c, width, signer=cert.issuer_name, when=cert.issued_at, url=verify_url,
                    caption=f"核验码 {cert.verify_code}：扫码或访问下列网址核验真伪")
    return buf.getvalue()


def _sign_and_close(c: Any, width: float, *, signer: str, when: Any, url: str, caption: str) -> None:
    """The foot of a document: who issues it and when, a QR code of ``url`` with its caption and
    the address written out; then the page and the document end."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.units import mm

    c.setFont("STSong-Light", 13)
    c.drawRightString(width - 25 * mm, 80 * mm, signer)
    day = timezone.localtime(when) if when else timezone.localtime()
    c.drawRightString(width - 25 * mm, 71 * mm, f"{day.year}年{day.month}月{day.day}日")
    widget = QrCodeWidget(url)
    b = widget.getBounds()
    size = 30 * mm
    d = Drawing(size, size, transform=[size / (b[2] - b[0]), 0, 0, size / (b[3] - b[1]), 0, 0])
    d.add(widget)
    renderPDF.draw(d, c, 25 * mm, 45 * mm)
    c.setFont("STSong-Light", 9)
    c.drawString(25 * mm, 40 * mm, caption)
    c.setFont("Helvetica", 9)
    c.drawString(25 * mm, 35 * mm, url)
    c.showPage()
    c.save()


def _wrap(text: str, width: int, first_indent: bool = True) -> list[str]:
    """Lines of at most ``width`` characters (CJK text has no spaces to break at); paragraphs
    kept, each indented by two full-width spaces."""
    lines: list[str] = []
    for para in (text or "").splitlines() or [""]:
        para = ("\u3000\u3000" if first_indent else "") + para.strip()
        lines += [para[i:i + width] for i in range(0, len(para), width)] or [""]
    return lines


def result_notice_pdf(app: Any, status_url: str) -> bytes:
    """办理结果告知书: the decision on a completed matter, printable, with a QR code to its status
    page. Every completed matter has one, whether or not the window uploaded a result document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title = _("办理结果告知书")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=True, pageCompression=0)
    c.setTitle(f"{title} {app.number}")
    width, height = A4
    c.setFont("STSong-Light", 22)
    c.drawCentredString(width / 2, height - 40 * mm, title)
    c.setFont("Helvetica", 10)
    c.drawRightString(width - 25 * mm, height - 50 * mm, f"No. {app.number}")
    y = height - 65 * mm

    def line(text: str, *, gap: float = 9) -> None:
        nonlocal y
        if y < 25 * mm:
            c.showPage()
            y = height - 30 * mm
        c.setFont("STSong-Light", 13)
        c.drawString(25 * mm, y, text)
        y -= gap * mm

    accepted = app.accepted_on
    centre = app.centre.name if app.centre_id else ""
    line(_("%(n)s(身份证号 %(id)s)：") % {"n": app.applicant_name, "id": app.masked_id_number or "—"})
    intro = _("您于%(d)s在%(c)s申请的“%(i)s”(受理编号 %(no)s)，经审核，决定如下：") % {
        "d": f"{accepted.year}年{accepted.month}月{accepted.day}日" if accepted else "", "c": centre or _("社区窗口"),
        "i": app.item_name, "no": app.number}
    for text in _wrap(intro, 32):
        line(text)
    line(_("办理结果：%(o)s") % {"o": app.get_outcome_display()}, gap=10)
    for i, text in enumerate(_wrap(_("结果说明：%(t)s") % {"t": app.outcome_note}, 32, first_indent=False)):
        line(text if i == 0 else "\u3000\u3000" + text)
    if app.outcome == "denied":
        for text in _wrap(_("如对本结果有异议，可自收到本告知书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"), 32):
            line(text)
    if app.result_file:
        for text in _wrap(_("另附结果文书一份，可在“我的办件”中查看下载。"), 32):
            line(text)
    line(_("特此告知。"), gap=12)
    if y < 88 * mm:  # the signature and the QR code need the lower part of a page
        c.showPage()
    _sign_and_close(c, width, signer=centre, when=app.completed_at, url=status_url, caption=_("扫码或访问下列网址查询办理进度"))
    return buf.getvalue()
