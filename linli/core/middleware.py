from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .context import current_ip
from .errors import DomainError
from .handlers import bad_request_page, is_api, machine_error, refusal, status_error, wants_machine
from .images import image_budget


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


BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _has_nul(request: HttpRequest) -> bool:
    """NUL characters cannot be stored in PostgreSQL text (and are never meant on SQLite): refuse
    them up front (400, not 500) wherever a request carries text — the path, the query, the
    headers (cookies, Idempotency-Key), form fields and file names, and any other body whatever
    its content type (ninja reads JSON from a body of any type, so ``\\u0000`` counts too).
    Uploaded files themselves are binary and pass."""
    if "\x00" in request.path_info or "\x00" in request.path:
        return True
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    for key, value in request.META.items():
        if (key.startswith("HTTP_") or key in ("CONTENT_TYPE", "QUERY_STRING")) and isinstance(value, str) and "\x00" in value:
            return True
    if request.method in BODY_METHODS:
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data") and request.method == "POST":
            for key, values in request.POST.lists():
                if "\x00" in key or any("\x00" in v for v in values):
                    return True
            return any("\x00" in key or any("\x00" in (f.name or "") for f in files) for key, files in request.FILES.lists())
        if request.content_type == "multipart/form-data":
            return False  # binary parts outside POST: Django does not parse them, nor does any endpoint
        body = request.body
        return (b"\x00" in body or b"\\u0000" in body
                or (request.content_type == "application/x-www-form-urlencoded" and b"%00" in body))
    return False


def _enveloped(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An error answered under /api/ without the JSON envelope (ninja's 405, say) gets it; the
    headers that matter (Allow, Retry-After) stay."""
    if response.status_code < 400 or not is_api(request) or response.get("Content-Type", "").startswith("application/json"):
        return response
    code, message = status_error(response.status_code)
    out = machine_error(request, response.status_code, code, message)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in response:
            out[header] = response[header]
    return out


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("请求中含有非法字符")
            if wants_machine(request):
                return machine_error(request, 400, "invalid", message)
            return bad_request_page(request, message)
        token = current_ip.set(client_ip(request))
        try:
            with image_budget():  # the photos one request may decode, in all
                return _enveloped(request, self.get_response(request))
        finally:
            current_ip.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A ``DomainError`` no view caught answers with its code's status (a page's
        ``PermissionDenied`` is the 403 page, as the API's is a 403), never a server error."""
        if isinstance(exception, DomainError):
            return refusal(request, exception)
        return None


API_PREFIXES = ("/api/", "/open311/")


class SecurityHeadersMiddleware:
    """Content-Security-Policy on every answer (``settings.LINLI_CSP``: no inline script, no
    framing), and ``Cache-Control: no-store`` on every page of a signed-in user and every API
    answer, so that personal data is kept by no browser or proxy cache. An answer that set its
    own Cache-Control (a calendar feed, a file) keeps it unless it is a signed-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        policy = getattr(settings, "LINLI_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        # an API answer is personal whoever asks: the signed-in user (a session read) is not looked up for it
        personal = request.path.startswith(API_PREFIXES) or bool(getattr(getattr(request, "user", None), "is_authenticated", False))
        if personal and "no-store" not in response.get("Cache-Control", ""):
            if response.has_header("Cache-Control"):
                del response["Cache-Control"]
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private; Expires
        return response
