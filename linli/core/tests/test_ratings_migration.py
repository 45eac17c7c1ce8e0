"""Migrations workorders 0009 and affairs 0011: every follow-up (回访) and rectification (整改)
already stored moves to the kernel's one follow-up table; work-order follow-ups keep their ids
(the API addresses them by id), both keep deadline, state, answer and who answered."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.migration_testing import city_and_community, migrated_to

BEFORE = [("workorders", "0008_idempotency_fingerprint"), ("affairs", "0010_idempotency_fingerprint")]
AFTER = [("workorders", "0009_follow_ups_to_core"), ("affairs", "0011_rectifications_to_core")]


@pytest.mark.django_db(transaction=True)
def test_follow_ups_and_rectifications_move_to_the_kernel_table():
    with migrated_to(BEFORE) as executor:
        _check(executor)


def _check(executor):
    from linli.affairs.catalogue import seed as seed_items
    from linli.workorders.catalogue import seed as seed_categories

    old = executor.loader.project_state(BEFORE).apps
    from linli.accounts.models import User  # accounts is not migrated back: its table is as now

    Node = old.get_model("regions", "RegionNode")
    Category, Item = old.get_model("workorders", "Category"), old.get_model("affairs", "ServiceItem")
    seed_categories(Category)
    seed_items(Item, old.get_model("affairs", "ItemMaterial"))
    city, sq = city_and_community(Node)
    staff = User.objects.create(username="m-staff")
    lamp = Category.objects.get(code="0201")
    orders = [old.get_model("workorders", "WorkOrder").objects.create(
        number=f"W2026000000{n}", channel="web", category=lamp, description="路灯不亮", region=sq,
        region_path=sq.path + "001", status="closed", rating=rating) for n, rating in ((1, 2), (2, 1))]
    FollowUp = old.get_model("workorders", "FollowUp")
    FollowUp.objects.create(id=7, order=orders[0], region_path=sq.path, due_date=dt.date(2026, 10, 9), status="done",
                            answer="已电话回访", done_by_id=staff.pk)
    FollowUp.objects.create(id=9, order=orders[1], region_path=sq.path, due_date=dt.date(2026, 10, 12))
    elder = Item.objects.get(code="YL01")
    app = old.get_model("affairs", "Application").objects.create(
        number="A202612010000001", item=elder, item_version=1, item_name=elder.name, limit_days=10, channel="window",
        status="completed", outcome="denied", applicant_name="龚嘉远", region_path=sq.path, public_token="tok-m", rating=1)
    old.get_model("affairs", "Rectification").objects.create(
        application=app, region_path=sq.path, due_date=dt.date(2026, 12, 8), state="done", reply="已约谈窗口人员",
        replied_by_id=staff.pk, replied_at=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Task, ContentType = new.get_model("core", "FollowUp"), new.get_model("contenttypes", "ContentType")
    order_ct = ContentType.objects.get(app_label="workorders", model="workorder")
    app_ct = ContentType.objects.get(app_label="affairs", model="application")
    moved = {(t.content_type_id, t.object_id): t for t in Task.objects.all()}
    assert len(moved) == 3
    first, second = moved[(order_ct.pk, orders[0].pk)], moved[(order_ct.pk, orders[1].pk)]
    assert (first.pk, first.status, first.answer, first.done_by_id, first.rating) == (7, "done", "已电话回访", staff.pk, 2)
    assert (second.pk, second.status, second.due_date, second.rating) == (9, "open", dt.date(2026, 10, 12), 1)
    rect = moved[(app_ct.pk, app.pk)]
    assert rect.pk not in (7, 9) and (rect.status, rect.answer, rect.done_by_id, rect.rating) == ("done", "已约谈窗口人员", staff.pk, 1)
    assert rect.done_at == dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC) and rect.due_date == dt.date(2026, 12, 8)
    later = Task.objects.create(content_type=app_ct, object_id=app.pk + 1, region_path=sq.path, rating=2, due_date=dt.date(2026, 12, 9))
    assert later.pk > max(7, 9, rect.pk)  # new tasks never collide with the ids kept
