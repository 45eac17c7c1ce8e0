import datetime as dt

import pytest

from linli.booking import services as booking
from linli.booking.models import Reservation
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.station import selectors, services
from linli.station.models import Provider
from linli.station.tests.conftest import make_uscc

pytestmark = pytest.mark.django_db


def test_only_vetted_providers_are_visible_and_vetting_is_scoped(station):
    with pytest.raises(Conflict):
        station.offer()  # not approved yet
    with pytest.raises(PermissionDenied):
        services.vet(actor=station.other_admin, provider=station.provider, decision="approve")
    with pytest.raises(DomainError):
        services.vet(actor=station.street_admin, provider=station.provider, decision="reject", reason="")
    station.approve()
    o = station.offer()
    assert list(selectors.search(q="助餐")) == [o]
    services.vet(actor=station.street_admin, provider=station.provider, decision="suspend", reason="食品安全检查未通过")
    assert list(selectors.search(q="助餐")) == []
    assert AuditEvent.objects.filter(action="provider.suspend").exists()
    from linli.booking import selectors as booking_selectors
    from linli.core.errors import NotFound

    with pytest.raises(NotFound):  # its bookable resource is closed with it
        booking_selectors.resource(o.resource_id)


def _next_slot(o):
    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(11)))


def test_uscc_checked_and_unique(station, make_user):
    owner = make_user(None)
    good = make_uscc("91440106MA5ABCDE1")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(DomainError) as err:
        services.apply_provider(actor=owner, name="某理发店", code=wrong, kind="merchant",
                                contact_name="李", contact_phone="13800002222", address="x", region=station.tree.liede)
    assert err.value.code == "invalid_uscc" and "校验位" in str(err.value.message)
    with pytest.raises(Conflict):
        services.apply_provider(actor=owner, name="重复", code=station.provider.uscc, kind="merchant",
                                contact_name="李", contact_phone="13800002222", address="x", region=station.tree.liede)


def test_short_chinese_search_filters_and_recommendations(station):
    station.approve()
    meal = station.offer()
    hair = station.offer(title="上门理发", category="housekeeping", tags=(), price_type="market")
    law = station.offer(title="法律咨询", category="legal", tags=(), price_type="free")
    assert list(selectors.search(q="理发")) == [hair]
    assert list(selectors.search(q="颐康")) == [law, hair, meal]  # provider name matches too
    assert list(selectors.search(price_type="free")) == [law]
    assert list(selectors.search(category="meals", community=station.tree.liede_sq.code)) == [meal]
    assert list(selectors.search(community=station.tree.pantang.code)) == []
    assert selectors.recommendations(station.elder) == []  # not opted in
    services.set_recommendations(actor=station.elder, on=True)
    assert selectors.recommendations(station.elder)[0] == meal  # an elder sees 助餐 first
    services.set_recommendations(actor=station.elder, on=False)
    assert selectors.recommendations(station.elder) == []  # opting out takes effect at once


def test_review_only_after_attending_once_reply_and_hide(station):
    from django.utils import timezone

    station.approve()
    o = station.offer()
    start = _next_slot(o)
    res = booking.book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(hours=5))
    with pytest.raises(Conflict):
        services.review(actor=station.elder, reservation=res, rating=5)
    booking.check_in(actor=station.owner, code=res.code, now=start + dt.timedelta(minutes=5))
    with pytest.raises(PermissionDenied):
        services.review(actor=station.young, reservation=res, rating=1)
    rv = services.review(actor=station.elder, reservation=Reservation.objects.get(pk=res.pk), rating=5, text="饭菜软烂")
    with pytest.raises(Conflict):
        services.review(actor=station.elder, reservation=res, rating=4)
    services.reply(actor=station.owner, review_obj=rv, text="谢谢阿婆")
    with pytest.raises(PermissionDenied):
        services.reply(actor=station.young, review_obj=rv, text="x")
    with pytest.raises(PermissionDenied):
        services.hide_review(actor=station.other_admin, review_obj=rv, reason="x")
    services.hide_review(actor=station.street_admin, review_obj=rv, reason="含他人电话号码")
    assert list(selectors.reviews_of(o)) == []
    assert AuditEvent.objects.filter(action="review.hide", changes__reason="含他人电话号码").exists()
    f = selectors.provider_figures(station.provider)
    assert (f.bookings, f.attended, f.reviews) == (1, 1, 0)
    assert timezone.now()


def test_provider_staff_run_their_offerings_bookings(station, make_user):
    from linli.accounts.roles import Role

    station.approve()
    o = station.offer()
    assert booking.can_manage(station.owner, o.resource)
    stranger = make_user(Role.CASEWORKER, station.tree.pantang)
    assert not booking.can_manage(stranger, o.resource)
    assert Provider.objects.get().uscc == make_uscc("52440106MJL000012")


def test_figures_per_street_and_community_stay_in_the_area(station, client):
    from linli.booking.services import book

    station.approve()
    o = station.offer()
    services.count_view(o)
    start = _next_slot(o)
    booking_res = book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(hours=3))
    booking.check_in(actor=station.owner, code=booking_res.code, now=start)
    places = selectors.figures_by_place(station.street_admin)
    assert [(p["name"], p["views"], p["bookings"], p["attended"]) for p in places["streets"]] == [("猎德街", 1, 1, 1)]
    assert [(p["name"], p["bookings"]) for p in places["communities"]] == [("猎德社区", 1)]
    assert selectors.figures_by_place(station.other_admin) == {"streets": [], "communities": []}
    client.force_login(station.street_admin)
    assert "猎德社区" in client.get("/station/vetting/").content.decode()
