"""Area admins manage the staff of their area: nobody grants a role above their own or outside
their area, checked as a grid over the region tree; every change is audited."""

from __future__ import annotations

import pytest

from linli.accounts import selectors, services
from linli.accounts.models import RoleAssignment
from linli.accounts.roles import Role
from linli.core.errors import DomainError
from linli.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ADMINS = {  # who, on which node
    "community": (Role.COMMUNITY_ADMIN, "liede_sq"),
    "street": (Role.STREET_ADMIN, "liede"),
    "district": (Role.DISTRICT_ADMIN, "tianhe"),
    "sibling_community": (Role.COMMUNITY_ADMIN, "huabiao"),
    "other_district": (Role.DISTRICT_ADMIN, "liwan"),
}
TARGETS = {  # role to grant, on which node
    "caseworker@grid": (Role.CASEWORKER, "g_liede1"),
    "caseworker@community": (Role.CASEWORKER, "liede_sq"),
    "community_admin@community": (Role.COMMUNITY_ADMIN, "liede_sq"),
    "street_admin@street": (Role.STREET_ADMIN, "liede"),
    "community_admin@sibling": (Role.COMMUNITY_ADMIN, "huabiao"),
    "caseworker@other_street": (Role.CASEWORKER, "shipai_sq"),
    "district_admin@district": (Role.DISTRICT_ADMIN, "tianhe"),
    "city_admin@city": (Role.CITY_ADMIN, "city"),
}
ALLOWED = {
    "community": {"caseworker@grid", "caseworker@community", "community_admin@community"},
    "street": {"caseworker@grid", "caseworker@community", "community_admin@community", "street_admin@street",
               "community_admin@sibling"},
    "district": set(TARGETS) - {"city_admin@city"},
    "sibling_community": {"community_admin@sibling"},
    "other_district": set(),
}


@pytest.mark.parametrize("admin", list(ADMINS))
def test_grant_grid(admin, tree, make_user):
    role, node = ADMINS[admin]
    actor = make_user(role, getattr(tree, node))
    for n, (target, (grant, where)) in enumerate(TARGETS.items()):
        region = getattr(tree, where)
        expected = target in ALLOWED[admin]
        assert selectors.can_grant(actor, grant, region.path) is expected, (admin, target)
        try:
            services.create_staff(actor=actor, username=f"s{n}_{admin}", password="green-tea-42", role=grant, region=region)
            created = True
        except DomainError as exc:
            assert exc.code == "role_out_of_reach" and exc.status == 403
            created = False
        assert created is expected, (admin, target)
        assert RoleAssignment.objects.filter(user__username=f"s{n}_{admin}").exists() is expected


def test_manage_deactivate_reset_and_audit(tree, make_user, client):
    street = make_user(Role.STREET_ADMIN, tree.liede)
    community = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    worker = services.create_staff(actor=community, username="cw1", password="green-tea-42", display_name="陈社工",
                                   role=Role.CASEWORKER, region=tree.g_liede1)
    assert selectors.can_manage(community, worker) and selectors.can_manage(street, worker)
    assert not selectors.can_manage(community, street)  # above them
    assert not selectors.can_manage(community, community)  # not oneself
    with pytest.raises(DomainError) as err:
        services.set_active(actor=community, user=street, active=False)
    assert err.value.code == "not_your_staff"
    # a role outside the community makes the account the street's to manage, not the community's
    services.grant_role(actor=street, user=worker, role=Role.CASEWORKER, region=tree.huabiao)
    assert not selectors.can_manage(community, worker)
    with pytest.raises(DomainError):
        services.admin_reset_password(actor=community, user=worker, password="black-tea-43")
    with pytest.raises(DomainError) as err:  # the password rules apply
        services.admin_reset_password(actor=street, user=worker, password="12345678")
    assert err.value.code == "weak_password"
    services.admin_reset_password(actor=street, user=worker, password="black-tea-43")
    services.set_active(actor=street, user=worker, active=False)
    worker.refresh_from_db()
    assert not worker.is_active and worker.check_password("black-tea-43")
    actions = set(AuditEvent.objects.filter(target_id=str(worker.pk)).values_list("action", flat=True)) | set(
        AuditEvent.objects.filter(action__startswith="role.").values_list("action", flat=True))
    assert {"user.create", "role.assign", "user.password_reset_by_admin", "user.deactivate"} <= actions
    client.post("/accounts/login/", {"username": "cw1", "password": "black-tea-43"})
    assert "_auth_user_id" not in client.session  # a deactivated account cannot sign in


def test_weak_password_refused_at_staff_creation(tree, make_user):
    community = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    with pytest.raises(DomainError) as err:
        services.create_staff(actor=community, username="cw2", password="short", role=Role.CASEWORKER, region=tree.liede_sq)
    assert err.value.code == "weak_password"


def test_staff_pages(client, tree, make_user):
    community = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    street = make_user(Role.STREET_ADMIN, tree.liede)
    caseworker = make_user(Role.CASEWORKER, tree.liede_sq)
    client.force_login(caseworker)
    assert client.get("/accounts/staff/").status_code == 403
    client.force_login(community)
    page = client.get("/accounts/staff/").content.decode()
    assert caseworker.username in page and street.username not in page
    assert 'value="street_admin"' not in page and tree.huabiao.full_name not in page  # only what they may grant
    assert client.get(f"/accounts/staff/{street.pk}/").status_code == 403
    refused = client.post("/accounts/staff/", {"username": "x1", "password": "green-tea-42", "role": Role.CASEWORKER,
                                               "region": str(tree.huabiao.pk)})
    assert refused.status_code == 200 and not RoleAssignment.objects.filter(user__username="x1").exists()  # not a choice
    resp = client.post(f"/accounts/staff/{caseworker.pk}/", {"action": "deactivate"})
    assert resp.status_code == 302
    caseworker.refresh_from_db()
    assert not caseworker.is_active
    weak = client.post(f"/accounts/staff/{caseworker.pk}/", {"action": "reset", "password": "123"})
    assert weak.status_code == 400


def test_staff_api(client, tree, make_user):
    community = make_user(Role.COMMUNITY_ADMIN, tree.liede_sq)
    client.force_login(community)
    body = {"username": "cw9", "password": "green-tea-42", "role": Role.CASEWORKER, "region_code": tree.g_liede1.code}
    resp = client.post("/api/v1/accounts/staff", body, content_type="application/json")
    assert resp.status_code == 201 and resp.json()["roles"][0]["role"] == Role.CASEWORKER
    pk = resp.json()["id"]
    above = client.post(f"/api/v1/accounts/staff/{pk}/roles", {"role": Role.STREET_ADMIN, "region_code": tree.liede_sq.code},
                        content_type="application/json")
    assert above.status_code == 403 and above.json()["error"]["code"] == "role_out_of_reach"
    outside = client.post("/api/v1/accounts/staff", {**body, "username": "cw10", "region_code": tree.huabiao.code},
                          content_type="application/json")
    assert outside.status_code == 404
    assert "cw9" in [p["username"] for p in client.get("/api/v1/accounts/staff").json()]
    resp = client.post(f"/api/v1/accounts/staff/{pk}/active", {"active": False}, content_type="application/json")
    assert resp.status_code == 200 and resp.json()["is_active"] is False
    weak = client.post(f"/api/v1/accounts/staff/{pk}/password", {"password": "1234"}, content_type="application/json")
    assert weak.status_code == 400 and weak.json()["error"]["code"] == "weak_password"
