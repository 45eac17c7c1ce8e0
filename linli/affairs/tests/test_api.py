import pytest

from linli.affairs.models import Application, ServiceItem

pytestmark = pytest.mark.django_db


def test_api_window_online_correction_rating_and_isolation(client, desk):
    client.force_login(desk.pantang_worker)
    r = client.post("/api/v1/affairs/window-applications", {"centre_id": desk.pantang_centre.pk, "item_code": "YL01",
                    "applicant_id_number": desk.resident.id_number, "received": desk.all_materials(desk.elder)},
                    content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "accepted" and body["applicant_name"] == "申请人甲" and desk.resident.id_number not in r.content.decode()
    assert body["status_url"].endswith(f"/affairs/s/{Application.objects.get().public_token}/")
    again = client.post("/api/v1/affairs/window-applications", {"centre_id": desk.pantang_centre.pk, "item_code": "YL01",
                        "applicant_id_number": desk.resident.id_number}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.json()["id"] == body["id"] and Application.objects.count() == 1
    bad = client.post("/api/v1/affairs/window-applications", {"centre_id": desk.liede_centre.pk, "item_code": "YL01",
                      "applicant_id_number": desk.resident.id_number}, content_type="application/json")
    assert bad.status_code == 403 and bad.json()["error"]["code"] == "forbidden"
    app_id = body["id"]
    mid = body["materials"][0]["id"]
    r = client.post(f"/api/v1/affairs/applications/{app_id}/actions", {"action": "request_correction", "materials": [mid]},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "correction"
    r = client.post(f"/api/v1/affairs/applications/{app_id}/actions", {"action": "complete", "outcome": "approved", "note": "x"},
                    content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal_transition"
    # other communities see nothing of it, through every endpoint
    for other in (desk.liede_worker, desk.huabiao_worker):
        client.force_login(other)
        assert client.get(f"/api/v1/affairs/applications/{app_id}").status_code == 404
        assert client.get("/api/v1/affairs/applications").json()["items"] == []
        assert client.post(f"/api/v1/affairs/applications/{app_id}/actions", {"action": "process"},
                           content_type="application/json").status_code == 404
        assert client.post(f"/api/v1/affairs/applications/{app_id}/materials/{mid}").status_code == 404
    client.force_login(desk.user)  # the applicant uploads the missing material
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(f"/api/v1/affairs/applications/{app_id}/materials/{mid}", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")})
    assert r.status_code == 200, r.content
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert [a["id"] for a in client.get("/api/v1/affairs/applications").json()["items"]] == [app_id]
    assert client.get("/api/v1/affairs/figures").status_code == 403
    r = client.post(f"/api/v1/affairs/applications/{app_id}/rating", {"rating": 7}, content_type="application/json")
    assert r.status_code == 400


def test_api_online_catalogue_and_certificates(client, desk):
    client.force_login(desk.user)
    items = client.get("/api/v1/affairs/items?q=失业登记").json()
    assert [i["code"] for i in items][0] == "JY01" and items[0]["materials"]
    r = client.post("/api/v1/affairs/applications", {"item_code": "CJ03"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_online"
    r = client.post("/api/v1/affairs/applications", {"item_code": "YB01", "note": "新参保"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "submitted"
    r = client.post("/api/v1/affairs/certificates", {"kind": "无犯罪记录证明", "purpose": "求职"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_on_list"
    r = client.post("/api/v1/affairs/certificates", {"kind": "居住证明", "purpose": "入学"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "requested"
    client.logout()
    assert client.get("/api/v1/affairs/certificates/verify/ZZZZ").status_code == 404
    assert client.get("/api/v1/affairs/items").status_code == 401


def test_api_certificates_issue_refuse_revoke_scoped(client, desk):
    from linli.affairs import services

    cert = services.request_certificate(actor=desk.user, kind="ZM01", purpose="入学")
    client.force_login(desk.pantang_worker)  # another district's window
    assert client.get("/api/v1/affairs/certificates").json()["items"] == []
    r = client.post(f"/api/v1/affairs/certificates/{cert.pk}/actions", {"action": "issue", "facts": {}, "issuer_name": "y"},
                    content_type="application/json")
    assert r.status_code == 404
    client.force_login(desk.user)
    assert client.get("/api/v1/affairs/certificates").status_code == 403
    client.force_login(desk.liede_worker)
    assert [c["id"] for c in client.get("/api/v1/affairs/certificates?state=requested").json()["items"]] == [cert.pk]
    r = client.post(f"/api/v1/affairs/certificates/{cert.pk}/actions", {"action": "issue", "facts": {"since": "2018-09"},
                    "issuer_name": "猎德社区居民委员会"}, content_type="application/json")
    assert r.status_code == 400 and set(r.json()["error"]["details"]["errors"]) == {"address", "tenure"}
    assert r.json()["error"]["details"]["errors"]["tenure"] == "请填写居住方式"
    facts = {"since": "2018-09", "address": "猎德花园1栋101", "tenure": "租住"}
    r = client.post(f"/api/v1/affairs/certificates/{cert.pk}/preview", {"facts": facts}, content_type="application/json")
    assert r.status_code == 200 and "自2018年9月起在本社区猎德花园1栋101实际居住至今" in r.json()["body"]
    preview = r.json()["body"]
    r = client.post(f"/api/v1/affairs/certificates/{cert.pk}/actions", {"action": "issue", "facts": facts,
                    "issuer_name": "猎德社区居民委员会"}, content_type="application/json")
    assert r.json()["body"] == preview and r.json()["facts"] == facts
    assert r.status_code == 200 and r.json()["state"] == "issued" and r.json()["serial"].startswith("ZM")
    code = r.json()["verify_code"]
    r = client.post(f"/api/v1/affairs/certificates/{cert.pk}/actions", {"action": "issue", "facts": facts, "issuer_name": "y"},
                    content_type="application/json")
    assert r.status_code == 409
    r = client.post(f"/api/v1/affairs/certificates/{cert.pk}/actions", {"action": "revoke"}, content_type="application/json")
    assert r.status_code == 400  # a reason is required
    client.post(f"/api/v1/affairs/certificates/{cert.pk}/actions", {"action": "revoke", "reason": "地址有误"},
                content_type="application/json")
    client.logout()
    v = client.get(f"/api/v1/affairs/certificates/verify/{code}").json()
    assert v["valid"] is False and v["state"] == "revoked" and v["revoke_reason"] == "地址有误"


def test_errors_in_english_when_asked(client, desk):
    client.force_login(desk.user)
    r = client.post("/api/v1/affairs/certificates", {"kind": "无犯罪记录证明", "purpose": "job"},
                    content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "is not on the list of certificates" in r.json()["error"]["message"]
    r = client.post("/api/v1/affairs/applications", {"item_code": "CJ03"}, content_type="application/json",
                    HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["error"]["message"].startswith("This item cannot be applied for online")


def test_figures_per_window_and_region_are_scoped(client, desk):
    from linli.affairs import selectors, services

    done = services.complete(actor=desk.pantang_worker, app=desk.decide(desk.at_pantang()), outcome="approved", note="ok")
    services.rate(actor=desk.user, app=done, rating=1)
    services.accept_at_window(actor=desk.liede_worker, centre=desk.liede_centre, item=desk.insurance, resident=desk.resident,
                              received=desk.all_materials(desk.insurance))
    rows = {r["centre__name"]: r for r in selectors.figures_by_centre(desk.street_admin)}
    assert list(rows) == ["猎德社区党群服务中心"] and rows["猎德社区党群服务中心"]["received"] == 1  # not 泮塘's
    client.force_login(desk.pantang_admin)
    f = client.get(f"/api/v1/affairs/figures?centre_id={desk.pantang_centre.pk}").json()
    assert (f["received"], f["completed"], f["bad_ratings"], f["on_time"]) == (1, 1, 1, 1)
    assert client.get(f"/api/v1/affairs/figures?centre_id={desk.liede_centre.pk}").status_code == 404
    assert client.get("/api/v1/affairs/figures").json()["received"] == 1
    page = client.get("/affairs/desk/figures/").content.decode()
    assert "泮塘社区党群服务中心" in page and "猎德社区党群服务中心" not in page


def test_api_accept_names_the_window_and_refuses_a_second_correction(client, desk):
    app = desk.online()
    client.force_login(desk.liede_worker)
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "accept", "centre_id": desk.pantang_centre.pk},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["details"]["field"] == "centre"
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "accept"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["centre_id"] == desk.liede_centre.pk
    assert r.json()["centre_name"] == "猎德社区党群服务中心"
    mid = r.json()["materials"][0]["id"]
    client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "request_correction", "materials": [mid]},
                content_type="application/json")
    client.post(f"/api/v1/affairs/applications/{app.pk}/materials/{mid}")  # the window ticks off the paper copy
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "request_correction", "materials": [mid]},
                    content_type="application/json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "correction_once"
    assert r.json()["error"]["message"].startswith("补正材料应一次性告知")


def test_api_result_notice_and_document(client, desk):
    from linli.affairs import services

    def decided(outcome):
        return desk.decide(services.accept(actor=desk.liede_worker, app=desk.online(confirm_duplicate=True)),
                           actor=desk.liede_worker, outcome=outcome)

    app = services.complete(actor=desk.liede_worker, app=decided("approved"), outcome="approved", note="核准",
                            document=b"%PDF-1.4 letter")
    plain = services.complete(actor=desk.liede_worker, app=decided("denied"), outcome="denied", note="不符合条件")
    client.force_login(desk.user)
    body = client.get(f"/api/v1/affairs/applications/{app.pk}").json()
    assert body["result_notice_url"].endswith(f"/api/v1/affairs/applications/{app.pk}/result-notice")
    assert body["result_document_url"].endswith(f"/api/v1/affairs/applications/{app.pk}/result-document")
    r = client.get(body["result_notice_url"])
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    r = client.get(body["result_document_url"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 letter"
    body = client.get(f"/api/v1/affairs/applications/{plain.pk}").json()
    assert body["result_notice_url"] and body["result_document_url"] == ""
    r = client.get(f"/api/v1/affairs/applications/{plain.pk}/result-document")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    running = services.accept(actor=desk.liede_worker, app=desk.online(confirm_duplicate=True))
    assert client.get(f"/api/v1/affairs/applications/{running.pk}").json()["result_notice_url"] == ""
    assert client.get(f"/api/v1/affairs/applications/{running.pk}/result-notice").status_code == 404
    for other in (desk.huabiao_worker, desk.pantang_worker):
        client.force_login(other)
        assert client.get(f"/api/v1/affairs/applications/{app.pk}/result-notice").status_code == 404
        assert client.get(f"/api/v1/affairs/applications/{app.pk}/result-document").status_code == 404


def test_api_forwarding_tracked_and_returned(client, desk):
    from linli.affairs import services

    app = services.accept(actor=desk.liede_worker, app=desk.online())
    client.force_login(desk.liede_worker)
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "forward", "to": "天河区民政局", "days": 99},
                    content_type="application/json")
    assert r.status_code == 400
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions",
                    {"action": "forward", "to": "天河区民政局", "days": 2, "note": "核对"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "forwarded"
    (fwd,) = r.json()["forwardings"]
    assert fwd["department"] == "天河区民政局" and fwd["days"] == 2 and fwd["returned_at"] is None and fwd["request_note"] == "核对"
    client.force_login(desk.pantang_worker)
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "return", "outcome": "approved", "note": "x"},
                    content_type="application/json")
    assert r.status_code == 404
    client.force_login(desk.liede_worker)
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "complete", "outcome": "approved", "note": "x"},
                    content_type="application/json")
    assert r.status_code == 409  # waiting for the department
    r = client.post(f"/api/v1/affairs/applications/{app.pk}/actions", {"action": "return", "outcome": "denied", "note": "不符合"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert r.json()["forwardings"][0]["outcome"] == "denied" and r.json()["events"][-1]["action"] == "return"
    client.force_login(desk.user)
    fwd = client.get(f"/api/v1/affairs/applications/{app.pk}").json()["forwardings"][0]
    assert fwd["outcome"] == "denied" and fwd["outcome_note"] == "" and fwd["request_note"] == ""


def test_api_window_intake_with_home_community(client, desk):
    import datetime as dt

    from linli.core import idcard

    number = idcard.make("440106", dt.date(1975, 3, 8), 123)
    client.force_login(desk.liede_worker)
    base = {"centre_id": desk.liede_centre.pk, "item_code": "HJ04", "applicant_id_number": number, "applicant_name": "李四",
            "received": desk.all_materials(ServiceItem.objects.get(code="HJ04"))}
    r = client.post("/api/v1/affairs/window-applications", base, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "home_required"
    r = client.post("/api/v1/affairs/window-applications", {**base, "home_community": desk.tree.pantang.code},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_citywide"
    r = client.post("/api/v1/affairs/window-applications", {**base, "home_community": desk.tree.liede_sq.code},
                    content_type="application/json")
    assert r.status_code == 201 and Application.objects.get().home_path == desk.tree.liede_sq.path


def test_api_id_number_search_only_by_post(client, desk):
    app = desk.at_pantang()
    client.force_login(desk.pantang_worker)
    r = client.get("/api/v1/affairs/applications", {"q": desk.resident.id_number})
    assert r.status_code == 400 and r.json()["error"]["code"] == "id_in_url"
    r = client.post("/api/v1/affairs/applications/search", {"id_number": desk.resident.id_number},
                    content_type="application/json")
    assert r.status_code == 200 and [a["id"] for a in r.json()["items"]] == [app.pk]
    r = client.post("/api/v1/affairs/applications/search", {"id_number": "1234"}, content_type="application/json")
    assert r.status_code == 400
    client.force_login(desk.liede_worker)  # the applicant's home community: not its matter
    r = client.post("/api/v1/affairs/applications/search", {"id_number": desk.resident.id_number},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["items"] == []
    client.force_login(desk.user)
    r = client.post("/api/v1/affairs/applications/search", {"id_number": desk.resident.id_number},
                    content_type="application/json")
    assert r.status_code == 403
    assert client.get("/api/v1/affairs/applications", {"q": app.number}).status_code == 200  # receipt numbers are fine


def test_api_and_page_figures_per_region(client, desk, make_user):
    from linli.accounts.roles import Role
    from linli.affairs import services

    services.accept_at_window(actor=desk.liede_worker, centre=desk.liede_centre, item=desk.elder, resident=desk.resident,
                              received=desk.all_materials(desk.elder))
    desk.at_pantang(confirm_duplicate=True)
    client.force_login(desk.street_admin)
    rows = client.get("/api/v1/affairs/figures/regions").json()
    assert [(r["name"], r["level"], r["received"]) for r in rows] == [("猎德社区", "community", 1), ("华标社区", "community", 0)]
    r = client.get(f"/api/v1/affairs/figures/regions?region={desk.tree.liede_sq.code}")
    assert [x["name"] for x in r.json()] == ["猎德社区"]
    for bad in (desk.tree.pantang.code, desk.tree.tianhe.code, "zz"):
        assert client.get(f"/api/v1/affairs/figures/regions?region={bad}").status_code == 404
    page = client.get("/affairs/desk/figures/").content.decode()
    assert 'data-testid="by-region"' in page and "按社区" in page and "华标社区" in page and "泮塘社区" not in page
    district_admin = make_user(Role.DISTRICT_ADMIN, desk.tree.tianhe)
    client.force_login(district_admin)
    page = client.get("/affairs/desk/figures/").content.decode()
    assert "按街道" in page and f'href="?region={desk.tree.liede.path}"' in page and "昌华街" not in page
    page = client.get(f"/affairs/desk/figures/?region={desk.tree.liede.path}").content.decode()
    assert "按社区" in page and "猎德社区" in page
    assert client.get(f"/affairs/desk/figures/?region={desk.tree.liwan.code}").status_code == 404
    assert client.get("/affairs/desk/figures/?region=abc").status_code == 404
    client.force_login(desk.pantang_admin)
    assert [r["name"] for r in client.get("/api/v1/affairs/figures/regions").json()] == ["泮塘社区"]
    client.force_login(desk.user)
    assert client.get("/api/v1/affairs/figures/regions").status_code == 403
