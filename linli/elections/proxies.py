"""委托投票 and the counting staff of a residents' committee election.

- ``record_proxy``: the committee records a written authorisation (书面委托书, uploaded): a voter
  asks a near relative (近亲属) who has a vote of his own to vote for him; at most
  ``Election.proxy_max`` principals per holder (the default 3); a holder does not pass a vote on
  and a principal holds no one else's; a voter who voted in the round under way cannot delegate.
  ``revoke_proxy`` (the principal or the committee, with a reason) until voting opens.
- ``publish_proxies``: the list of proxies disclosed to the community (``elections.proxies``:
  voter numbers, masked names, the relation); a change after it is published again as a
  correction, and voting does not open while the published list is out of date
  (``proxies_unpublished``).
- ``add_staff`` / ``remove_staff``: monitors, callers and counters (监票人、唱票人、计票人)
  recorded before the count; a candidate, a member of a candidate's household and a proxy
  relative of a candidate are refused (``candidate_counts``). The count needs one monitor and one
  counter (``no_counting_staff``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.images import named_document
from linli.core.masking import mask_name
from linli.core.models import SensitiveAccess
from linli.core.reasons import meaningful
from linli.core.services import record_audit, record_sensitive_access
from linli.core.text import clean_text, fill
from linli.disclosures import selectors as disclosure_selectors
from linli.disclosures import services as disclosures
from linli.regions import selectors as regions

from .errors import Code
from .models import (
    Candidate,
    CountingRole,
    CountingStaff,
    Election,
    NearRelation,
    Participation,
    Proxy,
    Round,
    RoundKind,
    RoundStatus,
    Voter,
)
from .services import _lock, require
from .states import Status

OPEN_FOR_PROXIES = (Status.VOTERS_PUBLISHED, Status.CANDIDATES_PUBLISHED, Status.FURTHER)


def _reason(value: Any) -> str:
    reason = clean_text(value, collapse=True, limit=300)
    if len(meaningful(reason)) < 2:
        raise DomainError("reason_required", _("请填写理由"), field="reason")
    return reason


def _voter_by_number(election: Election, number: Any, *, field: str) -> Voter:
    try:
        no = int(str(number).strip())
    except (TypeError, ValueError):
        raise DomainError("invalid", _("请填写选民证号"), field=field) from None
    voter = Voter.objects.filter(election=election, number=no, votes=True).first() if 0 < no < 10**8 else None
    if voter is None:
        raise DomainError(Code.NOT_ON_LIST, fill(_("选民证号%(n)s不在选民名单上"), {"n": no}), field=field, number=no)
    return voter


def standing(election: Election) -> QuerySet[Proxy]:
    return Proxy.objects.filter(election=election, revoked_at__isnull=True)


def proxies_out_of_date(election: Election) -> bool:
    """A proxy recorded or revoked after the list was last published (or never published)."""
    changed = Proxy.objects.filter(election=election)
    if election.proxies_published_at is None:
        return changed.filter(revoked_at__isnull=True).exists()
    return changed.filter(Q(created_at__gt=election.proxies_published_at) | Q(revoked_at__gt=election.proxies_published_at)).exists()


@transaction.atomic
def record_proxy(*, actor: Any, election: Election, principal_number: Any, holder_number: Any, relation: Any,
                 document_name: str, document: bytes) -> Proxy:
    """登记委托投票, from the written authorisation the principal signed."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status not in OPEN_FOR_PROXIES:
        raise Conflict(Code.PROXY_LOCKED, _("委托投票在选民名单公布后、投票开始前登记"), current_status=election.status)
    principal = _voter_by_number(election, principal_number, field="principal_number")
    holder = _voter_by_number(election, holder_number, field="holder_number")
    if principal.pk == holder.pk:
        raise DomainError("invalid", _("不能委托给自己"), field="holder_number")
    if relation not in NearRelation.values:
        raise DomainError("invalid", _("受委托人须是委托人的近亲属(配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女)"),
                          field="relation")
    rnd = Round.objects.filter(election=election).order_by("-no").first()
    if rnd is not None and Participation.objects.filter(round=rnd, voter=principal).exists():
        raise Conflict(Code.ALREADY_VOTED, _("该选民本轮已投票，不能再委托"))
    live = standing(election)
    if live.filter(principal=principal).exists():
        raise Conflict(Code.PROXY_EXISTS, _("该选民已有有效委托，请先撤销"))
    if live.filter(principal=holder).exists() or live.filter(holder=principal).exists():
        raise Conflict(Code.PROXY_CHAIN, _("已委托他人投票的选民不能再接受委托，接受委托的选民也不能再委托他人"))
    held = live.filter(holder=holder).count()
    if held >= election.proxy_max:
        raise Conflict(Code.PROXY_LIMIT, fill(_("每名选民接受委托不得超过%(n)s人"), {"n": election.proxy_max}), limit=election.proxy_max)
    name, data = named_document(document_name, document, field="document")
    proxy = Proxy(election=election, principal=principal, holder=holder, relation=relation, recorded_by=actor)
    proxy.document.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            proxy.save()
    except IntegrityError:
        raise Conflict(Code.PROXY_EXISTS, _("该选民已有有效委托，请先撤销")) from None
    record_audit(actor=actor, action="election.proxy", target=election, region_path=election.region_path,
                 changes={"principal": principal.number, "holder": holder.number, "relation": relation})
    return proxy


