from __future__ import annotations

from django import forms
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .selectors import household_of


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
