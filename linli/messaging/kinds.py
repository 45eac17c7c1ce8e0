"""The kinds of message the platform sends, registered by each app in its ``AppConfig.ready``:
which channels a kind goes out on, whether people may mute it and whether it is urgent (urgent
texts ignore quiet hours). Sending a kind nobody registered is a programming error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CHANNELS = ("inbox", "sms", "email")
OUTBOUND = ("sms", "email")  # what a person can mute; the inbox always keeps the message


@dataclass(frozen=True)
class Kind:
    code: str
    label: Any
    channels: tuple[str, ...]
    mutable: bool  # False: a legal notice (a decision about the person), sent whatever their mutes
    urgent: bool

    @property
    def outbound(self) -> tuple[str, ...]:
        return tuple(c for c in self.channels if c in OUTBOUND)


class UnknownKind(LookupError):
    pass


_kinds: dict[str, Kind] = {}


def register(code: str, label: Any, channels: tuple[str, ...] = ("inbox", "sms"), mutable: bool = True,
             urgent: bool = False) -> Kind:
    bad = [c for c in channels if c not in CHANNELS]
    if bad or "inbox" not in channels:
        raise ValueError(f"kind {code}: channels must include inbox and be among {CHANNELS}, not {bad}")
    kind = Kind(code, label, tuple(channels), mutable, urgent)
    _kinds[code] = kind  # registering again replaces (ready() may run twice in tests)
    return kind


def get(code: str) -> Kind:
    try:
        return _kinds[code]
    except KeyError:
        raise UnknownKind(f"message kind {code!r} is not registered (messaging.kinds.register)") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.code)
