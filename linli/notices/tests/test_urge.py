"""督办 of a must-reach notice: through the supervision clock (``core.supervision.urge``), by the
admins over its area only, while households are unreached; the building leaders of the unreached
households (and the grid worker where a building has nobody responsible) are told; the service,
the API and the coverage page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.core import supervision
from linli.core.errors import DomainError
from linli.core.models import AuditEvent, Escalation
from linli.messaging.models import Message
from linli.notices import selectors, services

pytestmark = pytest.mark.django_db

J = {"content_type": "application/json"}


def _error(r, status, code):
    assert r.status_code == status, r.content
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def _urged(notice):
    return list(supervision.records(notice, kind="urge"))


def test_an_admin_urges_through_the_clock_and_the_chain_is_told(place, notice_of, django_capture_on_commit_callbacks):
    notice = notice_of()
    services.confirm(actor=place.reader_user, notice=notice)
    with django_capture_on_commit_callbacks(execute=True):
        services.urge(actor=place.admin, notice=notice, note="请今天内全部入户告知")
    [record] = _urged(notice)
    assert (record.actor, record.note, record.kind) == (place.admin, "请今天内全部入户告知", Escalation.Kind.URGE)
    audit = AuditEvent.objects.get(action="notice.urge")
    assert audit.actor == place.admin and audit.changes["note"] == "请今天内全部入户告知"
    told = {m.user_id: m for m in Message.objects.filter(kind="notices.reminder")}
    # 1栋: its 楼长 (to his list); 2栋 has nobody responsible: the grid worker (to the coverage page)
    assert set(told) == {place.leader.pk, place.grid_worker.pk}
    assert told[place.leader.pk].link == reverse("notices:leader")
    assert told[place.grid_worker.pk].link == reverse("notices:coverage", args=[notice.pk])
    assert "督办" in told[place.leader.pk].text and "3 户未送达" in told[place.leader.pk].text
    assert "请今天内全部入户告知" in told[place.leader.pk].text
    # a street admin may urge too, again
    services.urge(actor=place.street, notice=notice, note="街道再次督办")
    assert len(_urged(notice)) == 2


def test_only_a_building_with_unreached_households_is_told(place, notice_of, django_capture_on_commit_callbacks):
    notice = notice_of()
    for h in place.households[:3]:  # 1栋 all reached: only 2栋 (nobody responsible) is left
        services.record_delivery(actor=place.leader, notice=notice, household_id=h.pk)
    assert services.clock_handlers(notice) == [place.grid_worker]
    with django_capture_on_commit_callbacks(execute=True):
        services.urge(actor=place.admin, notice=notice, note="2栋尽快落实")
    assert set(Message.objects.filter(kind="notices.reminder").values_list("user_id", flat=True)) == {place.grid_worker.pk}


@pytest.mark.parametrize("who", ["other_admin", "other_street", "grid_worker", "leader", "reader_user"])
def test_others_may_not_urge(place, notice_of, who):
    notice = notice_of()
    with pytest.raises(DomainError) as e:
        services.urge(actor=getattr(place, who), notice=notice, note="督办一下")
    assert e.value.code == "forbidden"
    assert not supervision.may_urge(getattr(place, who), notice)
    assert _urged(notice) == [] and not AuditEvent.objects.filter(action="notice.urge").exists()


def test_no_urge_without_a_note_or_off_the_clock(place, notice_of):
    notice = notice_of()
    with pytest.raises(DomainError) as e:
        services.urge(actor=place.admin, notice=notice, note=" ")
    assert e.value.code == "reason_required"
    plain = notice_of(must_reach=False)
    with pytest.raises(DomainError) as e:
        services.urge(actor=place.admin, notice=plain, note="请督办")
    assert e.value.code == "not_running"
    done = notice_of(building_id=place.b2.pk)
    services.record_delivery(actor=place.admin, notice=done, household_id=place.households[3].pk)
    with pytest.raises(DomainError) as e:
        services.urge(actor=place.admin, notice=done, note="请督办")
    assert e.value.code == "not_running"
    services.withdraw(actor=place.admin, notice=notice, reason="另行通知")
    with pytest.raises(DomainError) as e:
        services.urge(actor=place.admin, notice=notice, note="请督办")
    assert e.value.code == "not_running"
    assert Escalation.objects.filter(kind="urge").count() == 0


def test_urge_through_the_api(client, place, notice_of):
    notice = notice_of()
    url = f"/api/v1/notices/{notice.pk}/urge"
    _error(client.post(url, {"note": "请督办"}, **J), 401, "unauthenticated")
    for who in (place.other_admin, place.other_street, place.grid_worker, place.leader):
        client.force_login(who)
        assert "urge" not in client.get(f"/api/v1/notices/{notice.pk}").json()["actions"]
        _error(client.post(url, {"note": "越权督办"}, **J), 403, "forbidden")
    assert _urged(notice) == []
    client.force_login(place.admin)
    assert "urge" in client.get(f"/api/v1/notices/{notice.pk}").json()["actions"]
    _error(client.post(url, {}, **J), 400, "invalid")
    _error(client.post(url, {"note": "。"}, **J), 400, "reason_required")
    _error(client.post(url, {"note": "x" * 301}, **J), 400, "invalid")
    r = client.post(url, {"note": "请本周内落实"}, **J)
    assert r.status_code == 200 and r.json()["id"] == notice.pk and "urge" in r.json()["actions"]
    assert [u.note for u in _urged(notice)] == ["请本周内落实"]
    _error(client.post("/api/v1/notices/999999/urge", {"note": "请督办"}, **J), 404, "not_found")
    services.withdraw(actor=place.admin, notice=notice, reason="另行通知")
    _error(client.post(url, {"note": "请督办"}, **J), 409, "not_running")


def test_the_coverage_page_has_the_button_for_those_who_may(client, place, notice_of):
    notice = notice_of()
    page = f"/notices/{notice.pk}/coverage/"
    client.force_login(place.grid_worker)  # follows the coverage, may not urge
    assert 'data-testid="urge-form"' not in client.get(page).content.decode()
    client.post(f"/notices/{notice.pk}/urge/", {"note": "网格员督办"})
    client.force_login(place.other_admin)
    assert client.post(f"/notices/{notice.pk}/urge/", {"note": "邻社区督办"}).status_code == 404
    assert _urged(notice) == []
    client.force_login(place.admin)
    body = client.get(page).content.decode()
    assert 'data-testid="urge-form"' in body and 'data-testid="urge-row"' not in body
    r = client.post(f"/notices/{notice.pk}/urge/", {"note": "请今天完成"}, follow=True)
    body = r.content.decode()
    assert r.status_code == 200 and body.count('data-testid="urge-row"') == 1 and "请今天完成" in body
    r = client.post(f"/notices/{notice.pk}/urge/", {"note": " "}, follow=True)
    assert "请填写督办意见" in r.content.decode() and len(_urged(notice)) == 1
    assert selectors.urges(notice)[0].actor == place.admin
