"""Voting through the API and the pages: the organisers' open, close and count; the voter's
ballot on his phone with the SMS code and the receipt shown once; another community gets 404."""

from __future__ import annotations

import re

import pytest

from linli.elections import voting
from linli.elections.models import Ballot, Participation

from .test_voting import Poll

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def poll(town, make_user, sms):
    return Poll(town, make_user, sms)


def test_voting_through_the_api(client, poll):
    e, town = poll.election, poll.town
    base = f"/api/v1/elections/{e.pk}"
    client.force_login(town.admin)
    early = post(client, f"{base}/voting/open")  # not election day
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_election_day"
    poll.open()
    state = client.get(f"{base}/voting").json()
    assert state["status"] == "voting" and state["turnout"]["cast"] == 0 and state["turnout"]["registered"] >= 12

    client.force_login(poll.father)
    b = client.get(f"{base}/ballot").json()
    assert b["open"] and b["on_list"] and not b["voted"] and [p["post"] for p in b["posts"]] == ["director", "deputy", "member"]
    director = b["posts"][0]["candidates"][0]["voter_id"]
    assert post(client, f"{base}/vote/code").status_code == 204
    over = post(client, f"{base}/vote", {"posts": {"director": {"marks": {str(c["voter_id"]): "yes" for c in b["posts"][0]["candidates"]}}},
                                         "code": poll.sms[poll.father.phone]})
    assert over.status_code == 400 and over.json()["error"]["code"] == "overvote"
    assert over.json()["error"]["details"] == {"field": "marks", "post": "director", "seats": 1}
    bad = post(client, f"{base}/vote", {"posts": {"director": {"marks": {str(director): "yes"}}}, "code": "000000"})
    assert bad.status_code in (400, 409) and not Participation.objects.exists()
    post(client, f"{base}/vote/code")
    r = post(client, f"{base}/vote", {"posts": {"director": {"marks": {str(director): "yes"}}}, "code": poll.sms[poll.father.phone]})
    assert r.status_code == 201 and r.json()["round"] == 1 and r.json()["channel"] == "online"
    receipt = r.json()["receipt"]
    assert client.get(f"{base}/ballot").json()["voted"] is True
    assert client.get(f"{base}/receipts/check", {"receipt": receipt}).json() == {"found": True}
    assert client.get(f"{base}/receipts/check", {"receipt": "x" * 41}).status_code == 400
    again = post(client, f"{base}/vote", {"posts": {}, "code": "123456"})
    assert again.status_code in (400, 409)
    assert Ballot.objects.count() == 1
    assert client.get(f"{base}/voting").status_code == 404  # the organisers' view is not a resident's
    assert post(client, f"{base}/voting/close").status_code in (403, 404)

    client.force_login(town.admin)
    count_early = post(client, f"{base}/count")
    assert count_early.status_code == 409
    closed = post(client, f"{base}/voting/close").json()
    assert closed["status"] == "closed" and closed["turnout"]["cast"] == 1
    counted = post(client, f"{base}/count").json()
    assert counted["status"] == "counted" and counted["rounds"][0]["valid"] is False and counted["rounds"][0]["cast"] == 1


def test_the_ballot_page_sends_the_code_keeps_the_marks_and_shows_the_receipt_once(client, poll):
    e = poll.election
    poll.open()
    client.force_login(poll.father)
    url = f"/elections/{e.pk}/vote/"
    page = client.get(url)
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    d = poll.posts["director"]
    assert d[0].name in html and d[0].id_number not in html
    field = f"mark_director_{poll.vid(d[0])}"
    sent = client.post(url, {"step": "code", field: "yes"})
    assert sent.status_code == 200 and "验证码已发送" in sent.content.decode()
    assert f'name="{field}" value="yes" checked' in sent.content.decode()  # the marks stay while the code comes
    two = client.post(url, {"step": "cast", field: "yes", "write_director": str(poll.town.voter(e, poll.town.son).number),
                            "code": poll.sms[poll.father.phone]})
    assert two.status_code == 400 and "应选1名" in two.content.decode() and not Participation.objects.exists()
    client.post(url, {"step": "code", field: "yes"})
    done = client.post(url, {"step": "cast", field: "yes", "code": poll.sms[poll.father.phone]})
    assert done.status_code == 302 and done["Location"].endswith(f"/elections/{e.pk}/receipt/")
    first = client.get(done["Location"]).content.decode()
    code = first.split('data-testid="receipt">')[1].split("<")[0].strip()
    assert voting.find_receipt(e, code)
    assert 'data-testid="receipt"' not in client.get(done["Location"]).content.decode()  # shown once
    assert 'data-testid="found"' in client.get(done["Location"], {"receipt": code}).content.decode()
    assert 'data-testid="voted"' in client.get(url).content.decode()


def test_the_organisers_page_opens_closes_and_counts(client, poll):
    e, town = poll.election, poll.town
    client.force_login(town.admin)
    url = f"/elections/{e.pk}/voting/"
    assert 'data-testid="open-voting"' in client.get(url).content.decode()
    assert f"/elections/{e.pk}/voting/" in client.get(f"/elections/{e.pk}/").content.decode()
    poll.open()
    for u in poll.voter_users()[:9]:
        poll.cast(u, poll.yes(director=poll.posts["director"][:1], deputy=poll.posts["deputy"][:1], member=poll.posts["member"][:3]))
    html = client.get(url).content.decode()
    assert 'data-testid="close-voting"' in html and "已投票 9" in html
    client.post(url, {"what": "close"})
    client.post(url, {"what": "count"})
    html = client.get(url).content.decode()
    assert 'data-testid="round-result"' in html and html.count('data-testid="elected"') >= 5
    client.force_login(town.caseworker)  # follows, does not run the poll
    assert 'data-testid="count"' not in client.get(url).content.decode()
    assert client.post(url, {"what": "open"}).status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/elections/{id}/voting", "/api/v1/elections/{id}/ballot", "/api/v1/elections/{id}/results",
                                 "/elections/{id}/vote/", "/elections/{id}/voting/", "/elections/{id}/receipt/",
                                 "/elections/{id}/results/"])
