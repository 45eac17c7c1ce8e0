"""Answers for requests that fail before or around a view: unknown addresses, bodies too large,
server errors and a database that cannot be reached.

Under ``/api/`` every answer is the JSON envelope ``{"error": {"code", "message", "details"}}``;
under ``/open311/`` the GeoReport error list ``[{"code", "description"}]`` (XML for ``.xml``);
elsewhere a page. Messages follow the request's language (zh-hans, English).
"""

from __future__ import annotations

import sys
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from .errors import DomainError

RETRY_AFTER = 30  # seconds a client should wait when the database is unreachable


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def is_open311(request: HttpRequest) -> bool:
    return request.path.startswith("/open311/")


def machine_error(request: HttpRequest, status: int, code: str, message: str, details: dict | None = None) -> HttpResponse:
    """The error answer for a machine client: the envelope, or GeoReport's list under /open311/."""
    if is_open311(request):
        if request.path.endswith(".xml"):
            body = (f'<?xml version="1.0" encoding="utf-8"?><errors><error><code>{status}</code>'
                    f"<description>{escape(message)}</description></error></errors>")
            return HttpResponse(body.encode(), status=status, content_type="text/xml; charset=utf-8")
        return JsonResponse([{"code": status, "description": message}], safe=False, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return JsonResponse({"error": {"code": code, "message": message, "details": details or {}}}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def wants_machine(request: HttpRequest) -> bool:
    return is_api(request) or is_open311(request)


# Answers by status for a response a view or ninja gave without the envelope (405 and the like).
def status_error(status: int) -> tuple[str, str]:
    return {
        400: ("invalid", _("请求参数不正确")),
        401: ("unauthenticated", _("请先登录")),
        403: ("forbidden", _("无权访问")),
        404: ("not_found", _("接口不存在")),
        405: ("method_not_allowed", _("该接口不支持此请求方法")),
        413: ("too_large", _("请求内容过大")),
        415: ("unsupported_media_type", _("不支持的请求内容类型")),
        429: ("rate_limited", _("请求过于频繁，请稍后再试")),
        503: ("unavailable", _("服务暂时不可用，请稍后再试")),
    }.get(status, ("error", _("请求未能完成")) if status < 500 else ("server_error", _("服务器出错了，请稍后再试")))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: malformed requests, among them bodies over DATA_UPLOAD_MAX_MEMORY_SIZE (413)."""
    if isinstance(exception, RequestDataTooBig):
        if wants_machine(request):
            return machine_error(request, 413, "too_large", _("请求内容过大"))
        return _page(None, "400.html", 413, _("请求内容过大"), _("上传的内容超过了允许的大小，请缩小后重试。"))
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = _("请求中的字段或文件过多")
    else:
        message = _("请求无法处理")
    if wants_machine(request):
        return machine_error(request, 400, "invalid", message)
    return _page(None, "400.html", 400, _("请求有误"), message)


def bad_request_page(request: HttpRequest, message: str) -> HttpResponse:
    """Rendered without the request: a request refused for what it carries (a NUL in the session
    cookie, say) must not reach the database through the page's context."""
    return _page(None, "400.html", 400, _("请求有误"), message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_machine(request):
        return machine_error(request, 403, "forbidden", _("无权访问"))
    return defaults.permission_denied(request, exception)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_machine(request):
        return machine_error(request, 404, "not_found", _("接口不存在"), {"path": request.path[:200]})
    return defaults.page_not_found(request, exception)  # type: ignore[arg-type]


def refusal(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A refusal a view let through: the status of its code (``core.errors.STATUS``) on a page as
    in the API — 403 the refusal page with its message, 404 the not-found page, others the message."""
    if wants_machine(request):
        return machine_error(request, exc.status, exc.code, str(exc.message), exc.as_dict()["error"]["details"])
    if exc.status == 403:
        return HttpResponse(loader.render_to_string("403.html", {"message": exc.message}, request), status=403)
    if exc.status == 404:
        return HttpResponse(loader.render_to_string("404.html", {}, request), status=404)
    title = _("操作未能完成") if exc.status == 409 else _("请求有误")
    return HttpResponse(loader.render_to_string("400.html", {"title": title, "message": exc.message}, request),
                        status=exc.status)


def database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500; a database that cannot be reached is a 503 (try again), not a 500."""
    if database_down(sys.exc_info()[1]):
        if wants_machine(request):
            resp = machine_error(request, 503, "unavailable", _("服务暂时不可用，请稍后再试"))
        else:
            resp = _page(None, "503.html", 503, _("服务暂时不可用"), _("系统正在维护或暂时无法连接数据库，请稍后再试。"))
        resp["Retry-After"] = str(RETRY_AFTER)
        return resp
    if wants_machine(request):
        return machine_error(request, 500, "server_error", _("服务器出错了，请稍后再试"))
    return _page(None, "500.html", 500, _("服务器出错了"), _("我们已记录这个问题，请稍后再试。"))


def _page(request: HttpRequest | None, template: str, status: int, title: str, message: str) -> HttpResponse:
    """A friendly page. Server errors render without the request: its context (the user, the
    menus) would ask the database that may be the cause."""
    context: dict[str, Any] = {"title": title, "message": message}
    return HttpResponse(loader.get_template(template).render(context, request), status=status)
