"""What the apps tell the kernel about themselves, so that ``core`` imports no app.

Each app fills these registries in its ``AppConfig.ready()``: the staff menu entries it offers,
the start page of the roles it serves, its periodic tasks, the labels of its choice codes that the
history pages show, the request context its pages share (unread count, the provider menu flag)
and, for accounts, who holds which role and which region rows a person may see. The kernel reads
them when a page is drawn; it never names an app.

Registering twice under the same key replaces the earlier entry (``ready()`` may run again in
tests), so registration is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Predicate = Callable[[Any], bool]


@dataclass(frozen=True)
class MenuEntry:
    """One staff menu link: the URL name, its label, who may see it and where it sits."""

    name: str
    label: Any
    order: int
    roles: tuple[str, ...] | None = None  # any of these roles (through the registered role check)
    visible: Predicate | None = None  # or a check of its own; neither: everyone signed in

    def allows(self, user: Any) -> bool:
        return _allows(self.roles, self.visible, user)


@dataclass(frozen=True)
class StartPage:
    """Where a person starts after signing in: the first entry (by order) whose check passes."""

    name: str
    order: int
    roles: tuple[str, ...] | None = None
    visible: Predicate | None = None

    def allows(self, user: Any) -> bool:
        return _allows(self.roles, self.visible, user)


def _allows(roles: tuple[str, ...] | None, visible: Predicate | None, user: Any) -> bool:
    """A menu entry's or start page's check: its own predicate, else any of its roles, else everyone."""
    if visible is not None:
        return bool(visible(user))
    if roles is not None:
        return has_role(user, roles)
    return True


@dataclass(frozen=True)
class PeriodicTask:
    """A task enqueued every ``setting`` seconds (``default`` when the setting is absent)."""

    path: str
    setting: str
    default: int


@dataclass(frozen=True)
class PortalItem:
    """One line of a public portal section or search result: public data only, never a person's."""

    title: str
    url: str
    when: Any = None  # a date or datetime shown beside the title (published, period end, opening)
    summary: str = ""
    badge: str = ""  # a short state word: 紧急, 公示中, 已结束 …


@dataclass(frozen=True)
class PortalSection:
    """A block of a public portal page: ``items(region_path, limit)`` lists what is public there.

    ``region_path`` is the portal's node (community, street or district); the provider returns
    what concerns that node, the nodes above it (a street notice shows on its communities'
    pages) and, for a street or district, the nodes below it.
    """

    key: str
    label: Any
    order: int
    items: Callable[[str, int], list[PortalItem]]
    more_url: Callable[[str], str] | None = None  # the full list for that node, if there is one


@dataclass(frozen=True)
class PortalSearch:
    """Public content a portal search looks through: ``search(region_path, q, limit)``."""

    key: str
    label: Any
    search: Callable[[str, str, int], list[PortalItem]]


_menu: dict[str, MenuEntry] = {}
_start_pages: dict[str, StartPage] = {}
_periodic: dict[str, PeriodicTask] = {}
_value_labels: dict[str, Callable[[Any], Any]] = {}
_context: dict[str, Callable[[Any], dict[str, Any]]] = {}
_roles: dict[str, Any] = {}
_user_flags: dict[str, Callable[[Any], Any]] = {}
_portal_sections: dict[str, PortalSection] = {}
_portal_searches: dict[str, PortalSearch] = {}


# --- menu --------------------------------------------------------------------------------------

def register_menu_entry(name: str, label: Any, *, order: int, roles: Iterable[str] | None = None,
                        visible: Predicate | None = None) -> None:
    _menu[name] = MenuEntry(name, label, order, tuple(roles) if roles is not None else None, visible)


def menu_entries() -> list[MenuEntry]:
    return sorted(_menu.values(), key=lambda e: (e.order, e.name))


# --- start pages -------------------------------------------------------------------------------

def register_start_page(name: str, *, order: int, roles: Iterable[str] | None = None,
                        visible: Predicate | None = None) -> None:
    _start_pages[f"{order}:{name}"] = StartPage(name, order, tuple(roles) if roles is not None else None, visible)


def start_pages() -> list[StartPage]:
    return sorted(_start_pages.values(), key=lambda p: (p.order, p.name))


# --- periodic tasks ----------------------------------------------------------------------------

