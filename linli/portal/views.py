"""The public portal: a page per district, street and community (no login), its search, its feed,
the signed-out start page that picks a community (and remembers it), and the installable web
app's manifest, service worker and offline page."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from linli.core import ratelimit
from linli.core import views as core_views
from linli.core.context import current_ip
from linli.core.text import clean_text
from linli.regions.selectors import Level

from . import selectors

COOKIE = "linli_community"
COOKIE_AGE = 365 * 24 * 3600


class _Client:
    """A rate-limit subject that is not an account: the client's address."""

    def __init__(self, pk: str) -> None:
        self.pk = pk


def remember(request: HttpRequest, response: HttpResponse, code: str) -> HttpResponse:
    """The community chosen, kept for a year (not readable by scripts, sent on same-site links);
    ``Secure`` when the request came over HTTPS (behind a proxy: ``SECURE_PROXY_SSL_HEADER``), so
    that the choice is kept on a plain-HTTP address as well."""
    response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, secure=request.is_secure(), httponly=True, samesite="Lax")
    return response


def _node_or_404(code: str) -> Any:
    node = selectors.portal_node(code)
    if node is None:
        raise Http404
    return node


def _page(request: HttpRequest, node: Any) -> dict[str, Any]:
    return {"node": node, "trail": selectors.trail(node), "chosen": request.COOKIES.get(COOKIE, "") == node.code,
            "is_community": node.level == Level.COMMUNITY}


@require_GET
def portal(request: HttpRequest, code: str) -> HttpResponse:
    node = _node_or_404(code)
    return render(request, "portal/portal.html", {
        **_page(request, node), "children": list(selectors.children(node)), "sections": selectors.sections(node)})


@require_GET
def search(request: HttpRequest, code: str) -> HttpResponse:
    """Every registered search over the area, grouped by its label. Anonymous searches are
    counted per client address (``core.ratelimit``, kind ``portal_search``)."""
    node = _node_or_404(code)
    raw = request.GET.get("q", "")
    q = clean_text(raw[:1000], collapse=True)
    ctx: dict[str, Any] = {**_page(request, node), "q": q[:selectors.QUERY_MAX], "groups": [], "error": "", "searched": False}
    status = 200
    if len(q) > selectors.QUERY_MAX or len(raw) > 1000:
        ctx["error"] = _("搜索词太长，请不超过 %(n)s 个字") % {"n": selectors.QUERY_MAX}
        status = 400
    elif q:
        try:
            if not request.user.is_authenticated:
                ratelimit.hit("portal_search", _Client(f"ip:{current_ip.get() or '-'}"))
        except ratelimit.RateLimited as exc:
            ctx["error"] = exc.message
            response = render(request, "portal/search.html", ctx, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        ctx["groups"] = selectors.search(node, q)
        ctx["searched"] = True
    return render(request, "portal/search.html", ctx, status=status)


# ---------------------------------------------------------------- the signed-out start page

def home(request: HttpRequest) -> HttpResponse:
    """``/``: a signed-in person goes to their start page as before; anyone else to the portal of
    the community they chose (the cookie), or picks one: district → street → community in plain
    GET steps, or by typing its name."""
    if request.user.is_authenticated:
        return core_views.home(request)
    picking = any(k in request.GET for k in ("change", "district", "street", "name"))
    if not picking:
        chosen = selectors.community(request.COOKIES.get(COOKIE, ""))
        if chosen is not None:
            return redirect("portal:portal", chosen.code)
    district = selectors.portal_node(request.GET.get("district", ""))
    if district is not None and district.level != Level.DISTRICT:
        district = None
    street = selectors.below(request.GET.get("street", ""), district, Level.STREET)
    name = clean_text(request.GET.get("name", "")[:200], collapse=True)[:selectors.QUERY_MAX]
    return render(request, "portal/start.html", {
        "districts": list(selectors.districts()), "district": district,
        "streets": list(selectors.children(district)) if district is not None else [],
        "street": street, "communities": list(selectors.children(street)) if street is not None else [],
        "name": name, "matches": selectors.communities_named(name) if name else [],
        "current": selectors.community(request.COOKIES.get(COOKIE, ""))})


@require_GET
def choose(request: HttpRequest) -> HttpResponse:
    """The last step of the picker: remember the community and open its portal."""
    found = selectors.community(request.GET.get("community", ""))
    if found is None:
        return redirect(reverse("home") + "?change=1")
    return remember(request, redirect("portal:portal", found.code), found.code)


# ---------------------------------------------------------------- the installable web app

ICONS = (("linli/icon-192.png", "192x192"), ("linli/icon-512.png", "512x512"))
PRECACHE = ("vendor/pico-2.1.1.min.css", "linli/linli.css", "vendor/htmx-2.0.7.min.js", "linli/linli.js",
            "linli/favicon.svg", *(path for path, _size in ICONS))


@require_GET
@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": _("邻里"), "short_name": _("邻里"), "description": _("邻里社区服务平台"),
        "lang": "zh-CN", "start_url": "/", "scope": "/", "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0172ad",
        "icons": [{"src": static(path), "sizes": size, "type": "image/png", "purpose": "any maskable"} for path, size in ICONS],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json; charset=utf-8")


def _assets() -> list[str]:
    return [static(path) for path in PRECACHE]


# The public pages the worker keeps for reading offline (JavaScript regular expressions over the
# path; an address with a query is never kept): a portal, a public notice and a public disclosure
# and their areas' lists. Staff and resident pages, searches, feeds and the API are not among them.
KEPT_PAGES = (
    r"^/portal/\d{12}/$",
    r"^/notices/public/\d{1,19}/$",
    r"^/notices/public/area/\d{1,15}/$",
    r"^/disclosures/\d{1,19}/$",
    r"^/disclosures/area/\d{1,15}/$",
)
KEPT_MAX = 30  # pages kept at most (LINLI_OFFLINE_PAGES), the oldest dropped
KEPT_REFRESH_SECONDS = 300  # a kept copy younger than this is not fetched again on a visit


def kept_max() -> int:
    from django.conf import settings

    return max(1, int(getattr(settings, "LINLI_OFFLINE_PAGES", KEPT_MAX)))


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker at the site's root (scope ``/``): its cache names change with the asset list
    and the kept pages' rules, so a new deployment (hashed static names) replaces the old caches."""
    assets = _assets()
    offline = reverse("offline")
    version = hashlib.sha256(json.dumps([assets, offline, KEPT_PAGES]).encode()).hexdigest()[:12]
    body = render_to_string("portal/sw.js", {"version": version, "assets": json.dumps([*assets, offline]),
                                             "offline": json.dumps(offline), "keep": json.dumps(list(KEPT_PAGES)),
                                             "kept_max": kept_max(), "refresh_ms": KEPT_REFRESH_SECONDS * 1000})
    return HttpResponse(body, content_type="application/javascript; charset=utf-8")


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page that cannot be reached: nothing personal, no form."""
    return render(request, "portal/offline.html", {})
