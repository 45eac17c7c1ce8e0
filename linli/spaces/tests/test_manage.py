"""Running a shared space: its admins and own staff edit what residents read and the rules they
book under, close it for good (every future booking cancelled, each person told) and open it
again; the public list filters by type, area and words, a page at a time. Region isolation for
every page and endpoint."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.booking import services as booking
from linli.booking.models import Reservation, Resource
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.spaces import services
from linli.spaces.models import Venue

GROUP = booking.Details(purpose="居民活动", headcount=1, contact="联系人 13800000000")  # what a room asks (ignored by a ground)

pytestmark = pytest.mark.django_db
HOURS = [(d, dt.time(9), dt.time(12)) for d in range(7)]


@pytest.fixture
def setup(tree, make_user):
    from linli.core.calendar import invalidate
    from linli.core.calendar_seed import seed as seed_calendar
    from linli.core.models import CalendarDay

    seed_calendar(CalendarDay)
    invalidate()

    class S:
        admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
        street_admin = make_user(Role.STREET_ADMIN, tree.liede)
        other_admin = make_user(Role.COMMUNITY_ADMIN, tree.huabiao)  # same street, another community
        far_admin = make_user(Role.STREET_ADMIN, tree.changhua)
        keeper = make_user(None, username="school_keeper")
        room = services.open_venue(actor=admin, region=tree.liede_sq, name="猎德社区活动室", kind="room", owner="猎德社区居委会",
                                   address="党群服务中心二楼", capacity=2, hours=HOURS, facilities="投影、音响")
        ground = services.open_venue(actor=street_admin, region=tree.huabiao, name="华标小学运动场", kind="school_ground",
                                     owner="华标小学", address="华标路1号", capacity=40,
                                     terms=[("秋季学期", dt.date(2026, 9, 1), dt.date(2027, 1, 22))], managers=[keeper],
                                     facilities="篮球场2块、跑道")
        pantang = services.open_venue(actor=far_admin, region=tree.pantang, name="泮塘社区礼堂", kind="hall", owner="泮塘社区",
                                      address="泮塘路", capacity=80, hours=HOURS)
    S.tree = tree
    return S


def _resident(registry, make_user, tree, n, grid=None):
    person = registry.resident(household=registry.household(grid or tree.g_liede1, number=f"5{n:02d}"), name=f"住户{n}")
    return make_user(Role.RESIDENT, grid or tree.g_liede1, phone=f"1370000{n:04d}", resident=person)


def _tomorrow(hour):
    return timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(hour)))


def _edit(s, venue, actor, **kw):
    base = {"name": venue.name, "owner": venue.owner, "address": venue.address, "capacity": venue.resource.capacity}
    return services.update_venue(actor=actor, venue=venue, **{**base, **kw})


def test_open_serves_its_own_community_and_checks_what_it_is_given(setup):
    s = setup
    assert list(s.room.resource.served.all()) == [s.tree.liede_sq]
    assert s.room.resource.audience == Resource.Audience.RESIDENTS
    with pytest.raises(DomainError) as err:
        services.open_venue(actor=s.street_admin, region=s.tree.liede_sq, name="x", kind="room", owner="y", address="",
                            capacity=5, hours=HOURS, served=[s.tree.pantang])  # another district's community
    assert err.value.details["field"] == "served"
    with pytest.raises(DomainError):
        services.open_venue(actor=s.admin, region=s.tree.liede_sq, name="x", kind="room", owner="y", address="", capacity=5,
                            hours=HOURS, audience="tagged")
    with pytest.raises(DomainError):
        services.open_venue(actor=s.admin, region=s.tree.liede_sq, name="x", kind="room", owner="y", address="", capacity=5,
                            hours=HOURS, slot_minutes=5)
    assert Venue.objects.count() == 3  # nothing half-made by the refusals


def test_update_changes_what_residents_read_and_the_rules_they_book_under(setup, registry, make_user, client):
    s = setup
    neighbour = _resident(registry, make_user, s.tree, 1, grid=s.tree.g_huabiao)  # 华标社区: not served yet
    with pytest.raises(PermissionDenied):
        booking.book(details=GROUP, actor=neighbour, resource=s.room.resource, starts_at=_tomorrow(9))
    v = _edit(s, s.room, s.admin, rules_text="活动结束请恢复桌椅", capacity=3, served=[s.tree.liede_sq, s.tree.huabiao],
              book_ahead_days=7, cancel_before_hours=24, weekly_limit=2, approval_required=True)
    assert v.resource.capacity == 3 and v.resource.approval_required and v.resource.weekly_limit == 2
    r = booking.book(details=GROUP, actor=neighbour, resource=v.resource, starts_at=_tomorrow(9))
    assert r.status == Reservation.Status.REQUESTED  # approval now needed
    page = client.get(f"/spaces/{v.pk}/").content.decode()
    assert "活动结束请恢复桌椅" in page and "华标社区" in page and "可提前 7 天预约" in page
    event = AuditEvent.objects.get(action="venue.update")
    assert event.changes["capacity"] == [2, 3] and event.changes["served"] == [["440106001001"],
                                                                              ["440106001001", "440106001002"]]
    # open to everyone: someone from another district may book
    far = _resident(registry, make_user, s.tree, 2, grid=s.tree.g_pantang)
    v = _edit(s, v, s.admin, audience="everyone", served=[], approval_required=False, capacity=3)
    assert booking.book(details=GROUP, actor=far, resource=v.resource, starts_at=_tomorrow(10)).status == Reservation.Status.CONFIRMED


def test_only_the_venues_people_may_edit_it(setup):
    s = setup
    with pytest.raises(PermissionDenied):
        _edit(s, s.room, s.other_admin, rules_text="x")  # the next community's admin
    with pytest.raises(PermissionDenied):
        _edit(s, s.room, s.far_admin, rules_text="x")
    with pytest.raises(PermissionDenied):
        _edit(s, s.room, s.keeper, rules_text="x")  # named on another venue only
    assert _edit(s, s.ground, s.keeper, rules_text="请穿运动鞋").rules_text == "请穿运动鞋"  # the school's own staff
    assert _edit(s, s.room, s.street_admin, facilities="投影").facilities == "投影"  # the street's admin
    with pytest.raises(DomainError) as err:
        _edit(s, s.room, s.admin, name="  ")
    assert err.value.details["field"] == "name"
    s.room.refresh_from_db()
    assert s.room.name == "猎德社区活动室"


def test_closing_cancels_every_future_booking_and_tells_each_person(setup, registry, make_user, client):
    s = setup
    a, b, c = (_resident(registry, make_user, s.tree, n) for n in (3, 4, 5))
    booking.book(details=GROUP, actor=a, resource=s.room.resource, starts_at=_tomorrow(9))
    booking.book(details=GROUP, actor=b, resource=s.room.resource, starts_at=_tomorrow(9))
    waiting = booking.book(details=GROUP, actor=c, resource=s.room.resource, starts_at=_tomorrow(9), wait=True)
    assert waiting.status == Reservation.Status.WAITING
    with pytest.raises(DomainError):
        services.close_venue(actor=s.admin, venue=s.room, reason=" ")
    assert services.close_venue(actor=s.admin, venue=s.room, reason="场地改造") == 3
    assert set(Reservation.objects.values_list("status", flat=True)) == {Reservation.Status.CANCELLED}
    from linli.messaging.models import Message

    assert Message.objects.filter(user__in=[a, b, c], text__contains="场地改造").count() == 3
    assert client.get(f"/spaces/{s.room.pk}/").status_code == 404
    assert "猎德社区活动室" not in client.get("/spaces/").content.decode()
    with pytest.raises(DomainError):
        booking.book(details=GROUP, actor=a, resource=Resource.objects.get(pk=s.room.resource_id), starts_at=_tomorrow(10))
    with pytest.raises(Conflict):
        services.close_venue(actor=s.admin, venue=s.room, reason="again")
    services.reopen_venue(actor=s.admin, venue=s.room)
    assert client.get(f"/spaces/{s.room.pk}/").status_code == 200
    assert booking.book(details=GROUP, actor=a, resource=s.room.resource, starts_at=_tomorrow(10)).status == Reservation.Status.CONFIRMED
    assert list(AuditEvent.objects.filter(action__startswith="venue.").order_by("pk").values_list("action", flat=True))[-2:] == [
        "venue.close", "venue.reopen"]


def test_public_list_by_type_area_and_words_a_page_at_a_time(setup, client):
    s = setup

    def names(query=""):
        page = client.get(f"/spaces/?{query}").content.decode()
        body = page[page.index('data-testid="venues"'):]
        return {v.name for v in Venue.objects.all() if v.name in body}

    assert names() == {"猎德社区活动室", "华标小学运动场", "泮塘社区礼堂"}
    assert names("kind=school_ground") == {"华标小学运动场"}
    assert names("district=440103000000") == {"泮塘社区礼堂"}
    assert names("district=440106000000&street=440106001000") == {"猎德社区活动室", "华标小学运动场"}
    assert names("district=440103000000&street=440106001000") == {"泮塘社区礼堂"}  # a street of another district is dropped
    assert names("q=篮球") == {"华标小学运动场"}
    assert names("q=居委会") == {"猎德社区活动室"}
    _edit(s, s.pantang, s.far_admin, public=False, capacity=80)
    assert names() == {"猎德社区活动室", "华标小学运动场"}
    assert client.get(f"/spaces/{s.pantang.pk}/").status_code == 404
    for i in range(30):
        services.open_venue(actor=s.admin, region=s.tree.liede_sq, name=f"活动室{i:02d}", kind="room", owner="居委会",
                            address="", capacity=5, hours=HOURS)
    first = client.get("/spaces/").content.decode()
    assert "1 / 2" in first and "共 32 处场地" in first
    assert "2 / 2" in client.get("/spaces/?page=2").content.decode()


def test_manage_pages_open_edit_and_isolation(setup, client):
    s = setup
    client.force_login(s.admin)
    page = client.get("/spaces/manage/").content.decode()
    assert "猎德社区活动室" in page and "华标小学运动场" not in page and "泮塘社区礼堂" not in page
    assert client.get(f"/spaces/manage/{s.ground.pk}/").status_code == 404
    assert client.get(f"/spaces/manage/{s.pantang.pk}/").status_code == 404
    form = {"name": "猎德青年之家", "kind": "room", "owner": "猎德社区居委会", "community": "440106001001", "address": "一楼",
            "capacity": "12", "slot_minutes": "90", "audience": "residents", "weekdays": ["5", "6"], "opens": "14:00",
            "closes": "17:00", "rules_text": "禁止吸烟"}
    r = client.post("/spaces/manage/", {**form, "closes": "13:00"})
    assert r.status_code == 400 and "结束时间须晚于开始时间" in r.content.decode()
    assert not Venue.objects.filter(name="猎德青年之家").exists()
    r = client.post("/spaces/manage/", form)
    v = Venue.objects.get(name="猎德青年之家")
    assert r.status_code == 302 and r["Location"] == f"/spaces/manage/{v.pk}/"
    assert v.resource.slot_minutes == 90 and sorted(v.resource.rules.values_list("weekday", flat=True)) == [5, 6]
    r = client.post(f"/spaces/manage/{v.pk}/", {"action": "save", "name": v.name, "owner": v.owner, "address": "二楼",
                                                "capacity": "0", "book_ahead_days": "14", "cancel_before_hours": "2",
                                                "weekly_limit": "0", "audience": "residents", "public": "1"})
    assert r.status_code == 400 and "名额须在1到1000之间" in r.content.decode()
    v.refresh_from_db()
    assert v.address == "一楼"
    r = client.post(f"/spaces/manage/{v.pk}/", {"action": "save", "name": v.name, "owner": v.owner, "address": "二楼",
                                                "capacity": "15", "book_ahead_days": "14", "cancel_before_hours": "2",
                                                "weekly_limit": "1", "audience": "residents", "served": ["440106001002"],
                                                "public": "1"})
    assert r.status_code == 302
    v.refresh_from_db()
    assert v.address == "二楼" and v.resource.capacity == 15 and v.resource.weekly_limit == 1
    r = client.post(f"/spaces/manage/{v.pk}/", {"action": "close", "reason": "设备检修"}, follow=True)
    assert "已停止开放" in r.content.decode()
    # the opened venue shows in the admin's list even when closed
    assert "猎德青年之家" in client.get("/spaces/manage/").content.decode()
    client.force_login(s.keeper)
    page = client.get("/spaces/manage/").content.decode()
    assert "华标小学运动场" in page and "猎德社区活动室" not in page and "开放新场地" not in page
    resident_page = client.get(f"/spaces/{s.ground.pk}/").content.decode()
    assert f"/spaces/manage/{s.ground.pk}/" in resident_page


def test_open_form_refuses_a_community_outside_the_admins_area(setup, client):
    client.force_login(setup.admin)
    form = {"name": "外区活动室", "kind": "room", "owner": "x", "community": "440103001001", "capacity": "5",
            "weekdays": ["1"], "opens": "09:00", "closes": "10:00"}
    r = client.post("/spaces/manage/", form)
    assert r.status_code == 400 and "您无权在该区域开放场地" in r.content.decode()
    assert not Venue.objects.filter(name="外区活动室").exists()


def test_people_without_a_venue_get_403(setup, client, make_user, registry):
    client.force_login(_resident(registry, make_user, setup.tree, 9))
    assert client.get("/spaces/manage/").status_code == 403


def test_api_list_detail_open_update_close_and_isolation(setup, client, registry, make_user):
    s = setup
    someone = _resident(registry, make_user, s.tree, 6)
    client.force_login(someone)
    rows = client.get("/api/v1/spaces/venues?area=440106001000").json()
    assert rows["count"] == 2 and {r["name"] for r in rows["items"]} == {"猎德社区活动室", "华标小学运动场"}
    assert client.get("/api/v1/spaces/venues?area=99").status_code == 400
    detail = client.get(f"/api/v1/spaces/venues/{s.room.pk}").json()
    assert detail["served"] == ["440106001001"] and detail["resource_id"] == s.room.resource_id and detail["capacity"] == 2
    assert client.get(f"/api/v1/spaces/venues/{s.room.pk}/slots").status_code == 404
    slots = client.get(f"/api/v1/booking/resources/{detail['resource_id']}/slots",
                       {"date": (timezone.localdate() + dt.timedelta(days=1)).isoformat()})
    assert slots.status_code == 200 and len(slots.json()) == 3
    assert client.get("/api/v1/spaces/managed").json()["count"] == 0
    assert client.patch(f"/api/v1/spaces/venues/{s.room.pk}", {"rules_text": "x"},
                        content_type="application/json").status_code == 404
    body = {"community_code": "440106001001", "name": "x", "kind": "room", "owner": "y", "capacity": 5,
            "hours": [{"weekday": 0, "opens": "09:00", "closes": "10:00"}]}
    assert client.post("/api/v1/spaces/venues", body, content_type="application/json").status_code == 403

    client.force_login(s.far_admin)  # another district's street admin
    assert {r["name"] for r in client.get("/api/v1/spaces/managed").json()["items"]} == {"泮塘社区礼堂"}
    for path in (f"/api/v1/spaces/venues/{s.room.pk}/close", f"/api/v1/spaces/venues/{s.room.pk}/reopen"):
        assert client.post(path, {"reason": "x"}, content_type="application/json").status_code == 404
    assert client.patch(f"/api/v1/spaces/venues/{s.room.pk}", {"rules_text": "x"},
                        content_type="application/json").status_code == 404
    assert client.post("/api/v1/spaces/venues", body, content_type="application/json").status_code == 403

    client.force_login(s.admin)
    r = client.post("/api/v1/spaces/venues", {**body, "kind": "pool"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "kind"
    r = client.post("/api/v1/spaces/venues", {**body, "capacity": 0}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["details"]["fields"][0]["field"] == "capacity"
    late = {**body, "hours": [{"weekday": 0, "opens": "10:00", "closes": "09:00"}]}
    r = client.post("/api/v1/spaces/venues", late, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["message"] == "结束时间须晚于开始时间"
    twice = {**body, "hours": [{"weekday": 0, "opens": "09:00", "closes": "11:00"}, {"weekday": 0, "opens": "10:00", "closes": "12:00"}]}
    assert client.post("/api/v1/spaces/venues", twice, content_type="application/json").json()["error"]["code"] == "overlap"
    school = {**body, "kind": "school_ground", "hours": [], "terms": [{"name": "秋季", "start": "2027-01-22", "end": "2026-09-01"}]}
    r = client.post("/api/v1/spaces/venues", school, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "end"
    assert not Venue.objects.filter(name="x").exists() and not Resource.objects.filter(name="x").exists()  # nothing half-made
    r = client.post("/api/v1/spaces/venues", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["community_code"] == "440106001001" and r.json()["active"]
    vid = r.json()["id"]
    r = client.patch(f"/api/v1/spaces/venues/{vid}", {"rules_text": "请提前十分钟到", "weekly_limit": 3},
                     content_type="application/json")
    assert r.status_code == 200 and r.json()["rules_text"] == "请提前十分钟到" and r.json()["weekly_limit"] == 3
    assert r.json()["name"] == "x" and r.json()["capacity"] == 5  # left out: kept
    r = client.patch(f"/api/v1/spaces/venues/{vid}", {"served": ["440103001001"]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "served"
    booking.book(details=GROUP, actor=someone, resource=Resource.objects.get(venue__pk=vid),
                 starts_at=timezone.make_aware(dt.datetime.combine(
                     timezone.localdate() + dt.timedelta(days=(7 - timezone.localdate().weekday()) or 7), dt.time(9))))
    r = client.post(f"/api/v1/spaces/venues/{vid}/close", {"reason": "改作他用"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["cancelled"] == 1 and not r.json()["venue"]["active"]
    assert client.get(f"/api/v1/spaces/venues/{vid}").status_code == 404  # closed: gone from the public API
    r = client.post(f"/api/v1/spaces/venues/{vid}/close", {"reason": "again"}, content_type="application/json")
    assert r.status_code == 409
    assert client.post(f"/api/v1/spaces/venues/{vid}/reopen").json()["active"]
