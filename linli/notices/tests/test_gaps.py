"""The gaps of 四个不漏 on a notice's coverage — buildings without a 楼长 or 居民代表, and households
nobody represents (no 户代表, or the one named moved out) — and the one selector of the unreached
households (``unreached_for``) the coverage page and the API share."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.notices import selectors, services

pytestmark = pytest.mark.django_db


def _represent(place, household, resident):
    from linli.regions import services as rs

    rs.set_household_representative(actor=place.admin, household=household, resident=resident)


def test_households_without_a_representative_per_building_and_grid(place, notice_of, registry, django_assert_max_num_queries):
    from linli.regions.models import Resident

    h = place.households
    _represent(place, h[0], place.reader)  # 101 has its 户代表
    _represent(place, h[2], place.no_account)  # 103's moves out: nobody represents it any more
    Resident.objects.filter(pk=place.no_account.pk).update(moved_out=dt.date(2026, 1, 1))
    registry.resident(household=h[2], name="赵家人")
    notice = notice_of()
    with django_assert_max_num_queries(5):
        cov = selectors.coverage(notice, place.admin)
    # 102 and 103 in 1栋; 201 in 2栋 has nobody living there: not a gap
    assert cov.without_representative == 2 and cov.gaps_at is not None
    assert {b.name: b.without_representative for b in selectors.name_buildings(cov.buildings)} == {"翠苑 1栋": 2, "翠苑 2栋": 0}
    assert [(g.name, g.without_representative) for g in cov.grids] == [("第1网格", 2)]
    assert cov.gaps == 1  # 2栋 still has no 楼长

    def per_building():  # type: ignore[no-untyped-def]
        return {b.name: b.without_representative for b in selectors.name_buildings(selectors.coverage(notice, place.admin).buildings)}

    registry.resident(household=h[3], name="新住户")
    assert per_building() == {"翠苑 1栋": 2, "翠苑 2栋": 0}  # as of publication, until the refresh reads the registry again
    before = selectors.coverage(notice, place.admin).gaps_at
    assert services.refresh_gaps(notice) == 1
    assert per_building() == {"翠苑 1栋": 2, "翠苑 2栋": 1}
    assert selectors.coverage(notice, place.admin).gaps_at >= before
    _represent(place, h[1], place.leader_res)
    from linli.notices.tasks import refresh_gaps

    assert refresh_gaps.call() == {"notices": 1}  # the periodic task: the notice is still being delivered
    assert selectors.coverage(notice, place.admin).without_representative == 2  # 103 and 201
    assert selectors.coverage(notice, place.other_admin).without_representative == 0


def test_a_household_list_counts_only_its_households(place):
    h = place.households
    notice = services.publish(actor=place.admin, notice=services.create_draft(
        actor=place.admin, title="个别通知", body="请到社区办理。", household_ids=[h[0].pk, h[3].pk], must_reach=True))
    cov = selectors.coverage(notice, place.admin)
    assert (cov.total, cov.without_representative) == (2, 1)  # 101; 201 is empty


def test_the_api_and_the_page_show_households_without_a_representative(client, place, notice_of, registry):
    from linli.regions import services as rs

    notice = notice_of()
    client.force_login(place.admin)
    body = client.get(f"/api/v1/notices/{notice.pk}/coverage").json()
    assert body["without_representative"] == 3 and body["gaps"] == 1
    assert {b["name"]: b["without_representative"] for b in body["buildings"]} == {"翠苑 1栋": 3, "翠苑 2栋": 0}
    assert body["grids"][0]["without_representative"] == 3
    page = client.get(f"/notices/{notice.pk}/coverage/").content.decode()
    assert 'data-testid="without-representative"' in page and "无户代表" in page
    assert page.count('data-testid="building-without-representative"') == 2
    # the number of statements stays the same with more buildings
    with CaptureQueriesContext(connection) as small:
        client.get(f"/api/v1/notices/{notice.pk}/coverage")
    for i in range(6):
        b = rs.create_building(actor=registry.actor, compound=place.compound, name=f"{i + 10}栋")
        room = rs.create_room(actor=registry.actor, building=b, unit_name="1单元", number="101", exclusive_area="70")
        registry.resident(household=rs.create_household(actor=registry.actor, room=room), name=f"住户{i}")
    bigger = notice_of()
    with CaptureQueriesContext(connection) as big:
        body = client.get(f"/api/v1/notices/{bigger.pk}/coverage").json()
    assert body["without_representative"] == 9 and len(body["buildings"]) == 8
    assert len(big) == len(small)
    with CaptureQueriesContext(connection) as small_page:
        client.get(f"/notices/{notice.pk}/coverage/")
    with CaptureQueriesContext(connection) as big_page:
        client.get(f"/notices/{bigger.pk}/coverage/")
    assert len(big_page) == len(small_page)


def test_unreached_for_each_side(place, notice_of, django_assert_max_num_queries):
    h = place.households
    notice = notice_of()
    services.confirm(actor=place.reader_user, notice=notice)
    everyone = {h[1].pk, h[2].pk, h[3].pk}
    assert {r["household_id"] for r in selectors.unreached_for(place.admin, notice)} == everyone
    assert {r["household_id"] for r in selectors.unreached_for(place.grid_worker, notice)} == everyone
    with django_assert_max_num_queries(7):  # who he is, his buildings, the rows and their labels
        mine = selectors.unreached_for(place.leader, notice)
    assert [r["household_id"] for r in mine] == [h[1].pk, h[2].pk]  # 1栋 only: his building
    assert mine[0]["building"] == "翠苑 1栋" and mine[0]["number"] == h[1].number and mine[0]["address"]
    for outsider in (place.other_admin, place.other_leader, place.other_street, place.reader_user):
        assert selectors.unreached_for(outsider, notice) == []
    assert selectors.unreached_for(place.leader, notice_of(must_reach=False)) == []
    assert len(selectors.unreached_for(place.admin, notice, limit=1)) == 1
    notice = services.withdraw(actor=place.admin, notice=notice, reason="另行通知")
    assert selectors.unreached_for(place.leader, notice) == []


def test_the_api_and_the_coverage_page_list_the_same_households(client, place, notice_of):
    notice = notice_of()
    client.force_login(place.leader)
    api = client.get(f"/api/v1/notices/{notice.pk}/unreached").json()
    assert api == [{k: r[k] for k in ("household_id", "number", "address", "building", "grid")}
                   for r in selectors.unreached_for(place.leader, notice, limit=5000)]
    assert {r["building"] for r in api} == {"翠苑 1栋"}
    client.force_login(place.admin)
    api = client.get(f"/api/v1/notices/{notice.pk}/unreached").json()
    page = client.get(f"/notices/{notice.pk}/coverage/").content.decode()
    assert len(api) == 4 and all(r["address"] in page for r in api)
