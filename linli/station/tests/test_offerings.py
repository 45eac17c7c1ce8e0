"""The service station's services and selectors: provider staff who join later run the
offerings, suspension cancels the bookings and tells, the search text is Chinese whatever the
UI language, the date filter follows the real schedule, figures without fan-out over one period,
offerings edited, unpublished and republished, photos cleaned."""

import datetime as dt
import importlib
import io

import pytest
from django.utils import timezone, translation
from PIL import Image

from linli.accounts.roles import Role
from linli.booking import schedule
from linli.booking import services as booking
from linli.booking.models import Closure, Reservation
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent, SensitiveAccess
from linli.messaging.models import Message
from linli.station import selectors, services
from linli.station.models import Offering, OfferingPhoto, OfferingViews

pytestmark = pytest.mark.django_db


def at(day, hour=11):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def in_days(n):
    return timezone.localdate() + dt.timedelta(days=n)


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (23.0, 7.0, 1.0), 3: "E", 4: (113.0, 19.0, 48.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_staff_added_later_run_the_offerings_and_removed_staff_no_longer(station, make_user):
    station.approve()
    o = station.offer(capacity=3)
    newcomer = make_user(Role.PROVIDER_STAFF, station.tree.liede)
    assert not booking.can_manage(newcomer, o.resource)
    with pytest.raises(PermissionDenied):
        services.add_staff(actor=newcomer, provider=station.provider, user=newcomer)  # only staff add staff
    services.add_staff(actor=station.owner, provider=station.provider, user=newcomer)
    assert booking.can_manage(newcomer, o.resource) and schedule.can_edit(newcomer, o.resource)
    later = station.offer(title="上门理发", category="housekeeping", tags=())
    assert booking.can_manage(newcomer, later.resource)
    start = at(in_days(1))
    res = booking.book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(hours=3))
    assert booking.check_in(actor=newcomer, code=res.code, now=start).status == "attended"  # the new staff checks in
    assert Message.objects.filter(user=newcomer, text__contains="工作人员").exists()
    with pytest.raises(Conflict):
        services.add_staff(actor=station.owner, provider=station.provider, user=newcomer)
    services.remove_staff(actor=station.owner, provider=station.provider, user=newcomer)
    assert not booking.can_manage(newcomer, o.resource) and not booking.can_manage(newcomer, later.resource)
    with pytest.raises(Conflict):  # the last one stays
        services.remove_staff(actor=station.owner, provider=station.provider, user=station.owner)
    assert AuditEvent.objects.filter(action__in=("provider.staff_add", "provider.staff_remove")).count() == 2


def test_the_staff_data_migration_repairs_managers_and_the_search_text(station, make_user):
    station.approve()
    o = station.offer()
    joined = make_user(None)
    station.provider.staff.add(joined)  # as before: staff added without the service
    Offering.objects.filter(pk=o.pk).update(search_text="长者助餐(午餐) 颐康长者服务中心 meals 荤素搭配")
    assert not booking.can_manage(joined, o.resource)
    from django.apps import apps

    migration = importlib.import_module("linli.station.migrations.0003_reindex_and_sync_staff")
    migration.forwards(apps, None)
    o.refresh_from_db()
    assert "助餐" in o.search_text and "meals" not in o.search_text
    assert booking.can_manage(joined, o.resource)


def test_the_search_text_names_the_category_in_chinese_whatever_the_language(station):
    station.approve()
    with translation.override("en"):
        o = station.offer(title="Lunch for elders")
        assert str(Offering.Category.MEALS.label) == "Meals"
    assert "助餐" in o.search_text and "meals" not in o.search_text
    assert list(selectors.search(q="助餐")) == [o]
    with translation.override("en"):
        services.update_offering(actor=station.owner, offering=o, title="Lunch", category="elderly", price_type="low",
                                 price="", description="x", communities=[station.tree.liede_sq], capacity=1)
    o.refresh_from_db()
    assert "养老" in o.search_text


