"""Nominations and the candidate list: who may nominate and be nominated, the nominee's answer,
the 差额 and the women among the candidates, the publication's deadline and its disclosure."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.elections import services
from linli.elections.models import Candidate, CommitteeMember, Nomination

pytestmark = pytest.mark.django_db


def numbers(town, election, people):
    return [town.voter(election, p).number for p in people]


def nominate(town, election, person, post="member", *, signers=None, **kw):
    signers = town.people[:10] if signers is None else signers
    return services.nominate(actor=town.admin, election=election, post=post, nominee_id=town.voter(election, person).pk,
                             nominator_numbers=numbers(town, election, signers), **kw)


def accept(town, election, nomination):
    return services.answer_nomination(actor=town.admin, election=election, nomination_id=nomination.pk, accept=True,
                                      note="本人书面确认接受")


def full_list(town, election):
    """Two for 主任, two for 副主任, four for 委员 — a woman among them — accepted and set."""
    people = town.people
    posts = {"director": people[10:12], "deputy": [people[0], people[2]], "member": [people[1], *people[3:6]]}
    for post, chosen in posts.items():
        for p in chosen:
            accept(town, election, services.nominate(actor=town.admin, election=election, post=post,
                                                     nominee_id=town.voter(election, p).pk, by_committee=True))
        services.set_candidates(actor=town.admin, election=election, post=post,
                                voter_ids=[town.voter(election, p).pk for p in chosen])
    return posts


def test_a_joint_nomination_needs_ten_voters_of_the_list(town):
    e = town.published()
    with pytest.raises(DomainError) as exc:
        nominate(town, e, town.people[11], signers=town.people[:9])
    assert exc.value.code == "nomination_invalid" and "至少10名" in str(exc.value.message)
    with pytest.raises(DomainError) as exc:
        services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.people[11]).pk,
                          nominator_numbers=[*numbers(town, e, town.people[:10]), 9999])
    assert exc.value.code == "nomination_invalid" and "9999" in str(exc.value.message)
    n = nominate(town, e, town.people[11])
    assert n.status == "pending" and n.nominators.count() == 10
    assert not Nomination.objects.exclude(pk=n.pk).exists()


def test_household_mode_counts_representatives_and_five_suffice(town):
    e = town.published(mode="household")
    n = nominate(town, e, town.people[11], signers=town.people[:5])
    assert n.nominators.count() == 5
    # a member of a household who is not its representative has no voter number: he cannot sign
    with pytest.raises(DomainError):
        nominate(town, e, town.people[10], signers=[town.mother, *town.people[:4]])


def test_a_nominator_signs_no_more_nominations_of_a_post_than_its_seats(town):
    e = town.published(adults=14)
    nominate(town, e, town.people[11], post="director")
    with pytest.raises(DomainError) as exc:
        nominate(town, e, town.people[12], post="director")  # 主任: one seat, the ten signed already
    assert exc.value.code == "nomination_invalid" and exc.value.details["problems"][0]["code"] == "too_many_signatures"
    nominate(town, e, town.people[12], post="deputy")  # another post is another count


def test_the_nominee_must_be_eligible_and_is_nominated_once_per_post(town):
    e = town.published()
    with pytest.raises(DomainError) as exc:
        services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.daughter).pk, by_committee=True)
    assert exc.value.code == "not_eligible"
    services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)
    with pytest.raises(Conflict) as c:
        services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)
    assert c.value.code == "already_nominated"
    with pytest.raises(DomainError):
        services.nominate(actor=town.admin, election=e, post="chairman", nominee_id=town.voter(e, town.son).pk, by_committee=True)


def test_no_nomination_before_the_voter_list_is_published(town):
    e = town.ready()
    with pytest.raises(Conflict) as c:
        services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)
    assert c.value.code == "not_nominating"


def test_the_nominee_answers_himself_and_is_told(town, django_capture_on_commit_callbacks):
    from linli.messaging.models import Message

    e = town.published()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.father).pk, by_committee=True)
    assert Message.objects.filter(user=town.father_user, kind="elections.nomination").exists()
    with pytest.raises(NotFound):  # another resident may not answer for him
        services.answer_nomination(actor=town.daughter_user, election=e, nomination_id=n.pk, accept=True)
    services.answer_nomination(actor=town.father_user, election=e, nomination_id=n.pk, accept=False)
    n.refresh_from_db()
    assert n.status == "declined" and not n.on_behalf
    with pytest.raises(Conflict):
        services.answer_nomination(actor=town.father_user, election=e, nomination_id=n.pk, accept=True)


def test_on_behalf_needs_a_note_and_a_committee_member_who_accepts_leaves_the_committee(town):
    e = town.published()
    n = services.nominate(actor=town.admin, election=e, post="director", nominee_id=town.voter(e, town.father).pk, by_committee=True)
    with pytest.raises(DomainError) as exc:
        services.answer_nomination(actor=town.admin, election=e, nomination_id=n.pk, accept=True)
    assert exc.value.code == "reason_required"
    accept(town, e, n)
    n.refresh_from_db()
    assert n.status == "accepted" and n.on_behalf and n.answer_note == "本人书面确认接受"
    assert not CommitteeMember.objects.filter(election=e, resident=town.father).exists()  # he was its chair


def test_a_candidate_list_with_too_few_candidates_or_no_woman_is_refused_with_every_reason(town):
    e = town.published(women=0)
    people = town.people
    for p in people[:3]:
        accept(town, e, services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, p).pk, by_committee=True))
    services.set_candidates(actor=town.admin, election=e, post="member", voter_ids=[town.voter(e, p).pk for p in people[:3]])
    problems = {p["code"] for p in services.candidate_check(e)}
    assert problems == {"too_few_candidates", "no_woman_candidate"}
    with pytest.raises(DomainError) as exc:
        services.publish_candidates(actor=town.admin, election=e)
    assert exc.value.code == "candidates_invalid" and "委员候选人须多于应选名额" in str(exc.value.message)


def test_candidates_come_from_accepted_nominations_of_their_post_only(town):
    e = town.published()
    pending = services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)
    with pytest.raises(DomainError) as exc:
        services.set_candidates(actor=town.admin, election=e, post="member", voter_ids=[pending.nominee_id])
    assert exc.value.code == "candidates_invalid"
    accept(town, e, pending)
    with pytest.raises(DomainError):  # accepted for 委员, not for 副主任
        services.set_candidates(actor=town.admin, election=e, post="deputy", voter_ids=[pending.nominee_id])
    services.set_candidates(actor=town.admin, election=e, post="member", voter_ids=[pending.nominee_id])
    other = accept(town, e, services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.mother).pk,
                                              by_committee=True))
    with pytest.raises(DomainError) as exc:  # leaving out an accepted nominee needs 协商 or 预选 and its result
        services.set_candidates(actor=town.admin, election=e, post="member", voter_ids=[other.nominee_id])
    assert exc.value.code == "reason_required"
    services.set_candidates(actor=town.admin, election=e, post="member", voter_ids=[other.nominee_id], how="consultation",
                            note="选民小组酝酿协商，多数意见推荐李秀英")
    assert list(Candidate.objects.filter(election=e).values_list("voter_id", flat=True)) == [other.nominee_id]


def test_withdrawing_a_nomination_takes_the_candidate_off(town):
    e = town.published()
    n = accept(town, e, services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.son).pk,
                                          by_committee=True))
    services.set_candidates(actor=town.admin, election=e, post="member", voter_ids=[n.nominee_id])
    with pytest.raises(DomainError):
        services.withdraw_nomination(actor=town.admin, election=e, nomination_id=n.pk, reason="")
    services.withdraw_nomination(actor=town.admin, election=e, nomination_id=n.pk, reason="联名推荐人书面撤回推荐")
    assert not Candidate.objects.filter(election=e).exists()


def test_a_nominee_is_not_taken_off_the_voter_list(town):
    e = town.published()
    n = services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)
    with pytest.raises(Conflict) as c:
        services.correct_voter(actor=town.admin, election=e, voter_id=n.nominee_id, eligible=False, reason="已迁出本社区")
    assert c.value.code == "is_candidate"


def test_publication_discloses_the_list_in_ballot_order_and_tells_the_voters(town, django_capture_on_commit_callbacks):
    from linli.disclosures.models import Disclosure
    from linli.messaging.models import Message

    e = town.published()
    posts = full_list(town, e)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_candidates(actor=town.admin, election=e)
    e.refresh_from_db()
    assert e.status == "candidates_published"
    d = Disclosure.objects.get(pk=e.candidate_disclosure_id)
    assert d.kind == "elections.candidates" and d.status == "open"
    director = [p.name for p in posts["director"]]
    assert f"主任(应选1名，候选人2名)：{director[0]}" in d.content and director[1] in d.content
    assert not any(ch.isdigit() and len(ch) > 10 for ch in d.content.split())  # no ID number
    assert Message.objects.filter(user=town.father_user, kind="elections.candidates").exists()
    with pytest.raises(Conflict):  # the list is published: no more nominations
        services.nominate(actor=town.admin, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)


def test_publication_is_refused_after_the_deadline_and_without_a_chair(town):
    e = town.published()
    full_list(town, e)
    late = timezone.now() + dt.timedelta(days=40 - 4)
    with pytest.raises(Conflict) as c:
        services.publish_candidates(actor=town.admin, election=e, now=late)
    assert c.value.code == "too_late"
    CommitteeMember.objects.filter(election=e, role="chair").delete()
    with pytest.raises(Conflict) as c:
        services.publish_candidates(actor=town.admin, election=e)
    assert c.value.code == "committee_incomplete"


def test_only_the_organisers_nominate(town):
    e = town.published()
    for actor in (town.caseworker, town.other_admin, town.father_user):
        with pytest.raises(PermissionDenied):
            services.nominate(actor=actor, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)
    services.nominate(actor=town.street, election=e, post="member", nominee_id=town.voter(e, town.son).pk, by_committee=True)
