"""Pages of owners' assemblies. Thin: the same selectors and services as the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "assemblies/index.html", {"assemblies": selectors.assemblies_for(request.user)})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.assembly_for(request.user, pk)
    return render(request, "assemblies/detail.html", {"a": a})


def public_roll(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.public_assembly(request.user, pk)
    return render(request, "assemblies/public_roll.html", {"a": a, "units": selectors.public_units(a)})
