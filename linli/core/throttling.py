"""The API's rate limits per address count the client's address (``middleware.client_ip``: the
trusted proxies' header when configured), not the proxy's, nor an X-Forwarded-For the client wrote."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, UserRateThrottle

from .middleware import client_ip


class AnonThrottle(AnonRateThrottle):
    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request)


class UserThrottle(UserRateThrottle):
    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request)
