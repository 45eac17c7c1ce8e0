from django.db import migrations


def seed(apps, schema_editor):
    from linli.affairs.catalogue import seed as seed_items
    from linli.affairs.catalogue import seed_certificate_kinds

    seed_items(apps.get_model("affairs", "ServiceItem"), apps.get_model("affairs", "ItemMaterial"))
    seed_certificate_kinds(apps.get_model("affairs", "CertificateKind"))


class Migration(migrations.Migration):
    dependencies = [("affairs", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
