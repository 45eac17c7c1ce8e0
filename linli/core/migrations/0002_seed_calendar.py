from django.db import migrations


def seed(apps, schema_editor):
    from linli.core.calendar_seed import seed as seed_days

    seed_days(apps.get_model("core", "CalendarDay"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
