"""Business rules of the one-window services: filing, acceptance, one-time correction notices
with the clock stopped, forwarding, completion, rating with rectification, supervision of
overdue matters, and community certificates. Writes only here; the API and pages call these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.roles import ADMIN_ROLES, Role
from linli.accounts.selectors import has_role, holders_at, holders_by_path, in_scope
from linli.core import calendar, followups, idcard, idempotency, ratelimit, supervision
from linli.core.crypto import lookup_hash
from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.models import FollowUp
from linli.core.numbers import next_value
from linli.core.ratings import RATING_LABELS
from linli.core.services import record_audit
from linli.core.text import clean_text, fill
from linli.messaging.services import send, send_many

from . import states
from .certificates import clean_facts, fields_of, render
from .models import (
    Application,
    ApplicationEvent,
    ApplicationMaterial,
    Certificate,
    CertificateKind,
    Forwarding,
    ServiceCentre,
    ServiceItem,
)
from .rules import CASE_ROLES
from .states import Action, CertificateAction, Status

NEAR_LIMIT_DAYS = 2  # working days before the promised date that count as "near"
FORWARD_DAYS = 5  # working days a department is given to answer a forwarded matter, unless the window says otherwise
MAX_FORWARD_DAYS = 60


# ---------------------------------------------------------------- helpers

def _require(actor: Any, app: Application) -> None:
    if not actor.has_perm("affairs.handle", app):
        raise PermissionDenied("forbidden", _("您无权办理该事项"))


def _lock(app: Application) -> Application:
    return Application.objects.select_for_update().select_related("item").get(pk=app.pk)


def _event(app: Application, actor: Any, action: str, frm: str, to: str, note: str = "", *, public: bool = True) -> None:
    ApplicationEvent.objects.create(application=app, actor=actor if getattr(actor, "pk", None) else None, action=action,
                                    from_status=frm, to_status=to, note=note, public=public)


def _move(app: Application, action: str, actor: Any, note: str = "", *, to: str | None = None) -> str:
    """One step of the lifecycle on a row the caller locked (``_lock``): the map checked, the
    timeline event written; each service audits the step with its own code."""
    return states.LIFECYCLE.apply(app, action, actor=actor, note=note, to=to, lock=False, audit=False)


def link_for(app: Application) -> str:
    return reverse("affairs:my_detail", args=[app.pk])


def _tell_applicant(app: Application, text: str) -> None:
    if app.applicant_user_id:
        send([app.applicant_user], "affairs.application", text=text, link=link_for(app))


def due_date(accepted_on: dt.date, limit_days: int, paused_days: int) -> dt.date:
    """The promised date: the committed working days from acceptance, pushed back by the working
    days spent waiting for corrections (补正期间不计入办理时限)."""
    return calendar.add_working_days(accepted_on, limit_days + paused_days)


def _check_file(data: bytes, field: str) -> tuple[bytes, str, str]:
    from linli.core.images import clean_document

    return clean_document(data, field=field)


def _number() -> str:
    return f"A{timezone.localdate():%Y%m%d}{next_value('application', start=lambda: 1):07d}"


def _copy_materials(app: Application, item: ServiceItem, received: set[int] | None = None) -> dict[int, ApplicationMaterial]:
    """The application's own checklist, copied from the catalogue; keyed by the catalogue
    material's id (what the intake forms know), each value the application's copy."""
    source = list(item.materials.all())
    rows = [ApplicationMaterial(application=app, name=m.name, form=m.form, count=m.count, required=m.required,
                                condition=m.condition, sort=m.sort, received=received is not None and m.pk in received)
            for m in source]
    made = ApplicationMaterial.objects.bulk_create(rows)
    return {m.pk: row for m, row in zip(source, made, strict=True)}


_MULTILINE = {"note", "reply", "detail"}  # notes, replies and certified facts keep their line breaks;
# names (applicant, issuer) have each run of blanks made one space


def _clean_text(value: str, field: str, *, required: bool = True, limit: int = 500, label: str = "") -> str:
    """``core.text.clean_text`` with the required and length checks of a form field."""
    value = clean_text(value, multiline=field in _MULTILINE, collapse=field.endswith("name"))
    if required and not value:
        raise DomainError("invalid", _("请填写%(f)s") % {"f": label or field}, field=field)
    if len(value) > limit:
        raise DomainError("invalid", _("%(f)s过长(最多%(n)s字)") % {"f": label or field, "n": limit}, field=field)
    return value


# ---------------------------------------------------------------- catalogue

def next_item_version(item: ServiceItem) -> int:
    """The version a change of the catalogue entry gets (1 when new). Applications already filed
    keep their own copy of name, limit and materials, so they are never altered by it."""
    if item.pk is None:
        return 1
    current = ServiceItem.objects.filter(pk=item.pk).values_list("version", flat=True).first()
    return (current or 0) + 1


# ---------------------------------------------------------------- filing

def apply_online(*, actor: Any, item: ServiceItem, note: str = "", files: dict[int, bytes] | None = None,
                 idempotency_key: str | None = None, confirm_duplicate: bool = False) -> Application:
    """A resident applies from home; the application goes to their own community's window.
    ``files`` are keyed by the id of the catalogue material (``ItemMaterial``) they are for; each
    is stored on the application's own copy of that material. A second application for an item
    the resident already has in progress is refused with a link to the first, unless confirmed."""
    if idempotency_key and Application.objects.filter(idempotency_key=idempotency_key).exists():
        # a retry: the first answer if it carried the same payload (409 otherwise), before any
        # check that the first application itself would now trip (it is an open duplicate)
        clean_note = _clean_text(note, "note", required=False, limit=1000, label=_("申请说明"))
        first = _replayed(idempotency_key, idempotency.fingerprint("online", item.pk, clean_note, files or {}))
        if first is not None:
            return first
    if not item.active or not item.online:
        raise DomainError("not_online", _("该事项不支持网上申请，请到社区窗口办理"), field="item")
    resident = getattr(actor, "resident", None)
    if resident is None:
        raise DomainError("no_profile", _("网上申请需要先核验身份：请在“我的”页面核验，未登记的请到社区登记居民信息"))
    note = _clean_text(note, "note", required=False, limit=1000, label=_("申请说明"))
    duplicate = _open_duplicate(item, resident.id_hash)
    if duplicate is not None and not confirm_duplicate:
        _refuse_duplicate(actor, duplicate, own=True)
    community = resident.region_path[:12]
    fingerprint = idempotency.fingerprint("online", item.pk, note, files or {}) if idempotency_key else ""
    try:
        ratelimit.hit("application", actor)
    except ratelimit.RateLimited:
        if idempotency_key and (first := _replayed(idempotency_key, fingerprint)) is not None:
            return first
        raise
    try:
        with transaction.atomic():
            app = Application.objects.create(
                number=_number(), item=item, item_version=item.version, item_name=item.name,
                limit_days=item.committed_limit_days, channel=Application.Channel.ONLINE, applicant_user=actor,
                resident=resident, applicant_name=resident.name, applicant_id_number=resident.id_number,
                applicant_id_hash=resident.id_hash, applicant_phone=getattr(actor, "phone", "") or "",
                home_path=community, region_path=community, note=note, idempotency_key=idempotency_key or None,
                idempotency_fingerprint=fingerprint, finish_at=item.finish_at)
            by_item_material = _copy_materials(app, item)
            for mid, data in (files or {}).items():
                if mid not in by_item_material:
                    raise DomainError("invalid", _("材料不属于该事项"), field="files")
                _store_file(by_item_material[mid], data)
            _event(app, actor, "submit", "", Status.SUBMITTED, _("网上提交") + (
                _("；申请人确认再次申请(已有在办 %(n)s)") % {"n": duplicate.number} if duplicate is not None else ""))
    except IntegrityError:
        existing = _replayed(idempotency_key, fingerprint) if idempotency_key else None
        if existing is not None:
            return existing
        raise
    _notify_window(app, fill(_("新的网上申请 %(n)s：%(i)s"), {"n": app.number, "i": app.item_name}))
    return app


def _replayed(idempotency_key: str, fingerprint: str) -> Application | None:
    """The application a request with this key stored first, if it carried the same payload
    (keys are bound to their sender: ``core.idempotency.scoped_key``)."""
    existing = Application.objects.filter(idempotency_key=idempotency_key).first()
    return idempotency.replay(existing, same=existing is not None and existing.idempotency_fingerprint == fingerprint)


def _store_file(material: ApplicationMaterial, data: bytes) -> None:
    clean, ext, content_type = _check_file(data, "files")
    material.file.save(f"m{material.pk}.{ext}", ContentFile(clean), save=False)
    material.content_type = content_type
    material.received = True
    material.requested = False
    material.save(update_fields=["file", "content_type", "received", "requested"])


def _open_duplicate(item: ServiceItem, id_hash: str) -> Application | None:
    """The same person's matter for the same item that is still in progress, if any (the first)."""
    if not id_hash:
        return None
    return (Application.objects.filter(item=item, applicant_id_hash=id_hash, status__in=states.OPEN)
            .select_related("centre").order_by("id").first())


