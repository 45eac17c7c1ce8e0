"""The inbox API: one's own messages only (another person's id is a 404)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from linli.core.errors import DomainError
from linli.core.pagination import PageNumberPagination
from linli.core.schemas import ApiRequest, ErrorOut

from . import selectors, services
from .schemas import MessageOut, PreferencesIn, PreferencesOut, ReadOut

router = Router(tags=["messaging 消息"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("", response={200: list[MessageOut], **ERRORS}, summary="我的消息")
@paginate(PageNumberPagination, page_size=20)
def list_messages(request: ApiRequest, unread: bool = False, kind: str = ""):  # type: ignore[no-untyped-def]
    return selectors.messages_for(request.auth, unread=unread, kind=kind[:64] or None)


@router.post("/read-all", response={200: ReadOut, **ERRORS}, summary="全部标为已读")
def read_all(request: ApiRequest, kind: str = "") -> dict[str, int]:
    return {"marked": services.mark_all_read(actor=request.auth, kind=kind[:64] or None)}


def _preferences(actor: Any) -> dict[str, Any]:
    quiet = selectors.quiet_hours_for(actor)
    return {"kinds": [{"kind": row["kind"].code, "label": str(row["kind"].label), "channels": row["channels"]}
                      for row in selectors.preferences_for(actor)],
            "quiet_start": quiet.start if quiet else None, "quiet_end": quiet.end if quiet else None}


@router.get("/preferences", response={200: PreferencesOut, **ERRORS}, summary="消息设置")
def get_preferences(request: ApiRequest) -> dict[str, Any]:
    return _preferences(request.auth)


@router.put("/preferences", response={200: PreferencesOut, **ERRORS}, summary="修改消息设置")
def put_preferences(request: ApiRequest, payload: PreferencesIn) -> dict[str, Any]:
    if (payload.quiet_start is None) != (payload.quiet_end is None):
        raise DomainError("invalid", _("请同时填写免打扰的开始和结束时间"), field="quiet_start")
    quiet = (payload.quiet_start, payload.quiet_end) if payload.quiet_start and payload.quiet_end else None
    services.set_preferences(actor=request.auth, enabled={(c.kind, c.channel): c.enabled for c in payload.choices},
                             quiet=quiet)  # type: ignore[arg-type]
    return _preferences(request.auth)


@router.post("/{int:message_id}/read", response={200: MessageOut, **ERRORS}, summary="标为已读")
def read_one(request: ApiRequest, message_id: int) -> Any:
    message = selectors.message_for(request.auth, message_id)
    services.mark_read(actor=request.auth, ids=[message.pk])
    message.refresh_from_db()
    return message
