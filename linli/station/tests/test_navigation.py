"""Each role lands on its own start page, and the staff menu only offers pages the user's roles
may open (every link followed answers, none with 403)."""

import re

import pytest

from linli.accounts.roles import Role

pytestmark = pytest.mark.django_db


def nav_links(html):
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


@pytest.fixture
def people(station, tree, make_user):
    station.approve()
    station.offer()
    provider_staff = make_user(Role.PROVIDER_STAFF, tree.liede, username="p_staff")
    from linli.station import services

    services.add_staff(actor=station.owner, provider=station.provider, user=provider_staff)
    return {
        Role.PROVIDER_STAFF: provider_staff,
        Role.HANDLER: make_user(Role.HANDLER, tree.liede),
        Role.CASEWORKER: make_user(Role.CASEWORKER, tree.liede_sq),
        Role.GRID_WORKER: make_user(Role.GRID_WORKER, tree.g_liede1),
        Role.COMMUNITY_ADMIN: make_user(Role.COMMUNITY_ADMIN, tree.liede_sq),
        Role.STREET_ADMIN: station.street_admin,
        Role.RESIDENT: station.elder,
        "owner": station.owner,  # on a provider's staff without any role
    }


START = {Role.PROVIDER_STAFF: "/station/console/", Role.HANDLER: "/orders/", Role.CASEWORKER: "/affairs/desk/",
         Role.GRID_WORKER: "/registry/", Role.COMMUNITY_ADMIN: "/registry/", Role.STREET_ADMIN: "/registry/",
         Role.RESIDENT: "/accounts/mine/", "owner": "/station/console/"}


def test_each_role_lands_on_its_own_start_page(client, people):
    for role, user in people.items():
        client.force_login(user)
        resp = client.get("/")
        assert resp.status_code == 302 and resp.url == START[role], role
        assert client.get(resp.url).status_code == 200, role


def test_the_staff_menu_offers_only_pages_the_roles_may_open(client, people):
    seen = {}
    for role, user in people.items():
        if role == Role.RESIDENT:
            continue
        client.force_login(user)
        links = nav_links(client.get(START[role]).content.decode())
        assert links, role
        for href in links:
            if href.startswith("/") and not href.startswith("/accounts/"):
                status = client.get(href).status_code
                assert status in (200, 302), (role, href, status)
        seen[role] = links
    assert set(seen[Role.PROVIDER_STAFF]) == {"/station/console/", "/station/follow-ups/", "/booking/staff/", "/messages/"}
    assert "/registry/" not in seen["owner"] and "/station/console/" in seen["owner"]
    assert "/station/vetting/" in seen[Role.STREET_ADMIN] and "/registry/audit/" in seen[Role.STREET_ADMIN]
    assert "/affairs/desk/" in seen[Role.CASEWORKER] and "/station/vetting/" not in seen[Role.CASEWORKER]
    assert seen[Role.HANDLER][0] == "/orders/"


def test_console_and_day_sheet_share_the_staff_menu_public_pages_offer_login(client, people, station):
    client.force_login(people[Role.PROVIDER_STAFF])
    console = client.get("/station/console/").content.decode()
    resource_id = station.provider.offerings.get().resource_id
    sheet = client.get(f"/booking/staff/{resource_id}/").content.decode()
    assert nav_links(console) == nav_links(sheet)
    assert "/registry/residents/" not in console
    client.logout()
    for url in ("/station/", "/spaces/", f"/booking/r/{resource_id}/"):
        page = client.get(url).content.decode()
        assert 'data-testid="login-link"' in page and f"/accounts/login/?next={url}" in page, url
        assert "/spaces/" in nav_links(page) and "/station/" in nav_links(page)


def test_residents_find_the_shared_spaces_in_their_menu(client, people):
    client.force_login(people[Role.RESIDENT])
    links = nav_links(client.get("/accounts/mine/").content.decode())
    assert "/spaces/" in links and "/station/console/" not in links
