from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linli.core.errors import DomainError

from . import selectors, services
from .selectors import household_of

BACKEND = "linli.accounts.backends.LinliBackend"


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("手机号或用户名"), max_length=64,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    error_messages = {
        "invalid_login": _("手机号/用户名或密码不正确。连续输错5次将锁定15分钟。"),
        "inactive": _("该账号已停用"),
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The resident's own page: their household, masked."""
    resident, members = household_of(request.user)
    return render(request, "accounts/mine.html", {"resident": resident, "members": members})


# ---------------------------------------------------------------- self-service accounts

class _PhoneCodeForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=32,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    code = forms.CharField(label=_("短信验证码"), max_length=6, required=False,
                           widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}))


class SignupForm(_PhoneCodeForm):
    display_name = forms.CharField(label=_("称呼(选填)"), max_length=50, required=False)
    password = forms.CharField(label=_("设置密码"), strip=False, required=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("至少8位，不能全是数字，不能是常见密码"))


class ResetForm(_PhoneCodeForm):
    password = forms.CharField(label=_("新密码"), strip=False, required=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("至少8位，不能全是数字，不能是常见密码"))


class VerifyForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                   help_text=_("至少8位，不能全是数字，不能是常见密码"))


def _code_page(request: HttpRequest, *, form_class: type[forms.Form], purpose: str, title: Any, intro: Any,
               submit: Any, done: Any) -> HttpResponse:
    """One page for every "phone + SMS code" form: the first button sends the code, the second
    does the step (``done(form)`` returns the response)."""
    from linli.core.middleware import client_ip

    form = form_class(request.POST or None)
    error = ""
    sent = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if request.POST.get("action") == "send":
                services.send_sms_code(phone=data["phone"], purpose=purpose, client_ip=client_ip(request))
                sent = True
            else:
                return cast(HttpResponse, done(data))
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "accounts/code_form.html", {
        "form": form, "error": error, "sent": sent, "title": title, "intro": intro, "submit": submit,
    }, status=400 if error else 200)


def signup(request: HttpRequest) -> HttpResponse:
    """Residents open their own account with their mobile number and an SMS code."""
    if request.user.is_authenticated:
        return redirect("accounts:mine")

    def done(data: dict[str, Any]) -> HttpResponse:
        user = services.sign_up(phone=data["phone"], code=data["code"], password=data.get("password") or "",
                                display_name=data.get("display_name") or "")
        login(request, user, backend=BACKEND)
        messages.success(request, _("注册成功。核验身份后可办理与户籍相关的事项。"))
        return redirect("accounts:verify")

    return _code_page(request, form_class=SignupForm, purpose="signup", title=_("居民注册"),
                      intro=_("用手机号注册：先获取短信验证码，再设置密码。"), submit=_("注册"), done=done)


def login_by_code(request: HttpRequest) -> HttpResponse:
    """Sign in with an SMS code instead of the password."""

    def done(data: dict[str, Any]) -> HttpResponse:
        user = services.user_for_code(phone=data["phone"], code=data["code"])
        login(request, user, backend=BACKEND)
        nxt = request.GET.get("next", "")
        return redirect(nxt if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}) else "home")

    return _code_page(request, form_class=_PhoneCodeForm, purpose="login", title=_("验证码登录"),
                      intro=_("已注册的手机号可用短信验证码登录。"), submit=_("登录"), done=done)


def password_reset(request: HttpRequest) -> HttpResponse:
    """Forgotten password: a new one with an SMS code sent to the account's phone."""

    def done(data: dict[str, Any]) -> HttpResponse:
        services.reset_password_by_code(phone=data["phone"], code=data["code"], password=data.get("password") or "")
        messages.success(request, _("密码已重置，请用新密码登录"))
        return redirect("accounts:login")

    return _code_page(request, form_class=ResetForm, purpose="reset", title=_("找回密码"),
                      intro=_("验证码将发送到账号绑定的手机号。工作人员没有绑定手机号的，请找本区域管理员重置。"),
                      submit=_("重置密码"), done=done)


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """Link the account to one's registry record by name and ID number."""
    user = cast(Any, request.user)
    form = VerifyForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_identity(actor=user, name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"])
            messages.success(request, _("身份核验成功，已关联您的居民档案"))
            return redirect("accounts:mine")
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "accounts/verify.html", {"form": form, "error": error, "verified": user.resident_id is not None},
                  status=400 if error else 200)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user=cast(Any, request.user), old_password=form.cleaned_data["old_password"],
                                     new_password=form.cleaned_data["new_password"])
            update_session_auth_hash(request, cast(Any, request.user))
            messages.success(request, _("密码已修改"))
            return redirect("accounts:mine")
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "accounts/password_change.html", {"form": form, "error": error}, status=400 if error else 200)


