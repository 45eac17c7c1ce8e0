"""Business rules of the service station: provider applications (统一社会信用代码 checked) and
vetting, offerings on the reservation engine, reviews with replies and moderation, and the
resident's consent to targeted recommendations."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.accounts.selectors import holders_at, in_scope
from linli.booking import resources as booking_resources
from linli.booking import selectors as booking_selectors
from linli.core import followups, uscc
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import SensitiveAccess
from linli.core.ratings import RATING_LABELS
from linli.core.reasons import clean_reason
from linli.core.services import record_audit, record_sensitive_access
from linli.core.text import clean_text, fill
from linli.messaging.services import send

from . import states
from .models import Consent, Offering, OfferingPhoto, OfferingViews, Provider, Review
from .rules import VET_ROLES
from .states import ProviderAction

if TYPE_CHECKING:
    from linli.booking.models import Reservation

USCC_MESSAGES = {
    "uscc_length": gettext_lazy("统一社会信用代码应为18位"),
    "uscc_chars": gettext_lazy("统一社会信用代码含有不允许的字符(不使用 I、O、Z、S、V)"),
    "uscc_authority": gettext_lazy("统一社会信用代码的登记管理部门代码不正确"),
    "uscc_region": gettext_lazy("统一社会信用代码的行政区划码不正确"),
    "uscc_check": gettext_lazy("统一社会信用代码校验位不正确，请核对"),
}


def _text(value: str, field: str, label: str, limit: int, required: bool = True) -> str:
    """``core.text.clean_text`` with the required and length checks of a form field; the service
    description keeps its line breaks, names have each run of blanks made one space."""
    value = clean_text(value, multiline=field == "description", collapse=field in ("name", "contact_name", "title"))
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

    phone = clean_text(contact_phone)
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
    send(holders_at(VET_ROLES, region.path), "station.provider", text=fill(_("新的服务商申请：%(n)s"), {"n": provider.name}), link="/station/vetting/")
    return provider


@transaction.atomic
def vet(*, actor: Any, provider: Provider, decision: str, reason: str = "") -> Provider:
    """Approve, reject or suspend. Suspending closes the provider's resources at once and cancels
    every live future booking of its offerings, telling each resident why."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    if not actor.has_perm("station.vet", provider):
        raise PermissionDenied("forbidden", _("您无权审核该服务商"))
    if decision not in ProviderAction.values:
        raise DomainError("invalid", _("未知操作"), field="decision")
    states.LIFECYCLE.require(provider.state, decision)
    reason = clean_text(reason, limit=300)
    if decision in (ProviderAction.REJECT, ProviderAction.SUSPEND) and not reason:
        raise DomainError("invalid", _("请填写理由"), field="reason")
    before = states.LIFECYCLE.apply(provider, decision, actor=actor, lock=False)
    provider.state_reason, provider.vetted_by, provider.vetted_at = reason, actor, timezone.now()
    provider.save()
    cancelled = 0
    why = fill(_("服务商已暂停服务：%(r)s"), {"r": reason})[:200] if decision == "suspend" else ""
    for o in provider.offerings.select_related("resource"):
        # approved: the published offerings open again; otherwise every resource closes (suspended:
        # with every live future booking cancelled)
        if provider.state == Provider.State.APPROVED and o.active:
            booking_resources.reopen_resource(actor=actor, resource=o.resource)
        else:
            cancelled += booking_resources.close_resource(actor=actor, resource=o.resource, reason=why,
                                                          cancel_bookings=decision == "suspend")
    record_audit(actor=actor, action=f"provider.{decision}", target=provider, region_path=provider.region_path,
                 changes={"state": [before, provider.state], "reason": reason,
                          **({"cancelled": cancelled} if decision == "suspend" else {})})
    send(list(provider.staff.all()), "station.provider", text=fill(_("服务商“%(n)s”审核结果：%(s)s %(r)s"), {
        "n": provider.name, "s": provider.get_state_display(), "r": reason}), link="/station/console/")
    return provider


