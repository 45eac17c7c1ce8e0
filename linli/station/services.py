"""Business rules of the service station: provider applications (统一社会信用代码 checked) and
vetting, offerings on the reservation engine, reviews with replies and moderation, and the
resident's consent to targeted recommendations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.roles import ADMIN_ROLES
from linli.accounts.selectors import holders_at, in_scope
from linli.booking.models import OpeningRule, Reservation, Resource
from linli.core import uscc
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.services import record_audit
from linli.workorders.services import notify

from .models import Consent, Offering, Provider, Review

VET_ROLES = ADMIN_ROLES  # street or community admins over the provider's area
USCC_MESSAGES = {
    "uscc_length": gettext_lazy("统一社会信用代码应为18位"),
    "uscc_chars": gettext_lazy("统一社会信用代码含有不允许的字符(不使用 I、O、Z、S、V)"),
    "uscc_authority": gettext_lazy("统一社会信用代码的登记管理部门代码不正确"),
    "uscc_region": gettext_lazy("统一社会信用代码的行政区划码不正确"),
    "uscc_check": gettext_lazy("统一社会信用代码校验位不正确，请核对"),
}


def _text(value: str, field: str, label: str, limit: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError("invalid", _("请填写%(f)s") % {"f": label}, field=field)
    if len(value) > limit:
        raise DomainError("invalid", _("%(f)s过长(最多%(n)s字)") % {"f": label, "n": limit}, field=field)
    return value


def check_uscc(value: str) -> str:
    try:
        return uscc.validate(value)
    except uscc.UsccError as exc:
        raise DomainError("invalid_uscc", str(USCC_MESSAGES[exc.code]), field="uscc") from exc


def apply_provider(*, actor: Any, name: str, code: str, kind: str, contact_name: str, contact_phone: str, address: str,
                   region: Any, licence: bytes | None = None) -> Provider:
    """A provider applies; it stays invisible until the street or community vets it."""
    code = check_uscc(code)
    if kind not in Provider.Kind.values:
        raise DomainError("invalid", _("请选择服务商类型"), field="kind")
    if region is None or region.level not in ("street", "community"):
        raise DomainError("invalid", _("请选择所在街道或社区"), field="region")
    from linli.accounts.validators import looks_like_phone

    phone = (contact_phone or "").strip()
    if not looks_like_phone(phone) and not phone.replace("-", "").isdigit():
        raise DomainError("invalid", _("联系电话格式不正确"), field="contact_phone")
    try:
        with transaction.atomic():
            provider = Provider.objects.create(
                name=_text(name, "name", _("名称"), 100), uscc=code, kind=kind,
                contact_name=_text(contact_name, "contact_name", _("联系人"), 50), contact_phone=phone,
                address=_text(address, "address", _("地址"), 200), region=region, region_path=region.path)
            provider.staff.add(actor)
            if licence:
                from linli.core.images import clean_document

                clean, ext, ctype = clean_document(licence, field="licence")
                provider.licence.save(f"l{provider.pk}.{ext}", ContentFile(clean), save=False)
                provider.licence_type = ctype
                provider.save(update_fields=["licence", "licence_type"])
    except IntegrityError as exc:
        raise Conflict("duplicate_uscc", _("该统一社会信用代码已登记")) from exc
    notify(holders_at(VET_ROLES, region.path), None, _("新的服务商申请：%(n)s") % {"n": provider.name}, link="/station/vetting/")
    return provider


@transaction.atomic
def vet(*, actor: Any, provider: Provider, decision: str, reason: str = "") -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if not in_scope(actor, VET_ROLES, provider.region_path):
        raise PermissionDenied("forbidden", _("您无权审核该服务商"))
    allowed = {"approve": ("pending", "suspended", "rejected"), "reject": ("pending",), "suspend": ("approved",)}
    if decision not in allowed:
        raise DomainError("invalid", _("未知操作"), field="decision")
    if provider.state not in allowed[decision]:
        raise Conflict("illegal_transition", _("服务商当前为“%(s)s”，不能这样处理") % {"s": provider.get_state_display()})
    reason = (reason or "").strip()[:300]
    if decision in ("reject", "suspend") and not reason:
        raise DomainError("invalid", _("请填写理由"), field="reason")
    provider.state = {"approve": Provider.State.APPROVED, "reject": Provider.State.REJECTED, "suspend": Provider.State.SUSPENDED}[decision]
    provider.state_reason, provider.vetted_by, provider.vetted_at = reason, actor, timezone.now()
    provider.save()
    Resource.objects.filter(offering__provider=provider).update(active=provider.state == Provider.State.APPROVED)
    for rid in Resource.objects.filter(offering__provider=provider).values_list("pk", flat=True):
        from linli.booking.selectors import forget_schedule

        forget_schedule(rid)
    record_audit(actor=actor, action=f"provider.{decision}", target=provider, region_path=provider.region_path,
                 changes={"reason": reason})
    notify(list(provider.staff.all()), None, _("服务商“%(n)s”审核结果：%(s)s %(r)s") % {
        "n": provider.name, "s": provider.get_state_display(), "r": reason}, link="/station/console/")
    return provider


def _require_staff(actor: Any, provider: Provider) -> None:
    if not provider.staff.filter(pk=actor.pk).exists():
        raise PermissionDenied("forbidden", _("您不是该服务商的工作人员"))


@transaction.atomic
def add_offering(*, actor: Any, provider: Provider, title: str, category: str, price_type: str, price: str,
                 description: str, communities: list[Any], weekdays: list[int], opens: dt.time, closes: dt.time,
                 slot_minutes: int = 60, capacity: int = 1, tags: list[str] | None = None, photo: bytes | None = None,
                 approval_required: bool = False) -> Offering:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)  # its state as stored, not as the caller saw it
    _require_staff(actor, provider)
    if provider.state != Provider.State.APPROVED:
        raise Conflict("not_approved", _("服务商通过审核后才能发布服务"))
    if category not in Offering.Category.values:
        raise DomainError("invalid", _("请选择服务类别"), field="category")
    if price_type not in Offering.Price.values:
        raise DomainError("invalid", _("请选择收费方式"), field="price_type")
    if not communities or any(c.level != "community" for c in communities):
        raise DomainError("invalid", _("请选择服务的社区"), field="communities")
    if not weekdays or any(d not in range(7) for d in weekdays) or closes <= opens:
        raise DomainError("invalid", _("请填写正确的服务时间"), field="hours")
    if not (5 <= slot_minutes <= 480) or not (1 <= capacity <= 500):
        raise DomainError("invalid", _("时段长度或名额不正确"), field="capacity")
    title = _text(title, "title", _("服务名称"), 100)
    description = _text(description, "description", _("服务内容"), 3000)
    resource = Resource.objects.create(name=title, region=provider.region, region_path=provider.region_path,
                                       slot_minutes=slot_minutes, capacity=capacity, approval_required=approval_required,
                                       audience=Resource.Audience.RESIDENTS)
    resource.served.set(communities)
    resource.managers.set(provider.staff.all())
    OpeningRule.objects.bulk_create([OpeningRule(resource=resource, weekday=d, opens=opens, closes=closes) for d in sorted(set(weekdays))])
    offering = Offering.objects.create(
        provider=provider, resource=resource, title=title, category=category, price_type=price_type,
        price=_text(price, "price", _("价格说明"), 100, required=False), description=description,
        tags=[t for t in (tags or []) if t][:10],
        search_text=f"{title} {provider.name} {Offering.Category(category).label} {description}".lower())
    offering.communities.set(communities)
    if photo:
        from linli.core.images import clean_image

        clean, ext, _ct = clean_image(photo, field="photo")
        offering.photo.save(f"o{offering.pk}.{ext}", ContentFile(clean), save=True)
    return offering


def count_view(offering: Offering) -> None:
    from django.db.models import F

    Offering.objects.filter(pk=offering.pk).update(views=F("views") + 1)


@transaction.atomic
def review(*, actor: Any, reservation: Reservation, rating: int, text: str = "") -> Review:
    res = Reservation.objects.select_for_update().select_related("resource").get(pk=reservation.pk)
    if res.user_id != actor.pk:
        raise PermissionDenied("forbidden", _("只能评价自己的预约"))
    if res.status != Reservation.Status.ATTENDED:
        raise Conflict("not_attended", _("签到使用服务后才能评价"))
    offering = Offering.objects.filter(resource_id=res.resource_id).first()
    if offering is None:
        raise DomainError("invalid", _("该预约不是驿站服务"))
    if rating not in range(1, 6):
        raise DomainError("invalid", _("请选择1到5分"), field="rating")
    if Review.objects.filter(reservation=res).exists():
        raise Conflict("already_reviewed", _("每次服务只能评价一次"))
    return Review.objects.create(reservation=res, offering=offering, user=actor, rating=rating, text=(text or "").strip()[:500])


@transaction.atomic
def reply(*, actor: Any, review_obj: Review, text: str) -> Review:
    r = Review.objects.select_for_update().select_related("offering__provider").get(pk=review_obj.pk)
    _require_staff(actor, r.offering.provider)
    if r.reply:
        raise Conflict("already_replied", _("已经回复过了"))
    r.reply, r.replied_at = _text(text, "reply", _("回复"), 500), timezone.now()
    r.save(update_fields=["reply", "replied_at"])
    notify([r.user], None, _("%(p)s 回复了您的评价：%(t)s") % {"p": r.offering.provider.name, "t": r.reply[:80]})
    return r


@transaction.atomic
def hide_review(*, actor: Any, review_obj: Review, reason: str) -> Review:
    r = Review.objects.select_for_update().select_related("offering__provider").get(pk=review_obj.pk)
    if not in_scope(actor, VET_ROLES, r.offering.provider.region_path):
        raise PermissionDenied("forbidden", _("您无权处理该评价"))
    r.hidden, r.hidden_reason, r.hidden_by = True, _text(reason, "reason", _("理由"), 200), actor
    r.save(update_fields=["hidden", "hidden_reason", "hidden_by"])
    record_audit(actor=actor, action="review.hide", target=r, region_path=r.offering.provider.region_path,
                 changes={"reason": r.hidden_reason}, label=f"{r.offering.title} #{r.pk}")
    return r


def set_recommendations(*, actor: Any, on: bool) -> Consent:
    consent, _created = Consent.objects.update_or_create(user=actor, defaults={"recommendations": on})
    return consent