@transaction.atomic
def revoke_proxy(*, actor: Any, election: Election, proxy_id: Any, reason: str, now: dt.datetime | None = None) -> Proxy:
    """撤销委托: the principal himself or the committee, until voting opens (the election's row
    is locked, so an opening waits for it)."""
    election = _lock(election)
    proxy = Proxy.objects.select_for_update().select_related("principal").filter(election=election, pk=proxy_id).first()
    if proxy is None:
        raise NotFound("not_found", _("委托不存在"))
    own = getattr(actor, "resident_id", None) and actor.resident_id == proxy.principal.resident_id
    if not own:
        require(actor, "elections.manage", election)
    if proxy.revoked_at is not None:
        raise Conflict("illegal_transition", _("该委托已撤销"))
    if election.status not in OPEN_FOR_PROXIES:
        raise Conflict(Code.PROXY_LOCKED, _("投票开始后不能撤销委托"))
    proxy.revoked_at, proxy.revoke_reason = now or timezone.now(), _reason(reason)
    proxy.save(update_fields=["revoked_at", "revoke_reason"])
    record_audit(actor=actor, action="election.proxy_revoke", target=election, region_path=election.region_path,
                 changes={"principal": proxy.principal.number, "reason": proxy.revoke_reason})
    return proxy


def proxy_lines(election: Election) -> list[dict[str, Any]]:
    """The standing proxies as the published list shows them: numbers, masked names, relation."""
    rows = list(standing(election).select_related("principal", "holder").order_by("principal__number"))
    labels = regions.resident_labels([p.principal.resident_id for p in rows] + [p.holder.resident_id for p in rows])
    return [{"proxy": p, "principal_number": p.principal.number, "holder_number": p.holder.number,
             "principal": labels.get(p.principal.resident_id, ("", "", ""))[1], "holder": labels.get(p.holder.resident_id, ("", "", ""))[1],
             "relation": NearRelation(p.relation).label} for p in rows]