def _refuse_duplicate(actor: Any, first: Application, *, own: bool) -> None:
    """A second matter of one person for one item: refused with the first named and linked; the
    caller may go on only with an explicit confirmation (``confirm_duplicate``)."""
    url = ""
    if actor.has_perm("affairs.view", first):
        url = reverse("affairs:my_detail" if own else "affairs:desk_detail", args=[first.pk])
    values = {"i": first.item_name, "n": first.number, "s": first.get_status_display(),
              "c": first.centre.name if first.centre is not None else _("网上申请")}
    if own:
        message = _("您已有一件在办的“%(i)s”(受理编号 %(n)s，%(s)s)，请先查看其进度；确需再次申请的，请勾选“确认再次申请”后提交") % values
    else:
        message = _("申请人已有一件在办的“%(i)s”(受理编号 %(n)s，%(s)s，%(c)s)。同一事项一般不重复受理；"
                    "核实确需再次受理的，请勾选“确认再次受理”") % values
    raise Conflict("duplicate", message, field="confirm_duplicate", existing_id=first.pk, existing_number=first.number,
                   existing_url=url)


def _window_staff(path: str) -> list[Any]:
    """Caseworkers and admins of one community's window."""
    return holders_at((Role.CASEWORKER, Role.COMMUNITY_ADMIN), path)


def _notify_window(app: Application, text: str) -> None:
    send(_window_staff(app.region_path), "affairs.application", text=text, link=reverse("affairs:desk_detail", args=[app.pk]))


