"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2) under /open311/v2/.

Service codes are our category codes; statuses map to open/closed. JSON and XML, the spec's field
names and error format (``[{"code", "description"}]``). Creating a request needs an ``api_key``
issued in admin; reading does not, and then no description or contact data is returned. A key
returns descriptions only for requests inside the read scope the admin gave it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from linli.core.errors import DomainError
from linli.core.idempotency import scoped_key
from linli.core.middleware import client_ip
from linli.core.services import record_audit
from linli.core.text import clean_text, xml_safe
from linli.regions import selectors as region_selectors
from linli.regions.selectors import Level

from . import selectors, services, states
from .models import Category, Open311Client, WorkOrder

if TYPE_CHECKING:
    from linli.regions.models import RegionNode

MAX_RESULTS = 1000
DEFAULT_DAYS = 90


def jurisdiction() -> str:
    return getattr(settings, "LINLI_OPEN311_JURISDICTION", "linli.local")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_client(*, actor: Any, name: str, default_region: RegionNode | None = None, requests_per_minute: int = 60,
                 read_scope: RegionNode | None = None) -> tuple[Open311Client, str]:
    key = "o311_" + secrets.token_urlsafe(24)
    name = clean_text(name, limit=100)
    client = Open311Client.objects.create(name=name, key_prefix=key[:10], key_hash=_digest(key), read_scope=read_scope,
                                          default_region=default_region, requests_per_minute=requests_per_minute)
    record_audit(actor=actor, action="open311.client.issue", target=client, changes={"name": name})
    return client, key


def _client(key: str | None) -> Open311Client | None:
    if not key:
        return None
    return Open311Client.objects.select_related("default_region", "read_scope").filter(key_hash=_digest(key), active=True).first()


def _may_read(client: Open311Client | None, order: WorkOrder) -> bool:
    """A key reads descriptions and notes only of requests inside its read scope."""
    return client is not None and client.read_scope is not None and order.region_path.startswith(client.read_scope.path)


# ---------------------------------------------------------------- rendering

class Open311Error(Exception):
    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


def _limited(description: str) -> Open311Error:
    """Too many requests in this minute: 429 in the spec's error format, with the seconds until
    the next minute's allowance in ``Retry-After`` (the spec names no code for it; HTTP does)."""
    return Open311Error(429, description, retry_after=60 - int(timezone.now().timestamp()) % 60)


