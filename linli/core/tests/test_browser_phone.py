"""On a 390 px phone every list page shows its rows as cards (the table pattern of linli.css):
the cells stack, none is squeezed to a sliver, the page does not scroll sideways; on a desktop
the same tables stay dense tables. Runs over the demo city, one visit per list page, with a
screenshot of each in test-artifacts/."""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
MEASURE = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  tables: [...document.querySelectorAll('main table')].map(t => {
    const cells = [...t.querySelectorAll('tbody td')].filter(td => getComputedStyle(td).display !== 'none');
    const rows = [...t.querySelectorAll('tbody tr')];
    return {
      testid: t.dataset.testid || t.className,
      display: cells.length ? getComputedStyle(cells[0]).display : 'block',
      narrowest: Math.min(...cells.map(td => td.getBoundingClientRect().width)),
      rowWidth: Math.min(...rows.map(r => r.getBoundingClientRect().width)),
      tallest: Math.max(0, ...rows.map(r => r.getBoundingClientRect().height)),
      rows: rows.length,
    };
  }),
})"""


def demo_pages() -> dict[str, list[str]]:
    Venue = apps.get_model("spaces", "Venue")
    Resident = apps.get_model("regions", "Resident")
    Application = apps.get_model("affairs", "Application")
    liede = "440106001001"
    venue = Venue.objects.filter(resource__region__path=liede).order_by("pk").first()
    public_venue = Venue.objects.filter(public=True).order_by("pk").first()
    person = Resident.objects.filter(region_path__startswith=liede, household__isnull=False).order_by("pk").first()
    room = person.household.room
    app = Application.objects.filter(region_path__startswith=liede).order_by("pk").first()
    corrected = apps.get_model("disclosures", "Disclosure").objects.filter(version=2).order_by("pk").first()
    must_reach = apps.get_model("notices", "Notice").objects.filter(must_reach=True).order_by("pk").first()
    return {
        "13800138000": ["/accounts/mine/", "/spaces/", f"/spaces/{public_venue.pk}/", f"/booking/r/{public_venue.resource_id}/",
                        "/affairs/", "/affairs/certificates/", f"/orders/public/{liede}/",
                        f"/portal/{liede}/", f"/portal/{liede[:9]}000/", f"/portal/{liede}/search?q=服务",
                        "/disclosures/", f"/disclosures/area/{liede}/",
                        "/notices/mine/", f"/notices/public/area/{liede}/"],
        "liede_caseworker": ["/orders/", "/orders/supervise/", "/registry/residents/?q=李", "/registry/rooms/",
                             "/registry/visits/", f"/registry/residents/{person.pk}/", f"/registry/rooms/{room.pk}/",
                             f"/registry/buildings/{room.building_id}/", "/affairs/desk/", f"/affairs/desk/{app.pk}/",
                             "/affairs/desk/rectifications/", "/affairs/desk/figures/",
                             "/disclosures/staff/", f"/disclosures/staff/{corrected.pk}/"],
        "liede_sq_admin": [f"/booking/staff/{venue.resource_id}/", f"/booking/staff/{venue.resource_id}/schedule/",
                           "/spaces/manage/", "/notices/", f"/notices/{must_reach.pk}/coverage/"],
        "13800138001": ["/notices/leader/"],
        "liede_grid1": ["/orders/patrol/"],
        "liede_admin": ["/registry/audit/", "/station/vetting/", "/station/follow-ups/"],
        "provider_demo": ["/station/console/", "/station/follow-ups/"],
    }


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Linli@2026")
    with page.expect_navigation():
        page.click("#main form button[type=submit]")


def reseed() -> None:
    """What the migrations seed and seed_demo needs (an earlier transactional test flushes it)."""
    from linli.affairs.catalogue import seed as seed_items
    from linli.affairs.catalogue import seed_certificate_kinds
    from linli.core.calendar import invalidate
    from linli.core.calendar_seed import seed as seed_calendar
    from linli.workorders.catalogue import seed as seed_categories

    seed_categories(apps.get_model("workorders", "Category"))
    seed_items(apps.get_model("affairs", "ServiceItem"), apps.get_model("affairs", "ItemMaterial"))
    seed_certificate_kinds(apps.get_model("affairs", "CertificateKind"))
    seed_calendar(apps.get_model("core", "CalendarDay"))
    invalidate()


def test_every_list_page_shows_cards_on_a_phone_and_tables_on_a_desktop(page, shot):
    reseed()
    call_command("seed_demo", residents=300, quiet=True, stdout=io.StringIO())
    pages = demo_pages()
    page.set_viewport_size(PHONE)
    seen = 0
    for username, urls in pages.items():
        page.context.clear_cookies()
        sign_in(page, username)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            found = page.evaluate(MEASURE)
            shot(page, f"{username}-{url.strip('/').replace('/', '_').replace('?', '_')}")
            assert found["overflow"] <= 1, f"{url} scrolls sideways by {found['overflow']} px"
            for t in found["tables"]:
                if not t["rows"]:
                    continue
                seen += 1
                assert t["display"] == "block", (url, t)  # cells stack in a card
                assert t["narrowest"] >= 60, (url, t)  # no column of one character per line
                assert t["rowWidth"] >= 300, (url, t)  # a card spans the phone
                assert t["tallest"] < 900, (url, t)  # no row stretched to a tower
    assert seen >= 25

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/station/console/")
    desk = page.evaluate(MEASURE)
    assert desk["tables"] and all(t["display"] == "table-cell" for t in desk["tables"])
    shot(page, "desktop-console")
