"""Nominations and candidates through the API and the pages: the committee records a joint
nomination from its paper form, the nominee accepts on his phone, the candidates are decided and
published, residents read the list; another community gets 404 everywhere."""

from __future__ import annotations

import pytest

from linli.elections import services
from linli.elections.models import Nomination

from .test_nominations import full_list, numbers

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_nominations_and_candidates_through_the_api(client, town):
    e = town.published()
    client.force_login(town.admin)
    base = f"/api/v1/elections/{e.pk}"
    few = post(client, f"{base}/nominations", {"post": "member", "nominee_id": town.voter(e, town.father).pk,
                                               "nominator_numbers": numbers(town, e, town.people[:3])})
    assert few.status_code == 400 and few.json()["error"]["code"] == "nomination_invalid"
    assert few.json()["error"]["details"]["problems"][0] == {"code": "too_few_nominators", "valid": 3, "needed": 10}
    r = post(client, f"{base}/nominations", {"post": "member", "nominee_id": town.voter(e, town.father).pk,
                                             "nominator_numbers": numbers(town, e, town.people[:10]), "note": "热心公益"})
    assert r.status_code == 201 and r.json()["status"] == "pending" and len(r.json()["nominator_numbers"]) == 10
    nid = r.json()["id"]
    client.force_login(town.father_user)
    mine = client.get("/api/v1/elections/mine").json()[0]
    assert mine["nominations"] == [{"id": nid, "post": "member", "status": "pending"}]
    assert post(client, f"{base}/nominations", {"post": "member", "nominee_id": 1, "by_committee": True}).status_code == 404
    r = post(client, f"{base}/nominations/{nid}/answer", {"accept": True})
    assert r.status_code == 200 and r.json()["status"] == "accepted" and not r.json()["on_behalf"]
    client.force_login(town.admin)
    cands = client.get(f"{base}/candidates").json()
    assert {p["code"] for p in cands["problems"]} >= {"too_few_candidates"}
    bad = client.put(f"{base}/candidates/member", {"voter_ids": [town.voter(e, town.son).pk]}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "candidates_invalid"
    early = post(client, f"{base}/candidates/publish", {})  # the chair accepted a nomination and left the committee
    assert early.status_code == 409 and early.json()["error"]["code"] == "committee_incomplete"
    assert post(client, f"{base}/committee", {"resident_id": town.son.pk, "role": "chair"}).status_code == 201
    early = post(client, f"{base}/candidates/publish", {})
    assert early.status_code == 400 and early.json()["error"]["code"] == "candidates_invalid"
    # residents see no candidate list before it is published
    client.force_login(town.father_user)
    assert client.get(f"{base}/candidates").status_code == 404


def test_the_published_list_through_the_api_and_the_pages(client, town):
    e = town.published()
    full_list(town, e)
    client.force_login(town.admin)
    r = post(client, f"/api/v1/elections/{e.pk}/candidates/publish", {})
    assert r.status_code == 200 and r.json()["status"] == "candidates_published" and r.json()["candidates_disclosure_url"]
    client.force_login(town.father_user)
    listing = client.get(f"/api/v1/elections/{e.pk}/candidates").json()
    assert [len(p["candidates"]) for p in listing["posts"]] == [2, 2, 4] and listing["problems"] == []
    page = client.get(f"/elections/{e.pk}/candidates/")
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert town.people[10].name in html and town.people[10].id_number not in html
    mine = client.get("/elections/mine/").content.decode()
    assert f"/elections/{e.pk}/candidates/" in mine
    assert client.get(f"/elections/{e.pk}/list/").status_code == 200  # the 选民榜 stays readable


def test_the_committee_records_a_paper_nomination_and_an_answer_on_the_page(client, town):
    e = town.published()
    client.force_login(town.admin)
    url = f"/elections/{e.pk}/nominations/"
    assert client.get(url).status_code == 200
    signers = "、".join(str(n) for n in numbers(town, e, town.people[:10]))
    r = client.post(url, {"do": "nominate", "post": "deputy", "id_number": town.son.id_number, "by": "voters", "nominators": signers})
    assert r.status_code == 302
    n = Nomination.objects.get(election=e)
    assert n.post == "deputy" and n.nominators.count() == 10
    r = client.post(url, {"do": "nominate", "post": "deputy", "id_number": town.daughter.id_number, "by": "committee"}, follow=True)
    assert "须为本次选举有选举权的居民" in r.content.decode()  # under age
    r = client.post(url, {"do": "nominate", "post": "deputy", "id_number": "x", "by": "voters", "nominators": "1,二"}, follow=True)
    assert r.status_code == 200 and Nomination.objects.filter(election=e).count() == 1
    client.post(url, {"do": "accept", "nomination": n.pk, "note": "本人书面确认"})
    n.refresh_from_db()
    assert n.status == "accepted" and n.on_behalf
    page = client.get(url).content.decode()
    assert town.son.name in page and "代为登记" in page and "确定本职位正式候选人" in page


def test_the_nominee_accepts_on_his_phone_page(client, town):
    e = town.published()
    n = services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.father).pk, by_committee=True)
    client.force_login(town.father_user)
    page = client.get("/elections/mine/").content.decode()
    assert "您被提名为委员候选人人选" in page and "接受提名" in page
    client.force_login(town.daughter_user)  # not hers
    assert client.post(f"/elections/{e.pk}/nominations/{n.pk}/answer/", {"accept": "1"}).status_code == 404
    client.force_login(town.father_user)
    client.post(f"/elections/{e.pk}/nominations/{n.pk}/answer/", {"accept": "1"})
    n.refresh_from_db()
    assert n.status == "accepted" and n.answered_by == town.father_user


@pytest.mark.parametrize("url", ["/api/v1/elections/{id}/nominations", "/api/v1/elections/{id}/candidates",
                                 "/elections/{id}/nominations/", "/elections/{id}/candidates/"])
def test_another_community_gets_404(client, town, url):
    e = town.published()
    full_list(town, e)
    services.publish_candidates(actor=town.admin, election=e)
    for user in (town.other_admin, town.neighbour_user):
        client.force_login(user)
        assert client.get(url.format(id=e.pk)).status_code == 404


def test_followers_read_but_do_not_nominate(client, town):
    e = town.published()
    client.force_login(town.caseworker)
    url = f"/elections/{e.pk}/nominations/"
    page = client.get(url).content.decode()
    assert "登记提名" not in page
    assert client.post(url, {"do": "nominate", "post": "member", "id_number": town.son.id_number, "by": "committee"}).status_code == 404
    r = post(client, f"/api/v1/elections/{e.pk}/nominations", {"post": "member", "nominee_id": town.voter(e, town.son).pk,
                                                               "by_committee": True})
    assert r.status_code == 403
    assert not Nomination.objects.exists()
