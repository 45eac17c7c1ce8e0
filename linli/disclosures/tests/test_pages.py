"""Pages of public disclosure: the public list and page, the objection form, the printable
version, the staff pages; isolation (a sibling community's staff see and answer nothing; a
residents-only kind is not shown to outsiders); no personal data on any public page."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from linli.disclosures import kinds, services
from linli.disclosures.models import Objection
from linli.disclosures.states import Status

pytestmark = pytest.mark.django_db


def test_a_resident_reads_and_objects_and_staff_answer(client, world):
    d = world.publish()
    client.force_login(world.resident)
    page = client.get(f"/disclosures/{d.pk}/").content.decode()
    assert d.title in page and 'data-testid="objection-form"' in page
    resp = client.post(f"/disclosures/{d.pk}/", {"text": "一楼住户没有参与表决", "phone": "13900000001"})
    assert resp.status_code == 302
    o = Objection.objects.get()
    client.force_login(world.worker)
    staff_page = client.get(f"/disclosures/staff/{d.pk}/").content.decode()
    assert "一楼住户没有参与表决" in staff_page and "13900000001" not in staff_page  # staff see it masked
    resp = client.post(f"/disclosures/staff/{d.pk}/", {"action": "answer", "objection": o.pk, "outcome": "rejected",
                                                       "answer": "一楼住户已书面表决，记录可查"})
    assert resp.status_code == 302
    client.logout()
    client.force_login(world.resident)
    page = client.get(f"/disclosures/{d.pk}/").content.decode()
    assert "一楼住户已书面表决，记录可查" in page and "异议不成立" in page


def test_the_public_list_of_an_area_shows_public_kinds_to_anyone(client, world, tree):
    public = world.publish(kind="disclosures.general", title="社区活动场地开放时间调整")
    residents_only = world.publish(title="业主决议内部公示")
    page = client.get(f"/disclosures/area/{tree.liede_sq.path}/").content.decode()
    assert public.title in page and residents_only.title not in page
    street_page = client.get(f"/disclosures/area/{tree.liede.path}/").content.decode()
    assert public.title in street_page  # a street's list shows its communities' public disclosures
    client.force_login(world.resident)
    assert residents_only.title in client.get(f"/disclosures/area/{tree.liede_sq.path}/").content.decode()
    assert client.get("/disclosures/area/abc/").status_code == 404


def test_a_residents_only_kind_is_not_shown_to_outsiders(client, world):
    d = world.publish()
    assert client.get(f"/disclosures/{d.pk}/").status_code == 404
    client.force_login(world.outsider)
    assert client.get(f"/disclosures/{d.pk}/").status_code == 404
    assert client.post(f"/disclosures/{d.pk}/", {"text": "我有异议内容"}).status_code == 404
    assert client.get(f"/disclosures/{d.pk}/print/").status_code == 404
    assert not Objection.objects.exists()


def test_a_sibling_communitys_staff_see_and_answer_nothing(client, world):
    d = world.publish()
    o = world.object(d)
    for outsider in (world.sibling, world.sibling_worker, world.other_street):
        client.force_login(outsider)
        assert client.get(f"/disclosures/staff/{d.pk}/").status_code == 404
        assert client.post(f"/disclosures/staff/{d.pk}/", {"action": "answer", "objection": o.pk, "outcome": "upheld",
                                                           "answer": "越权答复内容"}).status_code == 404
        assert client.post(f"/disclosures/staff/{d.pk}/correct/", {"title": "x", "content": "越权更正内容", "note": "越权"}).status_code == 404
        assert d.title not in client.get("/disclosures/staff/").content.decode()
    o.refresh_from_db()
    assert o.status == "lodged"
    client.force_login(world.street)  # the street above sees and answers
    assert client.get(f"/disclosures/staff/{d.pk}/").status_code == 200


def test_residents_do_not_reach_the_staff_pages(client, world):
    d = world.publish()
    client.force_login(world.resident)
    assert client.get("/disclosures/staff/").status_code == 403
    assert client.get(f"/disclosures/staff/{d.pk}/").status_code == 403


def test_staff_publish_correct_and_withdraw_through_the_pages(client, world, tree):
    client.force_login(world.worker)
    assert client.get("/disclosures/staff/new/").status_code == 200
    resp = client.post("/disclosures/staff/new/", {"kind": "disclosures.general", "region": tree.liede_sq.path,
                                                   "title": "停水通知公示", "content": "因管道维修，周六停水一天。"})
    assert resp.status_code == 302
    d = world.tree and services.Disclosure.objects.get(title="停水通知公示")
    assert d.status == Status.OPEN and d.publisher == world.worker
    resp = client.post(f"/disclosures/staff/{d.pk}/correct/", {"title": "停水通知公示(更正)", "content": "因管道维修，周日停水一天。",
                                                               "note": "日期更正为周日"})
    new = services.Disclosure.objects.get(version=2)
    assert resp.status_code == 302 and new.series_id == d.pk
    page = client.get(f"/disclosures/{d.pk}/").content.decode()
    assert "周日停水" in page and "周六停水" in page and "日期更正为周日" in page  # the old version kept readable
    client.post(f"/disclosures/staff/{new.pk}/", {"action": "withdraw", "reason": "维修计划取消"})
    new.refresh_from_db()
    assert new.status == Status.WITHDRAWN
    # a region outside the worker's area is not offered, and refused when posted
    resp = client.post("/disclosures/staff/new/", {"kind": "disclosures.general", "region": tree.pantang.path,
                                                   "title": "越权公示", "content": "越权发布的内容"})
    assert resp.status_code == 200 and not services.Disclosure.objects.filter(title="越权公示").exists()


def test_the_printable_version_is_a_pdf_with_the_qr_code(client, world):
    d = world.publish(kind="disclosures.general")
    resp = client.get(f"/disclosures/{d.pk}/print/")
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf" and resp.content[:5] == b"%PDF-"
    page = client.get(f"/disclosures/{d.pk}/").content.decode()
    assert "<svg" in page  # the QR code to the online page


ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _literal(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i:i + 1]
        if c == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            out += ESCAPES.get(raw[i + 1:i + 2], raw[i + 1:i + 2])
            i += 2
            continue
        out += c
        i += 1
    return bytes(out)


def _pdf_text(data: bytes) -> str:
    """The text drawn in one of core.documents' PDFs (uncompressed): each string shown, read as
    UCS-2 where it is in the CJK font (/F2) and as Latin-1 otherwise."""
    lines = []
    for font, raw in re.findall(rb"/(F\d+) [\d.]+ Tf [^(/]*\(((?:[^\\)]|\\.)*)\) Tj", data, re.S):
        text = _literal(raw)
        lines.append(text.decode("utf-16-be", "replace") if font == b"F2" else text.decode("latin-1"))
    return "\n".join(lines)


ID_RE = re.compile(r"\d{17}[\dX]")
PHONE_RE = re.compile(r"1[3-9]\d{9}")


@pytest.mark.parametrize("code", [k.code for k in kinds.all_kinds()])
def test_no_personal_data_on_any_public_page_of_any_kind(client, world, code, django_capture_on_commit_callbacks):
    """Every registered kind's public HTML, API and printout, with answered objections whose
    contact details carry a full name, a phone and an ID number: none of them shows."""
    d = world.publish(kind=code, title="公示标题", content="公示正文内容")
    for i in range(2):
        o = world.object(d, text=f"异议内容第{i}条", name="欧阳明华", phone="13912345678", id_number=world.id_number)
        services.answer_objection(actor=world.worker, objection=o, answer="答复内容已核实", outcome="partly")
    client.force_login(world.resident)  # a resident of the area sees every kind
    pages = [client.get(f"/disclosures/{d.pk}/").content.decode(),
             client.get(f"/disclosures/area/{world.tree.liede_sq.path}/").content.decode(),
             client.get(f"/api/v1/disclosures/{d.pk}").content.decode()]
    assert "答复内容已核实" in pages[0] and "异议内容第1条" in pages[0]
    pdf = client.get(f"/disclosures/{d.pk}/print/").content
    assert "公示标题" in _pdf_text(pdf) and "答复内容已核实" in _pdf_text(pdf)  # the reader reads this PDF
    for text in pages + [_pdf_text(pdf)]:
        assert world.id_number not in text and "13912345678" not in text
        assert "欧阳明华" not in text
        assert not ID_RE.search(text) and not PHONE_RE.search(text)
    if kinds.get(code).personal_data == kinds.MASKED_NAMES:
        assert "欧**华" in pages[0]
    # the disclosure ended: still no contact data in the archive
    services.Disclosure.objects.filter(pk=d.pk).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    services.close_due()
    archived = client.get(f"/disclosures/{d.pk}/").content.decode()
    assert "13912345678" not in archived and world.id_number not in archived


def test_building_leaders_and_grid_workers_do_not_manage_disclosures(client, world, make_user, tree):
    d = world.publish()
    o = world.object(d)
    for role in ("building_leader", "grid_worker"):
        client.force_login(make_user(role, tree.g_liede1))
        assert client.get("/disclosures/staff/").status_code == 403
        assert client.get(f"/disclosures/staff/{d.pk}/").status_code == 403
        resp = client.post(f"/api/v1/disclosures/objections/{o.pk}/answer", {"answer": "越权答复内容", "outcome": "upheld"},
                           content_type="application/json")
        assert resp.status_code == 404 and resp.json()["error"]["code"] == "not_found"
        assert client.get(f"/disclosures/{d.pk}/").status_code == 404  # no registry record in the area: not its audience
    o.refresh_from_db()
    assert o.status == "lodged"


def test_the_admin_lists_without_contact_details(client, world, root):
    d = world.publish()
    world.object(d, phone="13911112222")
    client.force_login(root)
    page = client.get("/admin/disclosures/objection/").content.decode()
    assert "13911112222" not in page
    o = d.objections.get()
    detail = client.get(f"/admin/disclosures/objection/{o.pk}/change/").content.decode()
    assert "13911112222" not in detail and "分摊比例" in detail
    assert client.get("/admin/disclosures/disclosure/").status_code == 200
