"""A whole household-representative election (户代表选举) in Debian Chromium: the plan, the voter
list disclosed, a tenant's objection upheld (he becomes his household's representative), a joint
nomination accepted on the nominee's phone, the candidate list, then — on election day — votes
online, by proxy and on paper, the count, a further round for the one seat left, and the
certificates. The clock moves to election day the way the server sees it (``timezone.now``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.accounts.roles import Role
from linli.disclosures.models import Objection
from linli.elections import proxies, services, voting
from linli.elections.models import Election, Round, Voter
from linli.regions import services as rs

from .test_nominations import accept
from .test_proxies import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def clock_at(day: dt.date) -> Iterator[None]:
    """The server's clock (and this process's) at 08:00 on ``day``, running on from there."""
    real = timezone.now
    delta = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0))) - real()
    with mock.patch("django.utils.timezone.now", lambda: real() + delta):
        yield


def logout(page: Any) -> None:
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})


def desk(page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 392


def test_a_household_representative_election_from_the_plan_to_the_certificates(page, town, login, shot, make_user, sms):
    root = town.registry.actor
    people = town.adults(12, women=2, representatives=True)
    rs.set_household_representative(actor=root, household=town.h[0], resident=town.mother)
    make_user(Role.RESIDENT, town.tree.g_liede1, resident=town.old_tenant, username="tenant", phone="13900009999")

    # 1. the plan: a household-representative election of 5 (主任 1, 副主任 1, 委员 3)
    login(page, "admin")
    page.goto("/elections/new/")
    page.fill("input[name=title]", "第十二届居委会换届选举")
    page.fill("input[name=election_day]", town.day.isoformat())
    page.select_option("select[name=mode]", "household")
    page.fill("input[name=director]", "1")
    page.fill("input[name=deputy]", "1")
    page.fill("input[name=member]", "3")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("第十二届居委会换届选举")
    e = Election.objects.get()
    assert e.mode == "household" and e.seats == {"director": 1, "deputy": 1, "member": 3}
    town.committee(e)
    page.reload()
    page.click("[data-testid=build]")
    expect(page.locator("[data-testid=voter-counts]")).to_be_visible()
    page.click("[data-testid=publish-voters]")
    expect(page.locator("[data-testid=election-status]")).to_have_text("选民榜已公布")
    e.refresh_from_db()
    tenant = Voter.objects.get(election=e, resident=town.old_tenant)
    assert tenant.eligible and not tenant.votes  # 102 has recorded no 户代表
    logout(page)

    # 2. the voter list is disclosed; the tenant objects on his phone
    phone(page)
    login(page, "tenant")
    page.goto(f"/disclosures/{e.voter_disclosure_id}/")
    page.fill("textarea[name=text]", "1栋102户内已商定由我作为户代表参加选举，请列入选民名单")
    page.fill("input[name=phone]", "13900009999")
    page.click("[data-testid=lodge]")
    expect(page.locator(".ok-box")).to_contain_text("异议已提交")
    shot(page, "objection-390")
    objection = Objection.objects.get()
    logout(page)

    # 3. the committee upholds it: the entry corrected with the objection's number, the objection answered
    desk(page)
    login(page, "admin")
    page.goto(f"/elections/{e.pk}/voters/{tenant.pk}/")
    page.check("input[name=votes]")
    page.fill("input[name=reason]", "户内书面商定由王租客担任户代表")
    page.fill("input[name=objection_id]", str(objection.pk))
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=voter-state]")).to_contain_text("列入选民名单")
    expect(page.locator("[data-testid=voter-change]")).to_have_count(1)
    page.goto(f"/disclosures/staff/{e.voter_disclosure_id}/")
    page.select_option(f"form:has([data-testid=answer-{objection.pk}]) select[name=outcome]", "upheld")
    page.fill(f"form:has([data-testid=answer-{objection.pk}]) textarea[name=answer]", "异议成立，已将王租客列为1栋102户代表")
    page.click(f"[data-testid=answer-{objection.pk}]")
    expect(page.get_by_text("异议成立").first).to_be_visible()
    tenant.refresh_from_db()
    assert tenant.votes and tenant.number
    voters = list(Voter.objects.filter(election=e, votes=True).order_by("number"))
    assert len(voters) == 14  # 12 households of 2栋, 101 (the mother) and 102 (the tenant)
    users = {}
    for i, v in enumerate(voters):
        users[v.resident_id] = (make_user(Role.RESIDENT, town.tree.g_liede1, resident=v.resident, phone=f"1390000{i:04d}",
                                          username=f"v{v.number}")
                                if v.resident_id != town.old_tenant.pk else None)
    from linli.accounts.models import User

    users[town.old_tenant.pk] = User.objects.get(username="tenant")

    def number(person: Any) -> int:
        return Voter.objects.get(election=e, resident=person).number

    def vid(person: Any) -> int:
        return Voter.objects.get(election=e, resident=person).pk

    # 4. nominations: a joint nomination of five representatives from its paper form, in the browser
    d, dep, m = people[10:12], [people[0], people[2]], [people[1], people[3], people[4], people[5]]
    page.goto(f"/elections/{e.pk}/nominations/")
    page.select_option("[data-testid=nominate-form] select[name=post]", "member")
    page.fill("[data-testid=nominate-form] input[name=id_number]", people[5].id_number)
    page.fill("[data-testid=nominate-form] textarea[name=nominators]", ", ".join(str(number(p)) for p in people[6:11]))
    page.click("[data-testid=nominate-form] button[type=submit]")
    expect(page.locator("[data-testid=nomination-row]")).to_have_count(1)
    expect(page.locator("[data-testid=nomination-status]")).to_have_text("待本人确认")
    for post, chosen in (("director", d), ("deputy", dep), ("member", m[:3])):
        for p in chosen:
            accept(town, e, services.nominate(actor=town.admin, election=e, post=post, nominee_id=vid(p), by_committee=True))
    logout(page)
    phone(page)
    login(page, f"v{number(people[5])}")  # the nominee accepts on his phone
    page.goto("/elections/mine/")
    page.click("[data-testid=accept-nomination]")
    expect(page.locator("[data-testid=my-nomination]")).to_contain_text("本人接受")
    logout(page)

    # 5. the candidate list: 委员 set in the browser (4 for 3 seats), published
    desk(page)
    login(page, "admin")
    for post, chosen in (("director", d), ("deputy", dep)):
        services.set_candidates(actor=town.admin, election=e, post=post, voter_ids=[vid(p) for p in chosen])
    page.goto(f"/elections/{e.pk}/nominations/")
    section = page.locator("[data-testid=post-member]")
    section.locator("summary").click()
    for p in m:
        section.locator(f"input[name=voter][value='{vid(p)}']").check()
    section.locator("button[type=submit]").click()
    expect(page.locator("[data-testid=post-member] [data-testid=candidate]")).to_have_count(4)
    page.click("[data-testid=publish-candidates]")
    expect(page.locator("main")).to_contain_text("候选人名单已公布")
    shot(page, "candidates")

    # 6. a proxy (the mother, away, to her sister in 2栋) and the counting staff, before election day
    proxies.record_proxy(actor=town.admin, election=e, principal_number=number(town.mother), holder_number=number(people[7]),
                         relation="sibling", document_name="委托书.pdf", document=PDF)
    proxies.publish_proxies(actor=town.admin, election=e)
    for role, user in (("monitor", town.admin), ("counter", town.caseworker)):
        proxies.add_staff(actor=town.admin, election=e, role=role, user=user, chosen="户代表推选")
    logout(page)

    def cast(person: Any, members: list[Any], *, for_voter: Any = None) -> None:
        user = users[person.pk]
        voting.send_vote_code(actor=user, election=e)
        marks = {"director": {"marks": {str(vid(d[0])): "yes"}}, "deputy": {"marks": {str(vid(dep[0])): "yes"}},
                 "member": {"marks": {str(vid(x)): "yes" for x in members}}}
        voting.cast(actor=user, election=e, marks=marks, code=sms[user.phone], for_voter=for_voter)

    with clock_at(e.election_day):
        # 7. election day: voting opens
        login(page, "admin")
        page.goto(f"/elections/{e.pk}/voting/")
        page.click("[data-testid=open-voting]")
        expect(page.locator("[data-testid=status]")).to_have_text("投票中")
        logout(page)

        def ballot(members: list[Any]) -> None:
            page.check(f"input[name=mark_director_{vid(d[0])}][value=yes]")
            page.check(f"input[name=mark_deputy_{vid(dep[0])}][value=yes]")
            for x in members:
                page.check(f"input[name=mark_member_{vid(x)}][value=yes]")

        # online, on a phone
        phone(page)
        voter = people[6]
        login(page, f"v{number(voter)}")
        page.goto(f"/elections/{e.pk}/vote/")
        ballot([m[0], m[1], m[2]])
        page.click("[data-testid=get-code]")
        page.fill("[data-testid=code]", sms[users[voter.pk].phone])
        page.click("[data-testid=cast]")
        expect(page.locator("[data-testid=receipt]")).to_be_visible()
        logout(page)

        # by proxy: the sister fills in the mother's ballot, then her own
        holder = people[7]
        login(page, f"v{number(holder)}")
        page.goto(f"/elections/{e.pk}/vote/")
        page.click(f"[data-testid=ballot-for-{number(town.mother)}]")
        expect(page.locator("[data-testid=proxy-ballot]")).to_be_visible()
        ballot([m[0], m[1], m[3]])
        page.click("[data-testid=get-code]")
        page.fill("[data-testid=code]", sms[users[holder.pk].phone])
        shot(page, "proxy-ballot-390")
        fits(page)
        page.click("[data-testid=cast]")
        expect(page.locator("[data-testid=receipt]")).to_be_visible()
        logout(page)
        cast(holder, [m[0], m[1], m[3]])

        # on paper: the clerk checks a voter off at the polling station
        login(page, "caseworker")
        page.goto(f"/elections/{e.pk}/paper/")
        page.fill("[data-testid=number]", str(number(people[8])))
        page.click("[data-testid=check-off]")
        expect(page.locator("[data-testid=box-station]")).to_contain_text("1")
        logout(page)

        # the others online: 委员 m[2] and m[3] each short of half, so one seat is left
        rest = [town.old_tenant, *people[:6], people[9], people[10], people[11]]
        for i, p in enumerate(rest):
            cast(p, [m[0], m[1]] + ([m[2]] if i < 4 else [m[3]] if i < 8 else []))
        assert Round.objects.get(election=e, no=1).participations.count() == 14

        # 8. the close, the paper ballot entered by two clerks, the count
        desk(page)
        login(page, "admin")
        page.goto(f"/elections/{e.pk}/voting/")
        page.click("[data-testid=close-voting]")
        expect(page.locator("[data-testid=status]")).to_have_text("投票结束，待计票")
        logout(page)
        for who in ("caseworker", "admin"):
            login(page, who)
            page.goto(f"/elections/{e.pk}/paper/" + ("?no=1" if who == "admin" else ""))
            ballot([m[0], m[1], m[2]])
            page.click("[data-testid=enter]")
            expect(page.locator("[data-testid=error]")).to_have_count(0)
            if who == "caseworker":
                logout(page)
        page.goto(f"/elections/{e.pk}/voting/")
        page.click("[data-testid=count]")
        expect(page.locator("[data-testid=status]")).to_have_text("待另行选举")
        expect(page.locator("[data-testid=round-result]")).to_contain_text("尚缺 1 名，另行选举")
        shot(page, "first-count")
        first = Round.objects.get(election=e, no=1)
        member = next(p for p in first.result["posts"] if p["post"] == "member")
        assert member["votes"][str(vid(m[2]))] == 6 and member["votes"][str(vid(m[3]))] == 6 and member["seats_left"] == 1
        nxt = Round.objects.get(election=e, no=2)
        assert nxt.kind == "further" and nxt.seats == {"member": 1}
        assert sorted(nxt.candidates["member"]) == sorted([vid(m[2]), vid(m[3])])

        # 9. the further round for the one seat: the most votes win with at least a third of the ballots
        page.click("[data-testid=open-voting]")
        expect(page.locator("[data-testid=status]")).to_have_text("投票中")
        for i, p in enumerate([town.old_tenant, *people[:7], people[9], people[10], people[11]]):
            user = users[p.pk]
            voting.send_vote_code(actor=user, election=e)
            voting.cast(actor=user, election=e, marks={"member": {"marks": {str(vid(m[3] if i < 6 else m[2])): "yes"}}},
                        code=sms[user.phone])
        page.reload()
        page.click("[data-testid=close-voting]")
        page.click("[data-testid=count]")
        expect(page.locator("[data-testid=status]")).to_have_text("选举结束")
        e.refresh_from_db()
        second = Round.objects.get(election=e, no=2)
        assert second.result["complete"] and second.result["posts"][0]["elected"] == [str(vid(m[3]))]

        # 10. the certificates: five, printed by the organisers and by the person elected
        expect(page.locator("[data-testid=certificate-row]")).to_have_count(5)
        shot(page, "certificates")
        href = page.locator("[data-testid=certificate-row] a").first.get_attribute("href")
        pdf = page.request.get(href)
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body()[:4] == b"%PDF"
        logout(page)
        phone(page)
        login(page, f"v{number(m[3])}")
        page.goto(f"/elections/{e.pk}/results/")
        expect(page.locator("[data-testid=round-result]")).to_have_count(2)
        expect(page.locator("[data-testid=my-certificate]")).to_be_visible()
        shot(page, "results-390")
        fits(page)
        mine = page.request.get(page.locator("[data-testid=my-certificate]").get_attribute("href"))
        assert mine.status == 200 and mine.body()[:4] == b"%PDF"
        logout(page)

        # 11. a recall (罢免) of one member: a third of the representatives sign, he answers on his
        # phone, the list votes on it, more than half of the ballots approve
        desk(page)
        login(page, "admin")
        page.goto(f"/elections/{e.pk}/recalls/")
        page.check(f"[data-testid=member-{vid(m[1])}]")
        page.fill("[data-testid=reason]", "当选后连续半年不参加居委会工作")
        signers = [number(p) for p in people[6:11]]
        page.fill("[data-testid=signers]", "、".join(map(str, signers[:4])))
        page.click("[data-testid=lodge-recall]")
        expect(page.locator("[data-testid=error]")).to_contain_text("须至少5名")  # one in three of 14 representatives
        page.fill("[data-testid=signers]", "\n".join(map(str, signers)))
        page.click("[data-testid=lodge-recall]")
        expect(page.locator("[data-testid=recall-status]")).to_have_text("已提出，待表决")
        logout(page)
        phone(page)
        login(page, f"v{number(m[1])}")
        page.goto(f"/elections/{e.pk}/recalls/")
        page.fill("[data-testid=defence-text]", "我因家中老人住院请假，已向居委会书面说明")
        page.click("[data-testid=save-defence]")
        expect(page.locator("[data-testid=defence]")).to_contain_text("书面说明")
        shot(page, "recall-defence-390")
        fits(page)
        logout(page)
        desk(page)
        login(page, "admin")
        page.goto(f"/elections/{e.pk}/recalls/")
        page.click("[data-testid=open-recall]")
        expect(page.locator("[data-testid=recall-status]")).to_have_text("表决中")
        logout(page)
        phone(page)
        login(page, f"v{number(people[6])}")
        page.goto(f"/elections/{e.pk}/vote/")
        expect(page.locator("h1")).to_have_text("罢免表决")
        page.check(f"input[name=mark_member_{vid(m[1])}][value=no]")
        page.click("[data-testid=get-code]")
        page.fill("[data-testid=code]", sms[users[people[6].pk].phone])
        shot(page, "recall-ballot-390")
        page.click("[data-testid=cast]")
        expect(page.locator("[data-testid=receipt]")).to_be_visible()
        for p in [town.old_tenant, *people[:6], people[7], people[9]]:
            user = users[p.pk]
            voting.send_vote_code(actor=user, election=e)
            voting.cast(actor=user, election=e, marks={"member": {"marks": {str(vid(m[1])): "yes"}}}, code=sms[user.phone])
        logout(page)
        login(page, "admin")
        page.goto(f"/elections/{e.pk}/voting/")
        page.click("[data-testid=close-voting]")
        page.click("[data-testid=count]")
        expect(page.locator("[data-testid=status]")).to_have_text("选举结束")
        expect(page.locator("[data-testid=recalled]")).to_be_visible()  # 9 of 10 ballots approve
        expect(page.locator("[data-testid=certificate-row]")).to_have_count(4)
        logout(page)
        login(page, "tenant")
        page.goto(f"/elections/{e.pk}/recalls/")
        expect(page.locator("[data-testid=recall-line]")).to_contain_text("罢免")
        shot(page, "recall-result-390")
        fits(page)
