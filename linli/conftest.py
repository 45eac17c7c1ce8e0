"""Shared test fixtures: a small region tree with sibling communities and streets, users per
role, and registry data built through the services."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest

from linli.browser_fixtures import browser, login, page, shot  # noqa: F401  (Playwright, one browser per session)
from linli.core import idcard
from linli.core.tests.rules_grid import cast  # noqa: F401  (the rules grids: one person per role)


def pytest_configure(config: Any) -> None:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True, scope="session")
def _require_postgres(django_db_setup: Any, django_db_blocker: Any) -> None:
    """In CI's PostgreSQL run, fail (not skip) if the tests did not really run on PostgreSQL."""
    from django.db import connection

    if os.environ.get("LINLI_REQUIRE_POSTGRES") == "1" and connection.vendor != "postgresql":
        pytest.exit("LINLI_REQUIRE_POSTGRES=1 but the test database is not PostgreSQL", returncode=3)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")  # uploads of a test never reach var/
    settings.LINLI_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _write_limits(request: Any, settings: Any) -> None:
    """Tests build many records as one person: per-person write limits are raised far out of the
    way, except for tests that ask for ``real_write_limits`` (the limits as deployed by default)."""
    if "real_write_limits" in request.fixturenames:
        settings.LINLI_WRITE_LIMITS = ""
    else:
        settings.LINLI_WRITE_LIMITS = "report=100000/m,booking=100000/m,application=100000/m,proposal=100000/m,comment=100000/m"


@pytest.fixture
def real_write_limits() -> None:
    """The default per-person write limits (core.ratelimit.DEFAULT_LIMITS), whatever the environment says."""


@pytest.fixture(autouse=True)
def _clear_caches() -> Any:
    from django.core.cache import cache

    from linli.core.memo import clear_all
    from linli.core.numbers import forget_blocks

    cache.clear()
    clear_all()  # the processes' copies of schedules, the calendar … (checked against the cache)
    forget_blocks()  # number blocks reserved before a flush would outlive their sequence row
    yield
    cache.clear()
    clear_all()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    from django.conf import settings

    on_pg = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    for item in items:
        if "postgres_only" in item.keywords and not on_pg:
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only; runs in CI's PostgreSQL pass"))


class Tree:
    """城市 4401 → 天河区 440106 (猎德街 001: 猎德社区 001 [网格 001, 002], 华标社区 002 [网格 001];
    石牌街 002: 石牌社区 001 [网格 001]) and 荔湾区 440103 (昌华街 001: 泮塘社区 001 [网格 001])."""

    def __init__(self) -> None:
        from linli.regions.models import Level, RegionNode

        def node(code: str, path: str, name: str, level: str, parent: Any) -> Any:
            full = f"{parent.full_name}{name}" if parent else name
            return RegionNode.objects.create(code=code, path=path, name=name, full_name=full, level=level, parent=parent)

        self.city = node("440100000000", "4401", "广州市", Level.CITY, None)
        self.tianhe = node("440106000000", "440106", "天河区", Level.DISTRICT, self.city)
        self.liwan = node("440103000000", "440103", "荔湾区", Level.DISTRICT, self.city)
        self.liede = node("440106001000", "440106001", "猎德街", Level.STREET, self.tianhe)
        self.shipai = node("440106002000", "440106002", "石牌街", Level.STREET, self.tianhe)
        self.changhua = node("440103001000", "440103001", "昌华街", Level.STREET, self.liwan)
        self.liede_sq = node("440106001001", "440106001001", "猎德社区", Level.COMMUNITY, self.liede)
        self.huabiao = node("440106001002", "440106001002", "华标社区", Level.COMMUNITY, self.liede)
        self.shipai_sq = node("440106002001", "440106002001", "石牌社区", Level.COMMUNITY, self.shipai)
        self.pantang = node("440103001001", "440103001001", "泮塘社区", Level.COMMUNITY, self.changhua)
        self.g_liede1 = node("440106001001001", "440106001001001", "第1网格", Level.GRID, self.liede_sq)
        self.g_liede2 = node("440106001001002", "440106001001002", "第2网格", Level.GRID, self.liede_sq)
        self.g_huabiao = node("440106001002001", "440106001002001", "第1网格", Level.GRID, self.huabiao)
        self.g_shipai = node("440106002001001", "440106002001001", "第1网格", Level.GRID, self.shipai_sq)
        self.g_pantang = node("440103001001001", "440103001001001", "第1网格", Level.GRID, self.pantang)


@pytest.fixture
def tree(db: Any) -> Tree:
    return Tree()


@pytest.fixture
def root(db: Any) -> Any:
    from linli.accounts.models import User

    return User.objects.create_superuser("root", "pw-root-123", display_name="系统")


@pytest.fixture
def make_user(db: Any) -> Any:
    from linli.accounts.models import RoleAssignment, User

    counter = {"n": 0}

    def make(role: str | None, node: Any = None, *, username: str | None = None, phone: str = "", resident: Any = None) -> Any:
        counter["n"] += 1
        from linli.core.crypto import lookup_hash

        user = User(username=username or f"u{counter['n']}_{role}", display_name=f"{role}{counter['n']}", phone=phone,
                    phone_hash=lookup_hash(phone), resident=resident)
        user.set_password("pw-secret-123")
        user.save()
        if role:
            RoleAssignment.objects.create(user=user, role=role, region=node, region_path=node.path)
        return user

    return make


class Registry:
    """Builds houses and people through the services, as a superuser."""

    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.seq = 100

    def id_number(self, *, birth: dt.date = dt.date(1980, 5, 17), male: bool = True, area: str = "440106") -> str:
        self.seq += 2
        seq = self.seq % 1000 or 101
        if (seq % 2 == 1) != male:
            seq = (seq + 1) % 1000
        return idcard.make(area, birth, seq)

    def room(self, grid: Any, *, compound: str = "翠苑", building: str = "1栋", unit: str = "1单元", number: str = "101",
             area: str = "88.50") -> Any:
        from linli.regions import services

        c = services.create_compound(actor=self.actor, grid=grid, name=compound)
        b = services.create_building(actor=self.actor, compound=c, name=building, grid=grid)
        return services.create_room(actor=self.actor, building=b, unit_name=unit, number=number, exclusive_area=area)

    def household(self, grid: Any, **room_kw: Any) -> Any:
        from linli.regions import services

        return services.create_household(actor=self.actor, room=self.room(grid, **room_kw))

    def resident(self, *, household: Any = None, grid: Any = None, name: str = "张三", phone: str = "", **kw: Any) -> Any:
        from linli.regions import services

        kw.setdefault("id_number", self.id_number())
        return services.create_resident(actor=self.actor, household=household, grid=grid, name=name, phone=phone, **kw)


@pytest.fixture
def registry(root: Any) -> Registry:
    return Registry(root)


@pytest.fixture
def sms(monkeypatch: Any) -> dict[str, str]:
    """The last SMS code sent to each phone (the console gateway's text, parsed)."""
    import re

    from linli.accounts import services as acc

    sent: dict[str, str] = {}

    def deliver(*, phone: str, text: str) -> None:
        m = re.search(r"(\d{6})", text)
        if m:
            sent[phone] = m.group(1)

    monkeypatch.setattr(acc, "deliver_sms", deliver)
    return sent
