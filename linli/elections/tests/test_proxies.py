"""委托投票 and the counting staff: a proxy goes to a near relative with a vote, on a written
authorisation, at most three per holder and never passed on; the list is published before voting
and again after a change; the holder votes for each principal with a ballot (and code) of its own,
online or on paper, and the principal does not vote himself; monitors and counters are recorded
before the count and candidates' relatives are refused."""

from __future__ import annotations

import pytest

from linli.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from linli.core.models import AuditEvent, SensitiveAccess
from linli.disclosures.models import Disclosure
from linli.elections import proxies, voting
from linli.elections.models import Ballot, CountingStaff, Participation, Proxy

from .test_voting import Poll

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a signed authorisation\n"


def record(town, e, principal, holder, relation="spouse", actor=None):
    return proxies.record_proxy(actor=actor or town.admin, election=e, principal_number=town.voter(e, principal).number,
                                holder_number=town.voter(e, holder).number, relation=relation, document_name="委托书.pdf",
                                document=PDF)


@pytest.fixture
def poll(town, make_user, sms):
    return Poll(town, make_user, sms)


def test_a_proxy_goes_to_a_voter_on_a_written_authorisation_and_is_never_passed_on(poll, town):
    e = poll.election
    p = record(town, e, town.mother, town.father)
    assert p.holder.resident == town.father and p.relation == "spouse" and p.document.name.endswith(".pdf")
    with pytest.raises(Conflict) as c:  # one standing proxy per principal
        record(town, e, town.mother, town.son, relation="child")
    assert c.value.code == "proxy_exists"
    with pytest.raises(Conflict) as c:  # the holder does not delegate his own vote
        record(town, e, town.father, town.son, relation="child")
    assert c.value.code == "proxy_chain"
    with pytest.raises(Conflict) as c:  # nor does a principal hold someone else's
        record(town, e, town.son, town.mother, relation="parent")
    assert c.value.code == "proxy_chain"
    with pytest.raises(DomainError) as exc:
        record(town, e, town.son, town.son, relation="parent")
    assert exc.value.details["field"] == "holder_number"
    with pytest.raises(DomainError) as exc:  # only a near relative
        record(town, e, town.son, town.father, relation="friend")
    assert exc.value.details["field"] == "relation"
    with pytest.raises(DomainError) as exc:  # the daughter is a day short of 18: no vote of her own
        proxies.record_proxy(actor=town.admin, election=e, principal_number=town.voter(e, town.son).number, holder_number=99999,
                             relation="sibling", document_name="a.pdf", document=PDF)
    assert exc.value.code == "not_on_list"
    with pytest.raises(DomainError) as exc:
        proxies.record_proxy(actor=town.admin, election=e, principal_number=town.voter(e, town.son).number,
                             holder_number=town.voter(e, town.father).number, relation="parent", document_name="a.exe",
                             document=b"MZ\x90\x00 not a document")
    assert exc.value.details["field"] == "document"
    with pytest.raises(PermissionDenied):
        record(town, e, town.son, town.father, relation="parent", actor=town.other_admin)
    assert Proxy.objects.count() == 1
    assert AuditEvent.objects.filter(action="election.proxy").count() == 1


def test_a_holder_takes_at_most_three_principals(poll, town):
    e = poll.election
    holder = town.people[6]
    for p in town.people[7:10]:
        record(town, e, p, holder, relation="sibling")
    with pytest.raises(Conflict) as c:
        record(town, e, town.son, holder, relation="sibling")
    assert c.value.code == "proxy_limit" and c.value.details["limit"] == 3
    first = Proxy.objects.filter(holder__resident=holder).first()
    proxies.revoke_proxy(actor=town.admin, election=e, proxy_id=first.pk, reason="委托人回来了，本人投票")
    record(town, e, town.son, holder, relation="sibling")
    assert Proxy.objects.filter(holder__resident=holder, revoked_at__isnull=True).count() == 3