def _require_staff(actor: Any, provider: Provider) -> None:
    if not provider.staff.filter(pk=actor.pk).exists():
        raise PermissionDenied("forbidden", _("您不是该服务商的工作人员"))


def _offering_fields(*, category: str, price_type: str, price: str, title: str, description: str, communities: list[Any],
                     capacity: int, tags: list[str] | None) -> dict[str, Any]:
    if category not in Offering.Category.values:
        raise DomainError("invalid", _("请选择服务类别"), field="category")
    if price_type not in Offering.Price.values:
        raise DomainError("invalid", _("请选择收费方式"), field="price_type")
    if not communities or any(c.level != "community" for c in communities):
        raise DomainError("invalid", _("请选择服务的社区"), field="communities")
    if not (1 <= capacity <= 500):
        raise DomainError("invalid", _("时段长度或名额不正确"), field="capacity")
    return {"category": category, "price_type": price_type, "title": _text(title, "title", _("服务名称"), 100),
            "description": _text(description, "description", _("服务内容"), 3000),
            "price": _text(price, "price", _("价格说明"), 100, required=False),
            "tags": [t for t in (clean_text(x, limit=20) for x in tags or []) if t][:10]}


@transaction.atomic
def add_offering(*, actor: Any, provider: Provider, title: str, category: str, price_type: str, price: str,
                 description: str, communities: list[Any], weekdays: list[int], opens: dt.time, closes: dt.time,
                 slot_minutes: int = 60, capacity: int = 1, tags: list[str] | None = None, photo: bytes | None = None,
                 approval_required: bool = False, photos: list[bytes] | None = None, at_home: bool = False) -> Offering:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)  # its state as stored, not as the caller saw it
    _require_staff(actor, provider)
    if provider.state != Provider.State.APPROVED:
        raise Conflict("not_approved", _("服务商通过审核后才能发布服务"))
    fields = _offering_fields(category=category, price_type=price_type, price=price, title=title, description=description,
                              communities=communities, capacity=capacity, tags=tags)
    if not weekdays or any(d not in range(7) for d in weekdays) or closes <= opens:
        raise DomainError("invalid", _("请填写正确的服务时间"), field="hours")
    if not (5 <= slot_minutes <= 480):
        raise DomainError("invalid", _("时段长度或名额不正确"), field="capacity")
    title, description = fields["title"], fields["description"]
    cleaned = _clean_photos([*([photo] if photo else []), *(photos or [])], have=0)
    resource = booking_resources.create_resource(
        actor=actor, name=title, region=provider.region, served=communities, managers=list(provider.staff.all()),
        hours=[(d, opens, closes) for d in set(weekdays)], slot_minutes=slot_minutes, capacity=capacity,
        approval_required=approval_required, audience=booking_selectors.Audience.RESIDENTS,
        # delivered at home: the booking asks where (shown to the provider's staff only)
        asks=booking_selectors.Asks.ADDRESS if at_home else booking_selectors.Asks.NOTHING)
    offering = Offering.objects.create(
        provider=provider, resource=resource, title=title, category=category, price_type=price_type,
        price=fields["price"], description=description, tags=fields["tags"],
        search_text=search_text(title, provider.name, category, description))
    offering.communities.set(communities)
    _save_photos(offering, cleaned)
    record_audit(actor=actor, action="offering.create", target=offering, region_path=provider.region_path)
    return offering


def search_text(title: str, provider_name: str, category: str, description: str) -> str:
    """The prepared text the search scans: the category always by its Chinese name (助餐, not
    the "Meals" of an English page), whatever the language of whoever saved the offering."""
    with translation.override("zh-hans"):
        label = str(Offering.Category(category).label)
    return f"{title} {provider_name} {label} {description}".lower()


def count_view(offering: Offering, *, day: dt.date | None = None) -> None:
    """One more view: the running total and the day's count (figures cover a period)."""
    day = day or timezone.localdate()
    Offering.objects.filter(pk=offering.pk).update(views=F("views") + 1)
    if OfferingViews.objects.filter(offering_id=offering.pk, day=day).update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            OfferingViews.objects.create(offering_id=offering.pk, day=day, views=1)
    except IntegrityError:  # created by a concurrent view meanwhile
        OfferingViews.objects.filter(offering_id=offering.pk, day=day).update(views=F("views") + 1)