def _xml(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        el = ET.SubElement(top, item)
        _fill(el, row)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _fill(el: ET.Element, row: dict[str, Any]) -> None:
    for key, value in row.items():
        child = ET.SubElement(el, key)
        if isinstance(value, list):
            singular = {"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format",
                        "keywords": "keyword"}.get(key, "item")
            for v in value:
                sub = ET.SubElement(child, singular)
                if isinstance(v, dict):
                    _fill(sub, v)
                else:
                    sub.text = _text(v)
        elif isinstance(value, dict):
            _fill(child, value)
        else:
            child.text = _text(value)


def _text(value: Any) -> str:
    """Element text: ElementTree escapes ``<&>`` but writes control characters as they are, which
    no XML 1.0 parser accepts, so they are dropped here."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_safe(str(value))


def respond(fmt: str, data: Any, *, root: str = "", item: str = "", status: int = 200) -> HttpResponse:
    if fmt == "xml":
        if isinstance(data, dict):
            top = ET.Element(root)
            _fill(top, data)
            body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
        else:
            body = _xml(root, item, data)
        return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(fmt, [{"code": status, "description": description}], root="errors", item="error", status=status)


def endpoint(view):  # type: ignore[no-untyped-def]
    def wrapped(request: HttpRequest, *args: Any, fmt: str = "json", **kwargs: Any) -> HttpResponse:
        if fmt not in ("json", "xml"):
            return error("json", 404, "format not supported; use .json or .xml")
        jid = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if jid and jid != jurisdiction():
            return error(fmt, 404, f"jurisdiction_id {jid} is not served here")
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            resp = error(fmt, exc.status, exc.description)
            if exc.retry_after is not None:
                resp["Retry-After"] = str(exc.retry_after)
            return resp
        except DomainError as exc:
            return error(fmt, exc.status if exc.status in (400, 403, 404) else 400, str(exc.message))

    wrapped.__name__ = view.__name__
    return csrf_exempt(wrapped)


# ---------------------------------------------------------------- views

@endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-11-23T00:00:00+08:00",
        "contact": "邻里平台管理员 / Linli platform administrators",
        "key_service": "API keys are issued by the city's platform administrators (admin: Open311 clients).",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base, "changeset": "2026-11-23T00:00:00+08:00",
                       "type": "production", "formats": ["application/json", "text/xml"]}],
    }
    return respond(fmt, data, root="discovery")


def _service(c: Category) -> dict[str, Any]:
    return {"service_code": c.code, "service_name": c.name, "description": c.description or f"{c.parent.name if c.parent else ''}/{c.name}",
            "metadata": True, "type": "realtime", "keywords": ",".join(k for k in (c.name, c.parent.name if c.parent else "") if k),
            "group": c.parent.name if c.parent else ""}


@endpoint
def services_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return respond(fmt, [_service(c) for c in selectors.leaf_categories().order_by("code")], root="services", item="service")


ATTRIBUTES = [
    # required: a request is placed by the community or grid it is in (the city has no map of
    # community boundaries to place it by its coordinates); a key issued with a default community
    # may leave it out, and its requests go to that community
    {"variable": True, "code": "region_code", "datatype": "string", "required": True, "order": 1,
     "datatype_description": "12-digit community code or 15-digit grid code (统计用区划代码); "
                             "may be left out only with an api_key issued with a default community",
     "description": "所在社区或网格代码"},
    {"variable": True, "code": "urgency", "datatype": "singlevaluelist", "required": False, "order": 2,
     "datatype_description": "", "description": "紧急程度",
     "values": [{"key": "normal", "name": "一般"}, {"key": "urgent", "name": "紧急"}]},
]


@endpoint
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    category = selectors.leaf_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    return respond(fmt, {"service_code": category.code, "attributes": ATTRIBUTES}, root="service_definition")


def _status(order: WorkOrder) -> str:
    return "open" if order.status in states.OPEN else "closed"


def _notice(category: Category, urgency: str = WorkOrder.Urgency.NORMAL) -> str:
    if urgency == WorkOrder.Urgency.URGENT:
        return f"紧急件，将在{category.urgent_limit_hours}小时内处置"
    unit = "个工作小时" if category.limit_unit == Category.LimitUnit.HOURS else "个工作日"
    return f"将在{category.handle_limit}{unit}内办理"


def _with_notes(qs: Any) -> Any:
    """The latest public note of each order, in the same statement (no query per row)."""
    from django.db.models import OuterRef, Subquery

    from .models import WorkOrderEvent

    last = WorkOrderEvent.objects.filter(order=OuterRef("pk"), public=True).order_by("-at", "-id").values("note")[:1]
    return qs.annotate(last_note=Subquery(last))


PUBLIC_COORD = Decimal("0.001")  # about 100 m: the compound or the stretch of road, not the door


def _place(order: WorkOrder, *, full: bool) -> tuple[str, str, str]:
    """address, lat, long. Without read access no typed address (it names flats and people) and
    coordinates rounded to about 100 m; the place is named by its grid and community."""
    if full:
        return (order.address, str(order.lat) if order.lat is not None else "", str(order.lng) if order.lng is not None else "")
    region = order.region
    name = f"{region.parent.name} {region.name}" if region.level == Level.GRID and region.parent is not None else region.name
    def rounded(v: Decimal | None) -> str:
        return str(v.quantize(PUBLIC_COORD)) if v is not None else ""
    return name, rounded(order.lat), rounded(order.lng)


def _request_row(order: WorkOrder, *, full: bool) -> dict[str, Any]:
    shown = order.merged_into if order.merged_into_id and order.merged_into is not None else order
    address, lat, lng = _place(order, full=full)
    notes = (shown.result or getattr(order, "last_note", "") or "") if full else ""
    if shown is not order:  # a duplicate: its status is the order it was merged into
        notes = f"与 {shown.number} 合并办理" + (f"：{notes}" if notes else "")
    return {
        "service_request_id": order.number,
        "status": _status(shown),
        "status_notes": notes,
        "service_name": order.category.name,
        "service_code": order.category.code,
        "description": order.description if full else "",
        "agency_responsible": shown.unit.name if shown.unit else "",
        "service_notice": "",
        "requested_datetime": timezone.localtime(order.created_at).isoformat(),
        "updated_datetime": timezone.localtime(order.updated_at).isoformat(),
        "expected_datetime": timezone.localtime(shown.due_at).isoformat() if shown.due_at else "",
        "address": address,
        "address_id": "",
        "zipcode": "",
        "lat": lat,
        "long": lng,
        "media_url": "",
    }


def _count(key: str) -> int:
    """Requests in this minute under ``key`` (the cache: Redis when set, so shared by every process)."""
    key = f"{key}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, 120)
    try:
        return int(cache.incr(key))
    except ValueError:
        cache.set(key, 1, 120)
        return 1


def _rate_limited(client: Open311Client) -> bool:
    return _count(f"o311:rate:{client.pk}") > client.requests_per_minute


def _throttle_reads(request: HttpRequest, client: Open311Client | None) -> None:
    """Reads are limited per key, or per address without one (LINLI_OPEN311_READS_PER_MINUTE)."""
    who = f"key:{client.pk}" if client is not None else f"ip:{client_ip(request) or ''}"
    if _count(f"o311:read:{who}") > getattr(settings, "LINLI_OPEN311_READS_PER_MINUTE", 600):
        raise _limited("rate limit exceeded; try again in a minute")


@endpoint
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        raise Open311Error(400, "method not allowed")
    client = _client(request.GET.get("api_key"))
    _throttle_reads(request, client)
    qs = WorkOrder.objects.select_related("category", "unit", "merged_into__unit", "region__parent").exclude(status=states.Status.WITHDRAWN)
    if client is not None and client.read_scope is not None:
        qs = _with_notes(qs)
    ids = request.GET.get("service_request_id")
    if ids:  # asked for by number: duplicates too, answered with the order they joined
        qs = qs.filter(number__in=[i.strip() for i in ids.split(",") if i.strip()][:MAX_RESULTS])
    else:
        qs = qs.filter(merged_into__isnull=True)
        codes = [c.strip() for c in request.GET.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        start, end = _date(request.GET.get("start_date"), "start_date"), _date(request.GET.get("end_date"), "end_date")
        # the spec: the last 90 days by default, and a range may not span more than 90 days
        if start and end and end - start > dt.timedelta(days=DEFAULT_DAYS):
            raise Open311Error(400, f"start_date and end_date may not span more than {DEFAULT_DAYS} days")
        if start and end and end < start:
            raise Open311Error(400, "end_date is before start_date")
        if start is None:
            start = (end or timezone.now()) - dt.timedelta(days=DEFAULT_DAYS)
        if end is None:
            end = min(timezone.now(), start + dt.timedelta(days=DEFAULT_DAYS))
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        statuses = {s.strip() for s in request.GET.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        if statuses == {"open"}:
            qs = qs.filter(status__in=states.OPEN)
        elif statuses == {"closed"}:
            qs = qs.exclude(status__in=states.OPEN)
    rows = [_request_row(o, full=_may_read(client, o)) for o in qs.order_by("-id")[:MAX_RESULTS]]
    return respond(fmt, rows, root="service_requests", item="request")


def _date(value: str | None, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+"))
    except ValueError:  # well formed but no such day or time (2026-13-45)
        parsed = None
    if parsed is None:
        raise Open311Error(400, f"{name} must be a W3C datetime, e.g. 2026-11-23T09:00:00+08:00")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    p = request.POST
    client = _client(p.get("api_key"))
    if client is None:
        raise Open311Error(403, "api_key is missing or not valid")
    if _rate_limited(client):
        raise _limited("rate limit exceeded for this api_key; try again in a minute")
    code = p.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    category = selectors.leaf_categories().filter(code=code).first()
    if category is None:
        raise Open311Error(404, f"service_code {code} not found")
    lat, lng, address = p.get("lat"), p.get("long"), p.get("address_string", "").strip()
    if not ((lat and lng) or address):
        raise Open311Error(400, "lat and long, or address_string, is required")
    region_code = p.get("attribute[region_code]", "").strip()
    if region_code:
        region = region_selectors.node(region_code, level=[Level.COMMUNITY, Level.GRID])
        if region is None:
            raise Open311Error(400, f"attribute[region_code] {region_code} is not a community or grid code")
    elif client.default_region is not None:
        region = client.default_region
    else:
        raise Open311Error(400, "attribute[region_code] is required (see the service definition): "
                                "the community or grid code of the place; this api_key has no default community")
    urgency = p.get("attribute[urgency]", "normal") or "normal"
    name = " ".join(x for x in (p.get("last_name", ""), p.get("first_name", "")) if x).strip()
    # the spec makes description optional (up to 4,000 characters): submit_order accepts it short
    # or empty for this channel (and then names the problem by its service)
    description = p.get("description", "")
    order = services.submit_order(
        actor=None, channel="open311", category=category, description=description, region=region,
        address=address, lat=lat or None, lng=lng or None, urgency=urgency, contact_name=name,
        contact_phone=p.get("phone", ""), anonymous=True,
        idempotency_key=scoped_key("o311", client, f"{p.get('device_id') or ''}:{p.get('request_token')}") if p.get("request_token") else None,
    )
    return respond(fmt, [{"service_request_id": order.number, "service_notice": _notice(category, order.urgency),
                          "account_id": p.get("account_id", "")}], root="service_requests", item="request")


@endpoint
def request_detail(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    client = _client(request.GET.get("api_key"))
    _throttle_reads(request, client)
    qs = WorkOrder.objects.select_related("category", "unit", "merged_into__unit", "region__parent")
    order = _with_notes(qs).filter(number=number).first()
    if order is None:
        raise Open311Error(404, f"service_request_id {number} not found")
    return respond(fmt, [_request_row(order, full=_may_read(client, order))], root="service_requests", item="request")
