"""The demo 微实事: every stage of a call is there once, and seeding again adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from linli.projects.models import Ballot, Call, Designer, Photo, Project

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_call_at_every_stage_once() -> None:
    call_command("seed_demo", residents=300, quiet=True, stdout=io.StringIO())
    assert set(Call.objects.values_list("status", flat=True)) == {"ideas", "voting", "chosen"}
    done = Project.objects.get(status="done")
    assert {p.phase for p in Photo.objects.filter(project=done)} == {"before", "during", "after"}
    assert Project.objects.filter(status="in_progress", progress=60).exists() and Project.objects.filter(status="not_chosen").exists()
    voting = Call.objects.get(status="voting")
    assert voting.projects.filter(status="shortlisted").count() == 4
    assert Ballot.objects.filter(call=voting).count() > 0 and Call.objects.get(status="chosen").ballots == Ballot.objects.filter(call__status="chosen").count()
    counts = (Call.objects.count(), Project.objects.count(), Designer.objects.count(), Ballot.objects.count())
    call_command("seed_projects_demo", stdout=io.StringIO())
    assert (Call.objects.count(), Project.objects.count(), Designer.objects.count(), Ballot.objects.count()) == counts