def test_suspending_a_provider_cancels_its_future_bookings_and_tells_the_residents(station):
    station.approve()
    o = station.offer(capacity=2)
    start = at(in_days(2))
    kept = booking.book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(days=1))
    other = booking.book(actor=station.young, resource=o.resource, starts_at=start, now=start - dt.timedelta(days=1))
    services.vet(actor=station.street_admin, provider=station.provider, decision="suspend", reason="食品安全检查未通过")
    for r in (kept, other):
        r.refresh_from_db()
        assert r.status == "cancelled" and "食品安全检查未通过" in r.cancel_reason
    for who in (station.elder, station.young):
        assert Message.objects.filter(user=who, text__contains="食品安全检查未通过").exists()
    assert AuditEvent.objects.filter(action="provider.suspend", changes__cancelled=2).exists()
    o.resource.refresh_from_db()
    assert not o.resource.active
    services.vet(actor=station.street_admin, provider=station.provider, decision="approve")
    o.resource.refresh_from_db()
    assert o.resource.active


def test_unpublish_keeps_bookings_republish_and_approval_keeps_unpublished_offerings_off(station):
    from linli.booking import selectors as booking_selectors
    from linli.core.errors import NotFound

    station.approve()
    o = station.offer(capacity=2)
    start = at(in_days(2))
    r = booking.book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.set_published(actor=station.young, offering=o, published=False)
    assert services.set_published(actor=station.owner, offering=o, published=False) == 1
    assert list(selectors.search(q="助餐")) == []
    with pytest.raises(NotFound):
        booking_selectors.resource(o.resource_id)  # no new bookings
    r.refresh_from_db()
    assert r.status == "confirmed"  # the booking made stays
    services.vet(actor=station.street_admin, provider=station.provider, decision="suspend", reason="整改")
    services.vet(actor=station.street_admin, provider=station.provider, decision="approve")
    o.resource.refresh_from_db()
    assert not o.resource.active  # approval does not republish what the provider took down
    services.set_published(actor=station.owner, offering=o, published=True)
    assert list(selectors.search(q="助餐")) == [o]


def test_editing_an_offering(station, make_user):
    station.approve()
    o = station.offer(capacity=1)
    helper = make_user(None)
    services.add_staff(actor=station.owner, provider=station.provider, user=helper)
    stranger = make_user(None)
    kw = {"title": "长者助餐(晚餐)", "category": "meals", "price_type": "free", "price": "", "description": "软烂易嚼",
              "communities": [station.tree.liede_sq, station.tree.huabiao], "capacity": 4, "tags": ["elder", "disabled"],
              "approval_required": True}
    with pytest.raises(PermissionDenied):
        services.update_offering(actor=stranger, offering=o, **kw)
    with pytest.raises(DomainError):
        services.update_offering(actor=station.owner, offering=o, **{**kw, "staff": [stranger]})  # not their staff
    with pytest.raises(DomainError):
        services.update_offering(actor=station.owner, offering=o, **{**kw, "communities": [station.tree.liede]})
    services.update_offering(actor=station.owner, offering=o, **{**kw, "staff": [helper]})
    o.refresh_from_db()
    o.resource.refresh_from_db()
    assert (o.title, o.price_type, o.resource.capacity, o.resource.approval_required, o.resource.name) == (
        "长者助餐(晚餐)", "free", 4, True, "长者助餐(晚餐)")
    assert set(o.communities.all()) == {station.tree.liede_sq, station.tree.huabiao} == set(o.resource.served.all())
    assert list(o.staff.all()) == [helper] and "晚餐" in o.search_text
    assert AuditEvent.objects.filter(action="offering.update").exists()


def test_photos_are_checked_and_stripped_of_metadata(station):
    station.approve()
    o = station.offer(photos=[jpeg_with_gps(), jpeg_with_gps()])
    assert o.photos.count() == 2
    for p in o.photos.all():
        assert not Image.open(p.image.open("rb")).getexif()
    with pytest.raises(DomainError) as e:
        services.add_photos(actor=station.owner, offering=o, photos=[b"%PDF-1.4 not an image"])
    assert e.value.code == "bad_image"
    with pytest.raises(DomainError) as e:
        services.add_photos(actor=station.owner, offering=o, photos=[jpeg_with_gps()] * 8)
    assert e.value.code == "too_many_photos" and o.photos.count() == 2
    services.add_photos(actor=station.owner, offering=o, photos=[jpeg_with_gps()])
    assert list(o.photos.values_list("position", flat=True)) == [0, 1, 2]
    with pytest.raises(PermissionDenied):
        services.remove_photo(actor=station.young, photo=o.photos.first())
    services.remove_photo(actor=station.owner, photo=o.photos.first())
    assert OfferingPhoto.objects.count() == 2


