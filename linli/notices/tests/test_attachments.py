"""Attachments of a notice through the API and the draft page: a PDF or an image checked by
``core.images.clean_document``, at most ``MAX_ATTACHMENTS``, added and removed only while the
notice is a draft (after publishing the text changes only by a correction); a refusal leaves no
row, no file and no audit row behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core.images import DOCUMENT_MAX_BYTES
from linli.core.models import AuditEvent
from linli.notices import services
from linli.notices.models import NoticeAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="PNG")
    return out.getvalue()


def _error(r, status, code):
    assert r.status_code == status, r.content
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def _files() -> list[Path]:
    root = Path(settings.LINLI_PRIVATE_ROOT) / "notices"
    return sorted(root.iterdir()) if root.exists() else []


def _upload(client, notice, data=PDF, name="停水范围.pdf", label=None):
    form = {"file": SimpleUploadedFile(name, data)} | ({"name": label} if label is not None else {})
    return client.post(f"/api/v1/notices/{notice.pk}/attachments", form)


def _nothing_written(notice, rows=0, files=0):
    assert NoticeAttachment.objects.filter(notice=notice).count() == rows
    assert len(_files()) == files
    assert AuditEvent.objects.filter(action="notice.attach").count() == rows


def test_upload_list_and_remove_on_a_draft(client, place, notice_of, django_capture_on_commit_callbacks):
    notice = notice_of(publish=False)
    client.force_login(place.admin)
    r = _upload(client, notice)
    assert r.status_code == 201, r.content
    att = r.json()
    assert (att["name"], att["content_type"]) == ("停水范围.pdf", "application/pdf") and att["size"] == len(PDF)
    r = _upload(client, notice, data=_png(), name="map.png")
    assert r.status_code == 201 and r.json()["content_type"].startswith("image/")
    r = _upload(client, notice, data=PDF, name="a.pdf", label="停水示意图")
    assert r.status_code == 201 and r.json()["name"] == "停水示意图"
    detail = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert [f["name"] for f in detail["files"]] == ["停水范围.pdf", "map.png", "停水示意图"]
    assert detail["attachments"] == [f["url"] for f in detail["files"]]
    assert client.get(att["url"]).status_code == 200
    _nothing_written(notice, rows=3, files=3)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.delete(f"/api/v1/notices/{notice.pk}/attachments/{att['id']}")
    assert r.status_code == 204
    assert len(client.get(f"/api/v1/notices/{notice.pk}").json()["files"]) == 2
    assert len(_files()) == 2  # its file is gone once the removal is committed
    assert AuditEvent.objects.filter(action="notice.detach", changes__name="停水范围.pdf").count() == 1
    _error(client.delete(f"/api/v1/notices/{notice.pk}/attachments/{att['id']}"), 404, "not_found")


def test_a_bad_or_too_large_file_is_refused_in_the_envelope_and_nothing_is_written(client, place, notice_of):
    notice = notice_of(publish=False)
    client.force_login(place.admin)
    err = _error(_upload(client, notice, data=b"MZ\x90\x00 not a document", name="setup.exe"), 400, "bad_file")
    assert err["details"]["field"] == "file"
    _error(_upload(client, notice, data=b"", name="empty.pdf"), 400, "invalid")
    _error(_upload(client, notice, data=b"%PDF-" + b"0" * DOCUMENT_MAX_BYTES, name="big.pdf"), 400, "file_too_large")
    _error(client.post(f"/api/v1/notices/{notice.pk}/attachments", {}), 400, "invalid")  # no file
    _error(client.post(f"/api/v1/notices/{notice.pk}/attachments", {"file": "x"}, content_type="application/json"), 400, "invalid")
    _nothing_written(notice)


def test_at_most_max_attachments(client, place, notice_of):
    notice = notice_of(publish=False)
    client.force_login(place.admin)
    for i in range(services.MAX_ATTACHMENTS):
        assert _upload(client, notice, name=f"{i}.pdf").status_code == 201
    err = _error(_upload(client, notice, name="one-more.pdf"), 400, "too_many_attachments")
    assert err["details"]["limit"] == services.MAX_ATTACHMENTS
    _nothing_written(notice, rows=services.MAX_ATTACHMENTS, files=services.MAX_ATTACHMENTS)


def test_after_publishing_attachments_do_not_change(client, place, notice_of):
    notice = notice_of(publish=False)
    client.force_login(place.admin)
    att = _upload(client, notice).json()
    services.publish(actor=place.admin, notice=notice)
    _error(_upload(client, notice, name="late.pdf"), 409, "not_draft")
    _error(client.delete(f"/api/v1/notices/{notice.pk}/attachments/{att['id']}"), 409, "not_draft")
    services.withdraw(actor=place.admin, notice=notice, reason="另行通知")
    _error(_upload(client, notice, name="late.pdf"), 409, "not_draft")
    _nothing_written(notice, rows=1, files=1)


def test_others_are_refused(client, place, notice_of):
    draft = notice_of(publish=False)
    published = notice_of()
    client.force_login(place.admin)
    att = _upload(client, draft).json()
    for who in (place.other_admin, place.other_street, place.grid_worker, place.leader, place.reader_user):
        client.force_login(who)
        _error(_upload(client, draft, name="x.pdf"), 404, "not_found")  # a draft is not theirs to see
        _error(client.delete(f"/api/v1/notices/{draft.pk}/attachments/{att['id']}"), 404, "not_found")
        _error(_upload(client, published, name="x.pdf"), 403, "forbidden")
    client.logout()
    _error(_upload(client, draft, name="x.pdf"), 401, "unauthenticated")
    _nothing_written(draft, rows=1, files=1)
    assert not NoticeAttachment.objects.filter(notice=published).exists()
    with pytest.raises(Exception) as e:
        services.remove_attachment(actor=place.other_admin, notice=draft, attachment_id=att["id"])
    assert e.value.code == "forbidden"


def test_the_draft_page_lists_and_removes_attachments(client, place, notice_of):
    notice = notice_of(publish=False)
    att = services.add_attachment(actor=place.admin, notice=notice, name="停水范围.pdf", data=PDF)
    client.force_login(place.other_admin)
    assert client.post(f"/notices/{notice.pk}/attachments/{att.pk}/remove/").status_code == 404
    client.force_login(place.admin)
    body = client.get(f"/notices/{notice.pk}/edit/").content.decode()
    assert body.count('data-testid="attachment"') == 1 and "停水范围.pdf" in body
    r = client.post(f"/notices/{notice.pk}/attachments/{att.pk}/remove/", follow=True)
    assert r.status_code == 200 and 'data-testid="attachment"' not in r.content.decode()
    assert not NoticeAttachment.objects.filter(pk=att.pk).exists()
