"""居民小组代表选举: each residents' group (a grid) sends 2 to 3 of its voters, recorded by the
committee; the list is published only when every group has its representatives; they nominate
jointly as household representatives do, and only they vote."""

from __future__ import annotations

import pytest

from linli.core.errors import Conflict, DomainError
from linli.elections import eligibility, services
from linli.elections.models import Voter

pytestmark = pytest.mark.django_db


def test_group_problems_pure():
    groups = {"g1": ["a", "b", "c", "d"], "g2": ["e", "f"]}
    assert eligibility.group_problems(groups, {"g1": ["a", "b"], "g2": ["e", "f"]}) == {}
    assert eligibility.group_problems(groups, {"g1": ["a"], "g2": ["e", "f"]}) == {"g1": ("too_few", 1)}
    assert eligibility.group_problems(groups, {"g1": ["a", "b", "c", "d"], "g2": ["e", "f"]}, high=3) == {"g1": ("too_many", 4)}
    assert eligibility.group_problems(groups, {"g1": ["a", "e"], "g2": ["f", "e"]})["g1"][0] == "not_member"
    assert eligibility.group_problems(groups, {"g1": ["a", "b"], "g2": ["e", "f"], "g9": ["x"]})["g9"][0] == "not_member"


def rep(town, e, person, reason="第1居民小组会议推选"):
    return services.correct_voter(actor=town.admin, election=e, voter_id=town.voter(e, person).pk, eligible=True, votes=True,
                                  reason=reason)


def test_a_group_election_lists_the_representatives_each_group_chose(town):
    people = town.adults(6)
    e = town.ready(mode="group")
    assert not Voter.objects.filter(election=e, votes=True).exists()  # nobody votes until the groups have chosen
    assert Voter.objects.filter(election=e, eligible=True).count() >= 8
    with pytest.raises(Conflict) as c:
        services.publish_voters(actor=town.admin, election=e)
    assert c.value.code == "no_voters"
    rep(town, e, people[0])
    with pytest.raises(Conflict) as c:
        services.publish_voters(actor=town.admin, election=e)
    assert c.value.code == "groups_incomplete" and c.value.details["problems"][0]["problem"] == "too_few"
    assert "第1网格(1)" in str(c.value.message)
    for p in people[1:3]:
        rep(town, e, p)
    with pytest.raises(Conflict) as c:  # at most three per group
        rep(town, e, people[3])
    assert c.value.code == "group_full" and c.value.details["limit"] == 3
    # a representative who steps down frees the place for another
    services.correct_voter(actor=town.admin, election=e, voter_id=town.voter(e, people[2]).pk, eligible=True, votes=False,
                           reason="本人辞去小组代表")
    rep(town, e, people[3])
    daughter = services.correct_voter(actor=town.admin, election=e, voter_id=town.voter(e, town.daughter).pk, eligible=False,
                                      votes=True, reason="小组推选", deprived=True)  # not eligible: never votes
    assert daughter.votes is False
    services.publish_voters(actor=town.admin, election=e)
    e.refresh_from_db()
    assert e.voters_total == 3 and sorted(Voter.objects.filter(election=e, votes=True).values_list("number", flat=True)) == [1, 2, 3]
    # a rebuilt list would keep the committee's choices: they are corrections
    assert Voter.objects.filter(election=e, votes=True, corrected=True).count() == 3


def test_group_settings_are_checked():
    import datetime as dt

    from linli.elections.services import _plan_fields

    day = dt.date.today() + dt.timedelta(days=40)
    base = {"title": "换届选举", "mode": "group", "election_day": day, "seats": {"director": 1, "deputy": 1, "member": 3}, "min_age": 18,
            "months": 12, "registered_only": False, "women_at_least": 1, "list_days": 20}
    assert _plan_fields(**base)["group_max"] == 3
    with pytest.raises(DomainError) as exc:
        _plan_fields(**base, group_min=3, group_max=2)
    assert exc.value.details["field"] == "group_max"
    with pytest.raises(DomainError):
        _plan_fields(**base, proxy_max=9)