@transaction.atomic
def accept_at_window(*, actor: Any, centre: ServiceCentre, item: ServiceItem, resident: Any = None,
                     applicant_name: str = "", applicant_id_number: str = "", applicant_phone: str = "",
                     received: list[int] | None = None, note: str = "", idempotency_key: str | None = None,
                     home_community: str = "", deferral_reason: str = "", confirm_duplicate: bool = False) -> Application:
    """全市通办: a caseworker at any window accepts for a resident of anywhere in the city (the item
    must be city-wide, or the applicant must live in the window's own community — or street, for
    items accepted street-wide). An applicant not in the registry says which community they live in
    (``home_community``, its code). Accepted at once; the promised date starts today.

    Every mandatory material must have been received (``received``: catalogue material ids), or,
    where the item allows 容缺受理, a reason given for accepting without it (``deferral_reason``):
    those materials are marked to be supplied before the decision. A second matter of the same
    person for the same item still in progress is refused with the first named and linked, unless
    the caseworker confirms (``confirm_duplicate``)."""
    if not in_scope(actor, CASE_ROLES, centre.region_path):
        raise PermissionDenied("forbidden", _("您不是该窗口的工作人员"))
    if not item.active:
        raise DomainError("invalid", _("该事项已停用"), field="item")
    if idempotency_key:
        # the form sent again (the applicant looked up may have left the session by then): the
        # first answer, if it was for the same window, matter and — when one is sent — applicant
        existing = Application.objects.filter(idempotency_key=idempotency_key).first()
        sent = resident.id_hash if resident is not None else (
            lookup_hash(idcard.normalize(applicant_id_number)) if applicant_id_number.strip() else "")
        first = idempotency.replay(existing, same=existing is not None and existing.centre_id == centre.pk
                                   and existing.item_id == item.pk and sent in ("", existing.applicant_id_hash))
        if first is not None:
            return first
    if resident is not None:
        name, id_number, id_hash = resident.name, resident.id_number, resident.id_hash
        phone = applicant_phone or resident.phone or ""
        home = resident.region_path[:12]
    else:
        name = _clean_text(applicant_name, "applicant_name", limit=50, label=_("申请人姓名"))
        try:
            info = idcard.parse(applicant_id_number)
        except idcard.IdNumberError as exc:
            raise DomainError("invalid", _("身份证号码不正确"), field="applicant_id_number") from exc
        id_number, id_hash, phone = info.number, lookup_hash(info.number), clean_text(applicant_phone, limit=20)
        home = _home_community(home_community, required=not item.citywide)
    if not item.accepts_at(home_path=home, window_path=centre.region_path):
        if item.local_scope == ServiceItem.LocalScope.STREET:
            raise DomainError("not_citywide", _("该事项不在全市通办范围，只能在申请人居住地所在街道的社区窗口办理"), field="item")
        raise DomainError("not_citywide", _("该事项不在全市通办范围，请到户籍或居住地社区办理"), field="item")
    duplicate = _open_duplicate(item, id_hash)
    if duplicate is not None and not confirm_duplicate:
        _refuse_duplicate(actor, duplicate, own=False)
    received_ids = set(received or [])
    missing = [m for m in item.materials.all() if m.required and m.pk not in received_ids]
    deferral_reason = _clean_text(deferral_reason, "deferral_reason", required=False, limit=300, label=_("容缺受理理由"))
    if missing:
        names = "、".join(m.name for m in missing)
        if not item.deferral_allowed:
            raise DomainError("materials_missing", _("必交材料未收齐：%(m)s。该事项不能容缺受理，请一次性告知申请人需补齐的材料，"
                                                     "补齐后再受理") % {"m": names}, field="received", missing=[m.name for m in missing])
        if not deferral_reason:
            raise DomainError("materials_missing", _("必交材料未收齐：%(m)s。该事项允许容缺受理：请填写容缺受理理由(如申请人承诺补交的时间)，"
                                                     "或补齐后再受理") % {"m": names}, field="deferral_reason",
                              missing=[m.name for m in missing])
    else:
        deferral_reason = ""
    ratelimit.hit("application", actor)
    today = timezone.localdate()
    app = Application.objects.create(
        number=_number(), item=item, item_version=item.version, item_name=item.name, limit_days=item.committed_limit_days,
        channel=Application.Channel.WINDOW, resident=resident, applicant_name=name, applicant_id_number=id_number,
        applicant_id_hash=id_hash, applicant_phone=phone, home_path=home, centre=centre, region_path=centre.region_path[:12],
        caseworker=actor, note=_clean_text(note, "note", required=False, limit=1000), status=Status.ACCEPTED,
        finish_at=item.finish_at, deferral_reason=deferral_reason,
        accepted_on=today, due_date=due_date(today, item.committed_limit_days, 0),
        applicant_user=getattr(resident, "user", None) if resident is not None else None,
        idempotency_key=idempotency_key or None)
    copies = _copy_materials(app, item, received_ids)
    note = _("%(c)s 窗口受理") % {"c": centre.name}
    if missing:
        ApplicationMaterial.objects.filter(pk__in=[copies[m.pk].pk for m in missing]).update(deferred=True)
        note += _("；容缺受理，后补：%(m)s(%(r)s)") % {"m": "、".join(m.name for m in missing), "r": deferral_reason}
    if duplicate is not None:
        note += _("；已核实确认再次受理(在办 %(n)s)") % {"n": duplicate.number}
    _event(app, actor, "accept", "", Status.ACCEPTED, note)
    record_audit(actor=actor, action="affairs.accept", target=app, region_path=app.region_path,
                 changes={"item": item.code, "home": home, "deferred": [m.name for m in missing],
                          "duplicate_of": duplicate.number if duplicate is not None else ""})
    _tell_applicant(app, fill(_("您的“%(i)s”已在%(c)s受理，受理编号 %(n)s，承诺 %(d)s 前办结"), {
        "i": app.item_name, "c": centre.name, "n": app.number, "d": str(app.due_date)}))
    return app


def _home_community(code: str, *, required: bool) -> str:
    """The path of the community an applicant entered by hand lives in ('' when not given)."""
    from linli.regions.selectors import Level, node_by_code

    code = (code or "").strip()
    if not code:
        if required:
            raise DomainError("home_required", _("该事项不在全市通办范围，请选择申请人居住的社区"), field="home_community")
        return ""
    node = node_by_code(code) if code.isdigit() else None
    if node is None or node.level != Level.COMMUNITY:
        raise DomainError("invalid", _("请选择申请人居住的社区"), field="home_community")
    return str(node.path)


def id_search(*, actor: Any, id_number: str) -> dict[str, str]:
    """The workbench's search by ID number (sent by POST): the lookup hash to filter on and the
    masked number to show; the search is audited (who looked for whom, when)."""
    from linli.core.masking import mask_id

    if not has_role(actor, CASE_ROLES):
        raise PermissionDenied("forbidden", _("仅限工作人员"))
    try:
        number = idcard.parse(id_number).number
    except idcard.IdNumberError as exc:
        raise DomainError("invalid", _("身份证号码不正确"), field="id_number") from exc
    record_audit(actor=actor, action="affairs.id_search", target=actor, label=mask_id(number))
    return {"hash": lookup_hash(number), "masked": mask_id(number)}


