"""Voting and the count: the first round on election day, one secret ballot per voter and round
confirmed by a fresh SMS code, write-ins by voter number, an over-vote refused online, the close,
the count with its thresholds, and a further round for the seat left empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import AuditEvent
from linli.elections import proxies, services, voting
from linli.elections.models import Ballot, Mark, Participation, Round

from .test_nominations import full_list

pytestmark = pytest.mark.django_db


class Poll:
    """An election on its day: the candidate list published (2 for 主任, 2 for 副主任, 4 for 委员),
    and a phone account for every voter."""

    def __init__(self, town, make_user, sms):
        self.town, self.sms = town, sms
        e = town.published()
        self.posts = full_list(town, e)
        services.publish_candidates(actor=town.admin, election=e)
        for role, user in (("monitor", town.admin), ("counter", town.caseworker)):
            proxies.add_staff(actor=town.admin, election=e, role=role, user=user, chosen="选民推选")
        e.refresh_from_db()
        self.election = e
        self.day = timezone.make_aware(dt.datetime.combine(e.election_day, dt.time(8, 0)))
        self.users = {}
        for i, v in enumerate(e.voters.filter(votes=True).select_related("resident")):
            user = next((u for u in (town.father_user,) if u.resident_id == v.resident_id), None)
            if user is None:
                user = make_user(Role.RESIDENT, town.tree.g_liede1, resident=v.resident, phone=f"1390000{i:04d}",
                                 username=f"voter{i}")
            else:
                from linli.core.crypto import lookup_hash

                user.phone, user.phone_hash = "13911112222", lookup_hash("13911112222")
                user.save()
            self.users[v.resident_id] = user
        self.father = town.father_user

    def vid(self, person):
        return self.town.voter(self.election, person).pk

    def open(self):
        return voting.open_voting(actor=self.town.admin, election=self.election, now=self.day)

    def cast(self, user, marks):
        voting.send_vote_code(actor=user, election=self.election)
        return voting.cast(actor=user, election=self.election, marks=marks, code=self.sms[user.phone])

    def yes(self, **posts):
        """A ballot marking yes for the given people of each post."""
        return {post: {"marks": {str(self.vid(p)): "yes" for p in people}} for post, people in posts.items()}

    def voter_users(self):
        return list(self.users.values())


@pytest.fixture
def poll(town, make_user, sms):
    return Poll(town, make_user, sms)


def test_voting_opens_only_on_election_day_with_the_formal_candidates(poll, django_capture_on_commit_callbacks):
    from linli.messaging.models import Message

    with pytest.raises(Conflict) as c:
        voting.open_voting(actor=poll.town.admin, election=poll.election, now=poll.day - dt.timedelta(days=1))
    assert c.value.code == "not_election_day"
    with pytest.raises(PermissionDenied):
        voting.open_voting(actor=poll.town.caseworker, election=poll.election, now=poll.day)
    with django_capture_on_commit_callbacks(execute=True):
        rnd = poll.open()
    poll.election.refresh_from_db()
    assert poll.election.status == "voting" and rnd.no == 1 and rnd.kind == "first"
    assert rnd.candidates["director"] == [poll.vid(p) for p in poll.posts["director"]]
    assert rnd.seats == poll.election.seats and rnd.registered == poll.election.voters.filter(votes=True).count()
    assert Message.objects.filter(user=poll.father, kind="elections.voting").exists()


def test_one_secret_ballot_per_voter_confirmed_by_a_fresh_code(poll):
    poll.open()
    d, m = poll.posts["director"], poll.posts["member"]
    marks = poll.yes(director=d[:1], member=m[:3])
    marks["member"]["marks"][str(poll.vid(m[3]))] = "no"
    with pytest.raises(DomainError) as exc:  # a wrong code
        voting.cast(actor=poll.father, election=poll.election, marks=marks, code="000000")
    assert exc.value.details.get("field") == "code"
    taken, receipt = poll.cast(poll.father, marks)
    assert taken.channel == "online" and len(receipt) >= 10
    ballot = Ballot.objects.get(round__election=poll.election)
    # nothing on the ballot names the voter or its time; the marks are the ballot's
    assert {f.name for f in Ballot._meta.get_fields()} >= {"id", "round", "channel", "receipt_hash"}
    assert not any(f.name in ("voter", "cast_at", "cast_by", "at") for f in Ballot._meta.get_fields())
    assert Mark.objects.filter(ballot=ballot, mark="yes").count() == 4 and Mark.objects.filter(ballot=ballot, mark="no").count() == 1
    assert voting.find_receipt(poll.election, receipt.lower()) and not voting.find_receipt(poll.election, "ABCD-EFGH-JKLM")
    with pytest.raises(Conflict) as c:
        poll.cast(poll.father, marks)
    assert c.value.code == "already_voted"
    assert Participation.objects.filter(round__election=poll.election).count() == 1
    log = AuditEvent.objects.get(action="election.ballot")
    assert log.changes == {"round": 1, "channel": "online"}  # who voted, never how


def test_who_does_not_vote_here_is_refused(poll, town):
    poll.open()
    with pytest.raises(PermissionDenied) as exc:
        voting.send_vote_code(actor=town.daughter_user, election=poll.election)  # 18 the day after election day
    assert exc.value.code == "not_on_list"
    with pytest.raises(PermissionDenied):
        voting.send_vote_code(actor=town.neighbour_user, election=poll.election)  # another community
    with pytest.raises(PermissionDenied):
        voting.cast(actor=town.admin, election=poll.election, marks={}, code="123456")


def test_more_yes_marks_and_write_ins_than_seats_is_refused_and_a_write_in_is_a_voter(poll, town):
    poll.open()
    d = poll.posts["director"]
    with pytest.raises(DomainError) as exc:
        voting.clean_marks(poll.election, Round.objects.get(election=poll.election), poll.yes(director=d))
    assert exc.value.code == "overvote" and exc.value.details["post"] == "director" and "应选1名" in str(exc.value.message)
    rnd = Round.objects.get(election=poll.election)
    son = town.voter(poll.election, town.son)
    with pytest.raises(DomainError) as exc:  # one candidate yes and a write-in: two for one seat
        voting.clean_marks(poll.election, rnd, {"director": {"marks": {str(poll.vid(d[0])): "yes"}, "write_ins": [son.number]}})
    assert exc.value.code == "overvote"
    for bad in ([99999], [town.voter(poll.election, d[0]).number], [son.number, son.number], ["abc"]):
        with pytest.raises(DomainError) as exc:
            voting.clean_marks(poll.election, rnd, {"director": {"write_ins": bad}})
        assert exc.value.details.get("field") == "write_ins"
    assert voting.clean_marks(poll.election, rnd, {"director": {"write_ins": [son.number]}}) == [("director", son.pk, "yes", True)]
    with pytest.raises(DomainError):  # a post not on the ballot, a mark that is not one
        voting.clean_marks(poll.election, rnd, {"secretary": {}})
    with pytest.raises(DomainError):
        voting.clean_marks(poll.election, rnd, {"director": {"marks": {str(poll.vid(d[0])): "maybe"}}})


def test_the_close_stops_ballots_and_too_low_a_turnout_makes_the_election_invalid(poll):
    poll.open()
    users = poll.voter_users()
    half = len(users) // 2
    for u in users[:half]:  # exactly half (or less) of the registered voters
        poll.cast(u, poll.yes(director=poll.posts["director"][:1]))
    with pytest.raises(Conflict):
        voting.count_round(actor=poll.town.admin, election=poll.election)  # not closed yet
    voting.close_voting(actor=poll.town.admin, election=poll.election)
    with pytest.raises(Conflict) as c:
        poll.cast(users[-1], {})
    assert c.value.code == "not_voting"
    rnd = voting.count_round(actor=poll.town.admin, election=poll.election)
    poll.election.refresh_from_db()
    assert rnd.result["valid"] is False and rnd.result["cast"] == half
    assert poll.election.status == "counted" and not Round.objects.filter(election=poll.election, no=2).exists()


def test_a_seat_left_empty_goes_to_a_further_round_among_the_next_candidates(poll):
    poll.open()
    users = poll.voter_users()
    d, dep, m = poll.posts["director"], poll.posts["deputy"], poll.posts["member"]
    n = len(users)
    assert n >= 12
    for i, u in enumerate(users):
        members = m[:2] + ([m[2]] if i < n // 2 - 1 else [m[3]] if i < n - 2 else [])  # m3 and m4 each under half
        poll.cast(u, poll.yes(director=d[:1], deputy=dep[:1], member=members))
    voting.close_voting(actor=poll.town.admin, election=poll.election)
    first = voting.count_round(actor=poll.town.admin, election=poll.election)
    poll.election.refresh_from_db()
    first.refresh_from_db()
    assert poll.election.status == "further"
    posts = {p["post"]: p for p in first.result["posts"]}
    assert posts["director"]["elected"] == [str(poll.vid(d[0]))] and posts["member"]["seats_left"] == 1
    nxt = Round.objects.get(election=poll.election, no=2)
    assert nxt.kind == "further" and nxt.seats == {"member": 1}
    assert sorted(nxt.candidates["member"]) == sorted([poll.vid(m[2]), poll.vid(m[3])])
    voting.open_voting(actor=poll.town.admin, election=poll.election, now=poll.day + dt.timedelta(hours=9))
    for i, u in enumerate(users):  # a third of the ballots is enough in a further round: the most votes win
        poll.cast(u, poll.yes(member=[m[3]] if i < n // 3 + 1 else []))
    with pytest.raises(DomainError):  # the director's post is not on this round's ballot
        voting.clean_marks(poll.election, nxt, poll.yes(director=d[:1]))
    voting.close_voting(actor=poll.town.admin, election=poll.election)
    second = voting.count_round(actor=poll.town.admin, election=poll.election)
    poll.election.refresh_from_db()
    second.refresh_from_db()
    assert poll.election.status == "counted" and second.result["complete"] is True
    assert second.result["posts"][0]["elected"] == [str(poll.vid(m[3]))]
    assert second.result["problems"] == []  # a woman among those elected (the deputy)
    # each count is announced: a disclosure to the community with the names and votes, no ID numbers
    from linli.disclosures.models import Disclosure

    shown = Disclosure.objects.filter(kind="elections.result", region_path=poll.election.community.path).order_by("pk")
    assert [x.pk for x in shown] == [first.result_disclosure_id, second.result_disclosure_id]
    text = shown[0].content
    assert d[0].name in text and "(当选)" in text and "尚缺1名，另行选举" in text
    assert not any(p.id_number in text for post in poll.posts.values() for p in post)


def test_voters_away_leave_the_registered_count_unless_they_vote(poll, town):
    e = poll.election
    users = poll.voter_users()
    away = [town.voter(e, u.resident) for u in users[:3]]
    with pytest.raises(DomainError) as exc:
        services.mark_away(actor=town.admin, election=e, voter_id=away[0].pk, away=True, note=" ")
    assert exc.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        services.mark_away(actor=town.caseworker, election=e, voter_id=away[0].pk, away=True, note="电话告知外出务工")
    for v in away:
        services.mark_away(actor=town.admin, election=e, voter_id=v.pk, away=True, note="电话告知选举日在外地务工")
    assert AuditEvent.objects.filter(action="election.voter_away").count() == 3
    total = e.voters.filter(votes=True).count()
    rnd = poll.open()
    assert rnd.registered == total - 3
    with pytest.raises(Conflict):  # not once voting has begun
        services.mark_away(actor=town.admin, election=e, voter_id=away[0].pk, away=False, note="已返回")
    poll.cast(users[0], {})  # one of them came back and voted
    voting.close_voting(actor=town.admin, election=e)
    counted = voting.count_round(actor=town.admin, election=e)
    assert counted.registered == total - 2 and counted.result["registered"] == total - 2 and counted.result["cast"] == 1
