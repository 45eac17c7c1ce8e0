import io

import pytest
from django.core.management import call_command

from linli.elections.models import CommitteeMember, Election, Voter, VoterChange

pytestmark = pytest.mark.django_db


def test_the_demo_election_has_its_list_published_once():
    call_command("seed_demo", residents=400, quiet=True, stdout=io.StringIO())
    call_command("seed_elections_demo", stdout=io.StringIO())  # again: nothing twice
    election = Election.objects.get(community__path="440106001001")
    assert election.status == "voters_published" and election.voter_disclosure_id
    assert CommitteeMember.objects.filter(election=election).count() == 5
    voters = Voter.objects.filter(election=election, votes=True)
    assert voters.count() == election.voters_total > 0
    assert sorted(voters.values_list("number", flat=True)) == list(range(1, election.voters_total + 1))
    assert Voter.objects.filter(election=election, eligible=False).exists()  # minors and recent tenants, with reasons
    assert VoterChange.objects.filter(election=election).count() <= 1


def test_the_demo_election_has_nominations_and_the_demo_resident_is_asked():
    from linli.accounts.models import User
    from linli.core.crypto import lookup_hash
    from linli.elections.models import Candidate, Nomination

    call_command("seed_demo", residents=400, quiet=True, stdout=io.StringIO())
    election = Election.objects.get(community__path="440106001001")
    assert Nomination.objects.filter(election=election, status="accepted").count() == 8
    assert Candidate.objects.filter(election=election).count() == 4  # 主任 and 副主任 decided, 委员 left to do
    me = User.objects.get(phone_hash=lookup_hash("13800138000"))
    assert Nomination.objects.get(election=election, nominee__resident=me.resident).status == "pending"


def test_the_neighbouring_community_held_its_household_election_three_weeks_ago():
    from django.utils import timezone

    from linli.elections import selectors
    from linli.elections.models import Round

    call_command("seed_demo", residents=2000, quiet=True, stdout=io.StringIO())
    call_command("seed_elections_demo", stdout=io.StringIO())  # again: nothing twice
    election = Election.objects.get(community__path="440106001002")
    assert election.mode == "household" and election.status == "counted"
    assert (timezone.localdate() - election.election_day).days == 21
    assert (election.election_day - timezone.localdate(election.voters_published_at)).days >= 20
    rnd = Round.objects.get(election=election)
    assert rnd.result["valid"] and rnd.result["complete"] and rnd.result["problems"] == []  # a woman among those elected
    assert timezone.localdate(rnd.counted_at) == election.election_day
    assert rnd.sheets.filter(status="counted").count() == rnd.result["cast"] == rnd.participations.count()
    assert len(selectors.elected(election)) == 5