# ---------------------------------------------------------------- staff of an area (area admins)

class StaffForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=64)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号(选填)"), max_length=32, required=False)
    password = forms.CharField(label=_("初始密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("至少8位，不能全是数字，不能是常见密码"))
    role = forms.ChoiceField(label=_("角色"))
    region = forms.ChoiceField(label=_("区划节点"))


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"))
    region = forms.ChoiceField(label=_("区划节点"))


def _area_choices(user: Any, form: forms.Form) -> dict[str, Any]:
    from .roles import Role

    nodes = selectors.nodes_of_area(user)
    form.fields["role"].choices = [(r, Role(r).label) for r in selectors.grantable_roles(user)]  # type: ignore[attr-defined]
    form.fields["region"].choices = [(str(n.pk), n.full_name) for n in nodes]  # type: ignore[attr-defined]
    return {str(n.pk): n for n in nodes}


def _admin_only(request: HttpRequest) -> None:
    from linli.core.errors import PermissionDenied

    if not request.user.has_perm("accounts.manage_staff"):
        raise PermissionDenied("forbidden", _("只有区域管理员可以管理人员账号"))


@login_required
def staff(request: HttpRequest) -> HttpResponse:
    """The staff accounts of the admin's area, and a form to open one with its first role."""
    user = cast(Any, request.user)
    try:
        _admin_only(request)
    except DomainError as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    form = StaffForm(request.POST or None)
    nodes = _area_choices(user, form)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_staff(actor=user, username=data["username"], password=data["password"], role=data["role"],
                                            region=nodes[data["region"]], display_name=data["display_name"], phone=data["phone"])
            messages.success(request, _("已创建账号 %(u)s") % {"u": created.username})
            return redirect("accounts:staff_member", pk=created.pk)
        except DomainError as exc:
            error = str(exc.message)
    return render(request, "accounts/staff.html", {"form": form, "error": error, "people": selectors.staff_of_area(user)},
                  status=400 if error else 200)


@login_required
def staff_member(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: its roles, grant or revoke a role, deactivate or reactivate, reset the password."""
    from django.shortcuts import get_object_or_404

    from .models import RoleAssignment, User

    actor = cast(Any, request.user)
    target = get_object_or_404(User, pk=pk)
    if not actor.has_perm("accounts.manage_user", target):
        return render(request, "403.html", {"message": _("该账号不在您的管理范围内")}, status=403)
    grant = GrantForm(request.POST if request.POST.get("action") == "grant" else None)
    nodes = _area_choices(actor, grant)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "grant" and grant.is_valid():
                services.grant_role(actor=actor, user=target, role=grant.cleaned_data["role"], region=nodes[grant.cleaned_data["region"]])
                messages.success(request, _("已授予角色"))
            elif action == "revoke":
                ra = get_object_or_404(RoleAssignment, pk=request.POST.get("assignment"), user=target)
                services.revoke_role(actor=actor, assignment=ra)
                messages.success(request, _("已撤销角色"))
            elif action in ("deactivate", "activate"):
                services.set_active(actor=actor, user=target, active=action == "activate")
                messages.success(request, _("账号已停用") if action == "deactivate" else _("账号已启用"))
            elif action == "reset":
                services.admin_reset_password(actor=actor, user=target, password=request.POST.get("password", ""))
                messages.success(request, _("密码已重置"))
            else:
                raise DomainError("invalid", _("请检查填写的内容"))
            return redirect("accounts:staff_member", pk=target.pk)
        except DomainError as exc:
            error = str(exc.message)
    roles = list(RoleAssignment.objects.filter(user=target, active=True).select_related("region").order_by("region_path"))
    return render(request, "accounts/staff_member.html", {"target": target, "roles": roles, "grant": grant, "error": error},
                  status=400 if error else 200)
