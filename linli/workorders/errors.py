"""The error codes of work orders; the shared ones (``invalid``, ``forbidden``, ``not_found``, …)
are ``linli.core.errors.Code``, the HTTP status of each is ``linli.core.errors.STATUS``."""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    NO_ROUTE = "no_route"
    NOT_EXTENDABLE = "not_extendable"
    ORDER_CLOSED = "order_closed"
    OWN_ORDER = "own_order"
