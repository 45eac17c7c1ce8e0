"""The API round and the pages, with region isolation: the community admin runs the first stages
through the API, the list's pages show and correct entries, a resident reads his entry on the
phone page; another community's staff and residents get 404."""

from __future__ import annotations

import pytest

from linli.elections import services
from linli.elections.models import Election, Voter

pytestmark = pytest.mark.django_db


def test_the_first_stages_through_the_api(client, town):
    client.force_login(town.admin)
    bad = client.post("/api/v1/elections", {"community": town.tree.liede_sq.code, "title": "换届选举", "election_day": str(town.day),
                                            "seats": {"director": 1, "member": 1}}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "plan_invalid"
    r = client.post("/api/v1/elections", {"community": town.tree.liede_sq.code, "title": "第十二届居委会换届选举",
                                          "election_day": str(town.day), "proxy_max": 2, "recall_one_in": 4},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    eid = r.json()["id"]
    assert r.json()["proxy_max"] == 2 and r.json()["recall_one_in"] == 4 and r.json()["recall_reps_one_in"] == 3  # the plan's settings kept
    patched = client.patch(f"/api/v1/elections/{eid}", {"recall_reps_one_in": 2}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["recall_reps_one_in"] == 2
    assert client.patch(f"/api/v1/elections/{eid}", {"recall_one_in": 1}, content_type="application/json").status_code in (400, 422)
    assert "build" in r.json()["actions"]
    for resident, role in ((town.father, "chair"), (town.mother, "vice"), (town.old_tenant, "member")):
        assert client.post(f"/api/v1/elections/{eid}/committee", {"resident_id": resident.pk, "role": role},
                           content_type="application/json").status_code == 201
    assert client.post(f"/api/v1/elections/{eid}/voters/build").json() == {"people": 6, "eligible": 4, "votes": 4, "corrected": 0}
    page = client.get(f"/api/v1/elections/{eid}/voters?which=refused").json()
    assert page["count"] == 2 and {v["name"] for v in page["items"]} == {"张小妹", "赵新租"}
    assert page["items"][0]["refusals"]
    voter = next(v for v in page["items"] if v["name"] == "张小妹")
    no_reason = client.post(f"/api/v1/elections/{eid}/voters/{voter['id']}/correct", {"eligible": True, "reason": ""},
                            content_type="application/json")
    assert no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "reason_required"
    r = client.post(f"/api/v1/elections/{eid}/voters/publish")
    assert r.status_code == 200 and r.json()["status"] == "voters_published" and r.json()["disclosure_url"]
    again = client.post(f"/api/v1/elections/{eid}/voters/build")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_draft"
    client.force_login(town.father_user)
    mine = client.get("/api/v1/elections/mine").json()
    assert mine[0]["on_list"] and mine[0]["number"] >= 1
    client.force_login(town.daughter_user)
    assert client.get("/api/v1/elections/mine").json()[0]["refusals"] == ["未满选民年龄"]


@pytest.mark.parametrize("url", ["/api/v1/elections/{id}", "/api/v1/elections/{id}/voters", "/api/v1/elections/{id}/committee"])
def test_another_community_gets_404_from_the_api(client, town, url):
    election = town.ready()
    for user in (town.other_admin, town.neighbour_user):
        client.force_login(user)
        assert client.get(url.format(id=election.pk)).status_code == 404
    client.force_login(town.other_admin)
    assert client.post(f"/api/v1/elections/{election.pk}/voters/build").status_code == 404
    r = client.post("/api/v1/elections", {"community": town.tree.liede_sq.code, "title": "越权选举", "election_day": str(town.day)},
                    content_type="application/json")
    assert r.status_code == 403
    assert not Election.objects.filter(title="越权选举").exists()


def test_a_caseworker_reads_but_does_not_act(client, town):
    election = town.ready()
    client.force_login(town.caseworker)
    assert client.get(f"/api/v1/elections/{election.pk}").json()["actions"] == []
    assert client.post(f"/api/v1/elections/{election.pk}/voters/build").status_code == 403


def test_the_staff_pages(client, town):
    client.force_login(town.admin)
    r = client.post("/elections/new/", {"community": town.tree.liede_sq.code, "title": "第十二届居委会换届选举",
                                        "election_day": str(town.day), "mode": "all", "director": "1", "deputy": "2",
                                        "member": "9", "min_age": "18", "months": "12", "women_at_least": "1", "list_days": "20"})
    assert r.status_code == 400 and "居委会成员总数须为5至9名" in r.content.decode()
    r = client.post("/elections/new/", {"community": town.tree.liede_sq.code, "title": "第十二届居委会换届选举",
                                        "election_day": str(town.day), "mode": "all", "director": "1", "deputy": "1",
                                        "member": "3", "min_age": "18", "months": "12", "women_at_least": "1", "list_days": "20"})
    election = Election.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/elections/{election.pk}/"
    town.committee(election)
    client.post(f"/elections/{election.pk}/act/", {"do": "build"})
    page = client.get(f"/elections/{election.pk}/").content.decode()
    assert 'data-testid="voter-counts"' in page and "选民 4 人" in page and page.count('data-testid="committee-member"') == 3
    listing = client.get(f"/elections/{election.pk}/voters/?which=refused").content.decode()
    assert listing.count('data-testid="voter-row"') == 2 and "未满选民年龄" in listing
    daughter = Voter.objects.get(election=election, resident=town.daughter)
    r = client.post(f"/elections/{election.pk}/voters/{daughter.pk}/", {"eligible": "1", "reason": ""})
    assert r.status_code == 400 and "请填写更正理由" in r.content.decode()
    client.post(f"/elections/{election.pk}/voters/{daughter.pk}/", {"eligible": "1", "reason": "户籍登记出生日期有误"})
    assert client.get(f"/elections/{election.pk}/voters/{daughter.pk}/").content.decode().count('data-testid="voter-change"') == 1
    client.post(f"/elections/{election.pk}/act/", {"do": "publish_voters"})
    election.refresh_from_db()
    assert election.status == "voters_published"
    for user in (town.other_admin, town.neighbour_user):
        client.force_login(user)
        for url in (f"/elections/{election.pk}/", f"/elections/{election.pk}/voters/", f"/elections/{election.pk}/voters/{daughter.pk}/"):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"/elections/{election.pk}/act/", {"do": "cancel", "reason": "越权取消"}).status_code == 404
    election.refresh_from_db()
    assert election.status == "voters_published"


def test_the_resident_page(client, town):
    election = town.ready()
    services.publish_voters(actor=town.admin, election=election)
    client.force_login(town.father_user)
    page = client.get("/elections/mine/").content.decode()
    assert 'data-testid="on-list"' in page and "选民证号" in page
    client.force_login(town.daughter_user)
    page = client.get("/elections/mine/").content.decode()
    assert 'data-testid="not-on-list"' in page and "未满选民年龄" in page
    public = client.get(f"/elections/{election.pk}/list/")
    assert public.status_code == 200 and public["Cache-Control"] == "private, no-store"
    text = public.content.decode()
    assert text.count('data-testid="public-voter"') == 4 and "张*山" in text and "张大山" not in text and "101" not in text
    client.force_login(town.neighbour_user)
    assert "没有公布选民名单" in client.get("/elections/mine/").content.decode()
    assert client.get(f"/elections/{election.pk}/list/").status_code == 404  # another community's resident
    client.logout()
    assert client.get(f"/elections/{election.pk}/list/").status_code == 302  # signed out: to the login


def test_a_court_sanction_shows_only_to_the_organisers(client, town):
    election = town.ready()
    son = Voter.objects.get(election=election, resident=town.son)
    services.correct_voter(actor=town.admin, election=election, voter_id=son.pk, eligible=False, deprived=True,
                           reason="经法院判决被剥夺政治权利")
    client.force_login(town.admin)
    rows = client.get(f"/api/v1/elections/{election.pk}/voters?which=refused").json()["items"]
    assert next(r for r in rows if r["id"] == son.pk)["refusals"] == ["deprived"]
    assert "经法院判决" in client.get(f"/elections/{election.pk}/voters/{son.pk}/").content.decode()
    client.force_login(town.caseworker)
    rows = client.get(f"/api/v1/elections/{election.pk}/voters?which=refused").json()["items"]
    row = next(r for r in rows if r["id"] == son.pk)
    assert row["refusals"] == ["committee"] and row["note"] == ""
    for url in (f"/elections/{election.pk}/voters/{son.pk}/", f"/elections/{election.pk}/voters/?which=refused",
                f"/elections/{election.pk}/"):
        page = client.get(url).content.decode()
        assert "剥夺" not in page and "经法院判决" not in page, url
        assert "选举委员会决定不列入" in page or url.endswith(f"{election.pk}/")
