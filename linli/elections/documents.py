"""当选证书: the certificate of election of each person elected, an A4 PDF on the kernel's
``core.documents`` (title, number, the foot with the election committee, the date and a QR code
to its public verification). The verification link carries a signed token (election, voter), so
nothing is stored and nothing can be forged; the public page shows the masked name only."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.documents import Document, date_cn, wrap
from linli.core.text import fill

SALT = "linli.elections.certificate"


def certificate_number(election: Any, voter: Any) -> str:
    return f"{election.election_day:%Y}-{election.pk:05d}-{voter.number or voter.pk:05d}"


def token(election: Any, voter: Any) -> str:
    return signing.dumps([election.pk, voter.pk], salt=SALT, compress=True)


def read_token(value: str) -> tuple[int, int] | None:
    try:
        election_id, voter_id = signing.loads(str(value)[:200], salt=SALT)
        return int(election_id), int(voter_id)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def verify_path(election: Any, voter: Any) -> str:
    return reverse("elections:verify", args=[token(election, voter)])


def certificate_pdf(election: Any, voter: Any, *, name: str, post_label: str, counted_at: Any, verify_url: str) -> bytes:
    doc = Document(title=_("当选证书"), number=certificate_number(election, voter), top_gap_mm=72)
    doc.line(fill(_("%(n)s同志："), {"n": name}))
    doc.space(2)
    text = fill(_("在%(d)s举行的%(t)s中，经选民依法投票，您当选为%(c)s居民委员会%(p)s。"),
                {"d": date_cn(counted_at), "t": election.title, "c": election.community.name, "p": post_label})
    for line in wrap(text):
        doc.line(line)
    doc.line(_("    特发此证。"))
    return doc.finish(signer=fill(_("%(c)s居民委员会选举委员会"), {"c": election.community.name}), when=counted_at,
                      url=verify_url, caption=_("扫码或访问下列网址核验本证书"))
