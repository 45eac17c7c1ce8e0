"""The API's page-number pagination with its page bounded (``core.bounds.MAX_PAGE``): a page past
it is a 400 ``invalid``, not an OFFSET the database cannot hold."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as _NinjaPageNumberPagination

from .bounds import MAX_PAGE


class PageNumberPagination(_NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)


class Mapped:
    """A queryset the paginator slices and counts, each row of the page turned into its schema
    only then: a list endpoint builds the twenty rows it returns, not every row of the area."""

    def __init__(self, queryset: Any, fn: Callable[[Any], Any], *, limit: int | None = None) -> None:
        self.queryset, self.fn, self.limit = queryset, fn, limit

    def all(self) -> Mapped:
        return self

    def count(self) -> int:
        n = self.queryset.count()
        return min(n, self.limit) if self.limit is not None else n

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[Any]:
        start, stop = part.start or 0, part.stop
        if self.limit is not None:
            stop = min(stop if stop is not None else self.limit, self.limit)
        return [self.fn(row) for row in self.queryset[start:stop]]