def _attend(station, o, who, day):
    start = at(day)
    r = booking.book(actor=who, resource=o.resource, starts_at=start, now=start - dt.timedelta(hours=3))
    return booking.check_in(actor=station.owner, code=r.code, now=start)


def test_ratings_are_means_over_reviews_without_fan_out_and_views_cover_the_period(station, registry, make_user):
    station.approve()
    a = station.offer(title="长者助餐", capacity=5)
    b = station.offer(title="上门理发", category="housekeeping", tags=(), capacity=5)
    people = [make_user(Role.RESIDENT, station.tree.g_liede1, phone=f"1370000010{i}",
                        resident=registry.resident(household=registry.household(station.tree.g_liede1, number=f"9{i}"),
                                                   name=f"住户{i}")) for i in range(3)]
    for who in people:  # offering a: three bookings, each reviewed 5
        services.review(actor=who, reservation=_attend(station, a, who, in_days(1)), rating=5)
    services.review(actor=station.elder, reservation=_attend(station, b, station.elder, in_days(1)), rating=1)
    # true mean over the four reviews: 16 / 4 = 4.0 (a mean of the offerings' means would say 3.0;
    # averaging over a join of reservations and reviews would say 4.6)
    [row] = selectors.area_figures(station.street_admin)
    assert (row["bookings"], row["attended"], row["reviews"], row["rating"], row["n_offerings"]) == (4, 4, 4, 4.0, 2)
    places = selectors.figures_by_place(station.street_admin)
    assert [(p["name"], p["rating"], p["reviews"]) for p in places["streets"]] == [("猎德街", 4.0, 4)]
    assert [(p["name"], p["rating"]) for p in places["communities"]] == [("猎德社区", 4.0)]
    f = selectors.provider_figures(station.provider)
    assert (f.bookings, f.reviews, f.rating, f.days) == (4, 4, 4.0, 30)
    # views: counted per day; an old view lies outside the 30 days, as old bookings do
    services.count_view(a)
    services.count_view(a)
    services.count_view(b, day=timezone.localdate() - dt.timedelta(days=40))
    assert OfferingViews.objects.get(offering=a).views == 2
    assert selectors.provider_figures(station.provider).views == 2
    assert selectors.provider_figures(station.provider, days=90).views == 3
    assert selectors.area_figures(station.street_admin)[0]["views"] == 2
    Reservation.objects.update(created_at=timezone.now() - dt.timedelta(days=45))
    assert selectors.provider_figures(station.provider).bookings == 0
    assert selectors.area_figures(station.other_admin) == []


def test_the_date_filter_follows_the_real_schedule_of_that_date(station, client):
    station.approve()
    d1, d2 = in_days(2), in_days(3)
    full = station.offer(title="助餐A", capacity=1)
    closed = station.offer(title="助餐B")
    extra = station.offer(title="助餐C")
    term_only = station.offer(title="助餐D")
    plain = station.offer(title="助餐E")
    booking.book(actor=station.elder, resource=full.resource, starts_at=at(d1), now=at(d1) - dt.timedelta(days=1))
    schedule.add_closure(actor=station.owner, resource=closed.resource, starts_at=at(d2, 0), ends_at=at(d2, 23),
                         reason="设备检修")
    other_day = (d1.weekday() + 3) % 7
    schedule.set_weekly_hours(actor=station.owner, resource=extra.resource, hours=[(other_day, dt.time(9), dt.time(10), "all")])
    schedule.add_extra_opening(actor=station.owner, resource=extra.resource, date=d1, opens=dt.time(15), closes=dt.time(16))
    schedule.set_weekly_hours(actor=station.owner, resource=term_only.resource,
                              hours=[(d, dt.time(11), dt.time(12), "term") for d in range(7)])  # no term: never open
    titles = lambda day: sorted(o.title for o in selectors.search(q="助餐", date=day))  # noqa: E731
    assert titles(d1) == ["助餐B", "助餐C", "助餐E"]  # A is full that day; C opens only by its extra opening
    assert titles(d2) == ["助餐A", "助餐E"]  # B is closed; C has no hours that weekday
    assert titles(None) == ["助餐A", "助餐B", "助餐C", "助餐D", "助餐E"]
    assert titles(timezone.localdate() + dt.timedelta(days=40)) == []  # beyond booking ahead
    client.force_login(station.young)
    api = client.get(f"/api/v1/station/offerings?q=助餐&date={d2}")
    assert sorted(o["title"] for o in api.json()) == ["助餐A", "助餐E"]
    assert client.get("/api/v1/station/offerings?date=2026-02-30").status_code in (400, 422)
    page = client.get(f"/station/?q=助餐&date={d1}").content.decode()
    assert "助餐C" in page and "助餐A" not in page
    assert Closure.objects.count() == 1 and plain.pk