# ---------------------------------------------------------------- lifecycle

def acceptance_centres(app: Application) -> list[ServiceCentre]:
    """The windows an online application can be accepted at: the accepting community's own."""
    return list(ServiceCentre.objects.filter(region_path__startswith=app.region_path).order_by("region_path", "pk"))


def _acceptance_centre(app: Application, centre: ServiceCentre | None) -> ServiceCentre:
    options = acceptance_centres(app)
    if centre is not None:
        if all(c.pk != centre.pk for c in options):
            raise DomainError("invalid", _("请选择本社区的受理窗口"), field="centre")
        return centre
    if len(options) == 1:
        return options[0]
    if not options:
        raise DomainError("no_centre", _("该社区尚未登记服务中心(受理窗口)，请管理员先登记后再受理"), field="centre")
    raise DomainError("invalid", _("请选择受理窗口"), field="centre")


@transaction.atomic
def accept(*, actor: Any, app: Application, received: list[int] | None = None,
           centre: ServiceCentre | None = None) -> Application:
    """An online application accepted: the window (service centre) of the accepting caseworker is
    recorded, for the receipt and the per-window figures; the promised date starts today."""
    app = _lock(app)
    _require(actor, app)
    states.LIFECYCLE.require(app.status, Action.ACCEPT)
    ticked = set(received or [])
    missing = [m for m in app.materials.all() if m.required and not m.received and not m.deferred and m.pk not in ticked]
    if missing:  # checked again now: a material may have been taken back, or never came
        names = "、".join(m.name for m in missing)
        raise DomainError("materials_missing", _("必交材料未收齐：%(m)s。请一次性告知申请人需补正的材料，补齐后再受理")
                          % {"m": names}, field="received", missing=[m.name for m in missing])
    app.centre = _acceptance_centre(app, centre)
    _move(app, Action.ACCEPT, actor, _("%(c)s 受理") % {"c": app.centre.name})
    today = timezone.localdate()
    app.accepted_on, app.caseworker = today, actor
    app.due_date = due_date(today, app.limit_days, 0)
    app.save()
    if received:
        app.materials.filter(pk__in=received).update(received=True)
    record_audit(actor=actor, action="affairs.accept", target=app, region_path=app.region_path,
                 changes={"item": app.item.code, "centre": app.centre.pk})
    _tell_applicant(app, fill(_("您的“%(i)s”已受理，受理编号 %(n)s，承诺 %(d)s 前办结"), {
        "i": app.item_name, "n": app.number, "d": app.due_date.isoformat() if app.due_date else ""}))
    return app


@transaction.atomic
def refuse(*, actor: Any, app: Application, reason: str) -> Application:
    app = _lock(app)
    _require(actor, app)
    reason = _clean_text(reason, "reason", limit=500, label=_("不予受理理由"))
    _move(app, Action.REFUSE, actor, reason)
    app.refusal_reason = reason
    app.save()
    record_audit(actor=actor, action="affairs.refuse", target=app, region_path=app.region_path, changes={"reason": reason})
    _tell_applicant(app, fill(_("您的“%(i)s”不予受理：%(r)s"), {"i": app.item_name, "r": reason}))
    return app


@transaction.atomic
def request_correction(*, actor: Any, app: Application, materials: list[int], notes: dict[int, str] | None = None,
                       extra: list[str] | None = None) -> Application:
    """一次性告知: every missing or defective material is named at once; the clock stops."""
    app = _lock(app)
    _require(actor, app)
    states.LIFECYCLE.require(app.status, Action.REQUEST_CORRECTION)
    if app.correction_notified:
        raise Conflict("correction_once", _("补正材料应一次性告知：该办件已告知过补正且申请人已补齐，不能再次要求补正"),
                       field="materials")
    notes = notes or {}
    rows = list(app.materials.filter(pk__in=materials))
    extra = [e for e in (clean_text(x, limit=100) for x in extra or []) if e]
    if not rows and not extra:
        raise DomainError("invalid", _("请列出需要补正的全部材料"), field="materials")
    resume = app.status
    _move(app, Action.REQUEST_CORRECTION, actor, "；".join([r.name for r in rows] + extra))
    for row in rows:
        row.requested, row.received = True, False
        row.request_note = clean_text(notes.get(row.pk), limit=200)
        row.save(update_fields=["requested", "received", "request_note"])
    for i, name in enumerate(extra):
        ApplicationMaterial.objects.create(application=app, name=name, form="copy", required=True, requested=True, sort=100 + i)
    app.paused_since, app.resume_status = timezone.localdate(), resume
    app.correction_notified = True
    app.save()
    _tell_applicant(app, fill(_("“%(i)s”需要补正材料：%(m)s。请在网上上传或带到窗口，补正期间不计时"), {
        "i": app.item_name, "m": "、".join([r.name for r in rows] + extra)}))
    return app