@transaction.atomic
def review(*, actor: Any, reservation: Reservation, rating: int, text: str = "") -> Review:
    res = booking_selectors.reservation_for_update(reservation.pk)
    if res.user_id != actor.pk:
        raise PermissionDenied("forbidden", _("只能评价自己的预约"))
    if res.status != booking_selectors.ReservationStatus.ATTENDED:
        raise Conflict("not_attended", _("签到使用服务后才能评价"))
    offering = Offering.objects.filter(resource_id=res.resource_id).first()
    if offering is None:
        raise DomainError("invalid", _("该预约不是驿站服务"))
    if rating not in RATING_LABELS:
        raise DomainError("invalid", _("请选择1到5分"), field="rating")
    if Review.objects.filter(reservation=res).exists():
        raise Conflict("already_reviewed", _("每次服务只能评价一次"))
    r = Review.objects.create(reservation=res, offering=offering, user=actor, rating=rating, text=clean_text(text, multiline=True, limit=500))
    provider = Provider.objects.get(pk=offering.provider_id)
    followups.open_for(r, rating=rating, region_path=provider.region_path)  # a bad review awaits the provider's reply
    return r


@transaction.atomic
def reply(*, actor: Any, review_obj: Review, text: str) -> Review:
    r = Review.objects.select_for_update().select_related("offering__provider").get(pk=review_obj.pk)
    _require_staff(actor, r.offering.provider)
    if r.reply:
        raise Conflict("already_replied", _("已经回复过了"))
    r.reply, r.replied_at = _text(text, "reply", _("回复"), 500), timezone.now()
    r.save(update_fields=["reply", "replied_at"])
    task = followups.task_of(r)
    if task is not None and task.status == task.Status.OPEN:  # the reply answers a bad review's follow-up
        followups.answer(actor=actor, task=task, text=r.reply, clean=str,
                         may_answer=lambda user, _path: r.offering.provider.staff.filter(pk=user.pk).exists())
    send([r.user], "station.review", text=fill(_("%(p)s 回复了您的评价：%(t)s"), {"p": r.offering.provider.name, "t": r.reply[:80]}))
    return r


@transaction.atomic
def hide_review(*, actor: Any, review_obj: Review, reason: str) -> Review:
    r = Review.objects.select_for_update().select_related("offering__provider").get(pk=review_obj.pk)
    if not actor.has_perm("station.moderate", r):
        raise PermissionDenied("forbidden", _("您无权处理该评价"))
    if r.hidden:
        raise Conflict("already_hidden", _("该评价已隐藏"))
    r.hidden, r.hidden_reason, r.hidden_by = True, _text(reason, "reason", _("理由"), 200), actor
    r.save(update_fields=["hidden", "hidden_reason", "hidden_by"])
    record_audit(actor=actor, action="review.hide", target=r, region_path=r.offering.provider.region_path,
                 changes={"reason": r.hidden_reason}, label=f"{r.offering.title} #{r.pk}")
    return r


def set_recommendations(*, actor: Any, on: bool) -> Consent:
    consent, _created = Consent.objects.update_or_create(user=actor, defaults={"recommendations": on})
    return consent


# ---------------------------------------------------------------- provider staff

def _sync_managers(actor: Any, provider: Provider) -> None:
    """Everyone on the provider's staff manages its offerings' resources (check-in, day sheet,
    hours): added staff at once, removed staff no longer."""
    staff = list(provider.staff.all())
    for o in provider.offerings.select_related("resource"):
        booking_resources.set_managers(actor=actor, resource=o.resource, users=staff)


