"""The service worker's rules for the pages it keeps for reading offline: only the public pages
(a portal, a public notice or disclosure and their area lists), never a staff or resident page,
a search, a feed, an address with a query or the API; a bounded number; the copy fetched without
cookies."""

import json
import re

import pytest

from linli.portal.views import KEPT_MAX, KEPT_PAGES

pytestmark = pytest.mark.django_db

KEPT = ["/portal/440106001001/", "/portal/440106001000/", "/notices/public/12/", "/notices/public/area/440106001/",
        "/disclosures/7/", "/disclosures/area/440106001001/"]
NOT_KEPT = ["/", "/portal/440106001001/search", "/portal/440106001001/feed/", "/portal/440106001001/feed/atom/",
            "/portal/choose/", "/portal/4401/", "/portal/440106001001", "/notices/", "/notices/12/", "/notices/mine/",
            "/notices/leader/", "/notices/12/coverage/", "/notices/12/print.pdf", "/disclosures/", "/disclosures/staff/",
            "/disclosures/staff/7/", "/disclosures/7/print/", "/disclosures/files/3/", "/api/v1/disclosures/7",
            "/api/v1/portal/440106001001/", "/registry/", "/accounts/login/", "/messages/", "/orders/mine/",
            "/offline/", "/sw.js", "/disclosures/7/../staff/7/", "/portal/440106001001/x/"]


def rules():
    return [re.compile(p) for p in KEPT_PAGES]


@pytest.mark.parametrize("path", KEPT)
def test_public_pages_are_kept(path):
    assert any(r.search(path) for r in rules())


@pytest.mark.parametrize("path", NOT_KEPT)
def test_other_pages_are_not_kept(path):
    assert not any(r.search(path) for r in rules())


def test_the_worker_carries_the_rules(client, settings):
    body = client.get("/sw.js").content.decode()
    keep = json.loads(re.search(r"var KEEP = (\[.*?\])\.map", body).group(1))
    assert keep == list(KEPT_PAGES)
    assert f"var KEPT_MAX = {KEPT_MAX};" in body
    # the kept copy is fetched without cookies (the page as someone signed out sees it), not after a redirect
    assert 'credentials: "omit"' in body and 'redirect: "error"' in body
    assert "url.search" in body  # an address with a query is never kept
    assert "/no-store|private/" in body and 'indexOf("text/html")' in body
    assert 'var PAGES = "linli-pages-' in body and "k !== PAGES" in body
    assert client.get("/sw.js").content.decode() == body  # the same bytes each time: no needless update
    settings.LINLI_OFFLINE_PAGES = 5
    assert "var KEPT_MAX = 5;" in client.get("/sw.js").content.decode()


def test_the_kept_public_pages_carry_nothing_personal_when_signed_out(client, tree, make_user):
    """What the worker fetches without cookies: the portal page carries no account, and a staff
    page sends someone signed out to the login (a redirect, which the worker refuses to keep)."""
    from linli.accounts.roles import Role

    admin = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq, username="liede_admin_x")
    page = client.get(f"/portal/{tree.liede_sq.code}/")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert admin.display_name not in page.content.decode()
    assert client.get("/disclosures/staff/").status_code == 302
    assert client.get("/notices/mine/").status_code == 302
