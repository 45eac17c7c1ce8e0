"""Paper ballots at the polling station and by the mobile ballot box: the clerk checks the voter
off (one ballot per voter across every channel), the ballots are entered after the close by two
clerks, a third decides when they differ, an over-marked post is invalid on paper, a box gives no
more ballots than its check-offs, and the count waits for every sheet."""

from __future__ import annotations

import pytest

from linli.accounts.roles import Role
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.elections import voting
from linli.elections.models import Ballot, Participation, SheetStatus

from .test_voting import Poll

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(town, make_user, sms):
    p = Poll(town, make_user, sms)
    p.open()
    p.clerk2 = make_user(Role.CASEWORKER, town.tree.liede_sq, username="clerk2")
    p.clerk3 = make_user(Role.CASEWORKER, town.tree.liede_sq, username="clerk3")
    return p


def test_check_off_is_one_ballot_per_voter_across_channels(poll, town):
    e = poll.election
    father = town.voter(e, town.father)
    taken = voting.check_off(actor=town.caseworker, election=e, number=father.number, channel="station")
    assert taken.channel == "station" and taken.by == town.caseworker
    with pytest.raises(Conflict) as c:
        voting.check_off(actor=town.caseworker, election=e, number=father.number, channel="mobile")
    assert c.value.code == "already_voted"
    voting.send_vote_code(actor=poll.father, election=e)
    with pytest.raises(Conflict) as c:  # nor online after a paper check-off
        voting.cast(actor=poll.father, election=e, marks={}, code=poll.sms[poll.father.phone])
    assert c.value.code == "already_voted"
    with pytest.raises(DomainError) as exc:
        voting.check_off(actor=town.caseworker, election=e, number=99999, channel="station")
    assert exc.value.code == "not_on_list"
    with pytest.raises(DomainError):
        voting.check_off(actor=town.caseworker, election=e, number=father.number, channel="online")
    with pytest.raises(PermissionDenied):
        voting.check_off(actor=town.other_admin, election=e, number=father.number, channel="station")
    assert AuditEvent.objects.filter(action="election.check_off").count() == 1


def test_two_clerks_enter_each_ballot_and_a_third_decides_a_difference(poll, town):
    e, d, m = poll.election, poll.posts["director"], poll.posts["member"]
    voters = list(e.voters.filter(votes=True).order_by("number")[:4])
    for v in voters[:3]:
        voting.check_off(actor=town.caseworker, election=e, number=v.number, channel="station")
    voting.check_off(actor=town.caseworker, election=e, number=voters[3].number, channel="mobile")
    with pytest.raises(Conflict) as c:  # not before the close
        voting.enter_paper(actor=town.caseworker, election=e, channel="station", marks={})
    assert c.value.code == "not_closed"
    voting.close_voting(actor=town.admin, election=e)
    a = poll.yes(director=d[:1], member=m[:3])
    s1 = voting.enter_paper(actor=town.caseworker, election=e, channel="station", marks=a)
    assert s1.no == 1 and s1.status == SheetStatus.ENTERED and not Ballot.objects.exists()
    with pytest.raises(Conflict) as c:
        voting.enter_paper(actor=town.caseworker, election=e, channel="", marks=a, no=s1.no)
    assert c.value.code == "same_clerk"
    s1 = voting.enter_paper(actor=poll.clerk2, election=e, channel="", marks=a, no=s1.no)
    assert s1.status == SheetStatus.COUNTED and s1.ballot.channel == "station" and s1.ballot.receipt_hash is None
    over = poll.yes(director=d[:2])  # two yes for one seat: invalid for 主任 on paper, not refused
    s2 = voting.enter_paper(actor=town.caseworker, election=e, channel="station", marks=over)
    s2 = voting.enter_paper(actor=poll.clerk2, election=e, channel="", marks=poll.yes(director=d[:1]), no=s2.no)
    assert s2.status == SheetStatus.MISMATCH
    with pytest.raises(Conflict) as c:
        voting.count_round(actor=town.admin, election=e)
    assert c.value.code == "paper_pending"
    with pytest.raises(Conflict):
        voting.decide_paper(actor=poll.clerk2, election=e, no=s2.no, marks=over)
    s2 = voting.decide_paper(actor=poll.clerk3, election=e, no=s2.no, marks=over)
    assert s2.status == SheetStatus.COUNTED and s2.decided_by == poll.clerk3
    s3 = voting.enter_paper(actor=town.caseworker, election=e, channel="station", marks={})
    voting.enter_paper(actor=poll.clerk3, election=e, channel="", marks={}, no=s3.no)
    with pytest.raises(Conflict) as c:  # three checked off at the station, three ballots entered
        voting.enter_paper(actor=town.caseworker, election=e, channel="station", marks={})
    assert c.value.code == "paper_excess"
    s4 = voting.enter_paper(actor=town.caseworker, election=e, channel="mobile", marks=a)
    voting.enter_paper(actor=poll.clerk2, election=e, channel="", marks=a, no=s4.no)
    rnd = voting.count_round(actor=town.admin, election=e)
    posts = {p["post"]: p for p in rnd.result["posts"]}
    assert rnd.result["cast"] == 4 == Participation.objects.filter(round=rnd).count() == Ballot.objects.filter(round=rnd).count()
    assert posts["director"]["invalid"] == 1 and posts["director"]["votes"][str(poll.vid(d[0]))] == 2
    assert not AuditEvent.objects.filter(action="election.paper_entry", changes__has_key="marks").exists()