def register_periodic_task(path: str, *, setting: str, default: int) -> None:
    _periodic[path] = PeriodicTask(path, setting, default)


def periodic_tasks() -> dict[str, int]:
    """Task path → interval in seconds, read from the settings now (tests may override them)."""
    from django.conf import settings

    return {t.path: int(getattr(settings, t.setting, t.default)) for t in _periodic.values()}


# --- public portal (each community's home page) ------------------------------------------------

def register_portal_section(key: str, label: Any, *, order: int, items: Callable[[str, int], list[PortalItem]],
                            more_url: Callable[[str], str] | None = None) -> None:
    """A block on every public portal page (notices, disclosures, services, spaces …)."""
    _portal_sections[key] = PortalSection(key, label, order, items, more_url)


def portal_sections() -> list[PortalSection]:
    return sorted(_portal_sections.values(), key=lambda s: (s.order, s.key))


def register_portal_search(key: str, label: Any, search: Callable[[str, str, int], list[PortalItem]]) -> None:
    """Public content the portal's search covers; each result group is labelled ``label``."""
    _portal_searches[key] = PortalSearch(key, label, search)


def portal_searches() -> list[PortalSearch]:
    return list(_portal_searches.values())


# --- value labels (history pages) --------------------------------------------------------------

def register_value_labels(field: str, label: Callable[[Any], Any]) -> None:
    """``label(value)`` shows a stored choice code of ``field`` in the reader's language."""
    _value_labels[field] = label


def value_label_for(field: str) -> Callable[[Any], Any] | None:
    return _value_labels.get(field)


# --- request context ---------------------------------------------------------------------------

def register_context(key: str, provider: Callable[[Any], dict[str, Any]]) -> None:
    """``provider(user)`` adds names to the template context of a signed-in user's pages."""
    _context[key] = provider


def context_providers() -> list[Callable[[Any], dict[str, Any]]]:
    return list(_context.values())


# --- facts about the signed-in user (one statement per request) -----------------------------

def register_user_flag(name: str, expression: Callable[[Any], Any]) -> None:
    """``expression(user)`` is a boolean query expression over the user table (an ``Exists``
    with ``OuterRef("pk")``), e.g. "runs a provider"; all flags come back in one statement."""
    _user_flags[name] = expression


def user_flags(user: Any) -> dict[str, bool]:
    """Every registered flag for ``user``, worked out in one statement and kept on the user
    object for the request."""
    cached = getattr(user, "_linli_nav", None)
    if cached is not None:
        return cached
    from django.contrib.auth import get_user_model

    cached = dict.fromkeys(_user_flags, False)
    if _user_flags and getattr(user, "pk", None) is not None:
        row = (get_user_model().objects.filter(pk=user.pk)
               .annotate(**{f"flag_{k}": fn(user) for k, fn in _user_flags.items()})
               .values(*(f"flag_{k}" for k in _user_flags)).first()) or {}
        cached = {k: bool(row.get(f"flag_{k}")) for k in _user_flags}
    user._linli_nav = cached
    return cached


# --- roles and region scope (filled by accounts) -----------------------------------------------

def register_role_provider(*, has_role: Callable[[Any, Iterable[str]], bool],
                           scope_q: Callable[[Any, Any, str], Any], role_sets: dict[str, tuple[str, ...]]) -> None:
    """Accounts says who holds which role, which rows (a ``Q`` on a region-path field) a person
    may see through a set of roles, and names its role sets (``"registry"``, ``"admin"``) so the
    kernel can ask by name."""
    _roles.update(has_role=has_role, scope_q=scope_q, role_sets=role_sets)


def role_set(name: str) -> tuple[str, ...]:
    return tuple(_roles["role_sets"][name])


def _resolve(roles: Iterable[str] | str) -> tuple[str, ...]:
    return role_set(roles) if isinstance(roles, str) else tuple(roles)


def has_role(user: Any, roles: Iterable[str] | str) -> bool:
    """Whether ``user`` holds one of ``roles`` (a role set's name or the roles themselves)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(_roles["has_role"](user, _resolve(roles)))


def scope_q(user: Any, roles: Iterable[str] | str, field: str = "region_path") -> Any:
    """The rows under the region nodes where ``user`` holds one of ``roles``."""
    return _roles["scope_q"](user, _resolve(roles), field)