@transaction.atomic
def add_staff(*, actor: Any, provider: Provider, user: Any) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    _require_staff(actor, provider)
    if user is None or not getattr(user, "is_active", False):
        raise DomainError("not_found", _("没有找到该账号：请对方先登录一次，或请社区为其开通账号"), field="user")
    if provider.staff.filter(pk=user.pk).exists():
        raise Conflict("already_staff", _("%(n)s 已是本服务商的工作人员") % {"n": user.display_name or user.username})
    provider.staff.add(user)
    _sync_managers(actor, provider)
    record_audit(actor=actor, action="provider.staff_add", target=provider, region_path=provider.region_path,
                 changes={"user": user.pk})
    send([user], "station.provider", text=fill(_("您已成为服务商“%(p)s”的工作人员，可以在服务商工作台办理预约和签到"), {"p": provider.name}),
           link="/station/console/")
    return provider


@transaction.atomic
def remove_staff(*, actor: Any, provider: Provider, user: Any) -> Provider:
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    _require_staff(actor, provider)
    if not provider.staff.filter(pk=user.pk).exists():
        raise DomainError("not_found", _("该用户不是本服务商的工作人员"), field="user")
    if provider.staff.count() <= 1:
        raise Conflict("last_staff", _("服务商至少要保留一名工作人员"))
    provider.staff.remove(user)
    for o in provider.offerings.all():
        o.staff.remove(user)
    _sync_managers(actor, provider)
    record_audit(actor=actor, action="provider.staff_remove", target=provider, region_path=provider.region_path,
                 changes={"user": user.pk})
    return provider


# ---------------------------------------------------------------- offerings: edit, publish, photos

def _locked_offering(actor: Any, offering: Offering) -> Offering:
    o = Offering.objects.select_for_update(of=("self",)).select_related("provider", "resource").get(pk=offering.pk)
    _require_staff(actor, o.provider)
    return o


@transaction.atomic
def update_offering(*, actor: Any, offering: Offering, title: str, category: str, price_type: str, price: str,
                    description: str, communities: list[Any], capacity: int, tags: list[str] | None = None,
                    approval_required: bool = False, staff: list[Any] | None = None, at_home: bool | None = None) -> Offering:
    """What residents see and book: text, price, communities served, seats, approval, the staff
    who serve. Opening hours are edited on the schedule page (booking.schedule)."""
    o = _locked_offering(actor, offering)
    fields = _offering_fields(category=category, price_type=price_type, price=price, title=title, description=description,
                              communities=communities, capacity=capacity, tags=tags)
    serving = list(staff or [])
    staff_ids = set(o.provider.staff.values_list("pk", flat=True))
    if any(u.pk not in staff_ids for u in serving):
        raise DomainError("invalid", _("服务人员须是本服务商的工作人员"), field="staff")
    before = {"title": o.title, "category": o.category, "price_type": o.price_type, "price": o.price, "tags": o.tags,
              "capacity": o.resource.capacity, "approval_required": o.resource.approval_required}
    for key, value in fields.items():
        setattr(o, key, value)
    o.search_text = search_text(o.title, o.provider.name, o.category, o.description)
    o.save()
    o.communities.set(communities)
    o.staff.set(serving)
    settings: dict[str, Any] = {"name": o.title, "capacity": capacity, "approval_required": approval_required}
    if at_home is not None:  # left out (an older client): unchanged
        settings["asks"] = booking_selectors.Asks.ADDRESS if at_home else booking_selectors.Asks.NOTHING
    booking_resources.update_resource(actor=actor, resource=o.resource, served=communities, **settings)
    from linli.core.services import diff

    after = {"title": o.title, "category": o.category, "price_type": o.price_type, "price": o.price, "tags": o.tags,
             "capacity": capacity, "approval_required": approval_required}
    record_audit(actor=actor, action="offering.update", target=o, region_path=o.provider.region_path,
                 changes=diff(before, after))
    return o


@transaction.atomic
def set_published(*, actor: Any, offering: Offering, published: bool) -> int:
    """Take an offering off the station (no new bookings; the bookings already made stay and are
    served) or put it back. Returns the live future bookings it still has."""
    o = _locked_offering(actor, offering)
    if published and o.provider.state != Provider.State.APPROVED:
        raise Conflict("not_approved", _("服务商通过审核后才能发布服务"))
    o.active = published
    o.save(update_fields=["active", "updated_at"])
    res = o.resource
    if published and o.provider.state == Provider.State.APPROVED:
        booking_resources.reopen_resource(actor=actor, resource=res)
    else:  # the bookings already made stay and are served
        booking_resources.close_resource(actor=actor, resource=res, cancel_bookings=False)
    record_audit(actor=actor, action="offering.publish" if published else "offering.unpublish", target=o,
                 region_path=o.provider.region_path)
    return booking_selectors.live_future_count(res)