def test_the_clerks_page_checks_off_enters_twice_and_decides(client, poll, town):
    e, d = poll.election, poll.posts["director"]
    url = f"/elections/{e.pk}/paper/"
    father, mother = town.voter(e, town.father), town.voter(e, town.mother)
    client.force_login(town.caseworker)
    assert 'data-testid="check-off-form"' in client.get(url).content.decode()
    assert url in client.get(f"/elections/{e.pk}/voting/").content.decode()
    assert client.post(url, {"what": "check_off", "number": str(father.number), "channel": "station"}).status_code == 302
    again = client.post(url, {"what": "check_off", "number": str(father.number), "channel": "mobile"})
    assert again.status_code == 409 and "本轮已投票" in again.content.decode()
    client.post(url, {"what": "check_off", "number": str(mother.number), "channel": "station"})
    voting.close_voting(actor=town.admin, election=e)
    field = f"mark_director_{poll.vid(d[0])}"
    assert client.post(url, {"what": "enter", "channel": "station", field: "yes"}).status_code == 302
    assert 'href="?no=1"' in client.get(url).content.decode()
    same = client.post(url, {"what": "enter", "no": "1", field: "yes"})
    assert same.status_code == 409 and "另一名录入员" in same.content.decode()
    client.force_login(poll.clerk2)
    assert 'name="no" value="1"' in client.get(url, {"no": "1"}).content.decode()
    assert client.post(url, {"what": "enter", "no": "1", field: "yes"}).status_code == 302
    client.post(url, {"what": "enter", "channel": "station", field: "no"})
    client.force_login(town.caseworker)
    client.post(url, {"what": "enter", "no": "2", field: "yes"})  # differs from clerk2's
    assert 'href="?decide=2"' in client.get(url).content.decode()
    assert client.post(url, {"what": "enter", "no": "99999999999", field: "yes"}).status_code == 400
    client.force_login(poll.clerk3)
    assert "裁定票号 2" in client.get(url, {"decide": "2"}).content.decode()
    assert client.post(url, {"what": "decide", "no": "2", field: "no"}).status_code == 302
    assert Ballot.objects.filter(round__election=e, channel="station").count() == 2
    client.force_login(town.other_admin)
    assert client.get(url).status_code == 404
    client.force_login(poll.father)
    assert client.get(url).status_code in (403, 404)


def test_paper_through_the_api(client, poll, town):
    e, d = poll.election, poll.posts["director"]
    base = f"/api/v1/elections/{e.pk}/paper"
    father = town.voter(e, town.father)
    client.force_login(town.caseworker)
    r = client.post(f"{base}/check-off", {"number": father.number, "channel": "mobile"}, content_type="application/json")
    assert r.status_code == 201 and r.json() == {"round": 1, "channel": "mobile", "number": father.number}
    voting.close_voting(actor=town.admin, election=e)
    ballot = {"director": {"marks": {str(poll.vid(d[0])): "yes"}}}
    first = client.post(f"{base}/sheets", {"channel": "mobile", "posts": ballot}, content_type="application/json").json()
    assert first == {"no": 1, "channel": "mobile", "status": "entered"}
    state = client.get(base).json()
    assert state["waiting"] == [1] and {"channel": "mobile", "checked_off": 1, "sheets": 1} in state["channels"]
    client.force_login(poll.clerk2)
    second = client.post(f"{base}/sheets", {"no": 1, "posts": ballot}, content_type="application/json")
    assert second.json()["status"] == "counted"
    more = client.post(f"{base}/sheets", {"channel": "mobile", "posts": {}}, content_type="application/json")
    assert more.status_code == 409 and more.json()["error"]["code"] == "paper_excess"
    client.force_login(town.other_admin)
    assert client.get(base).status_code == 404


def test_candidates_and_their_households_do_not_count(poll, town, make_user):
    e = poll.election
    candidate = poll.posts["member"][0]
    relative = town.registry.resident(household=candidate.household, name="候选人配偶")
    voting.close_voting(actor=town.admin, election=e)
    own = poll.users[candidate.pk]
    own.resident = None  # the candidate's resident account gives way to his staff account
    own.save()
    for resident in (candidate, relative):
        clerk = make_user(Role.CASEWORKER, town.tree.liede_sq, resident=resident)
        with pytest.raises(PermissionDenied) as exc:
            voting.enter_paper(actor=clerk, election=e, channel="station", marks={})
        assert exc.value.code == "candidate_counts"
