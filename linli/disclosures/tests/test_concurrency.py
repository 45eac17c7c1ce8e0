"""Real concurrent clients on PostgreSQL: two staff answer the same objection at the same
moment, and two closing sweeps run at once."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.core.tests.concurrency import race_n as race
from linli.disclosures import services
from linli.disclosures.models import Disclosure, Objection

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_staff_answering_the_same_objection_at_once_give_one_answer(world):
    d = world.publish()
    o = world.object(d)
    staff = [world.worker, world.admin]
    texts = ["经核实，异议不成立", "经核实，异议成立"]
    for _trial in range(3):
        outcomes = race(2, lambda i: (i, services.answer_objection(
            actor=staff[i], objection=Objection.objects.get(pk=o.pk), answer=texts[i],
            outcome=("rejected", "upheld")[i]).pk))
        assert "illegal_transition" in outcomes  # the second is refused, not a second answer
        (won, pk), = [r for r in outcomes if isinstance(r, tuple)]
        stored = Objection.objects.get(pk=o.pk)
        assert pk == o.pk and stored.answered_by == staff[won] and stored.answer == texts[won]
        from linli.core.models import AuditEvent

        assert AuditEvent.objects.filter(action="objection.answer", target_id=str(o.pk)).count() == 1
        o = world.object(d)  # the next trial, a fresh objection


def test_two_sweeps_at_once_close_each_disclosure_once(world):
    for _i in range(6):
        world.publish(now=timezone.now() - dt.timedelta(days=30))
    outcomes = race(2, lambda i: services.close_due())
    assert sum(outcomes) == 6
    assert Disclosure.objects.filter(status="closed").count() == 6
    from linli.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="disclosure.close").count() == 6