MAX_PHOTOS = 9


def _clean_photos(photos: list[bytes], *, have: int) -> list[tuple[bytes, str]]:
    """Each photo's type and size checked and its metadata dropped, all before any is stored."""
    from linli.core.images import clean_image

    photos = [p for p in photos if p]
    if have + len(photos) > MAX_PHOTOS:
        raise DomainError("too_many_photos", _("每项服务最多 %(n)s 张照片") % {"n": MAX_PHOTOS}, field="photos")
    out = []
    for data in photos:
        clean, ext, _ct = clean_image(data, field="photos")
        out.append((clean, ext))
    return out


def _save_photos(offering: Offering, cleaned: list[tuple[bytes, str]]) -> list[OfferingPhoto]:
    last = offering.photos.order_by("-position").values_list("position", flat=True).first()
    position = -1 if last is None else last
    saved = []
    for clean, ext in cleaned:
        position += 1
        photo = OfferingPhoto(offering=offering, position=position)
        photo.image.save(f"o{offering.pk}-{position}.{ext}", ContentFile(clean), save=False)
        photo.save()
        saved.append(photo)
    return saved


@transaction.atomic
def add_photos(*, actor: Any, offering: Offering, photos: list[bytes]) -> list[OfferingPhoto]:
    o = _locked_offering(actor, offering)
    if not [p for p in photos if p]:
        raise DomainError("invalid", _("请选择照片"), field="photos")
    saved = _save_photos(o, _clean_photos(photos, have=o.photos.count()))
    record_audit(actor=actor, action="offering.photos_add", target=o, region_path=o.provider.region_path,
                 changes={"count": len(saved)})
    return saved


@transaction.atomic
def remove_photo(*, actor: Any, photo: OfferingPhoto) -> None:
    o = _locked_offering(actor, photo.offering)
    found = OfferingPhoto.objects.filter(pk=photo.pk, offering=o).first()
    if found is None:
        raise DomainError("not_found", _("照片不存在"))
    name = found.image.name
    found.delete()
    if name and o.photo.name == name:  # the photo an offering had before the gallery
        o.photo = ""
        o.save(update_fields=["photo", "updated_at"])
    storage = found.image.storage
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    record_audit(actor=actor, action="offering.photo_remove", target=o, region_path=o.provider.region_path)


# ---------------------------------------------------------------- vetting: contact and licence

@transaction.atomic
def reveal_contact(*, actor: Any, provider: Provider, reason: str, purpose: str = "") -> str:
    """The provider's whole contact phone for a vetter of its area, with the reason (a listed
    purpose and a real description, core.reasons) logged."""
    if not in_scope(actor, VET_ROLES, provider.region_path):
        raise PermissionDenied("forbidden", _("您无权查看该服务商的信息"))
    reason = clean_reason(purpose, reason)
    record_sensitive_access(actor=actor, kind=SensitiveAccess.Kind.REVEAL, target=provider, fields=["contact_phone"],
                            reason=reason, region_path=provider.region_path)
    return str(provider.contact_phone or "")


@transaction.atomic
def open_licence(*, actor: Any, provider: Provider) -> Any:
    """The licence file for a vetter of the provider's area (each opening audited) or its staff."""
    vetter = in_scope(actor, VET_ROLES, provider.region_path)
    if not vetter and not provider.staff.filter(pk=actor.pk).exists():
        raise PermissionDenied("forbidden", _("您无权查看该服务商的证照"))
    if not provider.licence:
        raise DomainError("not_found", _("未上传证照"))
    if vetter:
        record_audit(actor=actor, action="provider.licence_view", target=provider, region_path=provider.region_path)
    return provider.licence.open("rb")
