"""Writes of public disclosure: publish, correct (a new version, the period starts again),
withdraw, close (by hand after the period, or by the sweep), lodge an objection and answer it.
Keyword-only, ``actor`` first, each in one transaction; every step moves through the lifecycles
of ``states`` and is audited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.roles import Role
from linli.accounts.selectors import holders_at, holders_by_path
from linli.core import idcard, ratelimit, supervision
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.images import clean_document
from linli.core.models import SensitiveAccess
from linli.core.reasons import clean_reason, meaningful
from linli.core.services import record_audit, record_sensitive_access
from linli.core.text import clean_text, fill
from linli.messaging.services import send, send_many

from . import kinds
from .errors import Code
from .models import Attachment, Disclosure, Objection
from .rules import lives_in, period_runs
from .states import (
    LIFECYCLE,
    OBJECTION_LIFECYCLE,
    Action,
    ObjectionAction,
    ObjectionStatus,
    Outcome,
    Result,
    Status,
)

TITLE_MAX = 120
CONTENT_MAX = 20000
OBJECTION_MAX = 2000
ANSWER_MAX = 2000
MAX_ATTACHMENTS = 10
ESCALATE_AFTER = {1: 0, 2: 2}  # working days past the answer limit: community (1), street (2) (core.supervision)

# A number is personal only when it stands alone: digits inside a longer run of letters and digits
# (a hex digest, a receipt code, a file name) are not an ID or a phone number.
ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
PHONE_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def require(actor: Any, perm: str, obj: Any) -> None:
    if actor is None or not actor.has_perm(perm, obj):
        raise PermissionDenied("forbidden", _("无权执行此操作"))


def no_personal_numbers(text: str, *, field: str) -> str:
    """Text shown publicly may carry no ID number and no mobile number."""
    if ID_IN_TEXT.search(text) or PHONE_IN_TEXT.search(text):
        raise DomainError(Code.PERSONAL_DATA, _("公开内容中不能包含身份证号或手机号，请删除后再提交"), field=field)
    return text


def _kind(code: str) -> kinds.Kind:
    found = kinds.find((code or "").strip())
    if found is None:
        raise DomainError(Code.UNKNOWN_KIND, _("公示类别不存在"), field="kind", choices=[k.code for k in kinds.all_kinds()])
    return found


def _clean_body(title: str, content: str) -> tuple[str, str]:
    title = clean_text(title, collapse=True)
    content = clean_text(content, multiline=True)
    if not title:
        raise DomainError("invalid", _("请填写标题"), field="title")
    if len(title) > TITLE_MAX:
        raise DomainError("invalid", _("标题最多120字"), field="title")
    if len(meaningful(content)) < 4:
        raise DomainError("invalid", _("请填写公示内容"), field="content")
    if len(content) > CONTENT_MAX:
        raise DomainError("invalid", _("公示内容最多20000字"), field="content")
    return no_personal_numbers(title, field="title"), no_personal_numbers(content, field="content")


def _source(source: Any, label: str, url: str) -> dict[str, Any]:
    label = clean_text(label, collapse=True, limit=120)
    url = clean_text(url, limit=300)
    if url and not (url.startswith("/") and not url.startswith("//")):
        raise DomainError("invalid", _("来源链接须为本站地址"), field="source_url")
    out: dict[str, Any] = {"source_label": label or (str(source)[:120] if source is not None else ""), "source_url": url}
    if source is not None:
        out |= {"source_type": ContentType.objects.get_for_model(source), "source_id": str(source.pk)}
    return out


def _attach(d: Disclosure, files: list[tuple[str, bytes]]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError("invalid", _("附件最多10个"), field="files")
    for name, data in files:
        cleaned, ext, content_type = clean_document(data, field="files")
        base = clean_text(name, collapse=True, limit=100).rsplit(".", 1)[0] or _("附件")
        att = Attachment(disclosure=d, name=f"{base}.{ext}", content_type=content_type, size=len(cleaned))
        att.file.save(f"d{d.pk}.{ext}", ContentFile(cleaned), save=False)
        att.save()


def _open_period(d: Disclosure, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    d.starts_on = today
    d.ends_on = _kind(d.kind).ends_on(today)
    d.published_at = now


@transaction.atomic
def publish(*, actor: Any, kind: str, region: Any, title: str, content: str, files: list[tuple[str, bytes]] | None = None,
            source: Any = None, source_label: str = "", source_url: str = "", draft: bool = False,
            now: dt.datetime | None = None) -> Disclosure:
    """Publish a disclosure to ``region`` (a region node: community, street, district …): its
    period starts today and ends ``kind.days`` (working) days later. ``draft`` keeps it unpublished."""
    found = _kind(kind)
    if region is None or not getattr(region, "path", ""):
        raise DomainError("invalid", _("请选择公示范围"), field="region")
    title, content = _clean_body(title, content)
    d = Disclosure(kind=found.code, region_path=region.path, region_name=getattr(region, "full_name", "") or region.name,
                   title=title, content=content, publisher=actor if getattr(actor, "pk", None) else None,
                   **_source(source, source_label, source_url))
    require(actor, "disclosures.manage", d)
    d.save()
    _attach(d, files or [])
    record_audit(actor=actor, action="disclosure.create", target=d, region_path=d.region_path, changes={"kind": d.kind})
    if not draft:
        _publish(actor=actor, d=d, now=now or timezone.now())
    return d


def _publish(*, actor: Any, d: Disclosure, now: dt.datetime) -> None:
    LIFECYCLE.apply(d, Action.PUBLISH, actor=actor, lock=False)
    _open_period(d, now)
    d.save()


@transaction.atomic
def publish_draft(*, actor: Any, disclosure: Disclosure, now: dt.datetime | None = None) -> Disclosure:
    require(actor, "disclosures.manage", disclosure)
    LIFECYCLE.apply(disclosure, Action.PUBLISH, actor=actor)
    _open_period(disclosure, now or timezone.now())
    disclosure.save()
    return disclosure


@transaction.atomic
def correct(*, actor: Any, disclosure: Disclosure, title: str, content: str, note: str,
            files: list[tuple[str, bytes]] | None = None, keep_files: bool = True, now: dt.datetime | None = None) -> Disclosure:
    """更正: a new version with the corrected text, its period starting again today; the old one
    is kept, superseded, with its objections and answers."""
    require(actor, "disclosures.manage", disclosure)
    note = clean_text(note, collapse=True)
    if len(meaningful(note)) < 2:
        raise DomainError("reason_required", _("请说明更正内容或原因"), field="note")
    if len(note) > 200:
        raise DomainError("invalid", _("更正说明最多200字"), field="note")
    title, content = _clean_body(title, content)
    LIFECYCLE.apply(disclosure, Action.CORRECT, actor=actor, note=note)
    disclosure.save()
    new = Disclosure(kind=disclosure.kind, region_path=disclosure.region_path, region_name=disclosure.region_name,
                     title=title, content=content, series_id=disclosure.series_pk, version=disclosure.version + 1,
                     correction_note=note, publisher=actor if getattr(actor, "pk", None) else None,
                     source_type_id=disclosure.source_type_id, source_id=disclosure.source_id,
                     source_label=disclosure.source_label, source_url=disclosure.source_url, status=Status.DRAFT)
    new.save()
    if keep_files:
        for att in disclosure.attachments.all():
            Attachment.objects.create(disclosure=new, name=att.name, file=att.file.name, content_type=att.content_type,
                                      size=att.size)
    _attach(new, files or [])
    _publish(actor=actor, d=new, now=now or timezone.now())
    return new


@transaction.atomic
def withdraw(*, actor: Any, disclosure: Disclosure, reason: str) -> Disclosure:
    require(actor, "disclosures.manage", disclosure)
    reason = clean_text(reason, collapse=True)
    if len(meaningful(reason)) < 4:
        raise DomainError("reason_required", _("请具体说明撤回理由(至少4个字)"), field="reason")
    if len(reason) > 200:
        raise DomainError("invalid", _("撤回理由最多200字"), field="reason")
    LIFECYCLE.apply(disclosure, Action.WITHDRAW, actor=actor, note=reason)
    disclosure.withdraw_reason = reason
    disclosure.save()
    return disclosure


def _result(d: Disclosure) -> str:
    states = list(d.objections.values_list("status", "outcome"))
    if not states:
        return Result.NO_OBJECTION
    if any(s == ObjectionStatus.LODGED for s, _o in states):
        return Result.PENDING
    if any(o in (Outcome.UPHELD, Outcome.PARTLY) for _s, o in states):
        return Result.UPHELD
    return Result.REJECTED


@transaction.atomic
def close(*, actor: Any, disclosure: Disclosure, now: dt.datetime | None = None) -> Disclosure:
    """结束公示 by hand once its period is over (the sweep does the same for every such row)."""
    require(actor, "disclosures.manage", disclosure)
    now = now or timezone.now()
    if disclosure.ends_on is None or disclosure.ends_on >= timezone.localdate(now):
        raise Conflict(Code.PERIOD_RUNNING, _("公示期尚未结束，不能结束公示"))
    _close(actor=actor, d=disclosure, now=now, lock=True)
    return disclosure


def _close(*, actor: Any, d: Disclosure, now: dt.datetime, lock: bool) -> None:
    LIFECYCLE.apply(d, Action.CLOSE, actor=actor, lock=lock)
    d.result = _result(d)
    d.closed_at = now
    d.save()


def close_due(now: dt.datetime | None = None) -> int:
    """Close every open disclosure whose period has ended: each row taken again under
    ``select_for_update(skip_locked=True)`` and checked again (still open, still past its end)
    in its own transaction, so two sweeps, or a sweep and a correction, never close twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done = 0
    for pk in list(Disclosure.objects.filter(status=Status.OPEN, ends_on__lt=today).values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            d = (Disclosure.objects.select_for_update(skip_locked=True)
                 .filter(pk=pk, status=Status.OPEN, ends_on__lt=today).first())
            if d is None:
                continue
            _close(actor=None, d=d, now=now, lock=False)
            done += 1
    return done


# ---------------------------------------------------------------- objections

def _staff_of(path: str) -> list[Any]:
    """Who answers objections at ``path``: its caseworkers and admins (a street's or district's
    admins for what they publish)."""
    return holders_at((Role.CASEWORKER, Role.COMMUNITY_ADMIN, Role.STREET_ADMIN, Role.DISTRICT_ADMIN), path)


def _rate_key(actor: Any, ip: str) -> Any:
    if getattr(actor, "pk", None) is not None:
        return actor

    class Anonymous:  # a signed-out objector to a public kind: counted by address
        pk = f"ip:{ip or '-'}"

    return Anonymous()


@transaction.atomic
def lodge_objection(*, actor: Any, disclosure: Disclosure, text: str, name: str = "", phone: str = "",
                    id_number: str = "", ip: str = "", now: dt.datetime | None = None) -> Objection:
    """异议 during the period, by a resident of the area (anyone for a public kind). The contact
    details are kept encrypted for the staff who answer; they never show publicly."""
    now = now or timezone.now()
    found = _kind(disclosure.kind)
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is None and not found.public:
        raise PermissionDenied(Code.NOT_OF_AREA, _("请先登录：只有本区域居民可以对该公示提出异议"), status=403)
    d = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
    if not period_runs(d, timezone.localdate(now)):
        raise Conflict(Code.NOT_IN_PERIOD, _("不在公示期内，不能提出异议"))
    if not found.public and not lives_in(user, d.region_path):
        raise PermissionDenied(Code.NOT_OF_AREA, _("只有本区域居民可以对该公示提出异议"), status=403)
    if user is not None and user.has_perm("disclosures.manage", d):
        raise PermissionDenied("forbidden", _("工作人员不能对本区域的公示提出异议"))
    text = clean_text(text, multiline=True)
    if len(meaningful(text)) < 4:
        raise DomainError("invalid", _("请具体说明异议内容(至少4个字)"), field="text")
    if len(text) > OBJECTION_MAX:
        raise DomainError("invalid", _("异议内容最多2000字"), field="text")
    no_personal_numbers(text, field="text")
    name = clean_text(name, collapse=True, limit=40)
    phone = clean_text(phone, collapse=True).replace(" ", "").replace("-", "")
    if phone and not re.fullmatch(r"1[3-9]\d{9}|0\d{9,11}", phone):
        raise DomainError("invalid", _("联系电话格式不正确"), field="phone")
    id_number = idcard.normalize(clean_text(id_number))
    if id_number:
        try:
            idcard.parse(id_number)
        except idcard.IdNumberError as exc:
            raise DomainError("invalid", _("身份证号不正确"), field="id_number") from exc
    if user is None and not phone:
        raise DomainError("invalid", _("请留下联系电话，以便答复"), field="phone")
    if user is not None:
        name = name or getattr(getattr(user, "resident", None), "name", "") or user.display_name
        phone = phone or getattr(user, "phone", "") or ""
    ratelimit.hit("objection", _rate_key(user, ip))
    obj = Objection.objects.create(disclosure=d, region_path=d.region_path, text=text, objector=user, contact_name=name,
                                   contact_phone=phone, contact_id_number=id_number,
                                   due_on=found.answer_due(timezone.localdate(now)))
    record_audit(actor=user, action="objection.lodge", target=obj, region_path=obj.region_path, label=d.title)
    link = reverse("disclosures:staff_detail", args=[d.pk])
    staff = _staff_of(d.region_path)
    message = fill(_("公示“%(t)s”收到一条异议，请在 %(due)s 前答复"), {"t": d.title, "due": obj.due_on.isoformat()})
    transaction.on_commit(lambda: send(staff, "disclosures.objection", text=message, target=obj, link=link))
    return obj


@transaction.atomic
def answer_objection(*, actor: Any, objection: Objection, answer: str, outcome: str,
                     now: dt.datetime | None = None) -> Objection:
    """答复: staff of the area answer once (the row is locked: a second answer is refused); the
    answer shows with the disclosure and the objector is told."""
    require(actor, "disclosures.answer", objection)
    if outcome not in Outcome.values:
        raise DomainError("invalid", _("请选择核实结果"), field="outcome", choices=list(Outcome.values))
    answer = clean_text(answer, multiline=True)
    if len(meaningful(answer)) < 4:
        raise DomainError("invalid", _("请填写答复内容(至少4个字)"), field="answer")
    if len(answer) > ANSWER_MAX:
        raise DomainError("invalid", _("答复最多2000字"), field="answer")
    no_personal_numbers(answer, field="answer")
    OBJECTION_LIFECYCLE.apply(objection, ObjectionAction.ANSWER, actor=actor, changes={"outcome": outcome})
    objection.answer, objection.outcome = answer, outcome
    objection.answered_by, objection.answered_at = actor, now or timezone.now()
    objection.save()
    d = objection.disclosure
    if d.status == Status.CLOSED:  # a late answer: the result of the closed period follows it
        Disclosure.objects.filter(pk=d.pk).update(result=_result(d))
    if objection.objector_id is not None:
        message = fill(_("您对公示“%(t)s”提出的异议已答复：%(o)s"), {"t": d.title, "o": objection.get_outcome_display()})
        link = reverse("disclosures:detail", args=[d.series_pk])
        who = objection.objector
        transaction.on_commit(lambda: send([who], "disclosures.answer", text=message, target=objection, link=link))
    return objection


@transaction.atomic
def reveal_contact(*, actor: Any, objection: Objection, reason: str, purpose: str = "") -> dict[str, str]:
    """The objector's whole contact (name, phone, ID number) for staff who may answer objections
    of the disclosure's area, with the reason (a listed purpose and a real description,
    ``core.reasons``) written to the sensitive-access log."""
    require(actor, "disclosures.reveal_contact", objection)
    reason = clean_reason(purpose, reason)
    record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.REVEAL, target=objection,
                            fields=["contact_name", "contact_phone", "contact_id_number"], reason=reason,
                            region_path=objection.region_path,
                            label=fill(_("公示“%(t)s”的异议 #%(n)s"), {"t": objection.disclosure.title, "n": objection.pk}))
    return {"name": objection.contact_name or "", "phone": objection.contact_phone or "",
            "id_number": objection.contact_id_number or ""}


