import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.workorders.models import WorkOrderPhoto

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (23.0, 7.0, 1.0), 3: "E", 4: (113.0, 19.0, 48.0)}  # GPS IFD
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_report_with_photo_strips_metadata_and_serves_only_to_viewers(client, loop, tree, make_user, settings):
    raw = jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x010F) == "PhoneMaker"
    client.force_login(loop.resident)
    resp = client.post("/orders/new/", {"category": "0201", "region": tree.g_liede1.code, "description": "路灯杆被撞歪了",
                                        "photos": [SimpleUploadedFile("p.jpg", raw, content_type="image/jpeg")]})
    assert resp.status_code == 302
    photo = WorkOrderPhoto.objects.get()
    stored = photo.file.open("rb").read()
    assert not Image.open(io.BytesIO(stored)).getexif()  # no EXIF, no GPS
    assert str(settings.LINLI_PRIVATE_ROOT) in photo.file.path
    url = f"/orders/{photo.order_id}/photos/{photo.pk}/"
    assert url in client.get(f"/orders/{photo.order_id}/").content.decode()
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"
    client.force_login(make_user("community_admin", tree.pantang))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_bad_files_are_refused_and_nothing_is_written(client, loop, tree):
    from linli.workorders.models import WorkOrder

    client.force_login(loop.resident)
    resp = client.post("/orders/new/", {"category": "0201", "region": tree.g_liede1.code, "description": "路灯杆被撞歪了",
                                        "photos": [SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")]})
    assert resp.status_code == 400 and "无法识别的图片文件" in resp.content.decode()
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    resp = client.post("/orders/new/", {"category": "0201", "region": tree.g_liede1.code, "description": "路灯杆被撞歪了",
                                        "photos": [SimpleUploadedFile("x.gif", gif.getvalue())]})
    assert resp.status_code == 400 and "JPG、PNG、WebP" in resp.content.decode()
    assert not WorkOrder.objects.exists() and not WorkOrderPhoto.objects.exists()


def test_api_photo_upload(client, loop):
    order = loop.submit()
    client.force_login(loop.resident)
    resp = client.post(f"/api/v1/workorders/orders/{order.pk}/photos", {"file": SimpleUploadedFile("p.jpg", jpeg_with_gps())})
    assert resp.status_code == 201 and len(resp.json()["photo_urls"]) == 1
    client.force_login(loop.handler)  # not yet dispatched to the handler's unit
    resp = client.post(f"/api/v1/workorders/orders/{order.pk}/photos", {"file": SimpleUploadedFile("p.jpg", jpeg_with_gps())})
    assert resp.status_code == 404
