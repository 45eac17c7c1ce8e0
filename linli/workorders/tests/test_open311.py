"""GeoReport v2 as a third-party client sees it, in JSON and XML."""

import json
from xml.etree import ElementTree as ET

import pytest

from linli.workorders import services
from linli.workorders.models import WorkOrder
from linli.workorders.open311 import issue_client

pytestmark = pytest.mark.django_db
SPEC_REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                       "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                       "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


@pytest.fixture
def key(loop, root):
    _client, secret = issue_client(actor=root, name="市民随手拍", default_region=loop.tree.liede_sq, read_scope=loop.tree.liede)
    return secret


def parse(resp, fmt):
    if fmt == "json":
        assert resp["Content-Type"].startswith("application/json")
        return json.loads(resp.content)
    assert resp["Content-Type"].startswith("text/xml")
    return ET.fromstring(resp.content)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_services_and_definition(client, loop, fmt):
    d = parse(client.get(f"/open311/v2/discovery.{fmt}"), fmt)
    if fmt == "json":
        assert d["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    else:
        assert d.tag == "discovery" and d.find("endpoints/endpoint/specification").text.endswith("GeoReport_v2")
    services_ = parse(client.get(f"/open311/v2/services.{fmt}"), fmt)
    if fmt == "json":
        lamp = next(s for s in services_ if s["service_code"] == "0201")
        assert lamp["service_name"] == "路灯不亮" and lamp["metadata"] is True and lamp["type"] == "realtime"
        assert lamp["group"] == "市政设施"
        assert all(s["service_code"] not in ("02", "03") for s in services_)  # groups are not services
    else:
        codes = [s.find("service_code").text for s in services_.findall("service")]
        assert "0201" in codes and services_.find("service/metadata").text == "true"
    definition = parse(client.get(f"/open311/v2/services/0301.{fmt}"), fmt)
    if fmt == "json":
        assert definition["service_code"] == "0301"
        assert {a["code"] for a in definition["attributes"]} == {"region_code", "urgency"}
    else:
        assert definition.find("attributes/attribute/code").text == "region_code"
    missing = client.get(f"/open311/v2/services/9999.{fmt}")
    assert missing.status_code == 404
    err = parse(missing, fmt)
    if fmt == "json":
        assert err == [{"code": 404, "description": "service_code 9999 not found"}]
    else:
        assert err.tag == "errors" and err.find("error/code").text == "404"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_then_get_request(client, loop, key, fmt):
    resp = client.post(f"/open311/v2/requests.{fmt}", {
        "api_key": key, "service_code": "0201", "lat": "23.117", "long": "113.330", "description": "路灯不亮，请尽快修",
        "first_name": "明", "last_name": "王", "phone": "13912345678", "jurisdiction_id": "guangzhou.linli"})
    assert resp.status_code == 200, resp.content
    body = parse(resp, fmt)
    number = body[0]["service_request_id"] if fmt == "json" else body.find("request/service_request_id").text
    order = WorkOrder.objects.get(number=number)
    assert order.channel == "open311" and order.region == loop.tree.liede_sq and order.contact_name == "王 明"
    services.register(actor=loop.dispatcher, order=order)
    public = parse(client.get(f"/open311/v2/requests/{number}.{fmt}"), fmt)
    row = public[0] if fmt == "json" else {c.tag: c.text or "" for c in public.find("request")}
    assert set(row) == SPEC_REQUEST_FIELDS
    assert row["status"] == "open" and row["service_code"] == "0201" and row["agency_responsible"]
    assert row["description"] == "" and "13912345678" not in str(row)  # no key: no personal text
    keyed = parse(client.get(f"/open311/v2/requests/{number}.{fmt}?api_key={key}"), fmt)
    row = keyed[0] if fmt == "json" else {c.tag: c.text or "" for c in keyed.find("request")}
    assert row["description"] == "路灯不亮，请尽快修" and row["expected_datetime"]
    from linli.workorders.open311 import issue_client

    elsewhere = issue_client(actor=None, name="荔湾随手拍", read_scope=loop.tree.changhua)[1]  # another district's key
    other = parse(client.get(f"/open311/v2/requests.{fmt}?api_key={elsewhere}&service_request_id={number}"), fmt)
    row = other[0] if fmt == "json" else {c.tag: c.text or "" for c in other.find("request")}
    assert row["description"] == "" and row["service_request_id"] == number


def test_post_errors(client, loop, key):
    def post(**data):
        return client.post("/open311/v2/requests.json", data)

    assert post(service_code="0201", lat="1", long="1", description="描述一下问题").status_code == 403
    assert post(api_key="nope", service_code="0201", lat="1", long="1").status_code == 403
    resp = post(api_key=key, service_code="0201", description="路灯不亮很久了")
    assert resp.status_code == 400 and resp.json() == [{"code": 400, "description": "lat and long, or address_string, is required"}]
    assert post(api_key=key, service_code="77", address_string="猎德花园").status_code == 404
    resp = post(api_key=key, service_code="0201", address_string="猎德花园", description="路灯坏了好几天", jurisdiction_id="other")
    assert resp.status_code == 404
    assert not WorkOrder.objects.exists()


def test_get_requests_filters_and_defaults(client, loop, key):
    a = loop.submit()
    b = loop.submit(category=loop.lift, description="电梯困人，请马上处理")
    services.register(actor=loop.dispatcher, order=b)
    rows = client.get("/open311/v2/requests.json").json()
    assert {r["service_request_id"] for r in rows} == {a.number, b.number}
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json?service_code=0301").json()] == [b.number]
    ids = client.get(f"/open311/v2/requests.json?service_request_id={a.number},{b.number}").json()
    assert len(ids) == 2
    assert client.get("/open311/v2/requests.json?status=closed").json() == []
    assert len(client.get("/open311/v2/requests.json?status=open").json()) == 2
    assert client.get("/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z").json() == []
    resp = client.get("/open311/v2/requests.json?start_date=yesterday")
    assert resp.status_code == 400 and "W3C" in resp.json()[0]["description"]
    old = WorkOrder.objects.filter(pk=a.pk)
    import datetime as dt

    from django.utils import timezone

    old.update(created_at=timezone.now() - dt.timedelta(days=120))
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").json()] == [b.number]  # 90 days
    assert client.get("/open311/v2/requests/NOPE.json").status_code == 404


def test_rate_limit_per_client(client, loop, root):
    from linli.workorders.models import Open311Client

    _c, key = issue_client(actor=root, name="小程序", default_region=loop.tree.liede_sq, requests_per_minute=2)
    answers = [client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "0201", "address_string": "北门",
                                                         "description": f"路灯不亮第{i}次反映"}) for i in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == [{"code": 429, "description": "rate limit exceeded for this api_key; try again in a minute"}]
    assert 1 <= int(answers[2]["Retry-After"]) <= 60
    assert Open311Client.objects.get().key_hash != key and WorkOrder.objects.count() == 2


