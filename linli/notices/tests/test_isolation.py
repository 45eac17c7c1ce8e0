"""Isolation: a sibling community's staff and building leaders, another street's admin and a
resident of another household see, confirm and record nothing outside their own chain — through
every endpoint and every page."""

from __future__ import annotations

import pytest

from linli.notices.models import NoticeHousehold

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}


def test_outsiders_reach_nothing_through_the_api(client, place, notice_of):
    n = notice_of()
    hh = place.households[1].pk
    for who in (place.other_admin, place.other_leader, place.other_street):
        client.force_login(who)
        assert client.get("/api/v1/notices").json()["items"] == []
        detail = client.get(f"/api/v1/notices/{n.pk}")  # the text is public; no action, no household
        assert detail.status_code == 200 and detail.json()["actions"] == []
        assert client.get(f"/api/v1/notices/{n.pk}/coverage").status_code == 404
        assert client.get(f"/api/v1/notices/{n.pk}/unreached").json() == []
        for url, data in ((f"/api/v1/notices/{n.pk}/correct", {"title": "改", "body": "改了", "note": "改改"}),
                          (f"/api/v1/notices/{n.pk}/withdraw", {"reason": "撤回吧"}),
                          (f"/api/v1/notices/{n.pk}/publish", {})):
            assert client.post(url, data, **J).status_code == 403
        assert client.post(f"/api/v1/notices/{n.pk}/confirm").status_code == 403
        assert client.post(f"/api/v1/notices/{n.pk}/deliveries", {"household_id": hh}, **J).status_code == 404
    assert not NoticeHousehold.objects.filter(notice=n, reached_at__isnull=False).exists()


def test_outsiders_reach_nothing_through_the_pages(client, place, notice_of):
    n = notice_of()
    hh = place.households[1].pk
    for who in (place.other_admin, place.other_leader, place.other_street):
        client.force_login(who)
        assert client.get("/notices/").status_code in (200, 404)
        assert n.title not in client.get("/notices/").content.decode()
        assert client.get(f"/notices/{n.pk}/coverage/").status_code == 404
        assert client.get(f"/notices/{n.pk}/unreached.xlsx").status_code == 404
        assert client.get(f"/notices/{n.pk}/edit/").status_code == 404
        page = client.get("/notices/leader/").content.decode()
        assert n.title not in page
        assert n.title not in client.get("/notices/mine/").content.decode()
        client.post(f"/notices/{n.pk}/confirm/")
        client.post(f"/notices/leader/{n.pk}/{hh}/")
        client.post(f"/notices/{n.pk}/act/", {"action": "withdraw", "reason": "撤回吧"})
    n.refresh_from_db()
    assert n.status == "published"
    assert not NoticeHousehold.objects.filter(notice=n, reached_at__isnull=False).exists()


def test_leader_sees_only_his_buildings_and_residents_only_their_own(client, place, notice_of):
    n = notice_of()
    client.force_login(place.leader)
    page = client.get("/notices/leader/").content.decode()
    assert "1栋" in page and "2栋" not in page and page.count('data-testid="unreached-row"') == 3
    assert client.get(f"/notices/{n.pk}/coverage/").status_code == 404
    client.force_login(place.reader_user)
    assert client.get("/notices/leader/").content.decode().count('data-testid="unreached-row"') == 0
    assert client.get(f"/notices/{n.pk}/coverage/").status_code == 404
    assert n.title in client.get("/notices/mine/").content.decode()


def test_the_public_page_shows_no_personal_data(client, place, notice_of):
    n = notice_of()
    from linli.notices import services

    services.confirm(actor=place.reader_user, notice=n)
    services.record_delivery(actor=place.leader, notice=n, household_id=place.households[2].pk, note="交给赵无号本人")
    for url in (f"/notices/public/{n.pk}/", f"/notices/public/area/{place.tree.liede_sq.path}/"):
        body = client.get(url).content.decode()
        assert n.title in body
        for private in ("王读者", "李楼长", "赵无号", "13800000001", "101", place.households[0].number):
            assert private not in body, (url, private)
    assert client.get(f"/notices/{n.pk}/print.pdf")["Content-Type"] == "application/pdf"
    assert client.get("/notices/public/area/abc/").status_code == 404
