"""The printable disclosure (to post on the notice board): the text of the current version, its
period, the answered objections as they show online, and the kernel's foot with a QR code to the
online page (``core.documents``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from linli.core.documents import Document, date_cn, wrap


def disclosure_pdf(d: Any, objections: list[Any], *, url: str) -> bytes:
    doc = Document(title=d.title[:24], number=f"{d.series_pk}-v{d.version}", top_gap_mm=62)
    doc.line(_("%(k)s · %(a)s") % {"k": d.kind_label, "a": d.region_name}, gap=8)
    if d.starts_on and d.ends_on:
        doc.line(_("公示期：%(s)s至%(e)s") % {"s": date_cn(d.starts_on), "e": date_cn(d.ends_on)}, gap=8)
    if d.version > 1:
        for text in wrap(_("更正(第%(v)s版)：%(n)s") % {"v": d.version, "n": d.correction_note}, 32, first_indent=False):
            doc.line(text)
    doc.space(2)
    for text in wrap(d.content, 32):
        doc.line(text)
    if d.source_label:
        doc.line(_("来源：%(s)s") % {"s": d.source_label[:28]})
    for o in objections:
        doc.space(2)
        for text in wrap(_("异议(%(w)s)：%(t)s") % {"w": o.who, "t": o.text}, 32, first_indent=False):
            doc.line(text)
        for text in wrap(_("答复(%(r)s)：%(a)s") % {"r": o.outcome, "a": o.answer}, 32, first_indent=False):
            doc.line(text)
    for text in wrap(_("在公示期内，对公示内容有异议的，可扫码或访问下列网址在线提出，也可到社区居委会当面反映。"), 32):
        doc.line(text)
    return doc.finish(signer=d.region_name, when=d.published_at, url=url, caption=_("扫码查看公示原文、更正记录和异议答复"))
