"""The kernel's one transition function and the available-actions selector, on a kernel model
(the rating follow-up): the map is checked against the status as stored, the row is locked, the
timeline and the audit row are written, a refused step changes nothing."""

import pytest
from django.db import transaction

from linli.accounts.roles import Role
from linli.core.errors import Conflict
from linli.core.lifecycle import DECLARED, Actions, Lifecycle
from linli.core.models import AuditEvent, FollowUp

pytestmark = pytest.mark.django_db

S, A = FollowUp.Status, FollowUp.Action
events: list[dict] = []


def _timeline(obj, **kw):
    events.append({"pk": obj.pk, **kw})


LC = Lifecycle({(S.OPEN, A.ANSWER): S.DONE}, S, A, audit="test.follow_up", timeline=_timeline)
DECLARED.remove(LC)  # a test lifecycle: its audit code needs no label on the audit page


@pytest.fixture
def task(tree):
    from linli.core import followups

    events.clear()
    return followups.open_for(tree.liede_sq, rating=1, region_path=tree.liede_sq.path)[0]


def test_apply_moves_writes_the_timeline_and_the_audit_row(task, tree, make_user):
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    with transaction.atomic():
        before = LC.apply(task, A.ANSWER, actor=admin, note="已整改")
        task.save()
    assert before == S.OPEN and FollowUp.objects.get(pk=task.pk).status == S.DONE
    assert events == [{"pk": task.pk, "action": "answer", "actor": admin, "before": "open", "after": "done",
                       "note": "已整改", "public": True}]
    row = AuditEvent.objects.get(action="test.follow_up.answer")
    assert row.actor == admin and row.changes == {"status": ["open", "done"], "note": "已整改"}
    assert row.region_path == task.region_path and row.target_id == str(task.pk)


def test_the_map_is_checked_against_the_stored_status_not_the_callers_copy(task, tree):
    FollowUp.objects.filter(pk=task.pk).update(status=S.DONE)  # answered meanwhile in another request
    assert task.status == S.OPEN
    with pytest.raises(Conflict) as refused, transaction.atomic():
        LC.apply(task, A.ANSWER, actor=None)
    assert refused.value.code == "illegal_transition" and str(S.DONE.label) in str(refused.value.message)
    assert events == [] and not AuditEvent.objects.filter(action__startswith="test.").exists()


@pytest.mark.django_db(transaction=True)
def test_apply_refuses_to_run_outside_a_transaction(task):
    with pytest.raises(RuntimeError):
        LC.apply(task, A.ANSWER, actor=None)


def test_to_must_be_a_status_of_the_lifecycle(task):
    with pytest.raises(ValueError), transaction.atomic():
        LC.apply(task, A.ANSWER, actor=None, to="nonsense")


def test_actions_combine_the_state_and_the_permission(task, tree, make_user):
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    outsider = make_user(Role.COMMUNITY_ADMIN, tree.pantang)
    actions = Actions({A.ANSWER: "accounts.manage_staff", "remind": "accounts.manage_staff"}, lifecycle=LC,
                      when={"remind": lambda t: t.rating == 1})
    assert actions.for_(admin, task) == ["answer", "remind"]
    assert actions.for_(None, task) == []
    task.status = S.DONE
    assert actions.for_(admin, task) == ["remind"]  # answer is no step from done; remind is no step at all
    task.rating = 2
    assert actions.for_(admin, task) == [] and not actions.may(admin, task, "answer")
    assert outsider.has_perm("accounts.manage_staff")  # a permission without an area: the state decides
