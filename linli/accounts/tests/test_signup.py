"""Residents sign up with a phone number and an SMS code, verify their identity against the
registry (or stay unverified), sign in by code, change and reset their password."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts import services
from linli.accounts.models import SmsCode, User
from linli.accounts.roles import Role
from linli.core.errors import DomainError
from linli.core.ratelimit import RateLimited
from linli.core.sms import ConsoleSms as ConsoleSender

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def last_code() -> str:
    text = ConsoleSender.sent[-1][1]
    found = re.search(r"\d{6}", text)
    assert found, text
    return found.group(0)


def test_code_is_stored_hashed_and_signup_makes_an_unverified_account():
    services.send_sms_code(phone="139 1234 5678", purpose="signup")
    code = last_code()
    row = SmsCode.objects.get()
    assert code not in row.code_hash and row.expires_at - timezone.now() <= timedelta(minutes=5)
    assert ConsoleSender.sent[-1][0] == "139****5678"  # never the whole number in a log
    user = services.sign_up(phone=PHONE, code=code, password="green-tea-42")
    assert user.phone == PHONE and user.resident is None and not user.roles.exists()
    assert user.check_password("green-tea-42")
    with pytest.raises(DomainError) as err:  # the code is used up
        services.send_sms_code(phone=PHONE, purpose="signup")
    assert err.value.code == "phone_taken"


def test_wrong_codes_count_and_expire():
    services.send_sms_code(phone=PHONE, purpose="signup")
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.CODE_ATTEMPTS):
        with pytest.raises(DomainError) as err:
            services.sign_up(phone=PHONE, code=wrong, password="green-tea-42")
        assert err.value.code == "code_wrong"
    with pytest.raises(DomainError) as err:  # the right code no longer helps
        services.sign_up(phone=PHONE, code=code, password="green-tea-42")
    assert err.value.code == "code_expired"
    services.send_sms_code(phone=PHONE, purpose="signup")
    SmsCode.objects.filter(used_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DomainError) as err:
        services.sign_up(phone=PHONE, code=last_code(), password="green-tea-42")
    assert err.value.code == "code_expired"
    assert not User.objects.exists()


def test_weak_or_demo_password_refused_at_signup(settings):
    services.send_sms_code(phone=PHONE, purpose="signup")
    with pytest.raises(DomainError) as err:
        services.sign_up(phone=PHONE, code=last_code(), password="12345678")
    assert err.value.code == "weak_password"
    settings.PRODUCTION = True
    with pytest.raises(DomainError) as err:
        services.sign_up(phone=PHONE, code=last_code(), password="Linli@2026")
    assert err.value.code == "weak_password" and "演示密码" in err.value.message
    settings.PRODUCTION = False
    assert services.sign_up(phone=PHONE, code=last_code(), password="Linli@2026").pk  # the code was not used up


def test_rate_limited_per_phone_and_per_address(real_write_limits):
    for _ in range(5):
        services.send_sms_code(phone=PHONE, purpose="signup", client_ip="10.0.0.1")
    with pytest.raises(RateLimited):
        services.send_sms_code(phone=PHONE, purpose="signup", client_ip="10.0.0.2")
    for i in range(15):
        services.send_sms_code(phone=f"1370000{i:04d}", purpose="signup", client_ip="10.0.0.1")
    with pytest.raises(RateLimited):  # 20 an hour from one address, whatever the number
        services.send_sms_code(phone="13600000000", purpose="signup", client_ip="10.0.0.1")


def test_verify_identity_links_the_registry_record(tree, registry, make_user):
    me = registry.resident(household=registry.household(tree.g_liede1), name="王小明")
    user = make_user(None, phone=PHONE)
    with pytest.raises(DomainError) as err:
        services.verify_identity(actor=user, name="王小红", id_number=me.id_number)
    assert err.value.code == "identity_mismatch"
    services.verify_identity(actor=user, name="王小明", id_number=me.id_number.lower())
    user.refresh_from_db()
    assert user.resident == me
    assert list(user.roles.values_list("role", "region")) == [(Role.RESIDENT, tree.g_liede1.pk)]
    other = make_user(None, phone="13700001111")
    with pytest.raises(DomainError) as err:  # one account per registry record
        services.verify_identity(actor=other, name="王小明", id_number=me.id_number)
    assert err.value.code == "identity_taken"


def test_identity_tries_are_limited(tree, registry, make_user, real_write_limits):
    me = registry.resident(household=registry.household(tree.g_liede1), name="王小明")
    user = make_user(None, phone=PHONE)
    for _ in range(5):
        with pytest.raises(DomainError):
            services.verify_identity(actor=user, name="某某", id_number=me.id_number)
    with pytest.raises(RateLimited):
        services.verify_identity(actor=user, name="王小明", id_number=me.id_number)


def test_pages_signup_verify_and_unverified_mine(client, tree, registry):
    me = registry.resident(household=registry.household(tree.g_liede1), name="王小明")
    page = client.post("/accounts/signup/", {"phone": PHONE, "action": "send"})
    assert "验证码已发送" in page.content.decode()
    resp = client.post("/accounts/signup/", {"phone": PHONE, "code": last_code(), "password": "green-tea-42", "action": "go"})
    assert resp.status_code == 302 and resp.url == "/accounts/verify/"
    page = client.get("/accounts/mine/").content.decode()
    assert "尚未核验身份" in page and "/accounts/verify/" in page
    bad = client.post("/accounts/verify/", {"name": "王小明", "id_number": "110101199003077777"})
    assert bad.status_code == 400 and "未能与居民档案对上" in bad.content.decode()
    resp = client.post("/accounts/verify/", {"name": "王小明", "id_number": me.id_number})
    assert resp.status_code == 302
    assert "王小明" in client.get("/accounts/mine/").content.decode()


def test_sign_in_by_code_and_no_probing(client, make_user):
    make_user(None, phone=PHONE)
    n = len(ConsoleSender.sent)
    client.post("/accounts/login/code/", {"phone": "13700009999", "action": "send"})
    assert len(ConsoleSender.sent) == n  # no account, nothing sent, same answer
    page = client.post("/accounts/login/code/", {"phone": PHONE, "action": "send"})
    assert "验证码已发送" in page.content.decode()
    bad = client.post("/accounts/login/code/", {"phone": PHONE, "code": "abcdef", "action": "go"})
    assert bad.status_code == 400 and "_auth_user_id" not in client.session
    resp = client.post("/accounts/login/code/", {"phone": PHONE, "code": last_code(), "action": "go"})
    assert resp.status_code == 302 and "_auth_user_id" in client.session


def test_password_change_and_reset(client, make_user, settings):
    user = make_user(None, phone=PHONE)
    client.force_login(user)
    bad = client.post("/accounts/password/", {"old_password": "nope", "new_password": "green-tea-42"})
    assert bad.status_code == 400 and "原密码不正确" in bad.content.decode()
    weak = client.post("/accounts/password/", {"old_password": "pw-secret-123", "new_password": "1234"})
    assert weak.status_code == 400
    settings.PRODUCTION = True
    demo = client.post("/accounts/password/", {"old_password": "pw-secret-123", "new_password": "Linli@2026"})
    assert demo.status_code == 400 and "演示密码" in demo.content.decode()
    settings.PRODUCTION = False
    ok = client.post("/accounts/password/", {"old_password": "pw-secret-123", "new_password": "green-tea-42"})
    assert ok.status_code == 302 and "_auth_user_id" in client.session  # still signed in
    client.logout()
    client.post("/accounts/password/reset/", {"phone": PHONE, "action": "send"})
    resp = client.post("/accounts/password/reset/", {"phone": PHONE, "code": last_code(), "password": "black-tea-43", "action": "go"})
    assert resp.status_code == 302
    user.refresh_from_db()
    assert user.check_password("black-tea-43")


def test_api_signup_and_verify(client, tree, registry):
    me = registry.resident(household=registry.household(tree.g_liede1), name="王小明")
    assert client.post("/api/v1/accounts/sms-code", {"phone": PHONE}, content_type="application/json").status_code == 200
    resp = client.post("/api/v1/accounts/signup", {"phone": PHONE, "code": "999999x", "password": "green-tea-42"},
                       content_type="application/json")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "code_wrong"
    resp = client.post("/api/v1/accounts/signup", {"phone": PHONE, "code": last_code(), "password": "green-tea-42"},
                       content_type="application/json")
    assert resp.status_code == 201 and resp.json()["verified"] is False
    client.force_login(User.objects.get(username=f"R{PHONE}"))
    resp = client.post("/api/v1/accounts/me/verify", {"name": "王小明", "id_number": me.id_number}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["verified"] is True


def test_unverified_account_is_told_to_verify_before_applying_online(make_user):
    from linli.affairs import services as affairs

    user = make_user(None, phone=PHONE)
    with pytest.raises(DomainError) as err:
        affairs.request_certificate(actor=user, kind="ZM01", purpose="入学")
    assert err.value.code == "no_profile" and "核验身份" in str(err.value.message)
