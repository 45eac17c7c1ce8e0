"""A search by a whole ID number or phone goes by POST (never in a URL, where access logs and
browser history keep it), is kept as its lookup hash, and is audited; a number put in the query
string is refused with a message, never a 500 — on the page and in the API."""

import pytest

from linli.accounts.roles import Role
from linli.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(tree, make_user, client):
    user = make_user(Role.GRID_WORKER, tree.g_liede1)
    client.force_login(user)
    return user


@pytest.fixture
def zhang(tree, registry):
    hh = registry.household(tree.g_liede1)
    registry.resident(household=hh, name="李四", phone="13900000000")
    return registry.resident(household=hh, name="张三", phone="13812345678")


def test_page_search_by_id_number_is_posted_audited_and_kept_out_of_the_url(client, zhang, worker):
    resp = client.post("/registry/residents/", {"q": zhang.id_number})
    assert resp.status_code == 302
    assert zhang.id_number not in resp["Location"] and "by=lookup" in resp["Location"]
    page = client.get(resp["Location"]).content.decode()
    assert "张三" in page and "李四" not in page and zhang.masked_id in page and zhang.id_number not in page
    event = AuditEvent.objects.get(action="registry.id_search")
    assert event.actor == worker and event.target_label == zhang.masked_id and zhang.id_number not in str(event.changes)
    # htmx: the results come straight back, the URL never changes
    part = client.post("/registry/residents/", {"q": "13812345678"}, HTTP_HX_REQUEST="true").content.decode()
    assert "张三" in part and "李四" not in part and "138****5678" in part
    assert AuditEvent.objects.filter(action="registry.phone_search", actor=worker).count() == 1


def test_typing_a_number_does_not_search_until_submitted(client, zhang, worker):
    part = client.post("/registry/residents/", {"q": zhang.id_number}, HTTP_HX_REQUEST="true", HTTP_HX_TRIGGER="q")
    assert part.status_code == 200 and "张三" not in part.content.decode() and "回车" in part.content.decode()
    assert not AuditEvent.objects.filter(action="registry.id_search").exists()


def test_names_still_travel_in_the_query_string(client, zhang, worker):
    resp = client.post("/registry/residents/", {"q": "zs"})
    assert resp.status_code == 302 and "q=zs" in resp["Location"]
    assert "张三" in client.get(resp["Location"]).content.decode()
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()


@pytest.mark.parametrize("q", ["id", "13812345678", "44010619800517"])
def test_a_number_in_the_page_url_is_refused_with_a_message(client, zhang, worker, q):
    q = zhang.id_number if q == "id" else q
    resp = client.get("/registry/residents/", {"q": q, "address": "翠苑"}, follow=True)
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "不能放在网址中" in page and q not in page and "张三" in page  # the address filter stays
    assert resp.redirect_chain and q not in resp.redirect_chain[-1][0]


def test_a_bad_id_number_posted_gets_a_message(client, zhang, worker):
    resp = client.post("/registry/residents/", {"q": zhang.id_number[:17] + ("0" if zhang.id_number[17] != "0" else "1")},
                       follow=True)
    assert resp.status_code == 200 and "身份证号校验位错误" in resp.content.decode()


def test_api_refuses_numbers_in_the_query_string_and_searches_them_by_post(client, zhang, worker):
    for url in (f"/api/v1/registry/residents?q={zhang.id_number}", "/api/v1/registry/residents?q=13812345678",
                f"/api/v1/registry/export.xlsx?q={zhang.id_number}"):
        resp = client.get(url)
        assert resp.status_code == 400, url
        assert resp.json()["error"]["code"] == "number_in_url" and "不能放在网址中" in resp.json()["error"]["message"]
    resp = client.post("/api/v1/registry/residents/search", {"q": zhang.id_number}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    assert [r["name"] for r in resp.json()["items"]] == ["张三"]
    assert zhang.id_number not in resp.content.decode()
    assert AuditEvent.objects.filter(action="registry.id_search", actor=worker).count() == 1
    resp = client.post("/api/v1/registry/residents/search", {"q": "zs"}, content_type="application/json")
    assert [r["name"] for r in resp.json()["items"]] == ["张三"]
    assert AuditEvent.objects.filter(action__startswith="registry.").count() == 1
    assert client.get("/api/v1/registry/residents?q=5678").json()["count"] == 1  # a phone's last four is fine


def test_residents_may_not_search_by_number(client, tree, zhang, make_user):
    client.force_login(make_user(Role.RESIDENT, tree.liede_sq))
    resp = client.post("/api/v1/registry/residents/search", {"q": zhang.id_number}, content_type="application/json")
    assert resp.status_code == 403
    assert client.post("/registry/residents/", {"q": zhang.id_number}).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="registry.").exists()
