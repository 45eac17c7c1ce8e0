"""Pages of small public projects (stub until the pages land)."""

from typing import Any

from django.http import Http404


def index(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def public(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def call_page(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def propose(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def vote(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def detail(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def photo(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def drawings(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def design(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def desk(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def new_call(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def staff_call(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def staff_detail(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404


def designers(request: Any, *args: Any, **kw: Any) -> Any:
    raise Http404
