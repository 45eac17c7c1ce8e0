"""The first stages of an election as the committee and the street office live them: the plan
checked, the committee, the voter list from the registry decided for election day, corrected
with logged reasons, and published as a disclosure in time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.errors import DomainError
from linli.elections import selectors, services
from linli.elections.models import Voter, VoterChange

pytestmark = pytest.mark.django_db


def entry(election, resident):  # type: ignore[no-untyped-def]
    return Voter.objects.get(election=election, resident=resident)


def test_the_plan_is_checked_with_every_reason(town):
    with pytest.raises(DomainError) as e:
        town.election(seats={"director": 2, "deputy": 0, "member": 1})
    assert e.value.code == "plan_invalid"
    assert {p["code"] for p in e.value.details["problems"]} == {"one_director", "committee_size"}
    assert "主任职数须为1名" in str(e.value.message)
    with pytest.raises(DomainError) as e:
        town.election(seats={"director": 1, "secretary": 4})
    assert e.value.code == "plan_invalid"
    with pytest.raises(DomainError) as e:
        services.create(actor=town.admin, community=town.tree.liede, title="街道选举", election_day=town.day)
    assert e.value.code == "not_community"
    with pytest.raises(DomainError) as e:
        town.election(election_day=timezone.localdate())
    assert e.value.details["field"] == "election_day"
    election = town.election()
    assert election.seats == {"director": 1, "deputy": 1, "member": 3} and election.status == "preparing"


def test_the_voter_list_is_decided_for_election_day(town):
    election = town.ready()
    assert entry(election, town.father).votes and entry(election, town.father).basis == "registered"
    assert entry(election, town.son).votes  # 18 on election day itself
    daughter = entry(election, town.daughter)
    assert not daughter.eligible and daughter.refusal_list == ["under_age"] and daughter.age == 17
    assert entry(election, town.old_tenant).basis == "living"  # a tenant living here two years
    assert entry(election, town.new_tenant).refusal_list == ["not_resident"]  # a hundred days
    assert not Voter.objects.filter(election=election, resident=town.neighbour).exists()  # the next community
    assert services.voter_counts(election) == {"people": 6, "eligible": 4, "votes": 4, "corrected": 0}
    election.refresh_from_db()
    assert election.voters_total == 4


def test_registered_only_refuses_the_tenants(town):
    election = town.ready(registered_only=True)
    assert entry(election, town.old_tenant).refusal_list == ["not_resident"]


def test_a_household_election_lists_each_household_representative(town):
    from linli.regions import services as rs

    rs.set_household_representative(actor=town.registry.actor, household=town.h[0], resident=town.mother)
    election = town.ready(mode="household")
    assert [v.resident_id for v in Voter.objects.filter(election=election, votes=True)] == [town.mother.pk]
    assert entry(election, town.father).eligible and not entry(election, town.father).votes
    assert selectors.household_problems(election) == 1  # 102 has eligible members and no 户代表
    # the household chooses another member: the committee records it, the one before gives way
    services.correct_voter(actor=town.admin, election=election, voter_id=entry(election, town.father).pk, eligible=True,
                           votes=True, reason="户内推选张大山为户代表")
    assert [v.resident_id for v in Voter.objects.filter(election=election, votes=True)] == [town.father.pk]
    assert VoterChange.objects.filter(election=election).count() == 2


def test_a_correction_needs_a_reason_is_logged_and_survives_a_rebuild(town):
    election = town.ready()
    son = entry(election, town.son)
    with pytest.raises(DomainError) as e:
        services.correct_voter(actor=town.admin, election=election, voter_id=son.pk, eligible=False, reason="  ")
    assert e.value.code == "reason_required"
    services.correct_voter(actor=town.admin, election=election, voter_id=son.pk, eligible=False, deprived=True,
                           reason="经法院判决被剥夺政治权利")
    son.refresh_from_db()
    assert (son.eligible, son.votes, son.refusal_list, son.corrected) == (False, False, ["deprived"], True)
    change = VoterChange.objects.get(voter=son)
    assert change.before["eligible"] is True and change.after["eligible"] is False and not change.after_publication
    with pytest.raises(DomainError) as e:
        services.correct_voter(actor=town.admin, election=election, voter_id=son.pk, eligible=False, deprived=True, reason="重复")
    assert e.value.code == "unchanged"
    services.build_voters(actor=town.admin, election=election)
    assert not entry(election, town.son).eligible  # the committee's decision stands
    from linli.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="election.voter_correct", target_id=str(election.pk)).count() == 1


def test_publishing_needs_the_committee_the_list_and_the_time(town):
    election = town.election()
    with pytest.raises(DomainError) as e:
        services.publish_voters(actor=town.admin, election=election)
    assert e.value.code == "committee_incomplete"
    town.committee(election)
    with pytest.raises(DomainError) as e:
        services.publish_voters(actor=town.admin, election=election)
    assert e.value.code == "no_voters"
    services.build_voters(actor=town.admin, election=election)
    late = timezone.now() + dt.timedelta(days=25)  # 15 days before election day
    with pytest.raises(DomainError) as e:
        services.publish_voters(actor=town.admin, election=election, now=late)
    assert e.value.code == "too_late" and e.value.details["latest"] == (town.day - dt.timedelta(days=20)).isoformat()
    services.publish_voters(actor=town.admin, election=election)
    election.refresh_from_db()
    assert election.status == "voters_published" and election.voter_disclosure_id
    numbers = list(Voter.objects.filter(election=election, votes=True).order_by("number").values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
    from linli.disclosures import selectors as disclosures

    d, _versions = disclosures.public_series(town.father_user, election.voter_disclosure_id)  # a resident of the community
    assert d.kind == "elections.voters" and "选民4人" in d.content
    with pytest.raises(DomainError) as e:
        services.build_voters(actor=town.admin, election=election)
    assert e.value.code == "not_draft"
    # after publication a change is still possible, logged as such, and the new voter gets the next number
    services.correct_voter(actor=town.admin, election=election, voter_id=entry(election, town.daughter).pk, eligible=True,
                           reason="核实出生日期登记有误，已年满18周岁")
    daughter = entry(election, town.daughter)
    assert daughter.votes and daughter.number == 5
    assert VoterChange.objects.get(voter=daughter).after_publication


def test_a_resident_sees_his_own_entry_once_the_list_is_published(town, django_capture_on_commit_callbacks):
    from linli.messaging.models import Message

    election = town.ready()
    assert selectors.my_entries(town.father_user) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_voters(actor=town.admin, election=election)
    told = set(Message.objects.filter(kind="elections.voters").values_list("user_id", flat=True))
    assert told == {town.father_user.pk, town.daughter_user.pk}  # listed or not, each checks his own entry
    assert Message.objects.filter(kind="elections.voters").first().link == "/elections/mine/"
    [(e, v)] = selectors.my_entries(town.father_user)
    assert e.pk == election.pk and v.votes and v.number
    [(_e, v)] = selectors.my_entries(town.daughter_user)
    assert not v.eligible
    assert selectors.my_entries(town.neighbour_user) == []


@pytest.mark.parametrize("who,sees,manages", [
    ("admin", True, True), ("street", True, True), ("caseworker", True, False), ("other_admin", False, False),
    ("father_user", False, False),
])
def test_who_sees_and_who_manages(town, who, sees, manages):
    from linli.core.errors import NotFound

    election = town.election()
    user = getattr(town, who)
    assert (election.pk in [e.pk for e in selectors.elections_for(user)]) == sees
    assert user.has_perm("elections.manage", election) == manages
    if not manages:
        with pytest.raises(DomainError) as e:
            services.build_voters(actor=user, election=election)
        assert e.value.code == "forbidden"
    if not sees:
        with pytest.raises(NotFound):
            selectors.staff_election(user, election.pk)


def test_the_committee_is_of_the_community_with_one_chair(town):
    election = town.election()
    services.add_member(actor=town.admin, election=election, resident_id=town.father.pk, role="chair")
    with pytest.raises(DomainError) as e:
        services.add_member(actor=town.admin, election=election, resident_id=town.mother.pk, role="chair")
    assert e.value.code == "already_member"
    with pytest.raises(DomainError) as e:
        services.add_member(actor=town.admin, election=election, resident_id=town.neighbour.pk)
    assert e.value.code == "invalid"
    with pytest.raises(DomainError) as e:
        services.add_member(actor=town.admin, election=election, resident_id=town.father.pk)
    assert e.value.code == "already_member"


def test_a_plan_change_of_the_rule_asks_for_the_list_again(town):
    election = town.ready()
    services.update_plan(actor=town.admin, election=election, min_age=20)
    election.refresh_from_db()
    assert election.voters_built_at is None
    with pytest.raises(DomainError) as e:
        services.publish_voters(actor=town.admin, election=election)
    assert e.value.code == "no_voters"
    services.cancel(actor=town.admin, election=election, reason="街道统一调整换届时间")
    election.refresh_from_db()
    assert election.status == "cancelled"


def test_one_voter_per_household_whatever_the_order_of_corrections_and_rebuilds(town):
    from linli.regions import services as rs

    rs.set_household_representative(actor=town.registry.actor, household=town.h[0], resident=town.mother)
    election = town.ready(mode="household")
    father = entry(election, town.father)
    services.correct_voter(actor=town.admin, election=election, voter_id=father.pk, eligible=True, votes=True, reason="户内推选" * 80)
    assert all(len(c.reason) <= 300 for c in VoterChange.objects.filter(election=election))
    rs.set_household_representative(actor=town.registry.actor, household=town.h[0], resident=town.son)  # the registry changes since
    services.build_voters(actor=town.admin, election=election)
    voting = list(Voter.objects.filter(election=election, votes=True, household=town.h[0]).values_list("resident_id", flat=True))
    assert voting == [town.father.pk]  # the committee's choice, not a second representative
    # a correction that does not say who votes keeps the household's vote where it was (so here it changes nothing)
    with pytest.raises(DomainError) as e:
        services.correct_voter(actor=town.admin, election=election, voter_id=father.pk, eligible=True, reason="核实户籍信息无误")
    assert e.value.code == "unchanged" and entry(election, town.father).votes
    # to the direct mode and back: every eligible person votes, then the registry's representative again
    services.update_plan(actor=town.admin, election=election, mode="all")
    services.build_voters(actor=town.admin, election=election)
    assert Voter.objects.filter(election=election, votes=True).count() == 4
    services.update_plan(actor=town.admin, election=election, mode="household")
    services.build_voters(actor=town.admin, election=election)
    assert list(Voter.objects.filter(election=election, votes=True, household=town.h[0]).values_list("resident_id", flat=True)) == [
        town.son.pk]


def test_a_corrected_voter_who_moved_away_keeps_his_history(town):
    from linli.regions.models import Resident

    election = town.ready()
    services.correct_voter(actor=town.admin, election=election, voter_id=entry(election, town.new_tenant).pk, eligible=True,
                           reason="提供居住证明")
    Resident.objects.filter(pk=town.new_tenant.pk).update(moved_out=timezone.localdate())
    services.build_voters(actor=town.admin, election=election)
    tenant = entry(election, town.new_tenant)
    assert (tenant.eligible, tenant.votes, tenant.refusal_list) == (False, False, ["moved_out"])
    assert VoterChange.objects.filter(voter=tenant).count() == 1


def test_bad_corrections_are_refused(town):
    election = town.ready()
    son = entry(election, town.son)
    with pytest.raises(DomainError) as e:
        services.correct_voter(actor=town.admin, election=election, voter_id=son.pk, eligible=True, deprived=True, reason="判决")
    assert e.value.code == "invalid" and e.value.details["field"] == "deprived"
    with pytest.raises(DomainError) as e:
        services.correct_voter(actor=town.admin, election=election, voter_id=son.pk, eligible=False, reason="依异议", objection_id=999)
    assert e.value.details["field"] == "objection_id"
    assert not VoterChange.objects.exists()


def test_one_election_at_a_time_and_cancelling_closes_the_list(town):
    from linli.disclosures import selectors as disclosures

    election = town.ready()
    with pytest.raises(DomainError) as e:
        town.election()
    assert e.value.code == "election_open"
    services.publish_voters(actor=town.admin, election=election)
    election.refresh_from_db()
    assert disclosures.open_version(election.voter_disclosure_id) is not None
    services.cancel(actor=town.admin, election=election, reason="街道统一调整换届时间")
    assert disclosures.open_version(election.voter_disclosure_id) is None  # no more objections to a cancelled election's list
    assert town.election().status == "preparing"  # a new one may be prepared
