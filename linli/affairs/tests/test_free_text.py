"""One-window text (notes, applicant names, departments, certificate facts and issuers, reasons)
is stored without control characters or direction overrides."""

import pytest

from linli.affairs import services
from linli.affairs.models import Application, ApplicationEvent, Certificate, Forwarding

pytestmark = pytest.mark.django_db

CONTROLS = "\u0001\u001b\u007f\u0080\u009b"  # C0 (SOH, ESC), DEL, C1 (PAD, CSI)
RLO = "\u202e"


def dirty(text):
    return f" {CONTROLS}{text[:1]}{RLO}{CONTROLS}{text[1:]}\u2066\u200b "


def test_applications_and_certificates_store_clean_text(desk):
    import datetime as dt

    from linli.core import idcard

    app = desk.online(note=f"第一行{CONTROLS}\r\n第二行{RLO}")
    assert Application.objects.get(pk=app.pk).note == "第一行\n第二行"  # a note keeps its lines
    by_hand = services.accept_at_window(actor=desk.liede_worker, centre=desk.liede_centre,
                                        item=desk.elder, applicant_name=dirty("李  四"),
                                        applicant_id_number=idcard.make("440106", dt.date(1975, 3, 8), 123),
                                        applicant_phone=dirty("13900001111"), home_community=desk.tree.liede_sq.code,
                                        received=desk.all_materials(desk.elder))
    by_hand.refresh_from_db()
    assert (by_hand.applicant_name, by_hand.applicant_phone) == ("李 四", "13900001111")
    services.forward(actor=desk.liede_worker, app=by_hand, to=dirty("区民政局"), note=dirty("请核实"))
    fwd = Forwarding.objects.get()
    assert (fwd.department, fwd.request_note) == ("区民政局", "请核实")
    services.withdraw(actor=desk.user, app=app, reason=dirty("材料不全"))
    assert ApplicationEvent.objects.filter(application=app).latest("pk").note == "材料不全"
    cert = services.request_certificate(actor=desk.user, kind="ZM01", purpose=dirty("子女入学"), detail=dirty("2020年起"))
    assert (cert.purpose, cert.detail) == ("子女入学", "2020年起")
    cert = services.issue_certificate(actor=desk.liede_worker, cert=cert, issuer_name=dirty("猎德社区居民委员会"),
                                      facts={"since": "2020-01", "address": f"猎德花园{CONTROLS}3栋501", "tenure": "租住"})
    cert = Certificate.objects.get(pk=cert.pk)
    assert cert.issuer_name == "猎德社区居民委员会"
    assert "猎德花园3栋501" in cert.body and not any(ch in cert.body for ch in CONTROLS)


def test_a_reason_of_nothing_but_control_characters_is_no_reason(desk):
    from linli.core.errors import DomainError

    app = desk.online()
    with pytest.raises(DomainError) as err:
        services.refuse(actor=desk.liede_worker, app=app, reason=CONTROLS + RLO)
    assert err.value.details["field"] == "reason"