def test_voting_waits_for_the_proxy_list_and_a_change_is_published_again(poll, town):
    e = poll.election
    p = record(town, e, town.mother, town.father)
    with pytest.raises(Conflict) as c:
        poll.open()
    assert c.value.code == "proxies_unpublished"
    proxies.publish_proxies(actor=town.admin, election=e)
    e.refresh_from_db()
    d = Disclosure.objects.get(pk=e.proxy_disclosure_id)
    assert d.kind == "elections.proxies" and "配偶" in d.content
    assert town.mother.name not in d.content and town.father.name not in d.content  # masked names only
    record(town, e, town.son, town.father, relation="parent")
    with pytest.raises(Conflict):
        poll.open()
    proxies.publish_proxies(actor=town.admin, election=e)
    latest = Disclosure.objects.filter(kind="elections.proxies").order_by("-version").first()
    assert latest.version == 2 and "共2人" in latest.content and latest.correction_note
    poll.open()
    with pytest.raises(Conflict) as c:  # nothing changes once voting is open
        proxies.revoke_proxy(actor=town.admin, election=e, proxy_id=p.pk, reason="委托人要求撤销")
    assert c.value.code == "proxy_locked"


def test_the_holder_votes_for_himself_and_for_his_principal_and_the_principal_does_not(poll, town, make_user, sms):
    e = poll.election
    record(town, e, town.mother, town.father)
    proxies.publish_proxies(actor=town.admin, election=e)
    poll.open()
    mother_user = poll.users[town.mother.pk]
    voting.send_vote_code(actor=mother_user, election=e)
    with pytest.raises(Conflict) as c:
        voting.cast(actor=mother_user, election=e, marks={}, code=sms[mother_user.phone])
    assert c.value.code == "delegated"
    poll.cast(poll.father, poll.yes(director=[town.people[10]]))
    mother = town.voter(e, town.mother)
    voting.send_vote_code(actor=poll.father, election=e)
    taken, receipt = voting.cast(actor=poll.father, election=e, marks=poll.yes(director=[town.people[11]]),
                                 code=poll.sms[poll.father.phone], for_voter=mother.pk)
    assert taken.voter == mother and taken.channel == "proxy" and taken.proxy.holder.resident == town.father and receipt
    assert set(Ballot.objects.values_list("channel", flat=True)) == {"online"}  # the ballot does not tell a proxy apart
    voting.send_vote_code(actor=poll.father, election=e)
    with pytest.raises(Conflict) as c:
        voting.cast(actor=poll.father, election=e, marks={}, code=poll.sms[poll.father.phone], for_voter=mother.pk)
    assert c.value.code == "already_voted"
    son = town.voter(e, town.son)
    voting.send_vote_code(actor=poll.father, election=e)
    with pytest.raises(PermissionDenied) as p:  # a voter he holds no proxy for
        voting.cast(actor=poll.father, election=e, marks={}, code=poll.sms[poll.father.phone], for_voter=son.pk)
    assert p.value.code == "delegated"
    assert Participation.objects.count() == 2 and Ballot.objects.count() == 2


def test_on_paper_the_holder_takes_the_principals_ballot(poll, town):
    e = poll.election
    record(town, e, town.mother, town.father)
    proxies.publish_proxies(actor=town.admin, election=e)
    poll.open()
    mother, son = town.voter(e, town.mother), town.voter(e, town.son)
    with pytest.raises(Conflict) as c:  # the principal himself does not take one
        voting.check_off(actor=town.caseworker, election=e, number=mother.number, channel="station")
    assert c.value.code == "delegated"
    with pytest.raises(DomainError) as exc:  # no proxy recorded for the son
        voting.check_off(actor=town.caseworker, election=e, number=son.number, channel="station", by_proxy=True)
    assert exc.value.code == "delegated"
    taken = voting.check_off(actor=town.caseworker, election=e, number=mother.number, channel="station", by_proxy=True)
    assert taken.channel == "station" and taken.proxy is not None
    voting.close_voting(actor=town.admin, election=e)
    sheet = voting.enter_paper(actor=town.caseworker, election=e, channel="station", marks={})  # the box gave one ballot for it
    assert sheet.no == 1


