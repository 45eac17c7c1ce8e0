"""The first stages in Debian Chromium: the community admin creates the election from the form,
forms the committee, builds the voter list, corrects an entry with a reason and publishes the
list; a resident on a phone-width page finds himself on it, with his voter number."""

import re

import pytest
from playwright.sync_api import expect

from linli.elections.models import Election, Voter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_committee_list_and_publication(page, town, login, shot):
    login(page, "admin")
    page.goto("/elections/new/")
    page.fill("input[name=title]", "第十二届居委会换届选举")
    page.fill("input[name=election_day]", town.day.isoformat())
    page.fill("input[name=member]", "9")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=error]")).to_contain_text("5至9名")
    page.fill("input[name=member]", "3")
    shot(page, "plan")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("第十二届居委会换届选举")
    election = Election.objects.get()
    for resident, role in ((town.father, "chair"), (town.mother, "vice"), (town.old_tenant, "member")):
        page.fill("input[name=id_number]", resident.id_number)
        page.select_option("select[name=role]", role)
        page.click("form:has(input[name=id_number]) button[type=submit]")
    expect(page.locator("[data-testid=committee-member]")).to_have_count(3)
    page.click("[data-testid=build]")
    expect(page.locator("[data-testid=voter-counts]")).to_contain_text("选民 4 人")
    page.click("[data-testid=voters-link]")
    page.select_option("select[name=which]", "refused")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=voter-row]")).to_have_count(2)
    page.locator("[data-testid=voter-row]", has_text="张小妹").locator("a").click()
    page.check("input[name=eligible][value='1']")
    page.fill("input[name=reason]", "户籍登记出生日期有误，已核实年满18周岁")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-testid=voter-change]")).to_have_count(1)
    expect(page.locator("[data-testid=voter-state]")).to_contain_text("列入选民名单")
    page.goto(f"/elections/{election.pk}/")
    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=publish-voters]")
    expect(page.locator("[data-testid=election-status]")).to_have_text("选民榜已公布")
    expect(page.locator("[data-testid=disclosure-link]")).to_be_visible()
    shot(page, "published")
    assert Voter.objects.filter(election=election, votes=True).count() == 5
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "father")
    page.goto("/elections/mine/")
    expect(page.locator("[data-testid=on-list]")).to_contain_text("选民证号")
    shot(page, "resident-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.click("[data-testid=public-list-link]")
    expect(page.locator("[data-testid=public-voter]")).to_have_count(5)
    expect(page.locator("[data-testid=public-voter]").first).not_to_contain_text("张大山")  # masked: 张*山
    shot(page, "list-390")


def test_a_voter_votes_on_his_phone_and_the_organisers_count(page, town, login, shot, make_user, sms):
    from linli.elections import voting

    from .test_voting import Poll

    poll = Poll(town, make_user, sms)
    poll.open()
    e, d, m = poll.election, poll.posts["director"], poll.posts["member"]
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "father")
    page.goto("/elections/mine/")
    page.click(f"a[href='/elections/{e.pk}/vote/']")
    expect(page.locator("[data-testid=candidate]")).to_have_count(8)
    page.check(f"input[name=mark_director_{poll.vid(d[0])}][value=yes]")
    page.check(f"input[name=mark_director_{poll.vid(d[1])}][value=yes]")
    page.click("[data-testid=get-code]")
    expect(page.locator("[data-testid=code-sent]")).to_be_visible()
    page.fill("[data-testid=code]", sms[poll.father.phone])
    page.click("[data-testid=cast]")
    expect(page.locator("[data-testid=error]")).to_contain_text("应选1名")
    page.check(f"input[name=mark_director_{poll.vid(d[1])}][value=abstain]")
    for c in m[:3]:
        page.check(f"input[name=mark_member_{poll.vid(c)}][value=yes]")
    page.click("[data-testid=get-code]")
    page.fill("[data-testid=code]", sms[poll.father.phone])
    shot(page, "ballot-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.click("[data-testid=cast]")
    receipt = page.locator("[data-testid=receipt]").inner_text().strip()
    shot(page, "receipt-390")
    assert voting.find_receipt(e, receipt)
    page.goto(f"/elections/{e.pk}/vote/")
    expect(page.locator("[data-testid=voted]")).to_be_visible()
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    for u in poll.voter_users()[:10]:
        if u != poll.father:
            poll.cast(u, poll.yes(director=d[:1], deputy=poll.posts["deputy"][:1], member=m[:3]))
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "admin")
    page.goto(f"/elections/{e.pk}/")
    page.click("[data-testid=voting-link]")
    expect(page.locator("[data-testid=turnout]")).to_contain_text("已投票 10")
    page.once("dialog", lambda dlg: dlg.accept())
    page.click("[data-testid=close-voting]")
    page.once("dialog", lambda dlg: dlg.accept())
    page.click("[data-testid=count]")
    expect(page.locator("[data-testid=round-result]")).to_have_count(1)
    expect(page.locator("[data-testid=elected]").first).to_be_visible()
    shot(page, "count")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/elections/{e.pk}/results/")
    expect(page.locator("[data-testid=round-result]")).to_have_count(1)
    shot(page, "results-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.goto(f"/elections/{e.pk}/voting/")
    shot(page, "voting-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    from linli.elections import documents
    from linli.elections.models import Voter

    page.goto(documents.verify_path(e, Voter.objects.get(pk=poll.vid(d[0]))))
    expect(page.locator("[data-testid=valid]")).to_be_visible()
    shot(page, "verify-390")


def test_a_clerk_checks_voters_off_and_two_clerks_enter_a_paper_ballot_on_a_phone(page, town, login, shot, make_user, sms):
    from linli.accounts.roles import Role
    from linli.elections import voting
    from linli.elections.models import Ballot

    from .test_voting import Poll

    poll = Poll(town, make_user, sms)
    poll.open()
    make_user(Role.CASEWORKER, town.tree.liede_sq, username="clerk2")
    e, d = poll.election, poll.posts["director"]
    father = town.voter(e, town.father)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "caseworker")
    page.goto(f"/elections/{e.pk}/paper/")
    page.fill("[data-testid=number]", str(father.number))
    page.click("[data-testid=check-off]")
    expect(page.locator("[data-testid=box-station]")).to_contain_text("1")
    page.fill("[data-testid=number]", str(father.number))
    page.click("[data-testid=check-off]")
    expect(page.locator("[data-testid=error]")).to_contain_text("本轮已投票")
    shot(page, "check-off-390")
    voting.close_voting(actor=town.admin, election=e)
    page.goto(f"/elections/{e.pk}/paper/")
    page.check(f"input[name=mark_director_{poll.vid(d[0])}][value=yes]")
    page.click("[data-testid=enter]")
    expect(page.locator("[data-testid=waiting]")).to_contain_text("1")
    shot(page, "entry-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    login(page, "clerk2")
    page.goto(f"/elections/{e.pk}/paper/?no=1")
    page.check(f"input[name=mark_director_{poll.vid(d[0])}][value=yes]")
    page.click("[data-testid=enter]")
    expect(page.locator("[data-testid=box-station]")).to_contain_text("1")
    assert Ballot.objects.filter(round__election=e, channel="station").count() == 1


def test_proxies_counting_staff_and_the_holders_ballot_on_a_phone(page, town, login, shot, make_user, sms):
    from linli.elections import proxies

    from .test_voting import Poll

    poll = Poll(town, make_user, sms)
    e = poll.election
    mother, father = town.voter(e, town.mother), town.voter(e, town.father)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "admin")
    page.goto(f"/elections/{e.pk}/")
    page.click("[data-testid=proxies-link]")
    page.fill("[data-testid=principal]", str(mother.number))
    page.fill("[data-testid=holder]", str(father.number))
    page.select_option("[data-testid=relation]", "spouse")
    page.set_input_files("[data-testid=document]", files=[{"name": "委托书.pdf", "mimeType": "application/pdf",
                                                            "buffer": b"%PDF-1.4\n% signed\n"}])
    page.click("[data-testid=record-proxy]")
    expect(page.locator("[data-testid=proxy-row]")).to_have_count(1)
    expect(page.locator("[data-testid=out-of-date]")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    page.click("[data-testid=publish-proxies]")
    expect(page.locator("[data-testid=out-of-date]")).to_have_count(0)
    expect(page.locator("[data-testid=proxy-disclosure]")).to_be_visible()
    shot(page, "proxies-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.goto(f"/elections/{e.pk}/counting/")
    expect(page.locator("[data-testid=staff-row]")).to_have_count(2)
    page.select_option("[data-testid=role]", "caller")
    page.fill("[data-testid=id-number]", town.people[10].id_number)  # a candidate
    page.click("[data-testid=add-staff]")
    expect(page.locator("main")).to_contain_text("候选人及其近亲属")
    page.fill("[data-testid=id-number]", town.people[7].id_number)
    page.click("[data-testid=add-staff]")
    expect(page.locator("[data-testid=staff-row]")).to_have_count(3)
    shot(page, "counting-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    e.refresh_from_db()
    assert not proxies.proxies_out_of_date(e)
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    poll.open()
    login(page, "father")
    page.goto(f"/elections/{e.pk}/vote/")
    page.click(f"[data-testid=ballot-for-{mother.number}]")
    expect(page.locator("[data-testid=proxy-ballot]")).to_be_visible()
    page.click("[data-testid=get-code]")
    page.fill("[data-testid=code]", sms[poll.father.phone])
    shot(page, "proxy-ballot-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    page.click("[data-testid=cast]")
    expect(page.locator("[data-testid=receipt]")).to_be_visible()
    page.goto(f"/elections/{e.pk}/vote/?for={mother.pk}")
    expect(page.locator("[data-testid=voted]")).to_be_visible()
    page.goto(f"/elections/{e.pk}/vote/")
    expect(page.locator("[data-testid=candidate]")).to_have_count(8)  # his own ballot is still to fill in
    assert e.rounds.get().participations.get(voter=mother).channel == "proxy"