@transaction.atomic
def supply(*, actor: Any, app: Application, material: ApplicationMaterial, data: bytes | None = None) -> Application:
    """The applicant uploads a requested material (or the window marks a paper copy received).
    When nothing requested is missing any more the clock runs again, with the paused working days
    added to the promised date."""
    app = _lock(app)
    is_staff = actor.has_perm("affairs.handle", app)
    if not is_staff and not actor.has_perm("affairs.apply", app):
        raise PermissionDenied("forbidden", _("您无权办理该事项"))
    if material.application_id != app.pk:
        raise DomainError("invalid", _("材料不属于该办件"), field="material")
    owed = material.deferred and not material.received and app.status in states.CLOCK_RUNNING  # 容缺受理, to be supplied
    if app.status not in (Status.CORRECTION, Status.SUBMITTED) and not (is_staff and app.status in states.CLOCK_RUNNING) and not owed:
        raise Conflict("not_waiting", _("该办件当前不需要补交材料"))
    if data is not None:
        _store_file(material, data)
    elif is_staff:
        material.received, material.requested = True, False
        material.save(update_fields=["received", "requested"])
    else:
        raise DomainError("invalid", _("请选择要上传的文件"), field="file")
    _event(app, actor, "material", app.status, app.status, _("补交：%(m)s") % {"m": material.name})
    if app.status == Status.CORRECTION and not app.materials.filter(requested=True).exists():
        today = timezone.localdate()
        paused = max(calendar.working_days_between(app.paused_since or today, today), 0)
        app.paused_days += paused
        back = app.resume_status or Status.IN_PROGRESS
        _move(app, Action.SUPPLY, actor, _("材料已补齐，恢复计时(暂停 %(n)s 个工作日)") % {"n": paused}, to=back)
        app.paused_since, app.resume_status = None, ""
        app.due_date = due_date(app.accepted_on or today, app.limit_days, app.paused_days)
        app.save()
        _tell_applicant(app, fill(_("“%(i)s”材料已补齐，承诺 %(d)s 前办结"), {"i": app.item_name, "d": app.due_date.isoformat()}))
    return app


@transaction.atomic
def process(*, actor: Any, app: Application) -> Application:
    app = _lock(app)
    _require(actor, app)
    _move(app, Action.PROCESS, actor)
    app.save()
    return app