def rows_of(resp, fmt):
    body = parse(resp, fmt)
    if fmt == "json":
        return body
    return [{c.tag: c.text or "" for c in r} for r in body.findall("request")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_merged_request_is_answered_with_the_order_it_joined(client, loop, key, fmt):
    kept = loop.submit()
    dup = loop.submit(description="东门路灯也不亮了，晚上很黑")
    services.merge(actor=loop.dispatcher, order=dup, into=kept)
    row = rows_of(client.get(f"/open311/v2/requests/{dup.number}.{fmt}?api_key={key}"), fmt)[0]
    assert row["service_request_id"] == dup.number and row["status"] == "open" and kept.number in row["status_notes"]
    listed = rows_of(client.get(f"/open311/v2/requests.{fmt}?service_request_id={dup.number}"), fmt)
    assert [r["service_request_id"] for r in listed] == [dup.number]  # the client can still track its own
    assert dup.number not in {r["service_request_id"] for r in rows_of(client.get(f"/open311/v2/requests.{fmt}"), fmt)}
    services.register(actor=loop.dispatcher, order=kept)
    kept.refresh_from_db()
    services.accept(actor=loop.handler, order=kept)
    services.report_done(actor=loop.handler, order=kept, result="已更换灯具")
    services.verify(actor=loop.dispatcher, order=kept, passed=True)
    row = rows_of(client.get(f"/open311/v2/requests/{dup.number}.{fmt}?api_key={key}"), fmt)[0]
    assert row["status"] == "closed" and "已更换灯具" in row["status_notes"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_date_ranges_follow_the_spec(client, loop, fmt):
    import datetime as dt

    from django.utils import timezone

    a = loop.submit()
    WorkOrder.objects.filter(pk=a.pk).update(created_at=timezone.now() - dt.timedelta(days=100))
    b = loop.submit()
    wide = client.get(f"/open311/v2/requests.{fmt}?start_date=2026-01-01T00:00:00%2B08:00&end_date=2026-06-01T00:00:00%2B08:00")
    assert wide.status_code == 400 and "90" in (wide.content.decode())
    back = (timezone.now() - dt.timedelta(days=95)).isoformat().replace("+", "%2B")
    only_end = rows_of(client.get(f"/open311/v2/requests.{fmt}?end_date={back}"), fmt)  # the 90 days before it
    assert [r["service_request_id"] for r in only_end] == [a.number]
    recent = rows_of(client.get(f"/open311/v2/requests.{fmt}"), fmt)
    assert [r["service_request_id"] for r in recent] == [b.number]
    bad = client.get(f"/open311/v2/requests.{fmt}?status=pending")
    assert bad.status_code == 400
    err = parse(bad, fmt)
    assert (err[0]["code"] if fmt == "json" else int(err.find("error/code").text)) == 400


def test_keywords_optional_description_and_the_notice(client, loop, key):
    lamp = next(s for s in client.get("/open311/v2/services.json").json() if s["service_code"] == "0201")
    assert lamp["keywords"] == "路灯不亮,市政设施"  # the spec's comma-separated list
    resp = client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "0201", "address_string": "猎德花园北门"})
    assert resp.status_code == 200, resp.content
    assert resp.json()[0]["service_notice"] == "将在10个工作日内办理"
    order = WorkOrder.objects.get(number=resp.json()[0]["service_request_id"])
    assert order.description.startswith("路灯不亮")
    long = client.post("/open311/v2/requests.json", {"api_key": key, "service_code": "0201", "address_string": "北门",
                                                     "description": "灯" * 4000})
    assert long.status_code == 200  # up to the spec's 4,000 characters


