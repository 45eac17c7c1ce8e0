"""The REST API under /api/v1/ (django-ninja): session or bearer-token auth, one error format."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, include, path
from django.urls.resolvers import RoutePattern
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from linli.accounts.services import user_for_token
from linli.core.errors import DomainError
from linli.core.handlers import status_error
from linli.core.ratelimit import RateLimited
from linli.core.throttling import AnonThrottle, UserThrottle


class SessionAuth(APIKeyCookie):
    """The pages' session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # No session cookie: nothing to check here (a bearer token or 401 decides); with one,
        # unsafe methods must carry the CSRF token.
        if not request.COOKIES.get(settings.SESSION_COOKIE_NAME):
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class Utf8JSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


class LinliAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:
        """ninja lists every operation in one flat list, so Django would try them one by one
        (some sixty before the last router's, about half a millisecond a request). Grouped by
        their first segment, a request is matched against a dozen prefixes, then against its
        own router's routes. Names and routes stay the same."""
        out: list[Any] = []
        groups: dict[str, list[URLPattern]] = {}
        for pattern in super()._get_urls():
            route = str(pattern.pattern)
            head, sep, rest = route.partition("/")
            if not (isinstance(pattern, URLPattern) and sep and rest and "<" not in head):
                out.append(pattern)
                continue
            if head not in groups:
                groups[head] = []
                out.append(path(f"{head}/", include(groups[head])))
            groups[head].append(URLPattern(RoutePattern(rest, name=pattern.name, is_endpoint=True), pattern.callback,
                                           pattern.default_args, pattern.name))
        return out


api = LinliAPI(
    renderer=Utf8JSONRenderer(),
    title="Linli 邻里 API",
    version="1.0.0",
    description="社区服务与基层治理平台接口。错误格式：`{\"error\": {\"code\", \"message\", \"details\"}}`。",
    urls_namespace="api",
    auth=[BearerAuth(), SessionAuth()],
    throttle=[AnonThrottle(settings.LINLI_API_ANON_RATE), UserThrottle(settings.LINLI_API_USER_RATE)],
)