def _days(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= MAX_FORWARD_DAYS:
        raise DomainError("invalid", _("反馈期限应为1至%(n)s个工作日") % {"n": MAX_FORWARD_DAYS}, field="days")
    return days


@transaction.atomic
def forward(*, actor: Any, app: Application, to: str, days: Any = FORWARD_DAYS, note: str = "") -> Application:
    """转办, tracked: the department, when it was sent, the working day by which it answers."""
    app = _lock(app)
    _require(actor, app)
    to = _clean_text(to or finish_office(app), "to", limit=100, label=_("转办单位"))
    days = _days(days)
    note = _clean_text(note, "note", required=False, limit=500, label=_("转办说明"))
    due = calendar.add_working_days(timezone.localdate(), days)
    _move(app, Action.FORWARD, actor, _("转 %(u)s 办理，请于 %(d)s 前反馈") % {"u": to, "d": due.isoformat()})
    app.forwarded_to = to
    app.save()
    Forwarding.objects.create(application=app, region_path=app.region_path, department=to, request_note=note,
                              sent_at=timezone.now(), sent_by=actor, days=days, due_date=due)
    record_audit(actor=actor, action="affairs.forward", target=app, region_path=app.region_path,
                 changes={"department": to, "due": due})
    _tell_applicant(app, fill(_("“%(i)s”已转 %(u)s 办理"), {"i": app.item_name, "u": to}))
    return app


RETURN_OUTCOMES = (Forwarding.Outcome.APPROVED, Forwarding.Outcome.DENIED, Forwarding.Outcome.RETURNED)


@transaction.atomic
def return_from_department(*, actor: Any, app: Application, outcome: str, note: str) -> Application:
    """The department's answer to a forwarded matter is recorded; the window resumes handling."""
    app = _lock(app)
    _require(actor, app)
    states.LIFECYCLE.require(app.status, Action.RETURN)
    if outcome not in RETURN_OUTCOMES:
        raise DomainError("invalid", _("请选择部门反馈结果"), field="outcome")
    note = _clean_text(note, "note", limit=2000, label=_("反馈内容"))
    fwd = Forwarding.objects.select_for_update().filter(application=app, returned_at__isnull=True).first()
    if fwd is None:
        raise Conflict("not_forwarded", _("没有待反馈的转办记录"))
    fwd.returned_at, fwd.returned_by, fwd.outcome, fwd.outcome_note = timezone.now(), actor, outcome, note
    fwd.save()
    label = Forwarding.Outcome(outcome).label
    _move(app, Action.RETURN, actor, _("%(u)s 反馈：%(o)s") % {"u": fwd.department, "o": label})
    app.save()
    record_audit(actor=actor, action="affairs.forward_return", target=app, region_path=app.region_path,
                 changes={"department": fwd.department, "outcome": outcome, "late": fwd.returned_at.date() > fwd.due_date})
    _tell_applicant(app, fill(_("“%(i)s”已由 %(u)s 反馈(%(o)s)，窗口继续办理"), {
        "i": app.item_name, "u": fwd.department, "o": label}))
    return app


@transaction.atomic
def complete(*, actor: Any, app: Application, outcome: str, note: str, document: bytes | None = None) -> Application:
    app = _lock(app)
    _require(actor, app)
    states.LIFECYCLE.require(app.status, Action.COMPLETE)
    if app.finish_at != ServiceItem.Finish.COMMUNITY:
        outcome = _decided_outcome(app, outcome)
    if outcome not in Application.Outcome.values:
        raise DomainError("invalid", _("请选择办理结果"), field="outcome")
    owed = list(app.materials.filter(deferred=True, received=False).values_list("name", flat=True))
    if owed:
        raise Conflict("materials_owed", _("容缺受理的材料尚未补交：%(m)s。补齐后才能办结") % {"m": "、".join(owed)}, field="materials")
    note = _clean_text(note, "note", limit=2000, label=_("结果说明"))
    _move(app, Action.COMPLETE, actor, f"{Application.Outcome(outcome).label}：{note}")
    app.outcome, app.outcome_note, app.completed_at = outcome, note, timezone.now()
    if document is not None:
        clean, ext, _ct = _check_file(document, "document")
        app.result_file.save(f"r{app.pk}.{ext}", ContentFile(clean), save=False)
    app.save()
    record_audit(actor=actor, action="affairs.complete", target=app, region_path=app.region_path, changes={"outcome": outcome})
    _tell_applicant(app, fill(_("“%(i)s”已办结(%(o)s)。请您评价。"), {"i": app.item_name, "o": Application.Outcome(outcome).label}))
    return app


def finish_office(app: Application) -> str:
    """Who decides a matter the community does not finish: the street office, or the district
    department the catalogue names, of the place the applicant lives (异地受理、属地办理; the
    accepting window's place where that is not known). Empty for an item finished at the community."""
    if app.finish_at == ServiceItem.Finish.COMMUNITY:
        return ""
    from linli.regions.selectors import names_of

    place = app.home_path or app.region_path
    names = names_of([place[:6], place[:9]])
    if app.finish_at == ServiceItem.Finish.STREET:
        street = names.get(place[:9], "")
        if not street:
            return _("街道办事处")
        return street + ("办事处" if street.endswith("街道") else "道办事处" if street.endswith("街") else "办事处")
    department = app.item.department
    district = names.get(place[:6], "")
    return district + department[1:] if district and department.startswith("区") else department


def decision(app: Application) -> Forwarding | None:
    """The street's or department's decision on a matter finished there: its latest forwarding,
    returned approved or denied (None while there is none, or it was sent back to the window)."""
    latest = app.forwardings.order_by("-sent_at", "-id").first()
    if latest is None or latest.outcome not in (Forwarding.Outcome.APPROVED, Forwarding.Outcome.DENIED):
        return None
    return latest


def _decided_outcome(app: Application, outcome: str) -> str:
    """A matter finished by the street or a department: the window completes it with their decision,
    it does not decide itself."""
    found = decision(app)
    if found is None:
        raise PermissionDenied("decided_elsewhere", _("该事项%(w)s，社区窗口不能作出准予或不予的决定：请转 %(u)s 办理，"
                                                      "登记其审核结果后再办结") % {
            "w": ServiceItem.Finish(app.finish_at).label, "u": finish_office(app)}, field="outcome", office=finish_office(app))
    expected = Application.Outcome.APPROVED if found.outcome == Forwarding.Outcome.APPROVED else Application.Outcome.DENIED
    if outcome and outcome != expected:
        raise DomainError("outcome_mismatch", _("办理结果应与 %(u)s 的审核结果一致：%(o)s") % {
            "u": found.department, "o": found.get_outcome_display()}, field="outcome")
    return str(expected)


def open_result_document(*, actor: Any, app: Application) -> tuple[Any, str]:
    """The result document uploaded at completion (file, content type), for the applicant or the
    handling window; a staff view is audited like the materials'."""
    import mimetypes

    if not actor.has_perm("affairs.view", app):
        raise NotFound("not_found", _("办件不存在或无权查看"))
    if app.status != Status.COMPLETED or not app.result_file:
        raise NotFound("not_found", _("该办件没有上传结果文书"))
    if actor.has_perm("affairs.handle", app):
        record_audit(actor=actor, action="affairs.result_view", target=app, region_path=app.region_path)
    content_type = mimetypes.guess_type(app.result_file.name)[0] or "application/octet-stream"
    return app.result_file.open("rb"), content_type


@transaction.atomic
def withdraw(*, actor: Any, app: Application, reason: str = "") -> Application:
    app = _lock(app)
    if not actor.has_perm("affairs.withdraw", app):
        if actor.has_perm("affairs.apply", app) and states.LIFECYCLE.can(app.status, Action.WITHDRAW):
            raise Conflict("withdraw_at_window", _("事项已开始办理，如需撤回请联系受理窗口"))
        if not actor.has_perm("affairs.apply", app):
            raise PermissionDenied("forbidden", _("您无权办理该事项"))
    reason = clean_text(reason, limit=200)
    _move(app, Action.WITHDRAW, actor, reason)
    app.save()
    Forwarding.objects.filter(application=app, returned_at__isnull=True).update(  # a correction interrupted it
        returned_at=timezone.now(), returned_by=actor if getattr(actor, "pk", None) else None,
        outcome=Forwarding.Outcome.CANCELLED, outcome_note=reason)
    record_audit(actor=actor, action="affairs.withdraw", target=app, region_path=app.region_path, changes={"reason": reason})
    if app.applicant_user_id == getattr(actor, "pk", None):
        _notify_window(app, fill(_("申请人已撤回办件 %(n)s：%(i)s%(r)s"), {
            "n": app.number, "i": app.item_name, "r": f"({reason})" if reason else ""}))
    else:
        text = _("您的“%(i)s”(%(n)s)已由窗口撤回：%(r)s") if reason else _("您的“%(i)s”(%(n)s)已由窗口撤回")
        _tell_applicant(app, fill(text, {"i": app.item_name, "n": app.number, "r": reason}))
    return app


def perform(*, actor: Any, app: Application, action: str, data: dict[str, Any]) -> Application:
    """One dispatcher for the pages and the API."""
    if action == Action.ACCEPT:
        centre = None
        if data.get("centre_id"):
            centre = ServiceCentre.objects.filter(pk=int(data["centre_id"])).first()
            if centre is None:
                raise DomainError("invalid", _("请选择本社区的受理窗口"), field="centre")
        return accept(actor=actor, app=app, received=[int(x) for x in data.get("received", [])], centre=centre)
    if action == Action.REFUSE:
        return refuse(actor=actor, app=app, reason=data.get("reason", ""))
    if action == Action.REQUEST_CORRECTION:
        return request_correction(actor=actor, app=app, materials=[int(x) for x in data.get("materials", [])],
                                  extra=[e for e in data.get("extra", []) if e])
    if action == Action.PROCESS:
        return process(actor=actor, app=app)
    if action == Action.FORWARD:
        return forward(actor=actor, app=app, to=data.get("to", ""), days=data.get("days") or FORWARD_DAYS,
                       note=data.get("note", ""))
    if action == Action.RETURN:
        return return_from_department(actor=actor, app=app, outcome=data.get("outcome", ""), note=data.get("note", ""))
    if action == Action.COMPLETE:
        return complete(actor=actor, app=app, outcome=data.get("outcome", ""), note=data.get("note", ""),
                        document=data.get("document"))
    if action == Action.WITHDRAW:
        return withdraw(actor=actor, app=app, reason=data.get("reason", ""))
    if action == "urge":  # 督办 by a supervisor, the note in ``reason`` (or ``note``)
        supervision.urge(actor=actor, obj=app, note=data.get("reason", "") or data.get("note", ""))
        return Application.objects.select_related("item").get(pk=app.pk)
    raise DomainError("invalid", _("未知操作"), field="action")


# ---------------------------------------------------------------- 好差评

@transaction.atomic
def rate(*, actor: Any, app: Application, rating: int, comment: str = "") -> Application:
    app = _lock(app)
    if not actor.has_perm("affairs.apply", app):
        raise PermissionDenied("forbidden", _("只有申请人可以评价"))
    if app.status != Status.COMPLETED:
        raise Conflict("not_completed", _("办结后才能评价"))
    if app.rating is not None:
        raise Conflict("already_rated", _("每件事只能评价一次"))
    if rating not in RATING_LABELS:
        raise DomainError("invalid", _("请选择评价等级"), field="rating")
    app.rating, app.rating_comment, app.rated_at = rating, clean_text(comment, multiline=True, limit=500), timezone.now()
    app.save()
    _event(app, actor, "rate", app.status, app.status, f"{RATING_LABELS[rating]} {app.rating_comment}".strip())
    task, opened = followups.open_for(app, rating=rating, region_path=app.region_path)
    if task is not None and opened:
        due = task.due_date
        send(_window_staff(app.region_path), "affairs.supervision", text=fill(_("办件 %(n)s 收到差评，请于 %(d)s 前整改并回复"), {"n": app.number, "d": due.isoformat()}),
               link=reverse("affairs:desk_detail", args=[app.pk]))
    return app


@transaction.atomic
def reply_rectification(*, actor: Any, rect: FollowUp, reply: str) -> FollowUp:
    rect = followups.answer(
        actor=actor, task=rect, text=reply,
        may_answer=lambda user, path: in_scope(user, (Role.COMMUNITY_ADMIN, Role.CASEWORKER, *ADMIN_ROLES), path),
        done_error=("already_replied", _("已经回复过了")),
        clean=lambda text: _clean_text(text, "reply", limit=2000, label=_("整改回复")))
    _event(rect.application, actor, "rectify", rect.application.status, rect.application.status, rect.reply)
    _tell_applicant(rect.application, fill(_("关于您对“%(i)s”的评价，社区回复：%(r)s"), {
        "i": rect.application.item_name, "r": rect.reply[:100]}))
    return rect


# ---------------------------------------------------------------- supervision

ESCALATE_AFTER = {1: 0, 2: 3}  # working days past the promised date: community (1), street (2) (core.supervision)


def clock_told(apps: list[Application], level: int) -> dict[int, list[Any]]:
    """Who the clock tells of a matter past its promised date: the community's admins (1), the
    street's admins (2)."""
    role = Role.COMMUNITY_ADMIN if level <= 1 else Role.STREET_ADMIN
    lvl = max(level, 1)
    office = holders_by_path((role,), {supervision.office_path(a.region_path, lvl) for a in apps})
    return {a.pk: office.get(supervision.office_path(a.region_path, lvl), []) for a in apps}


def clock_notify(pairs: list[tuple[Application, list[Any]]], *, kind: str, level: int, actor: Any = None,
                 note: str = "") -> None:
    """The clock's messages, through messaging in one batch (in-app, and SMS where the kind
    sends them)."""
    def text(app: Application) -> str:
        if kind == "urge":
            who = getattr(actor, "display_name", "") or getattr(actor, "username", "")
            return fill(_("%(who)s督办办件 %(n)s：%(t)s"), {"who": who, "n": app.number, "t": note})
        if kind == "warn":
            return fill(_("办件 %(n)s 即将到达承诺时限，请抓紧办理"), {"n": app.number})
        return fill(_("办件 %(n)s 已超过承诺时限，%(l)s"), {"n": app.number, "l": supervision.level_name(level)})

    send_many("affairs.supervision", [(u, message, app, reverse("affairs:desk_detail", args=[app.pk]))
                                      for app, users in pairs if users for message in [text(app)] for u in users])


def clock_timeline(apps: list[Application], *, kind: str, level: int, actor: Any = None, note: str = "") -> None:
    if kind == "warn":
        return
    ApplicationEvent.objects.bulk_create([
        ApplicationEvent(application_id=a.pk, actor=actor if getattr(actor, "pk", None) else None,
                         action="urge" if kind == "urge" else "supervise",
                         note=note if kind == "urge" else supervision.level_name(level), public=False)
        for a in apps], batch_size=5000)


def clock_handlers(app: Application) -> list[Any]:
    """Who a supervisor's 督办 reaches: the community window's caseworkers and admins."""
    return _window_staff(app.region_path)


# ---------------------------------------------------------------- certificates

def allowed_list_url() -> str:
    return reverse("affairs:certificate_kinds")


def certificate_kind(code_or_name: str) -> CertificateKind:
    """The kind on the published list, or a refusal naming the list."""
    value = (code_or_name or "").strip()
    kind = CertificateKind.objects.filter(Q(code=value) | Q(name=value), active=True).first() if value else None
    if kind is None:
        raise DomainError("not_on_list", _("“%(k)s”不在社区可出具证明清单内，社区不能出具。请查看清单：%(u)s") % {
            "k": value or "-", "u": allowed_list_url()}, field="kind")
    return kind


@transaction.atomic
def request_certificate(*, actor: Any, kind: str, purpose: str, detail: str = "") -> Certificate:
    found = certificate_kind(kind)
    resident = getattr(actor, "resident", None)
    if resident is None:
        raise DomainError("no_profile", _("网上申请需要先核验身份：请在“我的”页面核验，未登记的请到社区登记居民信息"))
    cert = Certificate.objects.create(
        kind=found, requester=actor, resident=resident, subject_name=resident.name, subject_id_number=resident.id_number,
        purpose=_clean_text(purpose, "purpose", limit=200, label=_("用途")), detail=clean_text(detail, multiline=True, limit=1000),
        region_path=resident.region_path[:12])
    send(_window_staff(cert.region_path), "affairs.application", text=fill(_("新的证明申请：%(k)s(%(n)s)"), {"k": found.name, "n": resident.name}),
           link=reverse("affairs:certificates_desk"))
    return cert


def _cert_scope(actor: Any, cert: Certificate) -> None:
    if not actor.has_perm("affairs.handle", cert):  # the window's staff of the certificate's community
        raise PermissionDenied("forbidden", _("您无权办理该事项"))


def initial_facts(cert: Certificate) -> dict[str, str]:
    """What the desk form starts with: the address from the registry, where the kind asks for one."""
    household = cert.resident.household if cert.resident is not None else None
    if household is None or not household.room_id or all(f.name != "address" for f in fields_of(cert.kind)):
        return {}
    return {"address": str(household.room)}


def _issuable(cert: Certificate) -> None:
    states.CERTIFICATE_LIFECYCLE.require(cert.state, CertificateAction.ISSUE)
    if not cert.kind.active:  # taken off the published list after it was requested
        raise Conflict("not_on_list", _("“%(k)s”已不在社区可出具证明清单内，社区不能出具，请不予出具并告知申请人。清单：%(u)s") % {
            "k": cert.kind.name, "u": allowed_list_url()}, field="kind", list_url=allowed_list_url())


def _wording(cert: Certificate, facts: dict[str, Any]) -> tuple[dict[str, str], str]:
    """The kind's fields checked one by one (every problem named, per field), and the text."""
    fields = fields_of(cert.kind)
    clean = clean_facts(fields, facts, today=timezone.localdate())
    return clean, render(cert.kind.template, fields, clean, name=cert.subject_name, id_number=cert.subject_id_number)


def preview_certificate(*, actor: Any, cert: Certificate, facts: dict[str, Any]) -> str:
    """The exact text the certificate will carry with these facts; nothing is written."""
    cert = Certificate.objects.select_related("kind", "resident").get(pk=cert.pk)
    _cert_scope(actor, cert)
    _issuable(cert)
    return _wording(cert, facts)[1]


@transaction.atomic
def issue_certificate(*, actor: Any, cert: Certificate, facts: dict[str, Any], issuer_name: str) -> Certificate:
    """Issued with the facts the kind asks for (``facts``: field name → value, as the desk form
    and the API send them); the text is the kind's template with each blank filled once."""
    cert = Certificate.objects.select_for_update(of=("self",)).select_related("kind", "resident").get(pk=cert.pk)
    _cert_scope(actor, cert)
    _issuable(cert)
    issuer = _clean_text(issuer_name, "issuer_name", limit=100, label=_("出具单位"))
    cert.facts, cert.body = _wording(cert, facts)
    cert.serial = f"ZM{timezone.localdate():%Y}{next_value('certificate'):07d}"
    states.CERTIFICATE_LIFECYCLE.apply(cert, CertificateAction.ISSUE, actor=actor, lock=False,
                                       changes={"kind": cert.kind.code, "serial": cert.serial})
    cert.issued_by, cert.issued_at = actor, timezone.now()
    cert.issuer_name = issuer
    cert.save()
    if cert.requester_id:
        send([cert.requester], "affairs.certificate", text=fill(_("您申请的%(k)s已出具，编号 %(s)s"), {"k": cert.kind.name, "s": cert.serial}),
               link=reverse("affairs:certificate_doc", args=[cert.pk]))
    return cert


@transaction.atomic
def refuse_certificate(*, actor: Any, cert: Certificate, reason: str) -> Certificate:
    cert = Certificate.objects.select_for_update().select_related("kind").get(pk=cert.pk)
    _cert_scope(actor, cert)
    states.CERTIFICATE_LIFECYCLE.require(cert.state, CertificateAction.REFUSE)
    cert.refusal_reason = _clean_text(reason, "reason", limit=300, label=_("不予出具理由"))
    states.CERTIFICATE_LIFECYCLE.apply(cert, CertificateAction.REFUSE, actor=actor, lock=False, changes={"reason": reason})
    cert.save()
    if cert.requester_id:
        send([cert.requester], "affairs.certificate", text=fill(_("您申请的%(k)s不予出具：%(r)s"), {"k": cert.kind.name, "r": cert.refusal_reason}))
    return cert


@transaction.atomic
def revoke_certificate(*, actor: Any, cert: Certificate, reason: str) -> Certificate:
    cert = Certificate.objects.select_for_update(of=("self",)).select_related("kind").get(pk=cert.pk)
    _cert_scope(actor, cert)
    states.CERTIFICATE_LIFECYCLE.require(cert.state, CertificateAction.REVOKE)
    cert.revoke_reason = _clean_text(reason, "reason", limit=300, label=_("撤销理由"))
    states.CERTIFICATE_LIFECYCLE.apply(cert, CertificateAction.REVOKE, actor=actor, lock=False, changes={"reason": reason})
    cert.revoked_at = timezone.now()
    cert.save()
    if cert.requester_id:
        send([cert.requester], "affairs.certificate", text=fill(_("您的%(k)s(编号 %(s)s)已被撤销：%(r)s"), {
            "k": cert.kind.name, "s": cert.serial, "r": cert.revoke_reason}), link=reverse("affairs:certificate_doc", args=[cert.pk]))
    return cert
