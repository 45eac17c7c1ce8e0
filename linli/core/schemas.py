from typing import Any

from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    details: dict = {}


class ErrorOut(Schema):
    """The one error shape of the API: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail


class ApiRequest:
    """For type checkers: the request ninja hands to an operation, with ``auth`` set to the user."""

    auth: Any
    user: Any
    headers: Any
    META: dict
