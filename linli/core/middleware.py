from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from .context import current_ip


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR; behind LINLI_TRUSTED_PROXY_COUNT trusted proxies, the
    address the outermost of them saw, from LINLI_CLIENT_IP_HEADER (each proxy appends the address
    it saw, so entries further left, which a client can write itself, are not believed)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "LINLI_TRUSTED_PROXY_COUNT", 0)
    header = getattr(settings, "LINLI_CLIENT_IP_HEADER", "")
    if count <= 0 or not header:
        return remote
    name = header.upper().replace("-", "_")
    name = name if name.startswith("HTTP_") or name == "REMOTE_ADDR" else f"HTTP_{name}"
    seen = [v.strip() for v in str(request.META.get(name, "")).split(",") if v.strip()]
    if not seen:
        return remote
    try:
        return str(ipaddress.ip_address(seen[-min(count, len(seen))]))
    except ValueError:
        return remote


def _has_nul(request: HttpRequest) -> bool:
    """NUL characters cannot be stored in PostgreSQL text: refuse them up front (400, not 500)."""
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_type == "application/json":
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return True
    return False


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("请求中含有非法字符")
            if request.path.startswith("/api/") or request.path.startswith("/open311/"):
                return JsonResponse({"error": {"code": "invalid", "message": message, "details": {}}}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(message)
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