def test_vetters_reveal_the_contact_phone_with_a_reason(station):
    with pytest.raises(DomainError):
        services.reveal_contact(actor=station.street_admin, provider=station.provider, reason=" ")
    with pytest.raises(PermissionDenied):
        services.reveal_contact(actor=station.other_admin, provider=station.provider, reason="核实入驻材料", purpose="核对信息")
    assert services.reveal_contact(actor=station.street_admin, provider=station.provider, reason="核实入驻材料",
                                   purpose="核对信息") == "13800001111"
    log = SensitiveAccess.objects.get()
    assert (log.actor, log.fields, log.reason, log.region_path) == (station.street_admin, ["contact_phone"], "核对信息：核实入驻材料",
                                                                    station.provider.region_path)


def test_a_huge_dimension_photo_is_refused_quickly_on_every_upload_path(station, client):
    """Offering photos (service and page), and a provider's licence when it is an image."""
    import io
    import time

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (6300, 6300), (1, 2, 3)).save(buf, "PNG")
    huge = buf.getvalue()
    station.approve()
    o = station.offer()
    started = time.monotonic()
    with pytest.raises(DomainError) as e:
        services.add_photos(actor=station.owner, offering=o, photos=[huge])
    assert e.value.code == "image_too_large" and time.monotonic() - started < 1
    client.force_login(station.owner)
    resp = client.post(f"/station/console/offerings/{o.pk}/", {"action": "photos", "photos": [SimpleUploadedFile("h.png", huge)]})
    assert resp.status_code == 400 and "照片尺寸过大" in resp.content.decode()
    assert o.photos.count() == 0
    from linli.station.tests.conftest import make_uscc

    with pytest.raises(DomainError) as e:
        services.apply_provider(actor=station.young, name="大图公司", code=make_uscc("91440106MA5CDEG8X"), kind="merchant",
                                contact_name="林", contact_phone="13812345678", address="猎德路2号",
                                region=station.tree.liede, licence=huge)
    assert e.value.code == "image_too_large" and "照片尺寸过大" in str(e.value.message)


def test_a_home_service_asks_where_and_only_its_staff_see_the_address(station, client):
    import datetime as dt

    from django.utils import timezone

    from linli.booking import services as booking
    from linli.booking.models import Resource

    station.approve()
    o = station.offer(title="上门助浴", category="elderly", at_home=True)
    assert o.resource.asks == Resource.Asks.ADDRESS
    services.update_offering(actor=station.owner, offering=o, title=o.title, category=o.category, price_type=o.price_type,
                             price=o.price, description=o.description, communities=[station.tree.liede_sq], capacity=1)
    o.resource.refresh_from_db()
    assert o.resource.asks == Resource.Asks.ADDRESS  # left out: unchanged
    start = timezone.localtime(timezone.now()).replace(hour=11, minute=0, second=0, microsecond=0) + dt.timedelta(days=2)
    with pytest.raises(DomainError):
        booking.book(actor=station.young, resource=o.resource, starts_at=start)
    booking.book(actor=station.young, resource=o.resource, starts_at=start, details=booking.Details(address="翠苑3栋502"))
    url = f"/booking/staff/{o.resource.pk}/?date={start:%Y-%m-%d}"
    client.force_login(station.owner)
    assert "翠苑3栋502" in client.get(url).content.decode()
    client.force_login(station.street_admin)  # runs the area's bookings, does not make the visit
    resp = client.get(url)
    assert resp.status_code == 200 and "翠苑3栋502" not in resp.content.decode()
