"""A topic from a resident's phone to a rated result, in Debian Chromium: a resident proposes →
neighbours support it to the threshold → the community takes it up and invites its 议事会 →
attendance (the desk, and a member by the QR code on his phone) and signed minutes → an outcome
whose resolution creates a work order → the work order closes → the proposer and supporters are
told at each step → the result is disclosed and rated. The clock moves to the meeting the way the
server sees it (``timezone.now``)."""

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

from linli.consultation.models import Meeting, Topic
from linli.consultation.states import Status
from linli.messaging.models import Message
from linli.workorders import services as wo
from linli.workorders.models import WorkOrder

from .conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """The server's clock (and this process's) at ``moment``, running on from there."""
    real = timezone.now
    delta = moment - real()
    with mock.patch("django.utils.timezone.now", lambda: real() + delta):
        yield


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


def test_a_topic_from_a_residents_phone_to_a_rated_result(page, world, login, shot):
    # a resident proposes on his phone
    phone(page)
    login(page, world.proposer.username)
    page.goto("/consultation/")
    fits(page)
    page.get_by_test_id("propose").click()
    page.get_by_test_id("title").fill("3号楼前空地改建休闲区")
    page.get_by_test_id("matter").select_option(str(world.matter.pk))
    page.get_by_test_id("content").fill("空地长期堆放杂物、蚊虫多，建议清理后安装座椅和健身器材。")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("supports")).to_contain_text("已有 1 户附议")
    fits(page)
    shot(page, "consultation-proposed-phone")
    topic = Topic.objects.get(title="3号楼前空地改建休闲区")
    logout(page)

    # two neighbours support it: the threshold (3 households) is reached
    for neighbour in (world.r1, world.r2):
        login(page, neighbour.username)
        page.goto(f"/consultation/{topic.pk}/")
        page.get_by_test_id("support").click()
        expect(page.get_by_test_id("supported")).to_be_visible()
        logout(page)
    topic.refresh_from_db()
    assert topic.status == Status.SUBMITTED and topic.supports == 3

    # the community takes it up and invites its 议事会
    desk(page)
    login(page, world.admin.username)
    page.goto(f"/consultation/desk/{topic.pk}/")
    expect(page.get_by_test_id("answer-due")).to_be_visible()
    page.get_by_test_id("body").select_option(str(world.body.pk))
    page.get_by_test_id("form").select_option("meeting")
    page.get_by_test_id("take-up").click()
    expect(page.get_by_test_id("topic-status")).to_have_text("已受理")
    page.get_by_test_id("schedule").click()
    start = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0) + dt.timedelta(days=4)
    page.get_by_test_id("starts-at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("ends-at").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("place").fill("社区党群服务中心二楼")
    page.get_by_test_id("agenda").fill("一、介绍现状；二、讨论改建方案；三、形成协商意见。")
    page.get_by_test_id("save-meeting").click()
    expect(page.get_by_test_id("meeting-status")).to_have_text("已安排")
    meeting = Meeting.objects.get(topic=topic)
    assert meeting.notice_id and any("请参加猎德社区议事会" in x for x in told(world.r1))
    logout(page)

    with clock_at(start + dt.timedelta(minutes=10)):
        # the member checks in with the QR code on his phone
        phone(page)
        login(page, world.r1.username)
        page.goto(f"/consultation/meetings/{meeting.pk}/checkin/{meeting.checkin_token}/")
        page.get_by_test_id("check-in").click()
        expect(page.get_by_test_id("checked-in")).to_be_visible()
        fits(page)
        logout(page)
        # the desk signs in the property company's member and confirms the signed minutes
        desk(page)
        login(page, world.admin.username)
        page.goto(f"/consultation/desk/meetings/{meeting.pk}/")
        page.get_by_test_id(f"attend-{world.m2.pk}").click()
        expect(page.get_by_test_id("quorum")).to_contain_text("2/3")
        shot(page, "consultation-meeting-desk")
        page.get_by_test_id("minutes").fill("同意清理空地，安装座椅和健身器材，物业负责日常维护。")
        page.get_by_test_id("dissent").fill("一户认为应改为停车位。")
        page.set_input_files("[data-testid=scan]", files=[{"name": "纪要.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        page.get_by_test_id("close-meeting").click()
        # the outcome, its resolution carried out by a work order
        page.get_by_test_id("decide").click()
        page.get_by_test_id("outcome").fill("清理3号楼前空地，改建为居民休闲区，由物业日常维护。")
        page.get_by_test_id("r-title-0").fill("清理空地并安装座椅")
        page.get_by_test_id("r-kind-0").select_option("work_order")
        page.get_by_test_id("r-owner-0").fill("猎德街城管科")
        page.get_by_test_id("r-due-0").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
        page.get_by_test_id("save-outcome").click()
        expect(page.get_by_test_id("topic-status")).to_have_text("落实中")
        page.locator("[data-testid=resolution] details summary").first.click()
        page.get_by_test_id("order-category-1").select_option("0201")
        page.get_by_test_id("create-order-1").click()
        expect(page.get_by_test_id("resolution-order")).to_contain_text("已派单")
        order = WorkOrder.objects.get(channel="consult")
        assert topic.number in order.description

        # the street's handler closes the work order: the resolution is done, the topic too
        wo.accept(actor=world.loop.handler, order=order)
        wo.report_done(actor=world.loop.handler, order=order, result="已清理空地并安装座椅")
        wo.verify(actor=world.admin, order=order, passed=True, note="现场核实")
        page.reload()
        expect(page.get_by_test_id("topic-status")).to_have_text("已办结")
        expect(page.get_by_test_id("resolution-progress")).to_have_text("100%")
        page.get_by_test_id("disclose").click()
        expect(page.get_by_test_id("timeline")).to_contain_text("公示协商结果")
        shot(page, "consultation-staff-detail")
        logout(page)

        # the proposer rates the result on his phone; the disclosure is one tap away
        phone(page)
        login(page, world.proposer.username)
        page.goto(f"/consultation/{topic.pk}/")
        expect(page.get_by_test_id("disclosure-link")).to_be_visible()
        page.get_by_test_id("rating-4").check()
        page.get_by_test_id("rate").click()
        expect(page.get_by_test_id("rated")).to_contain_text("满意")
        fits(page)
        shot(page, "consultation-rated-phone")

    topic.refresh_from_db()
    assert topic.status == Status.COMPLETED and topic.disclosure_id
    # the proposer and each supporter were told at every step
    for user in (world.proposer, world.r2):
        texts = told(user)
        for step in ("附议已达 3 户", "已受理", "协商，欢迎列席", "协商纪要已确认", "已形成协商意见", "转诉求工单",
                     "已完成", "请您对协商成效作出评价", "协商结果已公示"):
            assert any(step in x for x in texts), (user.username, step, texts)
