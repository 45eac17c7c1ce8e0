import pytest

from linli.affairs import services
from linli.affairs.models import Application, ServiceItem

pytestmark = pytest.mark.django_db


def test_public_catalogue_item_and_status_pages(client, desk):
    page = client.get("/affairs/?q=高龄").content.decode()
    assert "高龄津贴申领" in page and "居家养老服务申请" not in page
    page = client.get("/affairs/items/YL01/").content.decode()
    for m in desk.elder.materials.all():
        assert m.name in page
    assert "10" in page and "全市通办" in page
    app = desk.at_pantang()
    page = client.get(f"/affairs/s/{app.public_token}/").content.decode()
    assert app.number in page and "已受理" in page and "申请人甲" not in page  # status only
    assert client.get("/affairs/s/nonsense/").status_code == 404
    assert client.get("/affairs/items/NOPE/").status_code == 404


def test_window_intake_receipt_and_workbench(client, desk):
    client.force_login(desk.pantang_worker)
    page = client.post("/affairs/desk/new/?item=YL01", {"lookup": "1", "item": "YL01",
                                                        "id_number": desk.resident.id_number}).content.decode()
    assert "申请人甲" in page and desk.resident.id_number not in page  # found, shown masked, not echoed
    received = [str(m.pk) for m in desk.elder.materials.all()]
    resp = client.post("/affairs/desk/new/", {"submit": "1", "item": "YL01",
                                              "centre": desk.pantang_centre.pk, "received": received, "token": "t1"})
    app = Application.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/affairs/receipt/{app.pk}/"
    receipt = client.get(resp["Location"]).content.decode()
    assert app.number in receipt and "<svg" in receipt and f"/affairs/s/{app.public_token}/" in receipt
    assert app.due_date.isoformat() in receipt and desk.resident.id_number not in receipt
    client.post("/affairs/desk/new/", {"submit": "1", "item": "YL01", "applicant_name": "申请人甲",
                                       "applicant_id_number": desk.resident.id_number, "centre": desk.pantang_centre.pk,
                                       "token": "t1"})
    assert Application.objects.count() == 1  # the same form sent twice
    assert app.number in client.get("/affairs/desk/").content.decode()
    client.force_login(desk.liede_worker)  # the applicant's home community does not see it
    assert app.number not in client.get("/affairs/desk/").content.decode()
    assert client.get(f"/affairs/desk/{app.pk}/").status_code == 404
    assert client.get(f"/affairs/receipt/{app.pk}/").status_code == 404
    client.force_login(desk.user)
    assert client.get("/affairs/desk/").status_code == 403
    assert app.number in client.get("/affairs/my/").content.decode()


