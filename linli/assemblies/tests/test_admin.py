"""The admin reads assemblies and rolls, scoped to the area, with no vote record file exposed."""

from __future__ import annotations

from typing import Any

import pytest

from linli.assemblies import services

pytestmark = pytest.mark.django_db


def test_the_admin_lists_assemblies_and_rolls(client: Any, world: Any, root: Any) -> None:
    a = world.assembly()
    services.freeze_roll(actor=world.admin, assembly=a)
    client.force_login(root)
    page = client.get("/admin/assemblies/assembly/")
    assert page.status_code == 200 and "翠苑2026年第一次业主大会" in page.content.decode()
    detail = client.get(f"/admin/assemblies/assembly/{a.pk}/change/").content.decode()
    assert "续筹专项维修资金" in detail and "assemblies/records" not in detail
    assert client.get("/admin/assemblies/roll/").status_code == 200


def test_the_admin_is_scoped_to_the_area(client: Any, world: Any) -> None:
    from linli.assemblies.models import Assembly

    world.assembly()
    admin_site = __import__("django.contrib.admin", fromlist=["site"]).site
    model_admin = admin_site._registry[Assembly]

    class Req:
        user = world.other_admin

    assert model_admin.get_queryset(Req()).count() == 0
    Req.user = world.admin
    assert model_admin.get_queryset(Req()).count() == 1
