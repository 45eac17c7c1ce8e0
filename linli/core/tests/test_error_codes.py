"""Error codes: every code the code base raises is listed in an enum (the kernel's
``core.errors.Code`` or an app's ``<app>/errors.py``), ``core.errors.STATUS`` is the one table of
their HTTP statuses, and a refusal answers the same status in the API and on the pages."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps

from linli.core import errors

ROOT = Path(__file__).resolve().parents[2]
RAISERS = {"DomainError": 400, "PermissionDenied": 403, "NotFound": 404, "Conflict": 409, "RateLimited": 429}


def enum_codes() -> set[str]:
    codes = {c.value for c in errors.Code}
    for config in apps.get_app_configs():
        if config.name.startswith("linli.") and config.name != "linli.core":
            try:
                module = importlib.import_module(f"{config.name}.errors")
            except ModuleNotFoundError:
                continue
            codes |= {c.value for c in module.Code}
    return codes


def raised_codes() -> dict[str, list[tuple[str, str]]]:
    """code → [(where, class)] for every literal code of a refusal outside tests: the first
    argument or ``code=`` of ``DomainError(…)`` and its subclasses, and ``done_error=(code, …)``."""
    found: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            values: list[ast.expr] = []
            if name in RAISERS:
                values += node.args[:1] + [kw.value for kw in node.keywords if kw.arg == "code"]
            values += [kw.value.elts[0] for kw in node.keywords
                       if kw.arg == "done_error" and isinstance(kw.value, ast.Tuple) and kw.value.elts]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.setdefault(value.value, []).append((where, name if name in RAISERS else "DomainError"))
    return found


def test_the_scan_finds_the_codes_it_should():
    found = raised_codes()
    assert {"invalid", "forbidden", "not_found", "duplicate_id", "already_replied", "follow_up_done"} <= set(found)
    assert len(found) > 80


def test_every_raised_code_is_in_an_enum():
    known = enum_codes()
    missing = {code: where[0][0] for code, where in raised_codes().items() if code not in known}
    assert not missing, f"codes in no app's errors.Code (add them there): {missing}"


def test_the_status_table_names_only_known_codes():
    assert set(errors.STATUS) <= enum_codes()


def test_a_subclass_raise_agrees_with_the_table():
    """``Conflict("x")`` while the table says x is a 400 would answer differently from
    ``DomainError("x")``: the table and the class agree wherever both speak."""
    wrong = [(code, where, cls) for code, sites in raised_codes().items() for where, cls in sites
             if cls != "DomainError" and code in errors.STATUS and errors.STATUS[code] != RAISERS[cls]]
    assert not wrong


def test_status_comes_from_the_table_unless_the_raise_site_names_one():
    assert errors.DomainError("not_found", "x").status == 404
    assert errors.DomainError("forbidden", "x").status == 403
    assert errors.DomainError("duplicate_id", "x").status == 409
    assert errors.DomainError("invalid", "x").status == 400
    assert errors.DomainError(errors.Code.RATE_LIMITED, "x").status == 429
    assert errors.DomainError("invalid", "x", status=422).status == 422
    assert errors.Conflict("not_on_list", "x").status == 409  # not in the table: the class's
    from linli.workorders.errors import Code

    assert Code.ORDER_CLOSED == "order_closed" and errors.DomainError(Code.ORDER_CLOSED, "x").as_dict()["error"]["code"] == "order_closed"


@pytest.mark.django_db
def test_not_found_is_a_404_through_the_api(client, tree, make_user, registry):
    from linli.accounts.roles import Role
    from linli.workorders import services
    from linli.workorders.catalogue import seed
    from linli.workorders.models import Category

    seed(Category)
    resident = make_user(Role.RESIDENT, tree.g_pantang,
                         resident=registry.resident(household=registry.household(tree.g_pantang), name="泮塘居民"))
    order = services.submit_order(actor=resident, channel="web", category=Category.objects.get(code="0201"),
                                  region=tree.g_pantang, description="路灯不亮，晚上很危险")
    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    client.force_login(admin)
    for url in (f"/api/v1/workorders/orders/{order.pk}",  # outside the area
                "/api/v1/workorders/orders/999999",
                "/api/v1/affairs/applications/999999",
                "/api/v1/station/offerings/999999",
                "/api/v1/spaces/venues/999999",
                "/api/v1/registry/residents/999999"):
        resp = client.get(url)
        assert resp.status_code == 404, (url, resp.content)
        assert resp.json()["error"]["code"] == "not_found", url
    resp = client.post(f"/api/v1/workorders/orders/{order.pk}/actions", {"action": "register"},
                       content_type="application/json")
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_a_refusal_is_a_403_on_the_page_as_in_the_api(client, tree, make_user, registry):
    """A resident posting a staff action on their own order: the API answers 403 ``forbidden``,
    the page the 403 page with the same message (core.handlers.refusal), not a redirect."""
    from linli.accounts.roles import Role
    from linli.workorders import services
    from linli.workorders.catalogue import seed
    from linli.workorders.models import Category

    seed(Category)
    resident = make_user(Role.RESIDENT, tree.g_liede1,
                         resident=registry.resident(household=registry.household(tree.g_liede1), name="报事人"))
    order = services.submit_order(actor=resident, channel="web", category=Category.objects.get(code="0201"),
                                  region=tree.g_liede1, description="路灯不亮，晚上很危险")
    client.force_login(resident)
    api = client.post(f"/api/v1/workorders/orders/{order.pk}/actions", {"action": "register"},
                      content_type="application/json")
    assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    page = client.post(f"/orders/{order.pk}/act/", {"action": "register"})
    assert page.status_code == 403
    assert api.json()["error"]["message"] in page.content.decode()
    order.refresh_from_db()
    assert order.status == "submitted"
