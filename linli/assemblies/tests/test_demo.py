import io

import pytest
from django.core.management import call_command

from linli.assemblies import selectors
from linli.assemblies.models import Assembly, Ballot

pytestmark = pytest.mark.django_db


def test_demo_assembly_is_voting_with_some_ballots_in():
    call_command("seed_demo", residents=400, quiet=True, stdout=io.StringIO())
    call_command("seed_assemblies_demo", stdout=io.StringIO())  # again: nothing twice
    a = Assembly.objects.get()
    assert a.status == "voting" and a.roll.status == "locked" and a.matters.count() == 4
    assert a.roll.total_heads > 0 and a.roll.total_units >= a.roll.total_heads
    assert Ballot.objects.filter(assembly=a, channel="paper").count() == 1
    t = selectors.turnout(a)
    assert 0 < t.heads < a.roll.total_heads
    from linli.accounts.models import User
    from linli.core.crypto import lookup_hash

    me = User.objects.get(phone_hash=lookup_hash("13800138000"))
    assert me.has_perm("assemblies.vote", a) and not Ballot.objects.filter(assembly=a, entry__voter=me.resident).exists()
