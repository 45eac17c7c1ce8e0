"""Migration 0009: seeded certificate kinds get their fields, certificates already issued keep
their text, items get 容缺受理 where the catalogue allows it, and matters keep where they are finished."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from linli.migration_testing import migrated_to

BEFORE = [("affairs", "0008_local_items")]
AFTER = [("affairs", "0009_declared_fields_deferral_finish")]


@pytest.mark.django_db(transaction=True)
def test_0009_moves_seeded_kinds_to_fields_and_keeps_issued_certificates():
    with migrated_to(BEFORE) as executor:
        _check(executor)


def _check(executor):
    from linli.affairs.catalogue import OLD_TEMPLATES, seed, seed_certificate_kinds

    old = executor.loader.project_state(BEFORE).apps
    Kind, Item = old.get_model("affairs", "CertificateKind"), old.get_model("affairs", "ServiceItem")
    seed(Item, old.get_model("affairs", "ItemMaterial"))
    old.get_model("affairs", "Certificate").objects.all().delete()
    Kind.objects.all().delete()  # as seeded by migration 0002, before kinds declared fields
    seed_certificate_kinds(Kind)
    assert Kind.objects.get(code="ZM01").template == OLD_TEMPLATES["ZM01"]
    Kind.objects.filter(code="ZM02").update(template="兹证明{name}(身份证号{id}){detail}。")  # reworded by an admin
    Item.objects.filter(code="JZ01").update(version=2)  # edited since: left alone
    garbled = "兹证明龚嘉远(身份证号4401**********1039)自经入户核实，龚嘉远自2015年起在本社区实际居住。起在本社区实际居住。"
    old.get_model("affairs", "Certificate").objects.create(
        kind=Kind.objects.get(code="ZM01"), state="issued", serial="ZM20260000001", verify_code="ABCDEFGHJK",
        subject_name="龚嘉远", purpose="入学", detail="经入户核实", body=garbled, region_path="440106001001")
    elder = Item.objects.get(code="YL01")
    old.get_model("affairs", "Application").objects.create(
        number="A202612010000001", item=elder, item_version=1, item_name=elder.name, limit_days=10, channel="window",
        status="accepted", applicant_name="龚嘉远", region_path="440103001001", public_token="tok-0009")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    from linli.affairs.certificates import check_kind

    new = executor.loader.project_state(AFTER).apps  # the models as 0009 left them (later migrations add columns)
    Application, Certificate = new.get_model("affairs", "Application"), new.get_model("affairs", "Certificate")
    CertificateKind, ServiceItem = new.get_model("affairs", "CertificateKind"), new.get_model("affairs", "ServiceItem")

    zm01 = CertificateKind.objects.get(code="ZM01")
    assert "{since}" in zm01.template and [f["name"] for f in zm01.fields] == ["since", "address", "tenure"]
    assert check_kind(zm01.template, zm01.fields) == []
    reworded = CertificateKind.objects.get(code="ZM02")
    assert reworded.fields == [] and "{detail}" in reworded.template  # the legacy blank still fills
    assert Certificate.objects.get(serial="ZM20260000001").body == garbled  # issued text is never rewritten
    assert ServiceItem.objects.get(code="YL01").deferral_allowed and not ServiceItem.objects.get(code="JZ01").deferral_allowed
    assert not ServiceItem.objects.get(code="YB01").deferral_allowed
    assert Application.objects.get(number="A202612010000001").finish_at == "street"
