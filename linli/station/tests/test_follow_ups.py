"""The station's list of bad reviews awaiting a reply (core.followups): a provider's staff see
their providers', station admins their area's; nobody sees another area's."""

import datetime as dt

import pytest

from linli.core.models import FollowUp
from linli.station import selectors, services
from linli.station.tests.test_pages import attended_review, rival  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad(station):
    station.approve()
    review = attended_review(station, station.offer(), rating=1)
    attended_review(station, station.offer(title="理发"), rating=5)  # a good one opens nothing
    return review


def test_staff_and_area_admins_see_the_open_follow_ups(client, station, bad):
    task = FollowUp.objects.for_target(bad).get()
    for who in (station.owner, station.street_admin):
        assert list(selectors.review_follow_ups_for(who)) == [task]
        client.force_login(who)
        page = client.get("/station/follow-ups/")
        body = page.content.decode()
        assert page.status_code == 200 and "长者助餐(午餐)" in body and "1/5" in body and "理发" not in body
        assert ('href="/station/console/"' in body) is (who == station.owner)  # the staff answer on the console
    assert list(selectors.review_follow_ups_for(station.owner, overdue=True)) == []
    FollowUp.objects.filter(pk=task.pk).update(due_date=dt.date.today() - dt.timedelta(days=1))
    client.force_login(station.owner)
    assert "已超期" in client.get("/station/follow-ups/?flt=overdue").content.decode()
    services.reply(actor=station.owner, review_obj=bad, text="已改进，欢迎再来")
    assert "无待回复的差评" in client.get("/station/follow-ups/").content.decode()


def test_another_area_sees_none_of_them(client, station, bad, rival):  # noqa: F811
    for who in (station.other_admin, rival):
        assert list(selectors.review_follow_ups_for(who)) == []
        client.force_login(who)
        body = client.get("/station/follow-ups/").content.decode()
        assert "长者助餐(午餐)" not in body and "无待回复的差评" in body
    client.force_login(station.elder)  # the resident who wrote it
    page = client.get("/station/follow-ups/")
    assert page.status_code == 403 and "长者助餐(午餐)" not in page.content.decode()


def test_the_menu_offers_it_to_those_who_answer_or_oversee(client, station, bad):
    client.force_login(station.owner)
    assert 'href="/station/follow-ups/"' in client.get("/station/console/").content.decode()
    client.force_login(station.street_admin)
    assert 'href="/station/follow-ups/"' in client.get("/station/vetting/").content.decode()
    from linli.core import registry

    entry = next(e for e in registry.menu_entries() if e.name == "station:follow_ups")
    assert entry.allows(station.owner) and entry.allows(station.street_admin) and not entry.allows(station.elder)
