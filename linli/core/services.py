"""Kernel services: audit and sensitive-access records. Called by every app's services inside
the same transaction as the change they describe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .context import current_ip
from .models import AuditEvent, SensitiveAccess


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return str(value)
    return value


def record_audit(
    *,
    actor: Any,
    action: str,
    target: Any,
    region_path: str = "",
    changes: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=(label if label is not None else str(target))[:200],
        region_path=region_path,
        changes={k: _jsonable(v) for k, v in (changes or {}).items()},
        ip=current_ip.get(),
    )


def record_sensitive_access(
    *, actor: Any, kind: str, target: Any, fields: list[str], reason: str, region_path: str = "", label: str | None = None
) -> SensitiveAccess:
    return SensitiveAccess.objects.create(
        actor=actor,
        kind=kind,
        target_type=target._meta.label_lower if hasattr(target, "_meta") else str(target),
        target_id=str(getattr(target, "pk", "")),
        target_label=(label if label is not None else str(target))[:200],
        fields=fields,
        reason=reason.strip()[:200],
        region_path=region_path,
        ip=current_ip.get(),
    )


def diff(before: dict[str, Any], after: dict[str, Any], masked: dict[str, Any] | None = None) -> dict[str, Any]:
    """Field → [old, new] for fields that changed. Sensitive fields appear through their masked form."""
    masked = masked or {}
    out: dict[str, Any] = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            if key in masked:
                fn = masked[key]
                out[key] = [fn(old) if old else old, fn(new) if new else new]
            else:
                out[key] = [_jsonable(old), _jsonable(new)]
    return out
