"""The kernel's 好差评 follow-up (linli.core.followups), on its own: any rated object, one task
per bad rating, a working-day deadline from the official calendar, the answer through the
follow-up lifecycle, and the rated app's area rule for who may answer."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.roles import Role
from linli.accounts.selectors import in_scope
from linli.core import calendar, followups
from linli.core.errors import Conflict, DomainError, PermissionDenied
from linli.core.models import CalendarDay, FollowUp
from linli.core.ratings import BAD_AT_MOST, RATING_LABELS, is_bad, share


def _may_answer(user, path):
    return in_scope(user, (Role.COMMUNITY_ADMIN,), path)


@pytest.fixture
def rated(tree):
    """A rated object: the kernel knows nothing of what it is (here a community node)."""
    calendar.invalidate()
    return tree.liede_sq


def test_the_five_national_levels_and_the_one_threshold():
    assert [str(RATING_LABELS[n]) for n in (5, 4, 3, 2, 1)] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert [n for n in RATING_LABELS if is_bad(n)] == [2, 1] and BAD_AT_MOST == 2


def test_a_bad_rating_opens_one_task_and_a_good_one_none(rated, tree):
    assert followups.open_for(tree.pantang, rating=3, region_path=tree.pantang.path) == (None, False)
    task, opened = followups.open_for(rated, rating=2, region_path=rated.path)
    assert opened and task.status == FollowUp.Status.OPEN and task.rating == 2 and task.region_path == rated.path
    assert task.target == rated and followups.task_of(rated) == task
    assert FollowUp.objects.count() == 1


def test_a_second_rating_does_not_open_a_second_task(rated):
    first, _ = followups.open_for(rated, rating=1, region_path=rated.path)
    again, opened = followups.open_for(rated, rating=2, region_path=rated.path)
    assert again == first and not opened and again.rating == 1
    assert FollowUp.objects.for_target(rated).count() == 1


def test_the_deadline_counts_working_days_over_holidays(rated):
    today = timezone.localdate()
    holidays = [today + dt.timedelta(days=n) for n in range(1, 9)]  # a Golden Week right after the rating
    CalendarDay.objects.filter(date__in=holidays).delete()
    CalendarDay.objects.bulk_create([CalendarDay(date=d, is_workday=False, name="假期") for d in holidays])
    calendar.invalidate()
    task, _ = followups.open_for(rated, rating=1, region_path=rated.path)
    left, day = followups.WORKING_DAYS, today
    while left:  # counted by hand: the day after the rating first, holidays and weekends skipped
        day += dt.timedelta(days=1)
        if day not in holidays and (day.weekday() < 5 or calendar.is_working_day(day)):
            left -= 1
    assert task.due_date == day and task.due_date > holidays[-1]
    assert calendar.working_days_between(today, task.due_date) == followups.WORKING_DAYS


def test_the_answer_closes_the_task_once(rated, make_user):
    admin = make_user(Role.COMMUNITY_ADMIN, rated)
    task, _ = followups.open_for(rated, rating=2, region_path=rated.path)
    with pytest.raises(DomainError):
        followups.answer(actor=admin, task=task, text="  ", may_answer=_may_answer)
    done = followups.answer(actor=admin, task=task, text="已上门说明并整改", may_answer=_may_answer)
    assert (done.status, done.answer, done.done_by) == ("done", "已上门说明并整改", admin) and done.done_at is not None
    assert done.get_state_display() == "已回复" and done.reply == done.answer
    with pytest.raises(Conflict) as refused:
        followups.answer(actor=admin, task=task, text="再回复一次", may_answer=_may_answer)
    assert refused.value.code == "follow_up_done"
    assert FollowUp.objects.get(pk=task.pk).answer == "已上门说明并整改"


def test_only_staff_of_the_area_may_answer(rated, tree, make_user):
    task, _ = followups.open_for(rated, rating=1, region_path=rated.path)
    for outsider in (make_user(Role.COMMUNITY_ADMIN, tree.pantang), make_user(Role.RESIDENT, tree.g_liede1)):
        with pytest.raises(PermissionDenied):
            followups.answer(actor=outsider, task=task, text="不是我管的", may_answer=_may_answer)
    assert FollowUp.objects.get(pk=task.pk).status == "open"
    followups.answer(actor=make_user(Role.COMMUNITY_ADMIN, rated), task=task, text="已回访", may_answer=_may_answer)
    assert FollowUp.objects.get(pk=task.pk).status == "done"


def test_reopening_only_where_the_rated_thing_allows_it(rated, make_user):
    admin = make_user(Role.COMMUNITY_ADMIN, rated)
    task, _ = followups.open_for(rated, rating=1, region_path=rated.path)
    with pytest.raises(DomainError):
        followups.answer(actor=admin, task=task, text="重新办理", may_answer=_may_answer, reopen=True)
    assert FollowUp.objects.get(pk=task.pk).status == "open"
    followups.answer(actor=admin, task=task, text="重新办理", may_answer=_may_answer, reopen=True, can_reopen=True)
    assert FollowUp.objects.get(pk=task.pk).status == "done"


def test_status_moves_only_through_the_follow_up_lifecycle():
    assert followups.LIFECYCLE.require("open", "answer") == "done"
    with pytest.raises(Conflict) as refused:
        followups.LIFECYCLE.require("done", "answer")
    assert refused.value.code == "illegal_transition"


def test_rates_are_fractions_shown_as_percentages_and_none_as_a_dash():
    from linli.core.templatetags.linli import percent

    assert percent(share(1, 3)) == "33.33%" and percent(share(3, 4)) == "75%"
    assert share(0, 0) is None and percent(share(0, 0)) == "—"