@transaction.atomic
def publish_proxies(*, actor: Any, election: Election, now: dt.datetime | None = None) -> Election:
    """公布委托投票名单 to the community; published again (a correction) after any change."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status not in OPEN_FOR_PROXIES:
        raise Conflict(Code.PROXY_LOCKED, _("委托投票名单在投票开始前公布"), current_status=election.status)
    now = now or timezone.now()
    lines = proxy_lines(election)
    body = "\n".join(fill(_("选民证号%(a)s %(p)s 委托其%(r)s 选民证号%(b)s %(h)s"),
                          {"a": x["principal_number"], "p": x["principal"], "r": x["relation"], "b": x["holder_number"], "h": x["holder"]})
                     for x in lines) or _("本次选举没有委托投票。")
    content = fill(_("%(t)s委托投票名单如下(共%(n)s人)。委托须有书面委托书，受委托人须是委托人有选举权的近亲属，每人接受委托不超过%(m)s人。"
                     "对名单有异议的，请在投票前向选举委员会提出。"), {"t": election.title, "n": len(lines), "m": election.proxy_max})
    title = fill(_("%(t)s委托投票名单公布"), {"t": election.title})[:120]
    content = content + "\n" + body
    current = disclosure_selectors.versions(election.proxy_disclosure_id)[:1] if election.proxy_disclosure_id else []
    if current:
        disclosures.correct(actor=actor, disclosure=current[0], title=title, content=content,
                            note=fill(_("委托投票名单更新(现%(n)s人)"), {"n": len(lines)}), keep_files=False, now=now)
    else:
        d = disclosures.publish(actor=actor, kind="elections.proxies", region=election.community, title=title, content=content,
                                source=election, source_label=election.title,
                                source_url=reverse("elections:proxies", args=[election.pk]), now=now)
        election.proxy_disclosure_id = d.pk
    election.proxies_published_at = now
    election.save(update_fields=["proxy_disclosure_id", "proxies_published_at", "updated_at"])
    record_audit(actor=actor, action="election.publish_proxies", target=election, region_path=election.region_path,
                 changes={"proxies": len(lines)})
    return election


def held_by(actor: Any, election: Election) -> list[Proxy]:
    """The standing proxies the signed-in voter holds (he votes for each principal)."""
    rid = getattr(actor, "resident_id", None) if getattr(actor, "is_authenticated", False) else None
    if not rid:
        return []
    return list(standing(election).filter(holder__resident_id=rid).select_related("principal").order_by("principal__number"))


def log_document_view(*, actor: Any, election: Election, proxy: Proxy) -> None:
    """A committee member opened a written authorisation (it bears names and signatures)."""
    require(actor, "elections.manage", election)
    record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.REVEAL, target=proxy, fields=["document"],
                            reason=_("核对书面委托书"), region_path=election.region_path,
                            label=fill(_("%(t)s · 选民证号%(n)s的委托书"), {"t": election.title, "n": proxy.principal.number}))


# ---------------------------------------------------------------- counting staff

def _candidate_relatives(election: Election) -> tuple[set[int], set[int]]:
    """(residents, households) that may not count: the candidates of every round (and the
    formal candidates), their households, and the near relatives recorded on their proxies."""
    ids = set(Candidate.objects.filter(election=election).values_list("voter_id", flat=True))
    for people in Round.objects.filter(election=election).values_list("candidates", flat=True):
        ids |= {int(v) for vs in (people or {}).values() for v in vs}
    rows = list(Voter.objects.filter(pk__in=ids).values_list("resident_id", "household_id"))
    residents = {r for r, _h in rows}
    relatives = Proxy.objects.filter(election=election, revoked_at__isnull=True).filter(Q(principal_id__in=ids) | Q(holder_id__in=ids))
    for a, b in relatives.values_list("principal__resident_id", "holder__resident_id"):
        residents |= {a, b}
    return residents, {h for _r, h in rows if h is not None}


def may_count(election: Election, *, resident_id: int | None, household_id: int | None) -> bool:
    residents, households = _candidate_relatives(election)
    return not ((resident_id and resident_id in residents) or (household_id and household_id in households))


@transaction.atomic
def add_staff(*, actor: Any, election: Election, role: Any, resident_id: Any = None, user: Any = None, chosen: str = "") -> CountingStaff:
    """Record a monitor, caller or counter: a person of the registry, or a staff account."""
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status in (Status.COUNTED, Status.CANCELLED, Status.PREPARING):
        raise Conflict("illegal_transition", _("当前阶段不能登记计票工作人员"), current_status=election.status)
    if role not in CountingRole.values:
        raise DomainError("invalid", _("请选择监票人、唱票人或计票人"), field="role")
    resident = None
    if resident_id not in (None, ""):
        try:
            resident = regions.resident_by_pk(int(resident_id))
        except (TypeError, ValueError):
            resident = None
        if resident is None or not resident.region_path.startswith(election.region_path):
            raise DomainError("invalid", _("请选择本社区登记的居民"), field="resident_id")
    elif user is None:
        raise DomainError("invalid", _("请选择人员"), field="resident_id")
    elif not (getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("elections.clerk", election)):
        raise DomainError("invalid", _("该账号不是本社区或街道的工作人员"), field="user_id")
    rid = resident.pk if resident else getattr(user, "resident_id", None)
    household = resident.household_id if resident else getattr(getattr(user, "resident", None), "household_id", None)
    if not may_count(election, resident_id=rid, household_id=household):
        raise PermissionDenied(Code.CANDIDATE_COUNTS, _("候选人及其近亲属不得担任监票、唱票、计票工作人员"))
    try:
        with transaction.atomic():
            staff = CountingStaff.objects.create(election=election, role=role, resident=resident, user=None if resident else user,
                                                 chosen=clean_text(chosen, collapse=True, limit=100), added_by=actor)
    except IntegrityError:
        raise Conflict(Code.ALREADY_MEMBER, _("该人员已登记为该分工")) from None
    record_audit(actor=actor, action="election.counting_staff", target=election, region_path=election.region_path,
                 changes={"role": role, "resident": resident.pk if resident else None, "user": None if resident else user.pk})
    return staff


@transaction.atomic
def remove_staff(*, actor: Any, election: Election, staff_id: Any) -> None:
    election = _lock(election)
    require(actor, "elections.manage", election)
    if election.status in (Status.COUNTED, Status.CANCELLED):
        raise Conflict("illegal_transition", _("选举已结束"), current_status=election.status)
    staff = CountingStaff.objects.filter(election=election, pk=staff_id).first()
    if staff is None:
        raise NotFound("not_found", _("该人员不存在"))
    recall_open = Round.objects.filter(election=election, kind=RoundKind.RECALL).exclude(status=RoundStatus.COUNTED).exists()
    if Round.objects.filter(election=election, status=RoundStatus.COUNTED).exists() and not recall_open:  # a recall's count may need others
        raise Conflict("illegal_transition", _("已计票的轮次，其计票工作人员不能删除"))
    staff.delete()
    record_audit(actor=actor, action="election.counting_staff_remove", target=election, region_path=election.region_path,
                 changes={"role": staff.role, "resident": staff.resident_id, "user": staff.user_id})


def check_staff(election: Election) -> None:
    """Before a count: a monitor and a counter recorded, and none of them a candidate (of this
    round too: a further round's candidates) or a candidate's near relative."""
    rows = list(CountingStaff.objects.filter(election=election).select_related("resident", "user__resident"))
    roles = {s.role for s in rows}
    if CountingRole.MONITOR not in roles or CountingRole.COUNTER not in roles:
        raise Conflict(Code.NO_COUNTING_STAFF, _("计票前须登记至少一名监票人和一名计票人"))
    residents, households = _candidate_relatives(election)
    for s in rows:
        person = s.resident or getattr(s.user, "resident", None)
        if person is not None and (person.pk in residents or (person.household_id and person.household_id in households)):
            raise PermissionDenied(Code.CANDIDATE_COUNTS, _("候选人及其近亲属不得担任监票、唱票、计票工作人员，请先调整计票工作人员"),
                                   staff=s.pk)


def staff_lines(election: Election) -> list[dict[str, Any]]:
    rows = list(CountingStaff.objects.filter(election=election).select_related("user"))
    labels = regions.resident_labels(s.resident_id for s in rows if s.resident_id)
    out = []
    for s in rows:
        name = labels.get(s.resident_id, ("",))[0] if s.resident_id else _account_name(s.user)
        out.append({"staff": s, "role": CountingRole(s.role).label, "name": name, "masked": mask_name(name)})
    return out


def _account_name(user: Any) -> str:
    return str(getattr(user, "display_name", "") or getattr(user, "username", ""))
