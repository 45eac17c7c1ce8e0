from django.db import migrations


def seed(apps, schema_editor):
    from linli.workorders.catalogue import seed as seed_tree

    seed_tree(apps.get_model("workorders", "Category"))


class Migration(migrations.Migration):
    dependencies = [("workorders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
