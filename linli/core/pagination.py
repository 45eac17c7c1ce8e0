"""The API's page-number pagination with its page bounded (``core.bounds.MAX_PAGE``): a page past
it is a 400 ``invalid``, not an OFFSET the database cannot hold."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as _NinjaPageNumberPagination

from .bounds import MAX_PAGE


class PageNumberPagination(_NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)
