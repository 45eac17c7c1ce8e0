"""The affairs papers: the certificate and the result notice (办理结果告知书), built on the
kernel's ``core.documents`` (A4, CJK font, the issuer/date/QR foot)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from linli.core.documents import Document, qr_svg, wrap

__all__ = ["certificate_pdf", "qr_svg", "result_notice_pdf"]


def certificate_pdf(cert: Any, verify_url: str) -> bytes:
    doc = Document(title=cert.kind.name, number=cert.serial, top_gap_mm=70)
    text, chars_per_line = cert.body, 34
    for i in range(0, len(text), chars_per_line):
        doc.line(("    " if i == 0 else "") + text[i:i + chars_per_line])
    doc.space(6)
    doc.line(f"用途：{cert.purpose}")
    doc.line("特此证明。")
    return doc.finish(signer=cert.issuer_name, when=cert.issued_at, url=verify_url,
                      caption=f"核验码 {cert.verify_code}：扫码或访问下列网址核验真伪")


def result_notice_pdf(app: Any, status_url: str) -> bytes:
    """办理结果告知书: the decision on a completed matter, printable, with a QR code to its status
    page. Every completed matter has one, whether or not the window uploaded a result document."""
    doc = Document(title=_("办理结果告知书"), number=app.number)
    accepted = app.accepted_on
    centre = app.centre.name if app.centre_id else ""
    doc.line(_("%(n)s(身份证号 %(id)s)：") % {"n": app.applicant_name, "id": app.masked_id_number or "—"})
    intro = _("您于%(d)s在%(c)s申请的“%(i)s”(受理编号 %(no)s)，经审核，决定如下：") % {
        "d": f"{accepted.year}年{accepted.month}月{accepted.day}日" if accepted else "", "c": centre or _("社区窗口"),
        "i": app.item_name, "no": app.number}
    for text in wrap(intro, 32):
        doc.line(text)
    doc.line(_("办理结果：%(o)s") % {"o": app.get_outcome_display()}, gap=10)
    for i, text in enumerate(wrap(_("结果说明：%(t)s") % {"t": app.outcome_note}, 32, first_indent=False)):
        doc.line(text if i == 0 else "\u3000\u3000" + text)
    if app.outcome == "denied":
        for text in wrap(_("如对本结果有异议，可自收到本告知书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"), 32):
            doc.line(text)
    if app.result_file:
        for text in wrap(_("另附结果文书一份，可在“我的办件”中查看下载。"), 32):
            doc.line(text)
    doc.line(_("特此告知。"), gap=12)
    return doc.finish(signer=centre, when=app.completed_at, url=status_url, caption=_("扫码或访问下列网址查询办理进度"))
