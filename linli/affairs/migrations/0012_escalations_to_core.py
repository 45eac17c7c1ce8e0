"""Applications already raised to a level of 督办 get the kernel's record of that level (core.Escalation,
round 0, the office of the level), so the supervision clock does not raise them again. Backwards,
those records go (the level stays on the application)."""

from django.db import migrations

WIDTH = {1: 12, 2: 9, 3: 6}


def forward(apps, schema_editor):
    Application = apps.get_model("affairs", "Application")
    Escalation = apps.get_model("core", "Escalation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct, _ = ContentType.objects.using(db).get_or_create(app_label="affairs", model="application")
    rows = [Escalation(content_type_id=ct.pk, object_id=pk, round=0, level=level, kind="escalate",
                       region_path=path[:WIDTH.get(level, 12)])
            for pk, level, path in Application.objects.using(db).filter(escalation_level__gt=0)
            .values_list("pk", "escalation_level", "region_path").iterator()]
    Escalation.objects.using(db).bulk_create(rows, batch_size=2000, ignore_conflicts=True)


def backward(apps, schema_editor):
    Escalation = apps.get_model("core", "Escalation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ct = ContentType.objects.using(db).filter(app_label="affairs", model="application").first()
    if ct is not None:
        Escalation.objects.using(db).filter(content_type_id=ct.pk, kind="escalate").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0005_escalation"),
        ("affairs", "0011_rectifications_to_core"),
    ]

    operations = [migrations.RunPython(forward, backward)]
