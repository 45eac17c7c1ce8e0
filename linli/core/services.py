"""Kernel services: audit and sensitive-access records. Called by every app's services inside
the same transaction as the change they describe."""

from __future__ import annotations

from typing import Any

from .audit import _jsonable, record_audit
from .context import current_ip
from .models import SensitiveAccess

__all__ = ["diff", "record_audit", "record_sensitive_access"]


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
