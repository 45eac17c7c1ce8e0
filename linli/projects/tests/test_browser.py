"""A micro-project (微实事) from a resident's phone to a rated result, in Debian Chromium: a resident
proposes an idea on his street's call → the street assigns the community designer → the designer,
signed in, submits the design with its drawings → the street closes the ideas, starts the review,
records the body's shortlist and opens the vote → two residents vote on their phones (no running
tally shown) and the community's clerk enters a paper ballot → the vote closes (its window moved
into the past, as the server sees it) → the street publishes the chosen list → the clerk uploads
photos before and after and finishes the project → the proposer rates it on his phone. The
proposer's inbox has every step."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.consultation.tests.conftest import PDF
from linli.messaging.models import Message
from linli.projects.models import Ballot, Call, Project
from linli.projects.states import CallStatus, Status

from .conftest import png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")  # the phone screenshots, for a look (the test-artifacts/ copies are kept too)


def logout(page: Any) -> None:
    page.locator("form[action='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})


def fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 392


def desk(page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})


def told(user: Any) -> list[str]:
    return list(Message.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def keep(path: Path) -> None:
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / path.name.split("-", 1)[-1])


def test_a_micro_project_from_a_residents_phone_to_a_rated_result(page, world, login, shot):
    call = world.call()

    # a resident proposes an idea on his phone
    phone(page)
    login(page, world.proposer.username)
    page.goto("/projects/")
    fits(page)
    page.get_by_role("link", name=call.title).click()
    expect(page.get_by_test_id("call-status")).to_have_text("征集创意")
    page.get_by_test_id("propose").click()
    page.get_by_test_id("title").fill("3号楼前加装休闲座椅")
    page.get_by_test_id("kind-works").check()
    page.get_by_test_id("description").fill("3号楼前空地没有座椅，老人晒太阳无处可坐，建议加装座椅和遮阳棚。")
    page.get_by_test_id("location").fill("猎德社区3号楼前")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("project-title")).to_have_text("3号楼前加装休闲座椅")
    expect(page.get_by_test_id("project-status")).to_have_text("创意")
    expect(page.get_by_test_id("source")).to_contain_text("居民提出")
    expect(page.get_by_test_id("unfollow")).to_be_visible()  # the proposer follows his idea
    fits(page)
    p = Project.objects.get(title="3号楼前加装休闲座椅")
    logout(page)

    # the street assigns the community designer
    desk(page)
    login(page, world.street.username)
    page.goto("/projects/desk/")
    page.get_by_role("link", name=call.title).click()
    page.get_by_test_id(f"designer-{p.pk}").select_option(str(world.designer.pk))
    page.get_by_test_id(f"assign-{p.pk}").click()
    expect(page.get_by_test_id(f"project-row-{p.pk}")).to_contain_text("设计中")
    expect(page.get_by_test_id(f"project-row-{p.pk}")).to_contain_text("林设计")
    logout(page)

    # the designer, signed in, submits the design with its drawings
    login(page, world.designer_user.username)
    page.goto("/projects/")
    expect(page.get_by_test_id("design-work")).to_contain_text("3号楼前加装休闲座椅")
    page.get_by_test_id(f"design-{p.pk}").click()
    page.get_by_test_id("design").fill("木质座椅六组，透水砖铺装二十平方米，配遮阳棚一座，便于老人休息。")
    page.get_by_test_id("cost").fill("80000")
    page.get_by_test_id("schedule-days").fill("30")
    page.get_by_test_id("submit-design").click()  # works need drawings: refused, the text kept
    expect(page.get_by_test_id("error")).to_contain_text("工程类项目须上传设计图纸")
    expect(page.get_by_test_id("design")).to_have_value("木质座椅六组，透水砖铺装二十平方米，配遮阳棚一座，便于老人休息。")
    page.set_input_files("[data-testid=drawings]", files=[{"name": "座椅图纸.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.get_by_test_id("submit-design").click()
    expect(page.get_by_test_id("submitted")).to_be_visible()
    expect(page.get_by_test_id("project-status")).to_have_text("待评审")
    logout(page)

    # the street closes the ideas, starts the review, records the shortlist and opens the vote
    login(page, world.street.username)
    page.goto(f"/projects/desk/calls/{call.pk}/")
    page.get_by_test_id("close-ideas").click()
    expect(page.get_by_test_id("call-status")).to_have_text("方案设计")
    page.get_by_test_id("start-review").click()
    expect(page.get_by_test_id("call-status")).to_have_text("协商评审")
    page.get_by_test_id(f"review-{p.pk}").click()
    page.get_by_test_id(f"decision-{p.pk}").select_option("shortlist")
    page.get_by_test_id(f"votes-for-{p.pk}").fill("6")
    page.get_by_test_id(f"votes-against-{p.pk}").fill("1")
    page.get_by_test_id(f"opinion-{p.pk}").fill("方案可行，造价合理，请注意遮阳棚的排水。")
    page.get_by_test_id(f"save-review-{p.pk}").click()
    expect(page.get_by_test_id(f"project-row-{p.pk}")).to_contain_text("入围")
    page.get_by_test_id("start-vote").click()  # from now, for a week (the form's defaults)
    expect(page.get_by_test_id("call-status")).to_have_text("居民投票")
    shot(page, "projects-staff-call")
    logout(page)

    # two residents vote on their phones; no running tally is shown
    phone(page)
    for resident in (world.r1, world.r2):
        login(page, resident.username)
        page.goto(f"/projects/calls/{call.pk}/")
        expect(page.get_by_test_id("votes")).to_have_count(0)
        page.get_by_test_id("go-vote").click()
        expect(page.get_by_test_id("vote-rules")).to_contain_text("每人一票")
        fits(page)
        if resident == world.r1:
            keep(shot(page, "vote-phone"))
        page.get_by_test_id(f"choice-{p.pk}").check()
        page.get_by_test_id("cast").click()
        expect(page.get_by_test_id("voted")).to_have_text("您已投票")
        expect(page.locator(".ok-box")).to_contain_text("投票成功")
        logout(page)
    assert page.dialogs.seen and "每人只能投一次" in page.dialogs.seen[-1]

    # the community's clerk enters a paper ballot
    desk(page)
    login(page, world.clerk.username)
    page.goto(f"/projects/calls/{call.pk}/")
    page.get_by_test_id("paper-link").click()
    page.get_by_test_id("id-number").fill(world.r3.resident.id_number)
    page.get_by_test_id("slip").fill("ZP0001")
    page.get_by_test_id(f"paper-choice-{p.pk}").check()
    page.get_by_test_id("save-paper").click()
    expect(page.locator(".ok-box")).to_contain_text("纸质选票已登记")
    page.get_by_test_id("id-number").fill(world.r1.resident.id_number)  # he voted on his phone
    page.get_by_test_id("slip").fill("ZP0002")
    page.get_by_test_id(f"paper-choice-{p.pk}").check()
    page.get_by_test_id("save-paper").click()
    expect(page.get_by_test_id("error")).to_contain_text("该居民已投票")
    logout(page)
    assert Ballot.objects.filter(call=call).count() == 3

    # the vote closes; the street publishes the chosen list
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(vote_opens=now - dt.timedelta(days=7), vote_closes=now - dt.timedelta(minutes=1))
    login(page, world.street.username)
    page.goto(f"/projects/desk/calls/{call.pk}/")
    page.get_by_test_id("choose").click()
    expect(page.locator(".ok-box")).to_contain_text("选定项目已公布")
    expect(page.get_by_test_id("call-status")).to_have_text("已公布")
    expect(page.get_by_test_id(f"project-row-{p.pk}")).to_contain_text("已选定")
    logout(page)

    # the clerk uploads the photos before and after, and finishes the project
    login(page, world.clerk.username)
    page.goto(f"/projects/desk/projects/{p.pk}/")
    for phase, color, caption in (("before", "gray", "改造前的空地"), ("after", "green", "座椅和遮阳棚已安装")):
        page.get_by_test_id("phase").select_option(phase)
        page.set_input_files("[data-testid=photo]", files=[{"name": f"{phase}.png", "mimeType": "image/png", "buffer": png(color)}])
        page.get_by_test_id("caption").fill(caption)
        page.get_by_test_id("upload-photo").click()
        expect(page.locator(".ok-box")).to_contain_text("照片已上传")
    page.get_by_test_id("finish-note").fill("座椅六组、遮阳棚一座已安装，验收合格")
    page.get_by_test_id("finish").click()
    expect(page.get_by_test_id("project-status")).to_have_text("已完成")
    expect(page.get_by_test_id("progress")).to_have_text("100%")
    shot(page, "projects-staff-detail")
    logout(page)

    # the proposer sees the call closed with the votes, and rates the project on his phone
    phone(page)
    login(page, world.proposer.username)
    page.goto(f"/projects/calls/{call.pk}/")
    expect(page.get_by_test_id("call-status")).to_have_text("已结束")
    expect(page.get_by_test_id("votes")).to_have_text("3")
    expect(page.get_by_test_id("disclosure-link")).to_be_visible()
    fits(page)
    keep(shot(page, "call-phone"))
    page.get_by_role("link", name="3号楼前加装休闲座椅").click()
    expect(page.get_by_test_id("designer")).to_have_text("林设计(华南理工大学建筑设计研究院)")
    expect(page.get_by_test_id("design")).not_to_contain_text("13700001111")
    expect(page.get_by_test_id("photos-before")).to_be_visible()
    expect(page.get_by_test_id("photos-after")).to_be_visible()
    assert page.evaluate("[...document.querySelectorAll('.photos img')].every(i => i.complete && i.naturalWidth > 0)")
    expect(page.get_by_test_id("reviews")).to_contain_text("方案可行，造价合理")
    expect(page.get_by_test_id("timeline")).to_contain_text("完成")
    page.get_by_test_id("rating-5").check()
    page.get_by_test_id("rate").click()
    expect(page.get_by_test_id("rated")).to_be_visible()
    expect(page.get_by_test_id("rating-summary")).to_contain_text("1 人评价")
    fits(page)
    keep(shot(page, "project-phone"))

    p.refresh_from_db()
    call.refresh_from_db()
    assert p.status == Status.DONE and p.votes == 3 and call.status == CallStatus.CLOSED
    # the proposer was told at every step
    texts = told(world.proposer)
    for step in ("已由社区设计师林设计", "设计方案已提交", "评审结论：入围", "已入围，居民投票", "已选定实施", "请您对项目成效作出评价"):
        assert any(step in x for x in texts), (step, texts)
    assert any("请为微实事创意" in x for x in told(world.designer_user))