def test_correction_upload_and_rating_through_pages(client, desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = services.accept(actor=desk.liede_worker, app=desk.online())
    card = app.materials.first()
    client.force_login(desk.liede_worker)
    client.post(f"/affairs/desk/{app.pk}/", {"action": "request_correction", "materials": [card.pk], "extra": ""})
    app.refresh_from_db()
    assert app.status == "correction"
    client.force_login(desk.user)
    page = client.get(f"/affairs/my/{app.pk}/").content.decode()
    assert "需补正" in page and card.name in page
    client.post(f"/affairs/my/{app.pk}/", {"material": card.pk, "file": SimpleUploadedFile("id.pdf", b"%PDF-1.4 x")})
    app.refresh_from_db()
    assert app.status == "accepted"
    client.force_login(desk.huabiao_worker)  # same street, other community
    assert client.get(f"/affairs/materials/{card.pk}/").status_code == 404
    client.force_login(desk.liede_worker)
    assert client.get(f"/affairs/materials/{card.pk}/").status_code == 200
    desk.decide(app, actor=desk.liede_worker)  # 高龄津贴: the street decides
    client.post(f"/affairs/desk/{app.pk}/", {"action": "complete", "outcome": "approved", "note": "核准"})
    client.force_login(desk.user)
    client.post(f"/affairs/my/{app.pk}/", {"rating": "4", "comment": "不错"})
    app.refresh_from_db()
    assert app.status == "completed" and app.rating == 4


def issue_through_desk(client, cert, facts, issuer="猎德社区居民委员会"):
    """The certificate desk: fill in the kind's fields, preview, issue what was previewed."""
    import re

    url = f"/affairs/desk/certificates/{cert.pk}/"
    form = {f"f_{k}": v for k, v in facts.items()} | {"issuer_name": issuer}
    page = client.post(url, {**form, "action": "preview"}).content.decode()
    found = re.search(r'name="previewed" value="(\w+)"', page)
    return client.post(url, {**form, "action": "issue", "previewed": found.group(1) if found else ""}, follow=True)


def test_certificate_pages_refusal_document_and_pdf(client, desk):
    client.force_login(desk.user)
    resp = client.post("/affairs/certificates/request/", {"other": "无犯罪记录证明", "purpose": "求职"})
    assert resp.status_code == 400 and "不在社区可出具证明清单内" in resp.content.decode()
    assert 'href="/affairs/certificates/"' in resp.content.decode()
    client.post("/affairs/certificates/request/", {"kind": "ZM01", "purpose": "子女入学"})
    from linli.affairs.models import Certificate

    cert = Certificate.objects.get()
    client.force_login(desk.liede_worker)
    issue_through_desk(client, cert, {"since": "2019-03", "address": "猎德花园1栋101", "tenure": "自有住房"})
    cert.refresh_from_db()
    assert cert.state == "issued"
    client.force_login(desk.user)
    html = client.get(f"/affairs/certificates/{cert.pk}/").content.decode()
    assert cert.serial in html and cert.verify_code in html and "<svg" in html
    pdf = client.get(f"/affairs/certificates/{cert.pk}/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert f"/affairs/verify/{cert.verify_code}/".encode() in pdf.content
    client.force_login(desk.pantang_worker)
    assert client.get(f"/affairs/certificates/{cert.pk}/").status_code == 404
    assert client.post("/affairs/desk/certificates/", {"cert": "x'", "action": "issue"}).status_code == 302  # no 500
    client.force_login(desk.liede_worker)
    app = services.accept_at_window(actor=desk.liede_worker, centre=desk.liede_centre, item=desk.elder, resident=desk.resident,
                                    received=desk.all_materials(desk.elder))
    assert client.post(f"/affairs/desk/{app.pk}/", {"action": "received", "material": "abc"}).status_code == 302


def test_accepting_online_records_window_and_correction_only_once_through_pages(client, desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.affairs.models import ServiceCentre

    station = ServiceCentre.objects.create(name="猎德社区便民服务站", region=desk.tree.g_liede2, address="猎德路9号")
    app = desk.online()
    client.force_login(desk.liede_worker)
    page = client.get(f"/affairs/desk/{app.pk}/").content.decode()
    assert 'name="centre_id"' in page and "猎德社区便民服务站" in page and "泮塘" not in page
    client.post(f"/affairs/desk/{app.pk}/", {"action": "accept", "centre_id": str(station.pk)})
    app.refresh_from_db()
    assert app.status == "accepted" and app.centre == station
    assert "猎德社区便民服务站" in client.get(f"/affairs/receipt/{app.pk}/").content.decode()
    assert client.post(f"/affairs/desk/{app.pk}/", {"action": "accept", "centre_id": "x"}).status_code == 302  # no 500
    card = app.materials.first()
    client.post(f"/affairs/desk/{app.pk}/", {"action": "request_correction", "materials": [card.pk], "extra": ""})
    client.force_login(desk.user)
    client.post(f"/affairs/my/{app.pk}/", {"material": card.pk, "file": SimpleUploadedFile("id.pdf", b"%PDF-1.4 x")})
    client.force_login(desk.liede_worker)
    page = client.get(f"/affairs/desk/{app.pk}/").content.decode()
    assert 'data-testid="correction-used"' in page and 'value="request_correction"' not in page
    resp = client.post(f"/affairs/desk/{app.pk}/", {"action": "request_correction", "materials": [card.pk]}, follow=True)
    assert "一次性告知" in resp.content.decode()
    app.refresh_from_db()
    assert app.status == "accepted"


def test_certificate_desk_flags_kinds_taken_off_the_list(client, desk):
    from linli.affairs.models import Certificate, CertificateKind

    cert = services.request_certificate(actor=desk.user, kind="ZM05", purpose="助学")
    CertificateKind.objects.filter(code="ZM05").update(active=False)
    client.force_login(desk.liede_worker)
    page = client.get("/affairs/desk/certificates/").content.decode()
    assert f'data-testid="off-list-{cert.pk}"' in page and 'href="/affairs/certificates/"' in page
    assert f'data-testid="issue-{cert.pk}"' not in page
    resp = issue_through_desk(client, cert, {"address": "猎德花园1栋101", "members": "3", "income": "1000", "cause": "患病"})
    assert "已不在社区可出具证明清单内" in resp.content.decode()
    assert Certificate.objects.get(pk=cert.pk).state == "requested"


def test_result_notice_and_document_reachable_only_by_applicant_and_window(client, desk, make_user):
    from linli.core.models import AuditEvent

    def decided(outcome):
        return desk.decide(services.accept(actor=desk.liede_worker, app=desk.online(confirm_duplicate=True)),
                           actor=desk.liede_worker, outcome=outcome)

    plain = services.complete(actor=desk.liede_worker, app=decided("denied"), outcome="denied", note="年龄未满80周岁")
    app = services.complete(actor=desk.liede_worker, app=decided("approved"),
                            outcome="approved", note="核准，次月起发放", document=b"%PDF-1.4 approval letter")
    client.force_login(desk.user)
    page = client.get(f"/affairs/my/{app.pk}/").content.decode()
    assert f'href="/affairs/result/{app.pk}/"' in page and f'href="/affairs/result/{app.pk}/document/"' in page
    doc = client.get(f"/affairs/result/{app.pk}/document/")
    assert doc.status_code == 200 and doc["Content-Type"] == "application/pdf"
    assert b"".join(doc.streaming_content) == b"%PDF-1.4 approval letter"
    notice = client.get(f"/affairs/result/{app.pk}/").content.decode()
    assert app.number in notice and "准予" in notice and "核准，次月起发放" in notice
    assert desk.resident.id_number not in notice and app.masked_id_number in notice
    # a completed matter without an uploaded document still has its notice (with the appeal rights when denied)
    page = client.get(f"/affairs/my/{plain.pk}/").content.decode()
    assert f'href="/affairs/result/{plain.pk}/"' in page and f"/affairs/result/{plain.pk}/document/" not in page
    assert "行政复议" in client.get(f"/affairs/result/{plain.pk}/").content.decode()
    assert client.get(f"/affairs/result/{plain.pk}/document/").status_code == 404
    pdf = client.get(f"/affairs/result/{plain.pk}/?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert f"/affairs/s/{plain.public_token}/".encode() in pdf.content
    # the window: links on the desk page, and a staff view of the document is audited
    client.force_login(desk.liede_worker)
    page = client.get(f"/affairs/desk/{app.pk}/").content.decode()
    assert f'href="/affairs/result/{app.pk}/"' in page and f'href="/affairs/result/{app.pk}/document/"' in page
    assert client.get(f"/affairs/result/{app.pk}/document/").status_code == 200
    assert AuditEvent.objects.filter(action="affairs.result_view", target_id=str(app.pk), actor=desk.liede_worker).exists()
    # nobody else: another community of the street, another district, another resident
    stranger = make_user("resident", desk.tree.g_liede1)
    for other in (desk.huabiao_worker, desk.pantang_worker, desk.pantang_admin, stranger):
        client.force_login(other)
        for url in (f"/affairs/result/{app.pk}/", f"/affairs/result/{app.pk}/?format=pdf", f"/affairs/result/{app.pk}/document/"):
            assert client.get(url).status_code == 404, (other, url)
    client.force_login(desk.liede_worker)
    running = services.accept(actor=desk.liede_worker, app=desk.online(confirm_duplicate=True))
    assert client.get(f"/affairs/result/{running.pk}/").status_code == 404  # not completed yet


def test_forwarding_and_department_return_through_pages(client, desk):
    app = services.accept(actor=desk.liede_worker, app=desk.online())
    client.force_login(desk.liede_worker)
    page = client.get(f"/affairs/desk/{app.pk}/").content.decode()
    assert 'id="forward-form"' in page and 'name="days"' in page and 'id="return-form"' not in page
    client.post(f"/affairs/desk/{app.pk}/", {"action": "forward", "to": "天河区民政局", "days": "abc"})  # no 500
    app.refresh_from_db()
    assert app.status == "accepted"
    client.post(f"/affairs/desk/{app.pk}/", {"action": "forward", "to": "天河区民政局", "days": "4", "note": "请复核年龄"})
    app.refresh_from_db()
    assert app.status == "forwarded"
    page = client.get(f"/affairs/desk/{app.pk}/").content.decode()
    assert 'data-testid="forwardings"' in page and "天河区民政局" in page and "请复核年龄" in page and 'id="return-form"' in page
    client.force_login(desk.huabiao_worker)  # another community of the same street cannot record the return
    assert client.post(f"/affairs/desk/{app.pk}/", {"action": "return", "outcome": "approved", "note": "x"}).status_code == 404
    client.force_login(desk.liede_worker)
    client.post(f"/affairs/desk/{app.pk}/", {"action": "return", "outcome": "approved", "note": "区民政局审核通过"})
    app.refresh_from_db()
    assert app.status == "in_progress"
    client.force_login(desk.user)
    page = client.get(f"/affairs/my/{app.pk}/").content.decode()
    assert 'data-testid="forwardings"' in page and "天河区民政局" in page and "部门审核通过" in page
    assert "请复核年龄" not in page and "部门反馈" in page  # the timeline names the return, not the internal notes


def test_catalogue_says_where_each_item_is_accepted(client, desk):
    page = client.get("/affairs/").content.decode()
    assert 'data-testid="where-YL01">全市通办' in page and 'data-testid="where-HJ04">居住地社区' in page
    assert 'data-testid="where-QT02">居住地街道' in page
    assert "居住地所在街道的任一社区窗口" in client.get("/affairs/items/QT02/").content.decode()


def test_window_intake_asks_where_an_unregistered_applicant_lives(client, desk):
    import datetime as dt

    from linli.core import idcard

    client.force_login(desk.liede_worker)
    page = client.post("/affairs/desk/new/?item=HJ04", {"lookup": "1", "item": "HJ04", "id_number": "440106197503081234"})
    assert 'data-testid="home_area-picker"' in page.content.decode() and 'name="home_district"' in page.content.decode()
    # the picker: streets of the district, then communities of the street (htmx partials)
    part = client.get("/affairs/areas/", {"prefix": "home_", "with_community": "1", "home_district": desk.tree.tianhe.code}).content.decode()
    assert "猎德街" in part and "石牌街" in part and "昌华街" not in part and 'name="home_community"' in part
    part = client.get("/affairs/areas/", {"prefix": "home_", "with_community": "1", "home_district": desk.tree.tianhe.code,
                                          "home_street": desk.tree.liede.code}).content.decode()
    assert "猎德社区" in part and "华标社区" in part and "泮塘社区" not in part
    part = client.get("/affairs/areas/", {"prefix": "<script>", "home_district": "x'"})  # no 500, nothing echoed
    assert part.status_code == 200 and "<script>" not in part.content.decode()
    number = idcard.make("440106", dt.date(1975, 3, 8), 123)
    form = {"submit": "1", "item": "HJ04", "centre": desk.liede_centre.pk, "applicant_name": "李四",
            "applicant_id_number": number, "home_district": desk.tree.tianhe.code, "home_street": desk.tree.liede.code,
            "received": [str(m) for m in desk.all_materials(ServiceItem.objects.get(code="HJ04"))]}
    resp = client.post("/affairs/desk/new/", {**form, "token": "a"})
    assert resp.status_code == 400 and "请选择申请人居住的社区" in resp.content.decode()
    assert number not in resp.content.decode()  # the typed ID number is not echoed back
    assert 'selected>猎德街' in resp.content.decode()  # the choice so far is kept
    resp = client.post("/affairs/desk/new/", {**form, "home_community": desk.tree.liede_sq.code, "token": "b"})
    app = Application.objects.get()
    assert resp.status_code == 302 and app.home_path == desk.tree.liede_sq.path


def test_catalogue_centres_filtered_by_area_default_own_district(client, desk):
    from linli.affairs.models import ServiceCentre

    for i in range(35):  # more than a page of windows in 荔湾
        ServiceCentre.objects.create(name=f"荔湾测试站{i:02d}", region=desk.tree.pantang, address="测试路")
    page = client.get("/affairs/").content.decode()  # anonymous: the whole city, a page at a time
    assert "共 37 个服务中心" in page and "cpage=2" in page
    client.force_login(desk.user)  # a resident of 天河: their own district first
    page = client.get("/affairs/").content.decode()
    assert "猎德社区党群服务中心" in page and "泮塘社区党群服务中心" not in page and "共 1 个服务中心" in page
    assert f'value="{desk.tree.tianhe.code}" selected' in page
    page = client.get("/affairs/", {"district": desk.tree.liwan.code}).content.decode()
    assert "泮塘社区党群服务中心" in page and "猎德社区党群服务中心" not in page and "共 36 个服务中心" in page
    assert "昌华街" in page and "cpage=2" in page
    page2 = client.get("/affairs/", {"district": desk.tree.liwan.code, "cpage": "2"}).content.decode()
    assert page2.count("荔湾测试站") == 6
    page = client.get("/affairs/", {"district": desk.tree.tianhe.code, "street": desk.tree.shipai.code}).content.decode()
    assert "共 0 个服务中心" in page and "猎德社区党群服务中心" not in page
    page = client.get("/affairs/", {"district": ""}).content.decode()  # 全市 chosen explicitly
    assert "共 37 个服务中心" in page
    assert client.get("/affairs/", {"district": "x'", "street": "<b>", "cpage": "zz"}).status_code == 200
    page = client.get("/affairs/items/YL01/", {"district": desk.tree.liwan.code}).content.decode()
    assert "泮塘社区党群服务中心" in page and "猎德社区党群服务中心" not in page


def test_workbench_item_and_centre_filters_and_id_search_never_in_the_url(client, desk):
    from linli.affairs.models import ServiceCentre
    from linli.core.models import AuditEvent

    station = ServiceCentre.objects.create(name="泮塘便民服务站", region=desk.tree.g_pantang, address="泮塘路8号")
    elder = desk.at_pantang()
    insured = services.accept_at_window(actor=desk.pantang_worker, centre=station, item=desk.insurance, resident=desk.resident,
                                        received=desk.all_materials(desk.insurance))
    client.force_login(desk.pantang_worker)
    page = client.get("/affairs/desk/").content.decode()
    assert 'name="item"' in page and 'name="centre"' in page and "泮塘便民服务站" in page
    assert "猎德社区党群服务中心" not in page  # only the caseworker's own windows
    page = client.get("/affairs/desk/", {"item": "YB01"}).content.decode()
    assert insured.number in page and elder.number not in page
    page = client.get("/affairs/desk/", {"centre": str(desk.pantang_centre.pk)}).content.decode()
    assert elder.number in page and insured.number not in page
    page = client.get("/affairs/desk/", {"centre": str(desk.liede_centre.pk)}).content.decode()  # not theirs: ignored
    assert elder.number in page and insured.number in page
    # an ID number typed into the GET box is refused and dropped from the address
    resp = client.get("/affairs/desk/", {"q": desk.resident.id_number, "item": "YB01"})
    assert resp.status_code == 302 and desk.resident.id_number not in resp["Location"] and "item=YB01" in resp["Location"]
    # the POST search: redirected to ?by=id, the number is neither in the URL nor in the page
    resp = client.post("/affairs/desk/", {"id_number": desk.resident.id_number, "item": "YB01", "status": ""})
    assert resp.status_code == 302 and desk.resident.id_number not in resp["Location"] and "by=id" in resp["Location"]
    page = client.get(resp["Location"]).content.decode()
    assert insured.number in page and elder.number not in page and desk.resident.id_number not in page
    assert 'data-testid="id-search"' in page and desk.resident.masked_id in page
    assert AuditEvent.objects.filter(action="affairs.id_search", actor=desk.pantang_worker).exists()
    resp = client.post("/affairs/desk/", {"id_number": "12345"}, follow=True)
    assert "身份证号码不正确" in resp.content.decode()
    # the same search by another district's caseworker finds nothing of 泮塘's
    client.force_login(desk.liede_worker)
    resp = client.post("/affairs/desk/", {"id_number": desk.resident.id_number, "status": ""})
    page = client.get(resp["Location"]).content.decode()
    assert insured.number not in page and elder.number not in page
    client.force_login(desk.user)
    assert client.post("/affairs/desk/", {"id_number": desk.resident.id_number}).status_code == 403


def test_window_intake_page_refuses_missing_materials_and_asks_to_confirm_a_duplicate(client, desk):
    client.force_login(desk.pantang_worker)
    client.post("/affairs/desk/new/?item=YL01", {"lookup": "1", "item": "YL01", "id_number": desk.resident.id_number})
    card, hukou, bank = [str(m.pk) for m in desk.elder.materials.filter(required=True).order_by("sort", "id")]
    form = {"submit": "1", "item": "YL01", "centre": desk.pantang_centre.pk, "received": [card, hukou]}
    resp = client.post("/affairs/desk/new/", {**form, "token": "a"})
    page = resp.content.decode()
    assert resp.status_code == 400 and "必交材料未收齐" in page and "本人银行账户" in page
    assert 'name="deferral_reason"' in page and f'value="{card}" checked' in page  # the ticks are kept
    assert not Application.objects.exists()
    resp = client.post("/affairs/desk/new/", {**form, "deferral_reason": "银行卡明天补交", "token": "a"})
    first = Application.objects.get()
    assert resp.status_code == 302 and first.deferral_reason == "银行卡明天补交"
    page = client.get(f"/affairs/desk/{first.pk}/").content.decode()
    assert "容缺后补" in page and 'data-testid="deferral"' in page
    # the same person, the same item again: warned with a link to the first, and a box to confirm
    client.post("/affairs/desk/new/?item=YL01", {"lookup": "1", "item": "YL01", "id_number": desk.resident.id_number})
    resp = client.post("/affairs/desk/new/", {**form, "received": [card, hukou, bank], "token": "b"})
    page = resp.content.decode()
    assert resp.status_code == 400 and first.number in page and f'href="/affairs/desk/{first.pk}/"' in page
    assert 'name="confirm_duplicate"' in page and Application.objects.count() == 1
    resp = client.post("/affairs/desk/new/", {**form, "received": [card, hukou, bank], "confirm_duplicate": "1", "token": "b"})
    assert resp.status_code == 302 and Application.objects.count() == 2
    # an item without 容缺受理 says so on the form
    page = client.get("/affairs/desk/new/?item=HJ03").content.decode()
    assert 'data-testid="no-deferral"' in page and 'name="deferral_reason"' not in page


def test_desk_page_forwards_street_items_and_completes_with_their_decision(client, desk):
    app = desk.at_pantang()
    client.force_login(desk.pantang_worker)
    page = client.get(f"/affairs/desk/{app.pk}/").content.decode()
    assert 'data-testid="finish-elsewhere"' in page and "猎德街道办事处" in page
    assert 'id="complete-form"' not in page and 'value="猎德街道办事处"' in page  # the forward form names the street
    resp = client.post(f"/affairs/desk/{app.pk}/", {"action": "complete", "outcome": "approved", "note": "窗口决定"}, follow=True)
    assert "社区窗口不能作出准予或不予的决定" in resp.content.decode()
    assert Application.objects.get(pk=app.pk).status == "accepted"
    client.post(f"/affairs/desk/{app.pk}/", {"action": "forward", "to": "猎德街道办事处", "days": "5"})
    client.post(f"/affairs/desk/{app.pk}/", {"action": "return", "outcome": "approved", "note": "街道审核通过"})
    page = client.get(f"/affairs/desk/{app.pk}/").content.decode()
    assert 'id="complete-form"' in page and 'data-testid="decided-outcome"' in page and 'name="outcome" value="denied"' not in page
    client.post(f"/affairs/desk/{app.pk}/", {"action": "complete", "outcome": "", "note": "次月起发放"})
    app.refresh_from_db()
    assert app.status == "completed" and app.outcome == "approved"


def test_certificate_desk_asks_the_kinds_fields_and_previews_before_issuing(client, desk):
    from linli.affairs.models import Certificate

    cert = services.request_certificate(actor=desk.user, kind="ZM01", purpose="子女入学", detail="2015年起住猎德")
    client.force_login(desk.liede_worker)
    page = client.get("/affairs/desk/certificates/").content.decode()
    assert f'href="/affairs/desk/certificates/{cert.pk}/"' in page and 'name="detail"' not in page
    page = client.get(f"/affairs/desk/certificates/{cert.pk}/").content.decode()
    assert 'type="month" name="f_since"' in page and 'name="f_address"' in page and 'name="f_tenure"' in page
    assert "居住起始年月" in page and "2015年起住猎德" in page and 'name="f_detail"' not in page
    assert 'data-testid="issue-button"' not in page  # nothing to issue before a preview
    form = {"f_since": "2015-03", "f_address": "猎德花园3栋501", "f_tenure": "", "issuer_name": "猎德社区居民委员会"}
    resp = client.post(f"/affairs/desk/certificates/{cert.pk}/", {**form, "action": "preview"})
    assert resp.status_code == 400 and 'data-testid="error-f_tenure"' not in resp.content.decode()
    assert 'data-testid="error-tenure"' in resp.content.decode() and "请填写居住方式" in resp.content.decode()
    form["f_tenure"] = "租住"
    part = client.post(f"/affairs/desk/certificates/{cert.pk}/", {**form, "action": "preview"}, HTTP_HX_REQUEST="true")
    text = part.content.decode()
    assert "<html" not in text and "自2015年3月起在本社区猎德花园3栋501实际居住至今，居住方式为租住。" in text
    digest = text.split('name="previewed" value="')[1].split('"')[0]
    # changed after the preview: the new text is shown first, nothing issued
    resp = client.post(f"/affairs/desk/certificates/{cert.pk}/", {**form, "f_since": "2016-01", "action": "issue", "previewed": digest})
    assert 'data-testid="changed"' in resp.content.decode() and Certificate.objects.get(pk=cert.pk).state == "requested"
    resp = client.post(f"/affairs/desk/certificates/{cert.pk}/", {**form, "action": "issue", "previewed": digest})
    cert.refresh_from_db()
    assert resp.status_code == 302 and cert.state == "issued" and resp["Location"] == f"/affairs/certificates/{cert.pk}/"
    assert cert.body == "兹证明申请人甲(身份证号" + cert.body.split("身份证号")[1]
    assert "自2015年3月起在本社区猎德花园3栋501实际居住至今，居住方式为租住。" in client.get(resp["Location"]).content.decode()
    assert client.get(f"/affairs/desk/certificates/{cert.pk}/").status_code == 404  # issued: nothing more to do here
    client.force_login(desk.pantang_worker)
    other = services.request_certificate(actor=desk.user, kind="ZM02", purpose="继承")
    assert client.get(f"/affairs/desk/certificates/{other.pk}/").status_code == 404
