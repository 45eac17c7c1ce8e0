"""The rules grid of the one-window services: every action of an application and a certificate,
for every role, in every state — the expected answer written down, checked against
``selectors.available_actions`` (what pages and the API show) and ``has_perm``."""

import pytest

from linli.affairs import selectors
from linli.affairs.models import Application, Certificate, CertificateKind, ServiceItem
from linli.affairs.states import CertificateState as CS
from linli.affairs.states import Status as S
from linli.core.tests.rules_grid import (
    ADMIN_ELSEWHERE,
    ADMIN_HERE,
    ADMIN_NEIGHBOUR,
    ANONYMOUS,
    BUILDING_LEADER,
    CASEWORKER,
    CITY,
    DISTRICT,
    GRID,
    HANDLER,
    OWNER,
    PROVIDER,
    RESIDENT,
    ROLES,
    STREET_ABOVE,
    STREET_OTHER,
    check_cell,
    make_actor,
    words,
)

pytestmark = pytest.mark.django_db

NOTHING = dict.fromkeys(S.values, "")
# the window's staff over the accepting community (caseworkers, the admins above them)
WINDOW = {
    S.SUBMITTED: "accept refuse withdraw",
    S.ACCEPTED: "request_correction process forward complete withdraw",
    S.IN_PROGRESS: "request_correction forward complete withdraw",
    S.FORWARDED: "request_correction return",
    S.CORRECTION: "supply withdraw",
    S.REFUSED: "", S.COMPLETED: "", S.WITHDRAWN: "",
}
APPLICANT = {
    S.SUBMITTED: "withdraw", S.ACCEPTED: "withdraw",
    S.IN_PROGRESS: "",  # started: withdrawn by the window at the applicant's request
    S.FORWARDED: "", S.CORRECTION: "supply withdraw",
    S.REFUSED: "", S.COMPLETED: "rate", S.WITHDRAWN: "",
}
APPLICATION_GRID = {
    OWNER: APPLICANT, RESIDENT: NOTHING, GRID: NOTHING, CASEWORKER: WINDOW, ADMIN_HERE: WINDOW,
    ADMIN_ELSEWHERE: NOTHING, ADMIN_NEIGHBOUR: NOTHING, BUILDING_LEADER: NOTHING, STREET_ABOVE: WINDOW, STREET_OTHER: NOTHING, DISTRICT: WINDOW, CITY: WINDOW,
    HANDLER: NOTHING, PROVIDER: NOTHING, ANONYMOUS: NOTHING,
}


def _application(owner, status, **kw):
    return Application(number="A1", item_name="高龄津贴", applicant_user=owner, applicant_name="申请人",
                       region_path="440106001001", home_path="440106001001", status=status,
                       finish_at=ServiceItem.Finish.COMMUNITY, **kw)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", S.values)
def test_application_grid(role, status, tree, make_user, registry):
    actor = make_actor(role, tree, make_user, registry)
    owner = actor if role == OWNER else make_user("resident", tree.g_liede1)
    check_cell(selectors.APPLICATION_ACTIONS, actor, _application(owner, status), words(APPLICATION_GRID[role][status]))


def test_the_one_correction_notice_and_one_rating(tree, make_user):
    """一次性告知: no second correction notice; 好差评: one rating."""
    worker = make_user("caseworker", tree.liede_sq)
    owner = make_user("resident", tree.g_liede1)
    assert "request_correction" not in selectors.available_actions(
        worker, _application(owner, S.ACCEPTED, correction_notified=True))
    assert selectors.available_actions(owner, _application(owner, S.COMPLETED, rating=5)) == []


def test_a_matter_decided_elsewhere_is_completed_with_that_decision(desk):
    from linli.affairs import services

    item = ServiceItem.objects.exclude(finish_at=ServiceItem.Finish.COMMUNITY).first()
    app = desk.at_pantang(item)
    assert "complete" not in selectors.available_actions(desk.pantang_worker, app)
    app = desk.decide(app)
    assert "complete" in selectors.available_actions(desk.pantang_worker, app)
    services.complete(actor=desk.pantang_worker, app=app, outcome="", note="按审核结果办结")


def test_the_services_follow_the_withdrawal_rule(desk):
    """The applicant withdraws alone before the work starts; once in progress, the window does."""
    from linli.affairs import services
    from linli.core.errors import Conflict

    app = services.process(actor=desk.pantang_worker, app=desk.at_pantang())
    assert selectors.available_actions(desk.user, app) == []
    with pytest.raises(Conflict) as refused:
        services.withdraw(actor=desk.user, app=app)
    assert refused.value.code == "withdraw_at_window"
    assert "withdraw" in selectors.available_actions(desk.pantang_worker, app)
    assert services.withdraw(actor=desk.pantang_worker, app=app, reason="申请人电话要求").status == S.WITHDRAWN


# ---------------------------------------------------------------- certificates

NO_CERT = dict.fromkeys(CS.values, "")
CERT_WINDOW = {CS.REQUESTED: "issue refuse", CS.ISSUED: "revoke", CS.REFUSED: "", CS.REVOKED: ""}
CERTIFICATE_GRID = {
    OWNER: NO_CERT,  # the requester only reads it
    RESIDENT: NO_CERT, GRID: NO_CERT, CASEWORKER: CERT_WINDOW, ADMIN_HERE: CERT_WINDOW, ADMIN_ELSEWHERE: NO_CERT, ADMIN_NEIGHBOUR: NO_CERT, BUILDING_LEADER: NO_CERT,
    STREET_ABOVE: CERT_WINDOW, STREET_OTHER: NO_CERT, DISTRICT: CERT_WINDOW, CITY: CERT_WINDOW, HANDLER: NO_CERT,
    PROVIDER: NO_CERT, ANONYMOUS: NO_CERT,
}


def _certificate(owner, state, *, on_list=True):
    return Certificate(kind=CertificateKind(code="JZ", name="居住证明", active=on_list), requester=owner,
                       subject_name="申请人", purpose="入学", region_path="440106001001", state=state)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", CS.values)
def test_certificate_grid(role, state, tree, make_user, registry):
    actor = make_actor(role, tree, make_user, registry)
    owner = actor if role == OWNER else make_user("resident", tree.g_liede1)
    check_cell(selectors.CERTIFICATE_ACTIONS, actor, _certificate(owner, state), words(CERTIFICATE_GRID[role][state]))


def test_a_certificate_taken_off_the_list_can_only_be_refused(tree, make_user):
    worker = make_user("caseworker", tree.liede_sq)
    assert selectors.available_actions(worker, _certificate(None, CS.REQUESTED, on_list=False)) == ["refuse"]
