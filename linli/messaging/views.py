"""The inbox and the message settings (phone-first pages)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.accounts.roles import REGISTRY_ROLES, Role
from linli.accounts.selectors import has_role
from linli.core.errors import DomainError, NotFound

from . import kinds, selectors, services

STAFF = (*REGISTRY_ROLES, Role.HANDLER, Role.PROVIDER_STAFF)  # everyone with a staff menu keeps it


def _base(request: HttpRequest) -> str:
    return "staff_base.html" if has_role(request.user, STAFF) else "base.html"


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    unread = request.GET.get("unread") == "1"
    if kind:
        try:
            kinds.get(kind)
        except kinds.UnknownKind:
            kind = ""
    page = Paginator(selectors.messages_for(request.user, unread=unread, kind=kind or None), 30).get_page(request.GET.get("page"))
    return render(request, "messaging/inbox.html", {
        "page": page, "kind": kind, "unread": unread, "unread_total": selectors.unread_count(request.user),
        "kinds": selectors.kinds_received(request.user), "base_template": _base(request)})


def _back(request: HttpRequest) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return nxt
    return reverse("messaging:inbox")


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        message = selectors.message_for(request.user, pk)
    except NotFound:  # another person's message
        raise Http404 from None
    services.mark_read(actor=request.user, ids=[message.pk])
    if request.POST.get("open") and message.link.startswith("/"):
        return redirect(message.link)
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(actor=request.user, kind=request.POST.get("kind") or None)
    return redirect(_back(request))


def _time(value: str) -> dt.time | None:
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        raise DomainError("invalid", _("时间格式应为 HH:MM"), field="quiet_start") from None


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        chosen = set(request.POST.getlist("on"))
        enabled = {(row["kind"].code, c["channel"]): f"{row['kind'].code}:{c['channel']}" in chosen
                   for row in selectors.preferences_for(request.user) for c in row["channels"] if c["mutable"]}
        try:
            start, end = _time(request.POST.get("quiet_start", "")), _time(request.POST.get("quiet_end", ""))
            if (start is None) != (end is None):
                raise DomainError("invalid", _("请同时填写免打扰的开始和结束时间"), field="quiet_start")
            services.set_preferences(actor=request.user, enabled=enabled, quiet=(start, end) if start and end else None)
        except DomainError as exc:
            error = exc.message
        else:
            flash.success(request, _("消息设置已保存"))
            return redirect("messaging:preferences")
    quiet = selectors.quiet_hours_for(request.user)
    return render(request, "messaging/preferences.html", {
        "rows": selectors.preferences_for(request.user), "quiet": quiet, "error": error,
        "channel_labels": {"sms": _("短信"), "email": _("电子邮件")}, "base_template": _base(request)},
        status=400 if error else 200)
