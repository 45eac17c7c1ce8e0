import io

import pytest
from django.core.management import call_command

from linli.elections.models import CommitteeMember, Election, Voter, VoterChange

pytestmark = pytest.mark.django_db


def test_the_demo_election_has_its_list_published_once():
    call_command("seed_demo", residents=400, quiet=True, stdout=io.StringIO())
    call_command("seed_elections_demo", stdout=io.StringIO())  # again: nothing twice
    election = Election.objects.get()
    assert election.status == "voters_published" and election.voter_disclosure_id
    assert CommitteeMember.objects.filter(election=election).count() == 5
    voters = Voter.objects.filter(election=election, votes=True)
    assert voters.count() == election.voters_total > 0
    assert sorted(voters.values_list("number", flat=True)) == list(range(1, election.voters_total + 1))
    assert Voter.objects.filter(election=election, eligible=False).exists()  # minors and recent tenants, with reasons
    assert VoterChange.objects.filter(election=election).count() <= 1