def error_response(request: HttpRequest, status: int, code: str, message: str, details: dict | None = None) -> HttpResponse:
    return api.create_response(request, {"error": {"code": code, "message": message, "details": details or {}}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


def _field_message(err: dict[str, Any]) -> str:
    """pydantic's message for one field, in the request's language, chosen by its error type."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "value_error":  # a validator's own words (already translated where they are ours)
        return str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ")
    if kind == "date_range":
        return _("日期须在 %(lo)s 至 %(hi)s 之间") % {"lo": ctx.get("lo", ""), "hi": ctx.get("hi", "")}
    bounded = {
        "greater_than_equal": (_("不能小于 %(n)s"), "ge"), "greater_than": (_("须大于 %(n)s"), "gt"),
        "less_than_equal": (_("不能大于 %(n)s"), "le"), "less_than": (_("须小于 %(n)s"), "lt"),
        "string_too_short": (_("至少 %(n)s 个字符"), "min_length"), "string_too_long": (_("最多 %(n)s 个字符"), "max_length"),
        "too_short": (_("至少 %(n)s 项"), "min_length"), "too_long": (_("最多 %(n)s 项"), "max_length"),
        "decimal_max_digits": (_("最多 %(n)s 位数字"), "max_digits"),
        "decimal_max_places": (_("最多 %(n)s 位小数"), "decimal_places"),
        "multiple_of": (_("须为 %(n)s 的倍数"), "multiple_of"),
    }
    if kind in bounded:
        text, key = bounded[kind]
        return text % {"n": ctx.get(key, "")}
    if kind in ("literal_error", "enum"):
        return _("取值无效，可选：%(v)s") % {"v": ctx.get("expected", "")}
    families = (
        ("missing", _("必填")),
        ("extra_forbidden", _("不允许的字段")),
        ("json_", _("不是有效的 JSON")),
        ("string_pattern", _("格式不正确")),
        ("string_", _("应为文本")),
        ("int_", _("应为整数")),
        ("float_", _("应为数字")),
        ("decimal_", _("应为数字")),
        ("finite_number", _("应为有限的数字")),
        ("bool_", _("应为 true 或 false")),
        ("datetime_", _("应为日期时间(如 2026-05-01T09:00:00+08:00)")),
        ("date_", _("应为日期(如 2026-05-01)")),
        ("time_", _("应为时间(如 09:30)")),
        ("timezone_", _("须带时区")),
        ("list_", _("应为列表")),
        ("tuple_", _("应为列表")),
        ("set_", _("应为列表")),
        ("dict_", _("应为对象")),
        ("model_", _("应为对象")),
        ("dataclass_", _("应为对象")),
        ("uuid_", _("应为 UUID")),
        ("url_", _("应为网址")),
        ("bytes_", _("格式不正确")),
    )
    for prefix, text in families:
        if kind.startswith(prefix):
            return text
    return _("取值无效")
@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    resp = api.create_response(request, exc.as_dict(), status=429)
    resp["Retry-After"] = str(exc.retry_after)
    return resp


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload", "form", "header")]
        fields.append({"field": ".".join(loc), "reason": err.get("type", "invalid"), "message": _field_message(err)})
    return error_response(request, 400, "invalid", _("请求参数不正确"), {"fields": fields})


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("记录不存在"))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("请先登录"))


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = max(1, math.ceil(exc.wait or 1))
    resp = error_response(request, 429, "rate_limited", _("请求过于频繁，请稍后再试"), {"retry_after": wait})
    resp["Retry-After"] = str(wait)
    return resp


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403 and "CSRF" in str(exc):
        return error_response(request, 403, "csrf_failed", _("页面已过期或缺少安全令牌(CSRF)，请刷新后重试"))
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):  # the body is not JSON (or not UTF-8)
        return error_response(request, 400, "invalid_json", _("请求体不是有效的 JSON"))
    code, message = status_error(exc.status_code)
    return error_response(request, exc.status_code, code, message)


def _register() -> None:
    from linli.accounts.api import router as accounts_router
    from linli.regions.api import router as regions_router

    api.add_router("/accounts", accounts_router)
    api.add_router("/registry", regions_router)
    from linli.workorders.api import router as workorders_router

    api.add_router("/workorders", workorders_router)
    from linli.affairs.api import router as affairs_router

    api.add_router("/affairs", affairs_router)
    from linli.booking.api import router as booking_router

    api.add_router("/booking", booking_router)
    from linli.station.api import router as station_router

    api.add_router("/station", station_router)
    from linli.spaces.api import router as spaces_router

    api.add_router("/spaces", spaces_router)
    from linli.messaging.api import router as messaging_router

    api.add_router("/messages", messaging_router)
    from linli.disclosures.api import router as disclosures_router

    api.add_router("/disclosures", disclosures_router)
    from linli.notices.api import router as notices_router

    api.add_router("/notices", notices_router)
    from linli.assemblies.api import router as assemblies_router

    api.add_router("/assemblies", assemblies_router)
    from linli.elections.api import router as elections_router

    api.add_router("/elections", elections_router)
    from linli.consultation.api import router as consultation_router

    api.add_router("/consultation", consultation_router)
    from linli.projects.api import router as projects_router

    # 微实事 lives beside consultation's topics: /api/v1/consultation/calls, /projects, /designers
    api.add_router("/consultation", projects_router)


def _document_refusals() -> None:
    """Answers any operation can give whatever its own list says: 400 (bad parameters, a NUL in
    the request), 401 where a login is needed, 413 for a body over the limit, 429 (rate limits) and
    503 (database unreachable) — all in the error envelope."""
    from linli.core.schemas import ErrorOut

    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for op in view.operations:
                statuses = [400, 429, 503]
                if op.auth_callbacks:
                    statuses.append(401)
                if set(op.methods) & {"POST", "PUT", "PATCH"}:
                    statuses.append(413)
                for status in statuses:
                    if status not in op.response_models:
                        op.response_models[status] = op._create_response_model(ErrorOut)


_register()
_document_refusals()
