"""督办 moves to the kernel's supervision clock (core.Escalation): every supervision row becomes an
escalation record (same order, round, level, office, note and time), and every order already
warned near its limit (``warned_at``) a warning record of its current round, so nothing is raised
or warned a second time. The old table and ``warned_at`` go; backwards, they are refilled."""

from django.conf import settings
from django.db import migrations, models


def forward(apps, schema_editor):
    Supervision = apps.get_model("workorders", "Supervision")
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    Escalation = apps.get_model("core", "Escalation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct, _ = ContentType.objects.using(db).get_or_create(app_label="workorders", model="workorder")
    batch = []
    for s in Supervision.objects.using(db).order_by("pk").iterator():
        batch.append(Escalation(content_type_id=ct.pk, object_id=s.order_id, round=s.round, level=s.level, kind="escalate",
                                region_path=s.region_path, note=s.note, created_at=s.created_at))
    for o in WorkOrder.objects.using(db).filter(warned_at__isnull=False).only("pk", "clock_round", "region_path", "warned_at").iterator():
        batch.append(Escalation(content_type_id=ct.pk, object_id=o.pk, round=o.clock_round, level=0, kind="warn",
                                region_path=o.region_path, created_at=o.warned_at))
    Escalation.objects.using(db).bulk_create(batch, batch_size=2000, ignore_conflicts=True)


def backward(apps, schema_editor):
    Supervision = apps.get_model("workorders", "Supervision")
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    Escalation = apps.get_model("core", "Escalation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct = ContentType.objects.using(db).filter(app_label="workorders", model="workorder").first()
    if ct is None:
        return
    records = Escalation.objects.using(db).filter(content_type_id=ct.pk)
    existing = set(WorkOrder.objects.using(db).values_list("pk", flat=True))
    rows = []
    for e in records.filter(kind="escalate").order_by("pk").iterator():
        if e.object_id in existing:
            rows.append(Supervision(order_id=e.object_id, round=e.round, level=e.level, region_path=e.region_path,
                                    note=e.note or ""))
    Supervision.objects.using(db).bulk_create(rows, batch_size=2000)
    for e in records.filter(kind="warn"):
        WorkOrder.objects.using(db).filter(pk=e.object_id, clock_round=e.round).update(warned_at=e.created_at)
    records.filter(kind__in=["escalate", "warn"]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_escalation"),
        ("regions", "0003_region_path_statistics"),
        ("workorders", "0010_notifications_to_messaging"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RemoveIndex(model_name="workorder", name="wo_warn_pending"),
        migrations.RemoveField(model_name="workorder", name="warned_at"),
        migrations.AddIndex(
            model_name="workorder",
            index=models.Index(condition=models.Q(("status__in", ("submitted", "registered", "dispatched", "in_progress",
                                                                  "done_reported"))), fields=["warn_at"], name="wo_warn_open"),
        ),
        migrations.DeleteModel(name="Supervision"),
    ]
