"""The topic lifecycle under any sequence of steps (hypothesis): a step the state does not allow
is refused and changes nothing; what is stored always agrees with itself — supports with their
rows, a decided topic with its resolutions, a completed one with none still running, the result
disclosed only once decided, every status a lifecycle target reached by a logged step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linli.consultation import services
from linli.consultation.models import Event, Resolution, Support, Topic
from linli.consultation.states import DECIDED, RUNNING, TRANSITIONS, Status
from linli.core.errors import DomainError

pytestmark = pytest.mark.django_db

STEPS = ("support", "support", "take_up", "decline", "withdraw", "merge", "meeting", "decide", "progress", "finish",
         "infeasible", "disclose", "rate_bad", "reopen", "add_resolution")
TARGETS = {Status.PROPOSED} | set(TRANSITIONS.values())
# the way a topic usually goes, of which each example takes a prefix before its random steps
USUAL = ("support", "support", "take_up", "meeting", "decide", "progress", "finish", "disclose", "rate_bad", "reopen")


def _step(world: Any, t: Topic, step: str, n: int, other: Topic) -> None:
    due = timezone.localdate() + dt.timedelta(days=20)
    running = Resolution.objects.filter(topic=t, status__in=RUNNING).order_by("position").first()
    any_res = Resolution.objects.filter(topic=t).order_by("position").first()
    if step == "support":
        services.support(actor=(world.r1, world.r2, world.r3, world.spouse)[n % 4], topic=t)
    elif step == "take_up":
        services.take_up(actor=world.admin, topic=t, body_id=world.body.pk, form="meeting")
    elif step == "decline":
        services.decline(actor=world.admin, topic=t, answer="不属于本社区协商范围")
    elif step == "withdraw":
        services.withdraw(actor=world.proposer, topic=t)
    elif step == "merge":
        services.merge(actor=world.admin, topic=t, into=other, answer="同一事项合并协商")
    elif step == "meeting":
        world.held(t)
    elif step == "decide":
        services.decide(actor=world.admin, topic=t, outcome="同意改建，由物业负责维护。", resolutions=[
            {"title": "改建", "kind": "community", "owner": "社区居委会", "due_on": due}] * (1 + n % 2))
    elif step == "progress" and running is not None:
        services.progress(actor=world.clerk, resolution=running, percent=n % 100, note="正在施工")
    elif step == "finish" and running is not None:
        services.finish(actor=world.clerk, resolution=running, note="已完成")
    elif step == "infeasible" and running is not None:
        services.infeasible(actor=world.admin, resolution=running, reason="资金暂未落实，列入明年计划。")
    elif step == "disclose":
        services.disclose(actor=world.admin, topic=t)
    elif step == "rate_bad":
        services.rate(actor=(world.r1, world.r2, world.r3)[n % 3], topic=t, rating=1)
    elif step == "reopen":
        services.answer_follow_up(actor=world.admin, topic=t, answer="已回访，重新落实", reopen=True)
        if any_res is not None and Topic.objects.get(pk=t.pk).status == Status.IMPLEMENTING:
            services.reopen_resolution(actor=world.admin, resolution=any_res, note="重新施工")
    elif step == "add_resolution":
        services.add_resolution(actor=world.admin, topic=t, title="补充事项", kind="community", owner="社区", due_on=due)


def _state(t: Topic) -> tuple[Any, ...]:
    t.refresh_from_db()
    return (t.status, t.supports, t.disclosure_id, Resolution.objects.filter(topic=t).count(),
            tuple(Resolution.objects.filter(topic=t).order_by("position").values_list("status", "progress")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(usual=st.integers(0, len(USUAL)), steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 99)), max_size=10))
def test_any_sequence_of_steps_keeps_the_topic_consistent(world: Any, usual: int, steps: list[tuple[str, int]]) -> None:
    t, other = world.propose(), world.propose(title="同一地块的另一议题")
    for step, n in [(s, i) for i, s in enumerate(USUAL[:usual])] + steps:
        before = _state(t)
        try:
            _step(world, t, step, n, other)
        except DomainError:
            assert _state(t) == before, step  # a refusal writes nothing
        t.refresh_from_db()
        assert t.status in TARGETS
        assert t.supports == Support.objects.filter(topic=t).count()
        resolutions = Resolution.objects.filter(topic=t)
        if t.status in DECIDED:
            assert resolutions.exists() and t.outcome and t.decided_at
        else:
            assert not resolutions.exists() and t.disclosure_id is None
        if t.status == Status.COMPLETED:
            assert not resolutions.filter(status__in=RUNNING).exists() and t.completed_at
        if t.status == Status.IMPLEMENTING and t.rating_round == 1:
            assert resolutions.filter(status__in=RUNNING).exists()
        assert all(r.progress == 100 for r in resolutions.filter(status="done"))
    steps_logged = set(Event.objects.filter(topic=t).values_list("action", flat=True))
    assert "propose" in steps_logged
