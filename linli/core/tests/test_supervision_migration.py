"""Migrations workorders 0010 and affairs 0012: every 督办 row of work orders and every warning
already sent become the supervision clock's records (core.Escalation), applications already
raised get the record of their level, so nothing is raised or warned twice; backwards, the old
table and ``warned_at`` are refilled."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.migration_testing import city_and_community, migrated_to

BEFORE = [("workorders", "0010_notifications_to_messaging"), ("affairs", "0011_rectifications_to_core"), ("core", "0005_escalation")]
AFTER = [("workorders", "0011_supervision_to_core"), ("affairs", "0012_escalations_to_core")]


@pytest.mark.django_db(transaction=True)
def test_supervision_rows_and_warnings_move_to_the_kernel_and_back():
    with migrated_to(BEFORE) as executor:
        _check(executor)


def _check(executor):
    from linli.affairs.catalogue import seed as seed_items
    from linli.workorders.catalogue import seed as seed_categories

    old = executor.loader.project_state(BEFORE).apps
    Node = old.get_model("regions", "RegionNode")
    Category, Item = old.get_model("workorders", "Category"), old.get_model("affairs", "ServiceItem")
    seed_categories(Category)
    seed_items(Item, old.get_model("affairs", "ItemMaterial"))
    city, sq = city_and_community(Node)
    lamp = Category.objects.get(code="0201")
    WorkOrder = old.get_model("workorders", "WorkOrder")
    warned_at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    raised = WorkOrder.objects.create(number="W20260000001", channel="web", category=lamp, description="路灯不亮", region=sq,
                                      region_path=sq.path + "001", status="in_progress", clock_round=1, escalation_level=2)
    warned = WorkOrder.objects.create(number="W20260000002", channel="web", category=lamp, description="路灯不亮", region=sq,
                                      region_path=sq.path + "001", status="in_progress", clock_round=3, warned_at=warned_at)
    Supervision = old.get_model("workorders", "Supervision")
    for rnd, level, path in ((0, 1, sq.path), (1, 2, sq.path[:9])):
        Supervision.objects.create(order=raised, round=rnd, level=level, region_path=path, note="工单已超过办理期限")
    stamp = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)
    Supervision.objects.update(created_at=stamp)
    elder = Item.objects.get(code="YL01")
    app = old.get_model("affairs", "Application").objects.create(
        number="A202612010000001", item=elder, item_version=1, item_name=elder.name, limit_days=10, channel="window",
        status="in_progress", applicant_name="龚嘉远", region_path=sq.path, public_token="tok-s", escalation_level=1)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Escalation, ContentType = new.get_model("core", "Escalation"), new.get_model("contenttypes", "ContentType")
    order_ct = ContentType.objects.get(app_label="workorders", model="workorder")
    app_ct = ContentType.objects.get(app_label="affairs", model="application")
    rows = {(e.content_type_id, e.object_id, e.kind, e.round, e.level): e for e in Escalation.objects.all()}
    assert set(rows) == {(order_ct.pk, raised.pk, "escalate", 0, 1), (order_ct.pk, raised.pk, "escalate", 1, 2),
                         (order_ct.pk, warned.pk, "warn", 3, 0), (app_ct.pk, app.pk, "escalate", 0, 1)}
    street = rows[(order_ct.pk, raised.pk, "escalate", 1, 2)]
    assert (street.region_path, street.note, street.created_at) == (sq.path[:9], "工单已超过办理期限", stamp)
    assert rows[(order_ct.pk, warned.pk, "warn", 3, 0)].created_at == warned_at
    assert rows[(app_ct.pk, app.pk, "escalate", 0, 1)].region_path == sq.path

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(BEFORE)  # and back
    back = executor.loader.project_state(BEFORE).apps
    assert set(back.get_model("workorders", "Supervision").objects.values_list("order_id", "round", "level", "region_path")) == {
        (raised.pk, 0, 1, sq.path), (raised.pk, 1, 2, sq.path[:9])}
    assert back.get_model("workorders", "WorkOrder").objects.get(pk=warned.pk).warned_at == warned_at
    assert not back.get_model("core", "Escalation").objects.exists()