def objection_for_answer(actor: Any, pk: int) -> Objection:
    obj = Objection.objects.select_related("disclosure").filter(pk=pk).first()
    if obj is None or not actor.has_perm("disclosures.answer", obj):
        raise NotFound("not_found", _("记录不存在"))
    return obj


# ---------------------------------------------------------------- the supervision clock

def clock_told(items: list[Objection], level: int) -> dict[int, list[Any]]:
    """Who the clock tells of an objection near or past its answer limit: the staff of the area
    (warning), the community's admins (1), the street's admins (2)."""
    if level == 0:
        return {o.pk: _staff_of(o.region_path) for o in items}
    role = Role.COMMUNITY_ADMIN if level <= 1 else Role.STREET_ADMIN
    office = holders_by_path((role,), {supervision.office_path(o.region_path, level) for o in items})
    return {o.pk: office.get(supervision.office_path(o.region_path, level), []) for o in items}


def clock_notify(pairs: list[tuple[Objection, list[Any]]], *, kind: str, level: int, actor: Any = None,
                 note: str = "") -> None:
    def text(o: Objection) -> str:
        if kind == "urge":
            who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
            return fill(_("%(who)s督办公示异议答复：%(t)s"), {"who": who, "t": note})
        if kind == "warn":
            return fill(_("公示异议将于 %(d)s 到达答复期限，请抓紧答复"), {"d": o.due_on.isoformat()})
        return fill(_("公示异议已超过答复期限，%(l)s"), {"l": supervision.level_name(level)})

    send_many("disclosures.supervision", [(u, message, o, reverse("disclosures:staff_detail", args=[o.disclosure_id]))
                                          for o, users in pairs if users for message in [text(o)] for u in users])


def clock_handlers(o: Objection) -> list[Any]:
    return _staff_of(o.region_path)