def test_listing_costs_the_same_statements_for_5_or_25_requests(client, loop, key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def statements():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/open311/v2/requests.json?api_key={key}").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        loop.submit()
    few = statements()
    for _ in range(20):
        loop.submit()
    assert statements() == few


def error_of(resp, fmt):
    """(status, code, description) as a client reads the GeoReport v2 error answer."""
    body = parse(resp, fmt)
    if fmt == "json":
        return resp.status_code, body[0]["code"], body[0]["description"]
    assert body.tag == "errors"
    return resp.status_code, int(body.find("error/code").text), body.find("error/description").text


@pytest.fixture
def bare_key(loop, root):
    """A key issued without a default community."""
    return issue_client(actor=root, name="第三方地图", read_scope=None)[1]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_a_400_in_the_spec_format(client, loop, key, fmt):
    for query in ("start_date=2026-13-45T00:00:00", "end_date=2026-02-30T00:00:00", "start_date=2026-01-01T25:61:00"):
        status, code, description = error_of(client.get(f"/open311/v2/requests.{fmt}?{query}"), fmt)
        assert status == code == 400 and "W3C" in description, query
    base = {"api_key": key, "service_code": "0201", "description": "路灯坏了"}
    for lat, lng in (("NaN", "113.33"), ("23.1", "nan"), ("inf", "113.33"), ("-Infinity", "113.33"), ("91", "113.33"),
                     ("-90.5", "113.33"), ("23.1", "181"), ("23.1", "-180.01"), ("1e400", "113.33"), ("23.1", "东经")):
        status, code, description = error_of(client.post(f"/open311/v2/requests.{fmt}", {**base, "lat": lat, "long": lng}), fmt)
        assert status == code == 400 and "坐标" in description, (lat, lng)
    status, code, description = error_of(client.post(f"/open311/v2/requests.{fmt}", {
        "api_key": key, "address_string": "猎德花园", "description": "路灯坏了"}), fmt)
    assert status == code == 400 and description == "service_code is required"
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_key_without_a_default_community_names_the_place_as_the_service_definition_says(client, loop, bare_key, fmt):
    definition = client.get("/open311/v2/services/0201.json").json()
    region = next(a for a in definition["attributes"] if a["code"] == "region_code")
    assert region["required"] is True and "default community" in region["datatype_description"]
    xml = parse(client.get("/open311/v2/services/0201.xml"), "xml")
    assert xml.find("attributes/attribute/required").text == "true"
    body = {"api_key": bare_key, "service_code": "0201", "address_string": "猎德花园北门"}
    status, code, description = error_of(client.post(f"/open311/v2/requests.{fmt}", body), fmt)
    assert status == code == 400 and "attribute[region_code] is required" in description
    status, code, description = error_of(client.post(f"/open311/v2/requests.{fmt}", {**body, "attribute[region_code]": "123"}), fmt)
    assert status == code == 400 and "123" in description
    resp = client.post(f"/open311/v2/requests.{fmt}", {**body, "attribute[region_code]": loop.tree.g_liede1.code})
    assert resp.status_code == 200, resp.content
    assert WorkOrder.objects.get().region == loop.tree.g_liede1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_description_is_optional_however_short(client, loop, key, fmt):
    resp = client.post(f"/open311/v2/requests.{fmt}", {"api_key": key, "service_code": "0201", "address_string": "北门",
                                                        "description": "灯坏"})
    assert resp.status_code == 200, resp.content
    assert WorkOrder.objects.get().description == "灯坏"


def test_control_characters_are_stripped_at_input_and_never_reach_the_xml(client, loop, key):
    resp = client.post("/open311/v2/requests.json", {
        "api_key": key, "service_code": "0201", "address_string": "恩宁路\u0001\u001b12号", "description": "路灯\x08不亮\u000b了",
        "first_name": "阿\u0007婆"})
    assert resp.status_code == 200, resp.content
    order = WorkOrder.objects.get()
    assert (order.address, order.description, order.contact_name) == ("恩宁路12号", "路灯不亮了", "阿婆")
    # text stored before the cleaning, or written around it, still gives valid XML
    WorkOrder.objects.filter(pk=order.pk).update(address="恩宁路\u0001\u001b12号", description="路灯\u001b不亮\ufffe")
    from linli.workorders.models import WorkOrderEvent

    WorkOrderEvent.objects.filter(order=order).update(note="已受理\u0002")
    for url in ("/open311/v2/requests.xml", f"/open311/v2/requests.xml?api_key={key}",
                f"/open311/v2/requests/{order.number}.xml?api_key={key}"):
        root = ET.fromstring(client.get(url).content)  # expat: a real XML 1.0 parser
        row = root.find("request")
        assert row.find("service_request_id").text == order.number
    assert row.find("address").text == "恩宁路12号" and row.find("description").text == "路灯不亮"
    from xml.dom import minidom

    minidom.parseString(client.get("/open311/v2/requests.xml").content)


def test_the_service_cleans_every_free_text_field(loop):
    order = loop.submit(description="第一行\r\n第二行\x1b[31m", address="3栋\n门口\t东侧\x00", contact_name="王\u202e明")
    assert order.description == "第一行\n第二行[31m" and order.address == "3栋 门口 东侧" and order.contact_name == "王明"
    services.register(actor=loop.dispatcher, order=order)
    order.refresh_from_db()
    services.accept(actor=loop.handler, order=order)
    services.report_done(actor=loop.handler, order=order, result="已更换\x07灯具\n恢复照明")
    order.refresh_from_db()
    assert order.result == "已更换灯具\n恢复照明"
    assert order.events.get(action="report_done").note == "已更换灯具\n恢复照明"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_public_reads_place_the_request_no_finer_than_its_grid(client, loop, key, fmt):
    order = loop.submit(address="5栋1201 噪音", lat="23.117456", lng="113.330789")

    def row_of(url):
        body = parse(client.get(url), fmt)
        return body[0] if fmt == "json" else {c.tag: c.text or "" for c in body.find("request")}

    public = row_of(f"/open311/v2/requests/{order.number}.{fmt}")
    assert public["address"] == "猎德社区 第1网格" and "1201" not in str(public)
    assert (public["lat"], public["long"]) == ("23.117", "113.331")  # about 100 m
    listed = row_of(f"/open311/v2/requests.{fmt}")
    assert listed["address"] == "猎德社区 第1网格"
    keyed = row_of(f"/open311/v2/requests/{order.number}.{fmt}?api_key={key}")  # the key reads this area
    assert keyed["address"] == "5栋1201 噪音" and keyed["lat"] == "23.117456"


def test_a_retried_request_token_gets_the_first_answer_however_long_the_device_id(client, loop, key):
    """A client's device id and request token can be long: the stored key is the client's own and of fixed length."""
    data = {"api_key": key, "service_code": "0201", "lat": "23.117", "long": "113.330", "description": "路灯不亮",
            "device_id": "d" * 120, "request_token": "t" * 120}
    first = client.post("/open311/v2/requests.json", data)
    again = client.post("/open311/v2/requests.json", data)
    assert first.status_code == again.status_code == 200, (first.content, again.content)
    assert json.loads(first.content)[0]["service_request_id"] == json.loads(again.content)[0]["service_request_id"]
    assert WorkOrder.objects.filter(channel="open311").count() == 1
    other = client.post("/open311/v2/requests.json", {**data, "description": "另一件事：井盖缺失"})
    assert other.status_code == 409 or other.status_code == 400, other.content  # the same token for another report is refused
    assert WorkOrder.objects.filter(channel="open311").count() == 1


def test_anonymous_read_limit_counts_the_client_behind_a_trusted_proxy(client, loop, settings):
    settings.LINLI_TRUSTED_PROXY_COUNT = 1
    settings.LINLI_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.LINLI_OPEN311_READS_PER_MINUTE = 2
    for _ in range(2):
        assert client.get("/open311/v2/requests.json", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    assert client.get("/open311/v2/requests.json", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429  # too many requests, in the spec's error format
    assert client.get("/open311/v2/requests.json", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200
