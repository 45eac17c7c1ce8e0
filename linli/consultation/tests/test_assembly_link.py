"""A resolution 提交业主大会表决: it becomes the matter of a draft owners' assembly of the
community's compound, and follows it — a step on its timeline when the assembly is called, done
when the decision announces the matter passed, not feasible with the result when it did not; a
cancelled assembly leaves it to be put again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from linli.assemblies.models import Assembly, Matter
from linli.assemblies.states import LIFECYCLE as ASSEMBLY_LIFECYCLE
from linli.consultation import selectors, services
from linli.consultation.models import Event
from linli.consultation.states import ResolutionStatus, Status
from linli.core.errors import Conflict, DomainError
from linli.messaging.models import Message
from linli.regions.models import Compound

pytestmark = pytest.mark.django_db(transaction=False)


def _submit(world: Any, r: Any) -> Any:
    now = timezone.now()
    compound = Compound.objects.filter(region_path__startswith=world.community.path).order_by("id").first()
    return services.submit_to_assembly(actor=world.admin, resolution=r, compound_id=compound.pk, item=9,
                                       convener="owners_committee", convener_name="猎德花园业主委员会",
                                       opens_at=now + dt.timedelta(days=20), closes_at=now + dt.timedelta(days=35))


def _step(assembly: Assembly, status: str, action: str, actor: Any, capture: Any) -> None:
    Assembly.objects.filter(pk=assembly.pk).update(status=status)
    with capture(execute=True), transaction.atomic():
        a = Assembly.objects.select_for_update().get(pk=assembly.pk)
        ASSEMBLY_LIFECYCLE.apply(a, action, actor=actor, lock=False)
        a.save(update_fields=["status"])


def test_a_passed_matter_finishes_the_resolution(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    topic = world.decided(kinds=("assembly",))
    r = topic.resolutions.get()
    assert "assembly" in selectors.resolution_actions(world.admin, r) and "finish" in selectors.resolution_actions(world.admin, r)
    with django_capture_on_commit_callbacks(execute=True):
        assembly = _submit(world, r)
    r.refresh_from_db()
    assert r.assembly_id == assembly.pk and r.status == ResolutionStatus.IN_PROGRESS
    assert assembly.status == "draft" and list(Matter.objects.filter(assembly=assembly).values_list("title", "item")) == [(r.title, 9)]
    assert "assembly" not in selectors.resolution_actions(world.admin, r) and "finish" not in selectors.resolution_actions(world.admin, r)
    with pytest.raises(Conflict) as exc:
        _submit(world, r)
    assert exc.value.code == "already_submitted"
    _step(assembly, "draft", "call", world.admin, django_capture_on_commit_callbacks)
    assert Event.objects.filter(resolution=r, action="assembly", note__contains="召开公告").exists()
    Matter.objects.filter(assembly=assembly).update(result={"passed": True})
    _step(assembly, "preliminary", "announce", world.admin, django_capture_on_commit_callbacks)
    r.refresh_from_db()
    topic.refresh_from_db()
    assert r.status == ResolutionStatus.DONE and topic.status == Status.COMPLETED
    assert Message.objects.filter(user=world.proposer, text__contains="业主大会").exists()


def test_a_rejected_matter_makes_it_not_feasible_and_a_cancelled_assembly_frees_it(
        world: Any, django_capture_on_commit_callbacks: Any) -> None:
    topic = world.decided(kinds=("assembly", "community"))
    r = topic.resolutions.get(kind="assembly")
    assembly = _submit(world, r)
    _step(assembly, "draft", "cancel", world.admin, django_capture_on_commit_callbacks)
    r.refresh_from_db()
    assert r.assembly_id is None and r.status == ResolutionStatus.IN_PROGRESS
    second = _submit(world, r)
    Matter.objects.filter(assembly=second).update(result={"passed": False})
    _step(second, "preliminary", "announce", world.admin, django_capture_on_commit_callbacks)
    r.refresh_from_db()
    assert r.status == ResolutionStatus.INFEASIBLE and "表决未通过" in r.infeasible_reason


def test_only_an_assembly_resolution_of_a_compound_here(world: Any, tree: Any) -> None:
    topic = world.decided(kinds=("community",))
    with pytest.raises(DomainError):
        _submit(world, topic.resolutions.get())
    topic2 = world.decided(kinds=("assembly",))
    other = Compound.objects.filter(region_path__startswith=tree.huabiao.path).first()  # 华苑, next door
    assert other is not None
    now = timezone.now()
    with pytest.raises(DomainError) as exc:
        services.submit_to_assembly(actor=world.admin, resolution=topic2.resolutions.get(), compound_id=other.pk, item=9,
                                    convener="owners_committee", convener_name="业委会", opens_at=now + dt.timedelta(days=20),
                                    closes_at=now + dt.timedelta(days=35))
    assert exc.value.details.get("field") == "compound_id"
