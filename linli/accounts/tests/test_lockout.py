"""Login names in any spelling, one lockout counter per account, and the client's real address
behind trusted proxies (lockout and the API's address limits)."""

import pytest
from django.test import RequestFactory

from linli.accounts.backends import login_name
from linli.accounts.roles import Role
from linli.core.middleware import client_ip

pytestmark = pytest.mark.django_db


def login(client, username, password="pw-secret-123", **meta):
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta)


@pytest.fixture
def resident(tree, make_user, registry):
    me = registry.resident(household=registry.household(tree.g_liede1), name="王五")
    return make_user(Role.RESIDENT, tree.g_liede1, username="r13800138003", phone="13800138003", resident=me)


@pytest.mark.parametrize("typed", ["13800138003", "138 0013 8003", "+86 138 0013 8003", "+8613800138003",
                                   "86-138-0013-8003", "0086 13800138003", "１３８００１３８００３", "r13800138003",
                                   "R13800138003", " r13800138003 "])
def test_one_account_signs_in_under_every_spelling_of_its_names(client, resident, typed):
    resp = login(client, typed)
    assert resp.status_code == 302, typed
    assert int(client.session["_auth_user_id"]) == resident.pk


def test_staff_usernames_in_any_case(client, tree, make_user):
    staff = make_user(Role.CASEWORKER, tree.liede_sq, username="Caseworker7")
    assert login(client, "caseworker7").status_code == 302 and int(client.session["_auth_user_id"]) == staff.pk
    client.logout()
    assert login(client, "CASEWORKER7").status_code == 302


def test_two_names_of_one_account_share_one_lockout(client, resident):
    for typed in ("13800138003", "r13800138003", "R13800138003", "138 0013 8003"):
        assert login(client, typed, "wrong-password").status_code == 200
    assert login(client, "+86 13800138003", "wrong-password").status_code == 429  # the fifth
    resp = login(client, "r13800138003")  # the right password, under either name: locked
    assert resp.status_code == 429 and "锁定" in resp.content.decode()
    assert login(client, "13800138003").status_code == 429
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["r13800138003"]


def test_behind_a_trusted_proxy_one_person_cannot_lock_out_another(client, resident, settings):
    settings.LINLI_TRUSTED_PROXY_COUNT = 1
    settings.LINLI_CLIENT_IP_HEADER = "X-Forwarded-For"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(5):  # the attacker, writing a false address of their own in front
        login(client, "13800138003", "wrong-password", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9", **proxy)
    assert login(client, "13800138003", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 429
    # the resident, from home, through the same proxy
    assert login(client, "13800138003", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 302


def test_without_trusted_proxies_a_forwarded_header_is_not_believed(client, resident, settings):
    settings.LINLI_TRUSTED_PROXY_COUNT = 0
    for i in range(5):
        login(client, "13800138003", "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    assert login(client, "13800138003", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


def test_client_ip(settings):
    rf = RequestFactory()
    req = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2, 3.3.3.3", HTTP_X_REAL_IP="4.4.4.4")
    settings.LINLI_TRUSTED_PROXY_COUNT = 0
    assert client_ip(req) == "10.0.0.1"
    settings.LINLI_TRUSTED_PROXY_COUNT = 1
    settings.LINLI_CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_ip(req) == "3.3.3.3"
    settings.LINLI_TRUSTED_PROXY_COUNT = 2
    assert client_ip(req) == "2.2.2.2"
    settings.LINLI_TRUSTED_PROXY_COUNT = 5  # fewer entries than proxies: the first one there is
    assert client_ip(req) == "1.1.1.1"
    settings.LINLI_TRUSTED_PROXY_COUNT = 1
    settings.LINLI_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_ip(req) == "4.4.4.4"
    settings.LINLI_CLIENT_IP_HEADER = "X-Forwarded-For"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")) == "10.0.0.1"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1")) == "10.0.0.1"


def test_api_address_limits_count_each_client_not_the_proxy(client, settings, monkeypatch):
    from linli.api import api

    anon = api.throttle[0]
    monkeypatch.setattr(anon, "num_requests", 3)
    url = "/api/v1/affairs/certificates/verify/NOPE"
    settings.LINLI_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(3):
        assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 404
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 404  # another person
    settings.LINLI_TRUSTED_PROXY_COUNT = 0  # no proxy: a forwarded header the client writes changes nothing
    for i in range(3):
        client.get(url, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}", REMOTE_ADDR="192.0.2.200")
    assert client.get(url, HTTP_X_FORWARDED_FOR="192.0.2.77", REMOTE_ADDR="192.0.2.200").status_code == 429


def test_login_name():
    assert login_name(" 138-0013-8000 ") == "13800138000"
    assert login_name("+86 (138) 0013 8000") == "13800138000"
    assert login_name("Admin") == "Admin"
    assert login_name("2138 0013 8000") == "2138 0013 8000"  # not a mobile number: as typed