def test_another_community_gets_404(client, poll, url):
    poll.open()
    for user in (poll.town.other_admin, poll.town.neighbour_user):
        client.force_login(user)
        assert client.get(url.format(id=poll.election.pk)).status_code == 404
    client.force_login(poll.town.neighbour_user)
    r = post(client, f"/api/v1/elections/{poll.election.pk}/vote", {"posts": {}, "code": "123456"})
    assert r.status_code == 404


def test_who_is_not_on_the_list_is_told_so(client, poll):
    poll.open()
    client.force_login(poll.town.daughter_user)
    assert 'data-testid="not-on-list"' in client.get(f"/elections/{poll.election.pk}/vote/").content.decode()
    r = post(client, f"/api/v1/elections/{poll.election.pk}/vote/code")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_on_list"


def test_residents_read_the_result_once_counted(client, poll):
    e, town = poll.election, poll.town
    poll.open()
    client.force_login(poll.father)
    assert client.get(f"/api/v1/elections/{e.pk}/results").json() == []
    assert 'data-testid="no-result"' in client.get(f"/elections/{e.pk}/results/").content.decode()
    for u in poll.voter_users()[:10]:
        poll.cast(u, poll.yes(director=poll.posts["director"][:1], deputy=poll.posts["deputy"][:1], member=poll.posts["member"][:3]))
    voting.close_voting(actor=town.admin, election=e)
    voting.count_round(actor=town.admin, election=e)
    rounds = client.get(f"/api/v1/elections/{e.pk}/results").json()
    assert len(rounds) == 1 and rounds[0]["valid"] and rounds[0]["complete"] and rounds[0]["disclosure_url"]
    director = rounds[0]["posts"][0]
    assert director["post"] == "director" and director["lines"][0] == {
        "voter_id": poll.vid(poll.posts["director"][0]), "name": poll.posts["director"][0].name, "votes": 10, "written": False,
        "elected": True}
    html = client.get(f"/elections/{e.pk}/results/").content.decode()
    assert html.count('data-testid="elected"') == 5 and 'data-testid="result-disclosure"' in html
    assert f"/elections/{e.pk}/results/" in client.get("/elections/mine/").content.decode()
    assert client.get(rounds[0]["disclosure_url"]).status_code == 200


def test_certificates_of_election_for_the_organisers_and_the_elected_with_a_public_check(client, poll):
    from linli.disclosures.tests.test_pages import _pdf_text

    e, town = poll.election, poll.town
    poll.open()
    d = poll.posts["director"]
    for u in poll.voter_users()[:10]:
        poll.cast(u, poll.yes(director=d[:1], deputy=poll.posts["deputy"][:1], member=poll.posts["member"][:3]))
    director = town.voter(e, d[0])
    url = f"/elections/{e.pk}/certificates/{director.pk}.pdf"
    client.force_login(town.admin)
    assert client.get(url).status_code == 404  # not counted yet
    voting.close_voting(actor=town.admin, election=e)
    voting.count_round(actor=town.admin, election=e)
    page = client.get(f"/elections/{e.pk}/voting/").content.decode()
    assert page.count('data-testid="certificate-row"') == 5 and url in page
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "当选证书" in text and d[0].name in text and "主任" in text and d[0].id_number not in text
    verify = re.search(r"https?://\S+/elections/verify/\S+/", text)
    assert verify, text
    client.logout()
    public = client.get(verify.group(0).split("testserver", 1)[1])
    assert public.status_code == 200 and 'data-testid="valid"' in public.content.decode()
    assert d[0].name not in public.content.decode()  # masked
    assert client.get(f"/elections/verify/{'x' * 30}/").status_code == 404
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(town.neighbour_user)
    assert client.get(url).status_code == 404
    client.force_login(town.other_admin)
    assert client.get(url).status_code == 404
    client.force_login(poll.users[d[0].pk])  # the director elected, on his phone
    assert 'data-testid="my-certificate"' in client.get(f"/elections/{e.pk}/results/").content.decode()
    assert client.get(url).status_code == 200
    client.force_login(poll.father)  # another voter: not his certificate
    assert client.get(url).status_code == 404


def test_a_voter_away_is_registered_on_the_page_and_through_the_api(client, poll):
    e, town = poll.election, poll.town
    v = town.voter(e, town.father)
    client.force_login(town.admin)
    url = f"/elections/{e.pk}/voters/{v.pk}/"
    assert 'data-testid="save-away"' in client.get(url).content.decode()
    r = client.post(url, {"do": "away", "away": "1", "note": "本人来电：选举日在外地出差"})
    assert r.status_code == 302
    assert 'data-testid="away"' in client.get(url).content.decode()
    again = post(client, f"/api/v1/elections/{e.pk}/voters/{v.pk}/away", {"away": True, "note": "再次登记"})
    assert again.status_code == 400 and again.json()["error"]["code"] == "unchanged"
    back = post(client, f"/api/v1/elections/{e.pk}/voters/{v.pk}/away", {"away": False, "note": "已返回本社区"})
    assert back.status_code == 200 and back.json()["away"] is False
    client.force_login(town.other_admin)
    assert post(client, f"/api/v1/elections/{e.pk}/voters/{v.pk}/away", {"away": True, "note": "越权登记"}).status_code == 404
