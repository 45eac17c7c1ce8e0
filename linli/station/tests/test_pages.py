"""Station pages through the Django test client: the console (staff, publish, figures), editing
an offering with photos and serving staff, vetting with licence and masked phone, and each
page or endpoint refusing staff of another area or provider."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from linli.accounts.roles import Role
from linli.booking import services as booking
from linli.core.models import AuditEvent, SensitiveAccess
from linli.station import services
from linli.station.models import Offering, OfferingPhoto, Provider, Review
from linli.station.tests.conftest import make_uscc

pytestmark = pytest.mark.django_db


def jpeg() -> bytes:
    img = Image.new("RGB", (40, 30), (10, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def attended_review(station, o, rating=4):
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(11)))
    r = booking.book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(hours=3))
    booking.check_in(actor=station.owner, code=r.code, now=start)
    return services.review(actor=station.elder, reservation=r, rating=rating, text="好")


@pytest.fixture
def rival(station, make_user):
    """Another approved provider (of another street) with its own staff member."""
    staff = make_user(Role.PROVIDER_STAFF, station.tree.changhua)
    p = services.apply_provider(actor=staff, name="泮塘家政", code=make_uscc("91440103MA5CDEF7X"), kind="merchant",
                                contact_name="周", contact_phone="13800002222", address="泮塘路1号", region=station.tree.changhua)
    services.vet(actor=station.other_admin, provider=p, decision="approve")
    return staff


def test_console_staff_publish_and_figures_with_their_period(client, station, make_user):
    station.approve()
    o = station.offer()
    client.force_login(station.owner)
    page = client.get("/station/console/").content.decode()
    assert f"/station/console/offerings/{o.pk}/" in page and f"/booking/staff/{o.resource_id}/schedule/" in page
    assert "近 30 天" in page and 'data-testid="views">0<' in page
    helper = make_user(None, phone="13911112222")
    from linli.core.crypto import lookup_hash

    helper.phone_hash = lookup_hash("13911112222")
    helper.save()
    resp = client.post("/station/console/", {"action": "staff_add", "provider": station.provider.pk, "login": "13999999999"})
    assert resp.status_code == 400 and "没有找到该账号" in resp.content.decode()  # in place, beside the form
    resp = client.post("/station/console/", {"action": "staff_add", "provider": station.provider.pk, "login": "13911112222"})
    assert resp.status_code == 302 and booking.can_manage(helper, o.resource)
    client.post("/station/console/", {"action": "staff_remove", "provider": station.provider.pk, "user": helper.pk})
    assert not booking.can_manage(helper, o.resource)
    client.post("/station/console/", {"action": "unpublish", "offering": o.pk})
    assert not Offering.objects.get(pk=o.pk).active
    assert "已下架" in client.get("/station/console/").content.decode()
    client.post("/station/console/", {"action": "publish", "offering": o.pk})
    assert Offering.objects.get(pk=o.pk).active
    for bad in ({"action": "publish", "offering": "x"}, {"action": "staff_add", "provider": "x", "login": ""},
                {"action": "what"}, {"review": "abc", "text": "x"}):
        resp = client.post("/station/console/", bad)
        assert resp.status_code == 400 and 'role="alert"' in resp.content.decode(), bad


def test_console_in_english_shows_a_dash_not_none(client, station):
    station.owner.display_name = "陈站长"  # the fixture's name would read "None1"
    station.owner.save()
    station.approve()
    station.offer()
    client.force_login(station.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/station/console/"})
    page = client.get("/station/console/").content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    assert 'lang="en"' in page and "None" not in main
    sheet = client.get(f"/booking/staff/{station.provider.offerings.get().resource_id}/").content.decode()
    assert "Calendar feed" in sheet and "Calendar feed：" not in sheet


def test_editing_an_offering_its_photos_and_serving_staff_from_the_page(client, station, make_user):
    station.approve()
    o = station.offer()
    url = f"/station/console/offerings/{o.pk}/"
    client.force_login(station.young)
    assert client.get(url).status_code == 404
    client.force_login(station.owner)
    assert client.get(url).status_code == 200
    form = {"action": "save", "title": "长者助餐(全天)", "category": "meals", "price_type": "low", "price": "6元",
            "description": "午餐和晚餐", "communities": [station.tree.liede_sq.code, station.tree.huabiao.code],
            "capacity": "8", "tags": "elder", "staff": [str(station.owner.pk)]}
    assert client.post(url, form).status_code == 302
    o.refresh_from_db()
    assert (o.title, o.resource.capacity) == ("长者助餐(全天)", 8) and list(o.staff.all()) == [station.owner]
    resp = client.post(url, {**form, "communities": [], "capacity": "abc"})
    assert resp.status_code == 400 and 'data-testid="form-error"' in resp.content.decode()
    resp = client.post(url, {"action": "photos", "photos": [SimpleUploadedFile("a.txt", b"hello", content_type="image/jpeg")]})
    assert resp.status_code == 400 and 'data-testid="photo-error"' in resp.content.decode()
    resp = client.post(url, {"action": "photos", "photos": [SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"),
                                                            SimpleUploadedFile("b.jpg", jpeg(), content_type="image/jpeg")]})
    assert resp.status_code == 302 and OfferingPhoto.objects.count() == 2
    assert not Image.open(OfferingPhoto.objects.first().image.open("rb")).getexif()
    client.post(url, {"action": "photo_remove", "photo": "nope"})
    client.logout()
    page = client.get(f"/station/o/{o.pk}/").content.decode()
    assert page.count("<img ") == 2 and 'data-testid="serving"' in page and station.owner.display_name in page
    client.force_login(station.owner)
    client.post(url, {"action": "photo_remove", "photo": OfferingPhoto.objects.first().pk})
    assert OfferingPhoto.objects.count() == 1


def test_new_offering_with_several_photos_and_a_bad_file_in_place(client, station):
    station.approve()
    client.force_login(station.owner)
    form = {"provider": station.provider.pk, "title": "上门理发", "category": "housekeeping", "price_type": "low",
            "description": "上门", "communities": [station.tree.liede_sq.code], "weekdays": ["0", "1"], "opens": "09:00",
            "closes": "12:00", "slot_minutes": "60", "capacity": "2"}
    resp = client.post("/station/console/offerings/new/", {**form, "photos": [SimpleUploadedFile("x.jpg", b"not", content_type="image/jpeg")]})
    assert resp.status_code == 400 and "无法识别的图片文件" in resp.content.decode() and not Offering.objects.exists()
    resp = client.post("/station/console/offerings/new/", {**form, "photos": [SimpleUploadedFile(f"{i}.jpg", jpeg()) for i in range(3)]})
    assert resp.status_code == 302 and Offering.objects.get().photos.count() == 3
    resp = client.post("/station/console/offerings/new/", {**form, "opens": "late"})
    assert resp.status_code == 400


def test_vetting_shows_licence_and_a_masked_phone_revealed_with_a_reason(client, station, make_user):
    pdf = b"%PDF-1.4 licence"
    applicant = make_user(None)
    p = services.apply_provider(actor=applicant, name="安心家政", code=make_uscc("91440106MA5CDEG8X"), kind="merchant",
                                contact_name="林", contact_phone="13812345678", address="猎德路2号", region=station.tree.liede,
                                licence=pdf)
    client.force_login(station.street_admin)
    page = client.get("/station/vetting/").content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert f"/station/providers/{p.pk}/licence/" in page
    resp = client.get(f"/station/providers/{p.pk}/licence/")
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == pdf and resp["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="provider.licence_view", actor=station.street_admin).exists()
    resp = client.post(f"/station/vetting/{p.pk}/contact/", {"reason": ""}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 400 and "请选择查看事由" in resp.content.decode() and not SensitiveAccess.objects.exists()
    resp = client.post(f"/station/vetting/{p.pk}/contact/", {"purpose": "核对信息", "reason": "00"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 400 and "至少4个字" in resp.content.decode() and not SensitiveAccess.objects.exists()
    resp = client.post(f"/station/vetting/{p.pk}/contact/", {"purpose": "核对信息", "reason": "电话核实材料"}, HTTP_HX_REQUEST="true")
    assert "13812345678" in resp.content.decode() and 'data-testid="reveal-logged"' in resp.content.decode()
    assert SensitiveAccess.objects.get().reason == "核对信息：电话核实材料"
    # without htmx the number is in the page answered, never in a cookie (the messages cookie is only signed)
    resp = client.post(f"/station/vetting/{p.pk}/contact/", {"purpose": "核对信息", "reason": "电话核实材料"})
    assert resp.status_code == 200 and "13812345678" in resp.content.decode()
    assert all("13812345678" not in c.value for c in resp.cookies.values())
    assert "13812345678" not in client.get("/station/vetting/").content.decode()
    SensitiveAccess.objects.filter(pk=SensitiveAccess.objects.order_by("-pk").first().pk).delete()
    # another street's admin: nothing
    client.force_login(station.other_admin)
    assert client.get(f"/station/providers/{p.pk}/licence/").status_code == 404
    assert client.post(f"/station/vetting/{p.pk}/contact/", {"reason": "好奇"}).status_code == 404
    assert "安心家政" not in client.get("/station/vetting/").content.decode()
    # the applicant sees its own licence; a resident gets a 403 page, never data
    client.force_login(applicant)
    assert client.get(f"/station/providers/{p.pk}/licence/").status_code == 200
    client.force_login(station.young)
    assert client.post(f"/station/vetting/{p.pk}/contact/", {"reason": "x"}).status_code == 403
    assert SensitiveAccess.objects.count() == 1


def test_vetting_figures_table_has_views_and_a_chosen_period(client, station):
    station.approve()
    o = station.offer()
    services.count_view(o)
    client.force_login(station.street_admin)
    page = client.get("/station/vetting/?days=7").content.decode()
    table = page[page.index('data-testid="by-provider"'):]
    table = table[:table.index("</table>")]
    assert "<th>浏览</th>" in table and re.search(r"<td[^>]*>1</td>", table) and "近 7 天" in page
    assert client.get("/station/vetting/?days=abc").status_code == 200  # any other value: 30 days


def test_posts_by_staff_of_another_area_or_provider_change_nothing(client, station, rival):
    station.approve()
    o = station.offer()
    rv = attended_review(station, o)
    # console: the rival provider's staff reach none of this provider's offerings or reviews
    client.force_login(rival)
    assert client.post("/station/console/", {"action": "unpublish", "offering": o.pk}).status_code == 400
    assert client.post("/station/console/", {"review": rv.pk, "text": "刷评"}).status_code == 400
    assert client.post("/station/console/", {"action": "staff_add", "provider": station.provider.pk,
                                              "login": rival.username}).status_code == 400
    assert client.get(f"/station/console/offerings/{o.pk}/").status_code == 404
    assert client.post(f"/station/console/offerings/{o.pk}/", {"action": "save", "title": "x"}).status_code == 404
    count = Offering.objects.count()
    client.post("/station/console/offerings/new/", {"provider": station.provider.pk, "title": "冒名服务", "category": "meals",
                                                    "price_type": "free", "description": "x",
                                                    "communities": [station.tree.liede_sq.code], "weekdays": ["0"]})
    assert Offering.objects.count() == count and not Offering.objects.filter(title="冒名服务").exists()
    o.refresh_from_db()
    rv.refresh_from_db()
    assert o.active and rv.reply == "" and not station.provider.staff.filter(pk=rival.pk).exists()
    # vetting: the other street's admin can neither vet nor hide here
    client.force_login(station.other_admin)
    client.post("/station/vetting/", {"provider": station.provider.pk, "decision": "suspend", "reason": "x"})
    client.post("/station/vetting/", {"review": rv.pk, "reason": "x"})
    assert Provider.objects.get(pk=station.provider.pk).state == "approved"
    assert not Review.objects.get(pk=rv.pk).hidden
    # the API endpoints for reply and hide
    client.force_login(rival)
    assert client.post(f"/api/v1/station/reviews/{rv.pk}/reply", {"text": "x"}, content_type="application/json").status_code == 404
    client.force_login(station.young)
    assert client.post(f"/api/v1/station/reviews/{rv.pk}/reply", {"text": "x"}, content_type="application/json").status_code == 404
    client.force_login(station.other_admin)
    assert client.post(f"/api/v1/station/reviews/{rv.pk}/hide", {"text": "辱骂"}, content_type="application/json").status_code == 403
    client.force_login(station.elder)
    assert client.post(f"/api/v1/station/reviews/{rv.pk}/hide", {"text": "辱骂"}, content_type="application/json").status_code == 403
    rv.refresh_from_db()
    assert not rv.hidden and rv.reply == ""
    client.force_login(station.owner)
    assert client.post(f"/api/v1/station/reviews/{rv.pk}/reply", {"text": "谢谢"}, content_type="application/json").json()["reply"] == "谢谢"
    client.force_login(station.street_admin)
    r = client.post(f"/api/v1/station/reviews/{rv.pk}/hide", {"text": " "}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"]["message"] == "请填写理由" and not Review.objects.get(pk=rv.pk).hidden
    assert client.post(f"/api/v1/station/reviews/{rv.pk}/hide", {"text": "含电话"}, content_type="application/json").status_code == 200


def test_browse_has_a_community_selector(client, station):
    """A resident is offered the communities of their own street that some offering serves (a
    city has thousands of communities: never all of them); a chosen one stays selected."""
    station.approve()
    station.offer()
    client.force_login(station.elder)
    page = client.get("/station/").content.decode()
    assert 'name="community"' in page and f'value="{station.tree.liede_sq.code}"' in page
    assert f'value="{station.tree.huabiao.code}"' not in page  # same street, but no offering serves it
    assert f'value="{station.tree.pantang.code}"' not in page  # another district
    client.logout()
    assert f'value="{station.tree.liede_sq.code}"' not in client.get("/station/").content.decode()
    chosen = client.get(f"/station/?community={station.tree.liede_sq.code}").content.decode()
    assert f'value="{station.tree.liede_sq.code}" selected' in chosen
    assert "长者助餐" in client.get(f"/station/?community={station.tree.liede_sq.code}").content.decode()
    assert "长者助餐" not in client.get(f"/station/?community={station.tree.huabiao.code}").content.decode()


def test_console_and_vetting_query_counts_stay_flat(client, station, django_assert_max_num_queries):
    """The console and the vetting page cost the same with 2 offerings as with 8."""
    station.approve()
    for i in range(2):
        station.offer(title=f"服务{i}")
    client.force_login(station.owner)
    client.get("/station/console/")
    with django_assert_max_num_queries(CONSOLE_QUERIES):
        assert client.get("/station/console/").status_code == 200
    for i in range(2, 8):
        station.offer(title=f"服务{i}")
    with django_assert_max_num_queries(CONSOLE_QUERIES):
        assert client.get("/station/console/").status_code == 200
    client.force_login(station.street_admin)
    with django_assert_max_num_queries(VETTING_QUERIES):
        assert client.get("/station/vetting/").status_code == 200


CONSOLE_QUERIES = 13
VETTING_QUERIES = 14


def test_an_attended_service_offers_its_resident_the_review_link_on_booking_s_page(client, station):
    """The station adds the link through booking's hook; booking's page names no station."""
    station.approve()
    o = station.offer()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time(11)))
    r = booking.book(actor=station.elder, resource=o.resource, starts_at=start, now=start - dt.timedelta(hours=3))
    client.force_login(station.elder)
    assert f"/station/review/{r.pk}/" not in client.get(f"/booking/reservations/{r.pk}/").content.decode()  # not yet attended
    booking.check_in(actor=station.owner, code=r.code, now=start)
    page = client.get(f"/booking/reservations/{r.pk}/").content.decode()
    assert 'data-testid="review-link"' in page and "评价服务" in page
    client.force_login(station.owner)  # the provider's staff see the booking, not the resident's review link
    assert 'data-testid="review-link"' not in client.get(f"/booking/reservations/{r.pk}/").content.decode()
