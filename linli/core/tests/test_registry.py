"""The registries the apps fill in their AppConfig.ready: what users see stays as it was."""

import pytest

from linli.core import registry


def test_the_staff_menu_keeps_its_order():
    assert [e.name for e in registry.menu_entries()] == [
        "regions:workbench", "regions:residents", "regions:rooms", "regions:visits", "regions:four_none",
        "workorders:queue", "workorders:patrol", "workorders:hotline", "affairs:desk", "station:console",
        "booking:staff", "station:follow_ups", "station:vetting", "spaces:manage", "notices:list", "notices:leader",
        "disclosures:staff", "assemblies:index", "consultation:desk", "elections:list", "projects:desk", "messaging:inbox", "regions:import",
        "regions:export", "regions:audit", "accounts:staff",
    ]


def test_start_pages_in_order_with_the_catch_all_last():
    pages = [p.name for p in registry.start_pages()]
    assert pages[0] == "regions:workbench" and pages[-1] == "accounts:mine"
    assert pages.index("affairs:desk") < pages.index("workorders:queue") < pages.index("station:console") < pages.index("booking:staff")


def test_periodic_tasks_come_from_the_apps_with_their_interval_settings(settings):
    settings.LINLI_SWEEP_SECONDS = 60
    tasks = registry.periodic_tasks()
    assert tasks == {"linli.core.tasks.supervision_sweep": 60,  # the one supervision clock, for every registration
                     "linli.booking.tasks.close_past_reservations": settings.LINLI_BOOKING_SWEEP_SECONDS,
                     "linli.messaging.tasks.sweep": settings.LINLI_MESSAGING_SWEEP_SECONDS,
                     "linli.disclosures.tasks.close_ended_disclosures": settings.LINLI_DISCLOSURES_SWEEP_SECONDS,
                     "linli.assemblies.tasks.assembly_sweep": settings.LINLI_ASSEMBLIES_SWEEP_SECONDS,
                     "linli.notices.tasks.refresh_gaps": settings.LINLI_NOTICES_GAPS_SECONDS}


def test_registering_again_replaces_the_entry():
    before = registry.menu_entries()
    entry = next(e for e in before if e.name == "spaces:manage")
    registry.register_menu_entry(entry.name, entry.label, order=entry.order, roles=entry.roles)
    assert registry.menu_entries() == before


def test_value_labels_registered_by_regions():
    from linli.core.templatetags.linli import value_label

    assert str(value_label("F", "gender")) in {"女", "Female"}
    assert value_label("nonsense", "gender") == "nonsense"
    assert value_label("x", "unknown_field") == "x" and value_label("", "gender") == "∅"


@pytest.mark.django_db
def test_scheduler_enqueues_every_registered_task(monkeypatch):
    from django.core.management import call_command

    enqueued = []
    from linli.core.management.commands import run_scheduler

    monkeypatch.setattr(run_scheduler, "import_string",
                        lambda path: type("T", (), {"enqueue": staticmethod(lambda: enqueued.append(path))}))
    call_command("run_scheduler", "--once")
    assert sorted(enqueued) == sorted(registry.periodic_tasks())


def test_portal_sections_in_order_and_registering_again_replaces():
    from linli.core import registry

    before, searches = dict(registry._portal_sections), dict(registry._portal_searches)
    try:
        registry.register_portal_section("zz_b", "B", order=990, items=lambda path, limit: [])
        registry.register_portal_section("zz_a", "A", order=980,
                                         items=lambda path, limit: [registry.PortalItem("t", "/x/")])
        registry.register_portal_section("zz_a", "A2", order=980, items=lambda path, limit: [])
        keys = [s.key for s in registry.portal_sections()]
        assert keys.index("zz_a") < keys.index("zz_b")
        assert [s.label for s in registry.portal_sections() if s.key == "zz_a"] == ["A2"]
    finally:
        registry._portal_sections.clear()
        registry._portal_searches.clear()
        registry._portal_sections.update(before)
        registry._portal_searches.update(searches)
