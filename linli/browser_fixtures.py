"""Browser fixtures: one headless Chromium per test session (Debian's, not a Playwright download),
a fresh context and page per test pointed at pytest-django's live server, and a folder for
screenshots (test-artifacts/, ignored by git)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("LINLI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class Dialogs:
    """Confirmation dialogs (data-confirm buttons) of a test page: accepted unless a test sets
    ``page.dialogs.accept = False``; their texts are kept in ``page.dialogs.seen``."""

    def __init__(self) -> None:
        self.accept = True
        self.seen: list[str] = []

    def answer(self, dialog: Any) -> None:
        self.seen.append(dialog.message)
        if self.accept:
            dialog.accept()
        else:
            dialog.dismiss()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {CHROMIUM}: `make browser` installs it; CI must run the browser tests")
        pytest.skip(f"no Chromium at {CHROMIUM} (set LINLI_CHROMIUM, or `make browser`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page in a fresh context (no cookies), relative URLs resolve against the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    pg.dialogs = Dialogs()
    pg.on("dialog", pg.dialogs.answer)
    yield pg
    context.close()


@pytest.fixture
def shot(request: Any) -> Any:
    """shot(page, "name") saves a full-page screenshot as test-artifacts/<test>-<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(pg: Any, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login() -> Any:
    """Sign in through the real login form (so django-axes and the auth backends run)."""

    def do(pg: Any, username: str, password: str = "pw-secret-123") -> None:  # noqa: S107 (test accounts)
        pg.goto("/accounts/login/")
        pg.fill("input[name=username]", username)
        pg.fill("input[name=password]", password)
        with pg.expect_navigation():
            pg.click("#main form button[type=submit]")

    return do
