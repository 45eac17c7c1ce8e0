"""罢免: a petition of one in five voters (one in three representatives), the member's defence, a
vote on the election's list like any round, valid with more than half turnout and decided by more
than half of the ballots cast; the count table and its monotony by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core.errors import Conflict, DomainError, NotFound
from linli.disclosures.models import Disclosure
from linli.elections import count, recall, selectors, voting
from linli.elections.models import Proxy, Recall, Round

from .test_voting import Poll

# ---------------------------------------------------------------- the pure count


@pytest.mark.parametrize(("registered", "marks", "valid", "recalled"), [
    (10, ["yes"] * 5, False, False),  # turnout exactly half: invalid
    (10, ["yes"] * 6, True, True),
    (10, ["yes"] * 3 + ["no"] * 3, True, False),  # exactly half of the ballots cast: not recalled
    (10, ["yes"] * 4 + ["no"] * 2 + ["abstain"], True, True),
    (10, ["yes"] * 3 + [None] * 4, True, False),  # unmarked is an abstention, and counts among those cast
    (9, ["yes"] * 5, True, True),
])
def test_a_recall_needs_more_than_half_turnout_and_more_than_half_of_the_ballots(registered, marks, valid, recalled):
    ballots = [{} if m is None else {"a": m} for m in marks]
    result = count.recall(registered=registered, members=["a"], ballots=ballots)
    assert result.valid is valid and (result.recalled == ("a",)) is recalled
    line = result.lines[0]
    assert line.yes + line.no + line.abstain == len(marks)


def test_a_ballot_for_someone_not_named_is_refused():
    with pytest.raises(ValueError):
        count.recall(registered=5, members=["a"], ballots=[{"b": "yes"}])
    with pytest.raises(ValueError):
        count.recall(registered=5, members=[], ballots=[])


@given(st.integers(1, 40), st.lists(st.sampled_from(["yes", "no", "abstain"]), max_size=40), st.integers(0, 39))
def test_more_approvals_never_save_a_member(registered, marks, flip):
    marks = marks[:registered]
    before = count.recall(registered=registered, members=["a"], ballots=[{"a": m} for m in marks])
    if marks:
        marks[flip % len(marks)] = "yes"
    after = count.recall(registered=registered, members=["a"], ballots=[{"a": m} for m in marks])
    assert not (before.recalled and not after.recalled)


# ---------------------------------------------------------------- the services



def elected_poll(town, make_user, sms) -> Poll:
    """The election voted and counted: every voter yes to the first of each post's candidates
    (主任 1, 副主任 1, 委员 3 of 4)."""
    poll = Poll(town, make_user, sms)
    poll.open()
    d, dep, m = poll.posts["director"], poll.posts["deputy"], poll.posts["member"]
    for u in poll.voter_users():
        poll.cast(u, poll.yes(director=d[:1], deputy=dep[:1], member=m[:3]))
    voting.close_voting(actor=town.admin, election=poll.election)
    voting.count_round(actor=town.admin, election=poll.election)
    poll.election.refresh_from_db()
    assert poll.election.status == "counted"
    return poll


def numbers(poll, people):
    return [poll.town.voter(poll.election, p).number for p in people]


@pytest.mark.django_db
def test_a_recall_petition_needs_one_in_five_voters_and_names_members_in_office(town, make_user, sms):
    poll = elected_poll(town, make_user, sms)
    e, member = poll.election, poll.posts["member"][0]
    voters = e.voters.filter(votes=True)
    needed = recall.signatures_needed(e)
    assert needed == -(-voters.count() // 5)
    signers = [v.number for v in voters.exclude(pk=poll.vid(member))]
    with pytest.raises(DomainError) as exc:
        recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(member)], reason="长期不履职，不参加居委会工作",
                            signer_numbers=signers[:needed - 1])
    assert exc.value.code == "recall_too_few" and exc.value.details["needed"] == needed
    with pytest.raises(DomainError) as exc:  # a candidate not elected is not in office
        recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(poll.posts["member"][3])], reason="长期不履职",
                            signer_numbers=signers)
    assert exc.value.code == "not_in_office"
    with pytest.raises(DomainError) as exc:
        recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(member)], reason="   ", signer_numbers=signers)
    assert exc.value.code == "reason_required"
    with pytest.raises(DomainError) as exc:
        recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(member)], reason="长期不履职",
                            signer_numbers=[*signers[:needed], 99999])
    assert exc.value.code == "recall_too_few" and exc.value.details["numbers"] == [99999]
    with pytest.raises(Exception):  # a caseworker follows, the organisers lodge
        recall.lodge_recall(actor=town.caseworker, election=e, member_ids=[poll.vid(member)], reason="长期不履职",
                            signer_numbers=signers[:needed])
    assert not Recall.objects.exists()
    r = recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(member)], reason="长期不履职，不参加居委会工作",
                            signer_numbers="，".join(str(n) for n in signers[:needed]))
    assert r.status == "lodged" and r.signers.count() == needed and r.members == [{"voter": poll.vid(member), "post": "member"}]
    with pytest.raises(Conflict) as c:
        recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(poll.posts["director"][0])], reason="另一理由",
                            signer_numbers=signers[:needed])
    assert c.value.code == "recall_open"


@pytest.mark.django_db
def test_a_member_answers_then_the_list_votes_and_more_than_half_recall_him(town, make_user, sms):
    poll = elected_poll(town, make_user, sms)
    e, member = poll.election, poll.posts["member"][0]
    users = poll.voter_users()
    member_user = poll.users[member.pk]
    assert any(x["voter"].pk == poll.vid(member) for x in selectors.elected(e))
    selectors.certificate_line(member_user, e, poll.vid(member))  # issued while he is in office
    signers = [v.number for v in e.voters.filter(votes=True).exclude(pk=poll.vid(member))][:recall.signatures_needed(e)]
    r = recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(member)], reason="长期不履职，不参加居委会工作",
                            signer_numbers=signers)
    with pytest.raises(Conflict) as c:
        recall.open_recall(actor=town.admin, election=e, recall_id=r.pk)
    assert c.value.code == "no_defence"
    with pytest.raises(Exception):  # another resident cannot answer for him
        recall.record_defence(actor=poll.father, election=e, recall_id=r.pk, text="我不同意")
    r = recall.record_defence(actor=member_user, election=e, recall_id=r.pk, text="我因住院三个月未能参加工作，已经康复。")
    assert r.members[0]["on_behalf"] is False and "已经康复" in r.members[0]["defence"]
    rnd = recall.open_recall(actor=town.admin, election=e, recall_id=r.pk)
    e.refresh_from_db()
    assert e.status == "voting" and rnd.kind == "recall" and rnd.candidates == {"member": [poll.vid(member)]}
    assert rnd.registered == e.voters.filter(votes=True).count() and not Proxy.objects.filter(revoked_at__isnull=True).exists()
    notice = Disclosure.objects.get(kind="elections.recall")
    assert "长期不履职" in notice.content and "已经康复" in notice.content and member.id_number not in notice.content
    key = str(poll.vid(member))
    with pytest.raises(DomainError) as exc:  # no write-ins in a recall
        poll.cast(users[0], {"member": {"marks": {key: "yes"}, "write_ins": [signers[0]]}})
    assert exc.value.details["field"] == "write_ins"
    n = len(users)
    yes = n // 2 + 1
    for i, u in enumerate(users[:n - 1]):  # all but one vote; more than half of the ballots approve
        poll.cast(u, {"member": {"marks": {key: "yes" if i < yes else "no"}}})
    with pytest.raises(Conflict):
        poll.cast(users[0], {"member": {"marks": {key: "no"}}})  # one ballot per voter, as in any round
    voting.close_voting(actor=town.admin, election=e)
    rnd = voting.count_round(actor=town.admin, election=e)
    e.refresh_from_db()
    r.refresh_from_db()
    assert e.status == "counted" and r.status == "decided" and r.recalled == [poll.vid(member)]
    assert rnd.result["recall"][0] == {"member": poll.vid(member), "post": "member", "yes": yes, "no": n - 1 - yes, "abstain": 0,
                                       "recalled": True}
    assert not any(x["voter"].pk == poll.vid(member) for x in selectors.elected(e))
    assert len(selectors.elected(e)) == 4
    with pytest.raises(NotFound):  # no certificate once recalled
        selectors.certificate_line(member_user, e, poll.vid(member))
    shown = Disclosure.objects.get(pk=rnd.result_disclosure_id)
    assert "罢免表决结果" in shown.title and "罢免" in shown.content and member.id_number not in shown.content
    lines = recall.recall_lines(town.admin, e)
    assert lines[0]["members"][0]["recalled"] is True and lines[0]["cast"] == n - 1
    # the archive keeps the recall: its sheet, its tally, and the proxies it ended
    import io
    import zipfile

    from openpyxl import load_workbook

    from linli.elections import archive

    book = load_workbook(io.BytesIO(zipfile.ZipFile(io.BytesIO(archive.export(actor=town.admin, election=e))).read("选举档案.xlsx")))
    rows = list(book["罢免"].iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "长期不履职，不参加居委会工作" and rows[1][3] == len(signers) and rows[1][8] == member.name
    tally = [r for r in book["计票结果"].iter_rows(values_only=True) if r[1] == "罢免表决"]
    assert tally == [(2, "罢免表决", n, n - 1, "委员", None, member.name, None, f"同意{yes} 不同意{n - 1 - yes} 弃权0", "罢免")]


@pytest.mark.django_db
def test_too_few_voting_leaves_the_member_in_office_and_a_recall_may_be_withdrawn(town, make_user, sms):
    poll = elected_poll(town, make_user, sms)
    e = poll.election
    director, member = poll.posts["director"][0], poll.posts["member"][1]
    signers = [v.number for v in e.voters.filter(votes=True)][:recall.signatures_needed(e)]
    r = recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(director)], reason="账目不清", signer_numbers=signers)
    with pytest.raises(DomainError):
        recall.withdraw_recall(actor=town.admin, election=e, recall_id=r.pk, reason="")
    recall.withdraw_recall(actor=town.admin, election=e, recall_id=r.pk, reason="联名人书面撤回")
    assert [x["recall"].pk for x in recall.recall_lines(town.admin, e)] == [r.pk]
    assert recall.recall_lines(poll.father, e) == []  # a withdrawn petition is not shown to the community
    with pytest.raises(Conflict):
        recall.record_defence(actor=town.admin, election=e, recall_id=r.pk, text="本人不申辩")
    r = recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(director), poll.vid(member)], reason="账目不清",
                            signer_numbers=signers)
    with pytest.raises(DomainError):  # two named: the committee says for whom
        recall.record_defence(actor=town.admin, election=e, recall_id=r.pk, text="本人不申辩")
    recall.record_defence(actor=town.admin, election=e, recall_id=r.pk, text="本人不申辩", member_id=poll.vid(director))
    with pytest.raises(Conflict) as c:  # each named member's defence before the vote
        recall.open_recall(actor=town.admin, election=e, recall_id=r.pk)
    assert c.value.code == "no_defence" and c.value.details["members"] == [poll.vid(member)]
    recall.record_defence(actor=poll.users[member.pk], election=e, recall_id=r.pk, text="我会改进工作")
    rnd = recall.open_recall(actor=town.admin, election=e, recall_id=r.pk)
    assert rnd.seats == {"director": 1, "member": 1}
    notice = Disclosure.objects.get(kind="elections.recall")
    assert "本人不申辩" in notice.content and "我会改进工作" in notice.content
    users = poll.voter_users()
    for u in users[:len(users) // 2]:  # exactly half of the registered voters
        poll.cast(u, {"director": {"marks": {str(poll.vid(director)): "yes"}}, "member": {"marks": {str(poll.vid(member)): "yes"}}})
    voting.close_voting(actor=town.admin, election=e)
    rnd = voting.count_round(actor=town.admin, election=e)
    r.refresh_from_db()
    assert rnd.result["valid"] is False and r.recalled == [] and r.status == "decided"
    assert len(selectors.elected(e)) == 5
    assert Round.objects.filter(election=e).count() == 2
    assert "无效" in Disclosure.objects.get(pk=rnd.result_disclosure_id).content


@pytest.mark.django_db
def test_no_recall_before_the_election_is_counted(town, make_user, sms):
    poll = Poll(town, make_user, sms)
    with pytest.raises(Conflict) as c:
        recall.lodge_recall(actor=town.admin, election=poll.election, member_ids=[poll.vid(poll.posts["member"][0])],
                            reason="长期不履职", signer_numbers=[1, 2, 3])
    assert c.value.code == "not_in_office"


# ---------------------------------------------------------------- the API and the pages

@pytest.mark.django_db
def test_a_recall_through_the_api_and_other_communities_see_nothing(client, town, make_user, sms):
    poll = elected_poll(town, make_user, sms)
    e, member = poll.election, poll.posts["member"][0]
    base = f"/api/v1/elections/{e.pk}"
    signers = [v.number for v in e.voters.filter(votes=True).exclude(pk=poll.vid(member))][:recall.signatures_needed(e)]
    client.force_login(town.admin)
    few = client.post(f"{base}/recalls", {"members": [poll.vid(member)], "reason": "长期不履职", "signers": signers[:1]},
                      content_type="application/json")
    assert few.status_code == 400 and few.json()["error"]["code"] == "recall_too_few"
    bad = client.post(f"{base}/recalls", {"members": [], "reason": "x" * 3000, "signers": ["a"]}, content_type="application/json")
    assert bad.status_code in (400, 422) and "error" in bad.json()
    r = client.post(f"{base}/recalls", {"members": [poll.vid(member)], "reason": "长期不履职", "signers": signers},
                    content_type="application/json")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    assert r.json()["status"] == "lodged" and r.json()["signers"] == len(signers) and r.json()["members"][0]["post"] == "member"
    assert client.post(f"{base}/recalls/{rid}/open").json()["error"]["code"] == "no_defence"
    client.force_login(poll.users[member.pk])  # the member answers on his phone
    d = client.post(f"{base}/recalls/{rid}/defence", {"defence": "我一直参加工作，有会议记录为证"}, content_type="application/json")
    assert d.status_code == 200 and d.json()["members"][0]["defence_on_behalf"] is False
    assert d.json()["members"][0]["defence"] == "我一直参加工作，有会议记录为证"
    assert client.post(f"{base}/recalls/{rid}/open").status_code == 404  # a resident: no staff endpoint
    client.force_login(poll.father)  # a resident reads the recall, answers for no one
    assert [x["id"] for x in client.get(f"{base}/recalls").json()] == [rid]
    assert client.post(f"{base}/recalls/{rid}/defence", {"defence": "代他申辩"}, content_type="application/json").status_code == 403
    client.force_login(town.other_admin)
    assert client.get(f"{base}/recalls").status_code == 404
    assert client.post(f"{base}/recalls/{rid}/open").status_code == 404
    assert client.post(f"{base}/recalls/{rid}/withdraw", {"reason": "撤回"}, content_type="application/json").status_code == 404
    client.force_login(town.admin)
    opened = client.post(f"{base}/recalls/{rid}/open")
    assert opened.status_code == 200 and opened.json()["status"] == "voting"
    client.force_login(poll.father)
    ballot = client.get(f"{base}/ballot").json()
    assert [p["post"] for p in ballot["posts"]] == ["member"]
    client.post(f"{base}/vote/code", content_type="application/json")
    v = client.post(f"{base}/vote", {"posts": {"member": {"marks": {str(poll.vid(member)): "no"}}}, "code": poll.sms[poll.father.phone]},
                    content_type="application/json")
    assert v.status_code == 201, v.content
    client.force_login(town.admin)
    client.post(f"{base}/voting/close")
    counted = client.post(f"{base}/count").json()
    assert counted["status"] == "counted"
    shown = client.get(f"{base}/recalls").json()[0]
    assert shown["status"] == "decided" and shown["valid"] is False and shown["members"][0]["no"] == 1


@pytest.mark.django_db
def test_the_recall_page_lodges_takes_the_defence_and_shows_the_ballot(client, town, make_user, sms):
    poll = elected_poll(town, make_user, sms)
    e, member = poll.election, poll.posts["member"][0]
    url = f"/elections/{e.pk}/recalls/"
    signers = [v.number for v in e.voters.filter(votes=True).exclude(pk=poll.vid(member))][:recall.signatures_needed(e)]
    client.force_login(town.admin)
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="recall-form"' in page.content.decode()
    few = client.post(url, {"what": "lodge", "member": [poll.vid(member)], "reason": "长期不履职", "signers": str(signers[0])})
    assert few.status_code == 400 and "须至少" in few.content.decode() and "长期不履职" in few.content.decode()  # nothing typed is lost
    ok = client.post(url, {"what": "lodge", "member": [poll.vid(member)], "reason": "长期不履职", "signers": "\n".join(map(str, signers))})
    assert ok.status_code == 302
    client.force_login(poll.users[member.pk])
    page = client.get(url).content.decode()
    assert "我的申辩意见" in page and "长期不履职" in page
    rid = Recall.objects.get().pk
    assert client.post(url, {"what": "open", "recall": rid}).status_code == 404  # residents do not open the vote
    client.post(url, {"what": "defence", "recall": rid, "defence": "我一直参加工作"})
    client.force_login(town.admin)
    client.post(url, {"what": "open", "recall": rid})
    client.force_login(poll.father)
    vote = client.get(f"/elections/{e.pk}/vote/").content.decode()
    assert "罢免表决" in vote and "同意罢免" in vote and "另选他人" not in vote
    assert "我一直参加工作" in client.get(url).content.decode()
    client.force_login(town.other_admin)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_next_terms_election_may_follow_a_counted_one_and_ends_recalls(town, make_user, sms):
    poll = elected_poll(town, make_user, sms)
    e = poll.election
    signers = [v.number for v in e.voters.filter(votes=True)][:recall.signatures_needed(e)]
    r = recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(poll.posts["director"][0])], reason="账目不清",
                            signer_numbers=signers)
    recall.record_defence(actor=town.admin, election=e, recall_id=r.pk, text="本人不申辩")
    nxt = town.election()  # the next term's election is prepared
    assert nxt.status == "preparing"
    with pytest.raises(DomainError) as exc:
        town.election()  # still one under way at a time
    assert exc.value.code == "election_open"
    with pytest.raises(Conflict) as c:
        recall.open_recall(actor=town.admin, election=e, recall_id=r.pk)
    assert c.value.code == "not_in_office"


@pytest.mark.django_db
def test_the_recall_is_voted_by_those_still_living_here_and_the_named_do_not_run_it(town, make_user, sms):
    from linli.accounts.roles import Role
    from linli.core.errors import PermissionDenied
    from linli.regions.models import Resident

    poll = elected_poll(town, make_user, sms)
    e, member = poll.election, poll.posts["member"][0]
    voters = list(e.voters.filter(votes=True).exclude(pk=poll.vid(member)).select_related("resident"))
    needed = recall.signatures_needed(e)
    with pytest.raises(DomainError) as exc:  # a number no voter card has: a clear refusal, not a crash
        recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(member)], reason="长期不履职",
                            signer_numbers=["1" * 20])
    assert exc.value.details["field"] == "signers"
    r = recall.lodge_recall(actor=town.admin, election=e, member_ids=[poll.vid(member)], reason="长期不履职",
                            signer_numbers=[v.number for v in voters[:needed]])
    recall.record_defence(actor=poll.users[member.pk], election=e, recall_id=r.pk, text="我一直参加工作")
    with pytest.raises(Conflict):  # the committee does not rewrite what he wrote himself
        recall.record_defence(actor=town.admin, election=e, recall_id=r.pk, text="本人不申辩")
    from linli.accounts.models import RoleAssignment

    named_admin = poll.users[member.pk]  # the member also holds the community's admin role
    RoleAssignment.objects.create(user=named_admin, role=Role.COMMUNITY_ADMIN, region=town.tree.liede_sq,
                                  region_path=town.tree.liede_sq.path)
    for act in (lambda: recall.open_recall(actor=named_admin, election=e, recall_id=r.pk),
                lambda: recall.withdraw_recall(actor=named_admin, election=e, recall_id=r.pk, reason="不同意")):
        with pytest.raises(PermissionDenied):
            act()
    gone, away = voters[-1], voters[-2]
    Resident.objects.filter(pk=gone.resident_id).update(moved_out=timezone_now().date())
    away.away = True
    away.save()
    rnd = recall.open_recall(actor=town.admin, election=e, recall_id=r.pk)
    assert rnd.registered == len(voters)  # everyone still living here, the away among them; the one gone not
    with pytest.raises(DomainError) as exc:
        voting.check_off(actor=town.caseworker, election=e, number=gone.number, channel="station")
    assert exc.value.code == "not_on_list"
    voting.check_off(actor=town.caseworker, election=e, number=away.number, channel="station")


def timezone_now():
    from django.utils import timezone

    return timezone.now()