def test_the_principal_revokes_his_own_proxy_and_others_cannot(poll, town, make_user):
    e = poll.election
    p = record(town, e, town.mother, town.father)
    mother_user = poll.users[town.mother.pk]
    with pytest.raises(PermissionDenied):
        proxies.revoke_proxy(actor=town.daughter_user, election=e, proxy_id=p.pk, reason="不想委托了")
    with pytest.raises(DomainError) as exc:
        proxies.revoke_proxy(actor=mother_user, election=e, proxy_id=p.pk, reason="")
    assert exc.value.code == "reason_required"
    proxies.revoke_proxy(actor=mother_user, election=e, proxy_id=p.pk, reason="本人能到场投票")
    p.refresh_from_db()
    assert p.revoked_at and p.revoke_reason == "本人能到场投票"
    with pytest.raises(NotFound):
        proxies.revoke_proxy(actor=town.other_admin, election=e, proxy_id=p.pk + 100, reason="没有这个委托")
    assert not proxies.proxies_out_of_date(e)  # never published, nothing standing


def test_opening_an_authorisation_is_logged(poll, town):
    e = poll.election
    p = record(town, e, town.mother, town.father)
    proxies.log_document_view(actor=town.admin, election=e, proxy=p)
    assert SensitiveAccess.objects.filter(fields=["document"]).count() == 1
    with pytest.raises(PermissionDenied):
        proxies.log_document_view(actor=town.other_admin, election=e, proxy=p)


def test_candidates_and_their_relatives_do_not_count_and_the_count_needs_a_monitor_and_a_counter(poll, town, make_user):
    e = poll.election
    candidate = town.people[10]
    with pytest.raises(PermissionDenied) as p:
        proxies.add_staff(actor=town.admin, election=e, role="caller", resident_id=candidate.pk)
    assert p.value.code == "candidate_counts"
    # a near relative recorded on a candidate's proxy is refused too
    record(town, e, candidate, town.people[6], relation="sibling")
    with pytest.raises(PermissionDenied):
        proxies.add_staff(actor=town.admin, election=e, role="caller", resident_id=town.people[6].pk)
    caller = proxies.add_staff(actor=town.admin, election=e, role="caller", resident_id=town.people[7].pk, chosen="选民推选")
    with pytest.raises(Conflict) as c:
        proxies.add_staff(actor=town.admin, election=e, role="caller", resident_id=town.people[7].pk)
    assert c.value.code == "already_member"
    with pytest.raises(DomainError):  # not a person of this community
        proxies.add_staff(actor=town.admin, election=e, role="caller", resident_id=town.neighbour.pk)
    with pytest.raises(DomainError):  # an account of another community's staff
        proxies.add_staff(actor=town.admin, election=e, role="counter", user=town.other_admin)
    with pytest.raises(DomainError):
        proxies.add_staff(actor=town.admin, election=e, role="boss", user=town.caseworker)
    names = {x["role"]: x["name"] for x in proxies.staff_lines(e)}
    assert names["唱票人"] == town.people[7].name
    proxies.publish_proxies(actor=town.admin, election=e)
    poll.open()
    voting.close_voting(actor=town.admin, election=e)
    CountingStaff.objects.filter(role="counter").delete()
    with pytest.raises(Conflict) as c:
        voting.count_round(actor=town.admin, election=e)
    assert c.value.code == "no_counting_staff"
    proxies.add_staff(actor=town.admin, election=e, role="counter", user=town.caseworker)
    voting.count_round(actor=town.admin, election=e)
    with pytest.raises(Conflict):  # the counted round's staff stay on record
        proxies.remove_staff(actor=town.admin, election=e, staff_id=caller.pk)
