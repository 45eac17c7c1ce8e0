"""An owners' assembly in Debian Chromium: staff draft it with two matters, freeze the roll and call
it → the notice reaches the owners → voting opens after the notice period (the clock moved by
moving the assembly's dates) → owners vote on their phones, one as a proxy holder, one head on
paper entered by two clerks → the turnout shows heads and area without any result by option →
close → the result is disclosed and announced → an owner finds their receipt on the board → the
verifier, downloaded from the page, passes on the downloaded record."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.assemblies.models import Assembly, Ballot, PaperSlip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-assemblies")
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def logout(page: Any) -> None:
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def snap(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, width  # nothing wider than the phone


def vote(page: Any, sms: dict[str, str], phone: str, choices: dict[int, str], head: str | None = None) -> str:
    page.click("[data-testid=vote-link]")
    if head:
        page.locator("[data-testid=heads] label", has_text=head).click()
    for no, choice in choices.items():
        page.locator(f"[data-testid=matter-{no}] label", has_text=choice).click()
    page.click("[data-testid=get-code]")
    expect(page.locator("[data-testid=code-sent]")).to_be_visible()
    page.fill("[data-testid=code]", sms[phone])
    page.click("[data-testid=cast]")
    receipt = page.locator("[data-testid=receipt]")
    expect(receipt).to_be_visible()
    return receipt.inner_text().strip()


def test_an_assembly_from_the_call_to_the_verified_record(page: Any, world: Any, login: Any, sms: dict[str, str],
                                                         tmp_path: Path) -> None:
    from linli.disclosures.models import Disclosure

    # staff draft the assembly with two matters
    login(page, "admin")
    page.goto("/assemblies/new/")
    page.fill("input[name=title]", "翠苑2026年第一次业主大会")
    page.select_option("select[name=compound_id]", str(world.compound.pk))
    page.select_option("select[name=convener]", "preparatory_group")
    page.fill("input[name=convener_name]", "翠苑业主大会筹备组")
    opens = timezone.localtime() + dt.timedelta(days=16)
    page.fill("input[name=opens_at]", opens.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=closes_at]", (opens + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("select[name=item_1]", "3")
    page.fill("input[name=title_1]", "选举第一届业主委员会")
    page.fill("textarea[name=body_1]", "候选人：张三、李四、王五(简历见附件)。")
    page.select_option("select[name=item_2]", "6")
    page.fill("input[name=title_2]", "续筹专项维修资金")
    page.fill("textarea[name=body_2]", "按每平方米30元续筹。")
    snap(page, "create-1280")
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("翠苑2026年第一次业主大会")
    a = Assembly.objects.get()

    # freeze the roll, designate the co-owners' voter, lock after the disclosure period, call
    page.click("[data-testid=freeze_roll]")
    expect(page.locator(".ok-box")).to_contain_text("业主名册已编制并公示")
    a.refresh_from_db()
    page.goto(f"/assemblies/{a.pk}/roll/staff/")
    co = page.locator("[data-testid=entry]", has_text="陈共有")
    co.locator("summary", has_text="指定投票人").click()
    form = co.locator("[data-testid=designate-form]")
    form.locator("select[name=resident_id]").select_option(str(world.chen.pk))
    form.locator("input[name=reason]").fill("共有人书面指定陈共有投票")
    form.locator("button").click()
    expect(page.locator(".ok-box")).to_contain_text("投票人")
    snap(page, "roll-1280")
    page.click("[data-testid=lock_roll]")
    expect(page.locator(".error-box")).to_contain_text("公示期")  # the objection period first
    Disclosure.objects.filter(pk=a.roll.disclosure_id).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    page.goto(f"/assemblies/{a.pk}/roll/staff/")
    page.click("[data-testid=lock_roll]")
    expect(page.locator(".ok-box")).to_contain_text("业主名册已锁定")
    page.click("[data-testid=call]")
    expect(page.locator(".ok-box")).to_contain_text("召开公告已发布")
    # 李 gives a written proxy to 王 before voting opens
    page.goto(f"/assemblies/{a.pk}/proxies/")
    page.locator("summary", has_text="登记书面委托").click()
    li = world.entry(a, "李业主")
    page.fill("input[name=principal]", li.label)
    page.fill("input[name=phone]", "13900000001")
    page.set_input_files("input[name=document]", files=[{"name": "委托书.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click("[data-testid=record-proxy]")
    expect(page.locator("[data-testid=proxy]")).to_contain_text("李业主")
    page.goto(f"/assemblies/{a.pk}/slips/")
    page.click("[data-testid=issue-slips]")
    expect(page.locator("[data-testid=slip]")).to_have_count(4)
    page.click("[data-testid=print-slips]")
    expect(page.locator("[data-testid=printed-slip]")).to_have_count(4)
    snap(page, "slips-print-1280")
    page.goto(f"/assemblies/{a.pk}/")
    page.click("[data-testid=open]")
    expect(page.locator(".error-box")).to_contain_text("投票将于")  # not before the notice period is over
    logout(page)

    # the notice reaches the owners
    page.set_viewport_size(PHONE)
    login(page, "wang")
    page.goto("/notices/mine/")
    expect(page.locator("main")).to_contain_text("关于召开翠苑2026年第一次业主大会的公告")
    page.goto("/assemblies/")
    page.click("text=翠苑2026年第一次业主大会")
    expect(page.locator("[data-testid=status]")).to_have_text("已公告召开")
    snap(page, "owner-called-390")
    fits(page)
    logout(page)

    # the clock moves past the notice period: voting opens
    Assembly.objects.filter(pk=a.pk).update(opens_at=timezone.now() - dt.timedelta(minutes=1))
    page.set_viewport_size(DESK)
    login(page, "admin")
    page.goto(f"/assemblies/{a.pk}/")
    page.click("[data-testid=open]")
    expect(page.locator("[data-testid=status]")).to_have_text("投票中")
    logout(page)

    # owners vote on their phones: 王 for himself and, as proxy holder, for 李; 陈 for the co-owners
    page.set_viewport_size(PHONE)
    login(page, "wang")
    page.goto(f"/assemblies/{a.pk}/")
    expect(page.locator("[data-testid=turnout-heads]")).to_have_text("0/4")
    snap(page, "owner-voting-390")
    fits(page)
    wang_head = world.entry(a, "王业主").label
    page.click("[data-testid=vote-link]")
    snap(page, "vote-form-390")
    fits(page)
    page.goto(f"/assemblies/{a.pk}/")
    receipt = vote(page, sms, "13900000001", {1: "同意", 2: "同意"}, head=wang_head)
    snap(page, "receipt-390")
    fits(page)
    page.goto(f"/assemblies/{a.pk}/")
    vote(page, sms, "13900000001", {1: "同意", 2: "反对"})  # the one head left: 李's, by proxy
    page.goto(f"/assemblies/{a.pk}/")
    expect(page.locator("[data-testid=turnout-heads]")).to_have_text("2/4")
    logout(page)
    login(page, "chen")
    page.goto(f"/assemblies/{a.pk}/")
    vote(page, sms, "13900000003", {1: "同意", 2: "弃权"})
    logout(page)

    # the developer's head on paper, entered by two clerks
    page.set_viewport_size(DESK)
    slip = PaperSlip.objects.get(assembly=a, entry=world.entry(a, "翠苑置业"))
    for clerk in ("clerk1", "clerk2"):
        login(page, clerk)
        page.goto(f"/assemblies/{a.pk}/paper/")
        page.fill("[data-testid=slip-code-input]", slip.code)
        page.check("[data-testid=paper-1-agree]")
        page.check("[data-testid=paper-2-oppose]")
        page.click("[data-testid=enter-paper]")
        expect(page.locator("[data-testid=slip-state]")).to_contain_text("已计入" if clerk == "clerk2" else "待另一名录入员录入")
        if clerk == "clerk1":
            snap(page, "paper-1280")
        logout(page)
    assert sorted(Ballot.objects.filter(assembly=a).values_list("channel", flat=True)) == ["online", "online", "paper", "proxy"]

    # turnout without any result by option; close after the deadline; publish; announce
    login(page, "admin")
    page.goto(f"/assemblies/{a.pk}/turnout/")
    expect(page.locator("[data-testid=turnout-heads]")).to_have_text("4/4")
    expect(page.locator("[data-testid=quorum]")).to_contain_text("已达到三分之二")
    for word in ("同意", "反对", "弃权"):
        assert word not in page.locator("[data-testid=turnout]").inner_text()
    snap(page, "turnout-1280")
    page.goto(f"/assemblies/{a.pk}/results/")
    expect(page.locator("[data-testid=no-result]")).to_be_visible()
    Assembly.objects.filter(pk=a.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    page.goto(f"/assemblies/{a.pk}/")
    page.click("[data-testid=close]")
    expect(page.locator("[data-testid=status]")).to_have_text("投票结束")
    page.click("[data-testid=publish_result]")
    expect(page.locator("[data-testid=status]")).to_have_text("结果公示中")
    a.refresh_from_db()
    Disclosure.objects.filter(pk=a.result_disclosure_id).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    page.click("[data-testid=announce]")
    expect(page.locator("[data-testid=status]")).to_have_text("已公告决定")
    page.goto(f"/assemblies/{a.pk}/results/")
    expect(page.locator("[data-testid=result]")).to_have_count(2)
    expect(page.locator("[data-testid=result]").first.locator("[data-testid=passed]")).to_be_visible()
    expect(page.locator("[data-testid=court-period]")).to_contain_text("一年内")
    snap(page, "results-1280")
    page.goto(f"/assemblies/{a.pk}/board/")
    expect(page.locator("[data-testid=board-row]")).to_have_count(4)
    snap(page, "board-1280")
    page.goto(f"/assemblies/{a.pk}/archive/")
    snap(page, "archive-1280")
    logout(page)

    # an owner checks the receipt on the board and verifies the record
    page.set_viewport_size(PHONE)
    login(page, "wang")
    page.goto(f"/assemblies/{a.pk}/")
    page.click("[data-testid=check-link]")
    page.fill("[data-testid=receipt-input]", receipt.lower())
    page.click("[data-testid=check]")
    expect(page.locator("[data-testid=on-board]")).to_be_visible()
    expect(page.locator("[data-testid=board-entry]")).to_contain_text("101")
    snap(page, "check-390")
    fits(page)
    page.goto(f"/assemblies/{a.pk}/results/")
    snap(page, "results-390")
    fits(page)
    with page.expect_download() as got:
        page.click("[data-testid=record-link]")
    record = tmp_path / "record.json"
    got.value.save_as(record)
    with page.expect_download() as got:
        page.click("[data-testid=verifier-link]")
    script = tmp_path / "verify_assembly.py"
    got.value.save_as(script)
    run = subprocess.run([sys.executable, "-I", str(script), str(record)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
