"""A bad station review (不满意/非常不满意, the kernel's one threshold) opens the kernel's follow-up
task for the provider's area; the provider's reply answers it. A good review opens none."""

import pytest

from linli.core.models import FollowUp
from linli.station import services
from linli.station.tests.test_pages import attended_review

pytestmark = pytest.mark.django_db


def test_a_bad_review_opens_a_follow_up_that_the_reply_answers(station):
    station.approve()
    good = attended_review(station, station.offer(title="理发"), rating=4)
    assert not FollowUp.objects.for_target(good).exists()
    bad = attended_review(station, station.offer(), rating=2)
    task = FollowUp.objects.for_target(bad).get()
    assert (task.status, task.rating, task.region_path) == ("open", 2, station.provider.region_path)
    services.reply(actor=station.owner, review_obj=bad, text="已改进菜品口味，欢迎再来")
    task.refresh_from_db()
    assert (task.status, task.answer, task.done_by) == ("done", "已改进菜品口味，欢迎再来", station.owner)
