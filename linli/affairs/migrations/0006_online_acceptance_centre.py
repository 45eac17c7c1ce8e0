from django.db import migrations


def backfill(apps, schema_editor):
    """Online applications accepted before the window was recorded get their community's centre,
    where the community has exactly one."""
    Application = apps.get_model("affairs", "Application")
    ServiceCentre = apps.get_model("affairs", "ServiceCentre")
    by_community: dict[str, list[int]] = {}
    for pk, path in ServiceCentre.objects.values_list("pk", "region_path"):
        by_community.setdefault(path[:12], []).append(pk)
    for path, pks in by_community.items():
        if len(pks) == 1:
            Application.objects.filter(centre__isnull=True, accepted_on__isnull=False, region_path=path).update(centre_id=pks[0])


class Migration(migrations.Migration):
    dependencies = [("affairs", "0005_one_correction_notice")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
