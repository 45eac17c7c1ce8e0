"""Every page carries the favicon and the page script from static files; the page shell has no
inline script or handler (the pages run under a Content-Security-Policy)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static" / "linli"

pytestmark = pytest.mark.django_db


def test_pages_link_the_favicon_and_the_confirmation_script(client):
    html = client.get("/spaces/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/linli/favicon[^"]*\.svg" type="image/svg\+xml">', html)
    assert re.search(r'<script src="/static/linli/linli[^"]*\.js" defer></script>', html)
    for name in ("base.html", "staff_base.html"):
        shell = (STATIC.parents[1] / "templates" / name).read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", shell), f"inline script in {name}"
        assert not re.search(r"\son[a-z]+=", shell), f"inline event handler in {name}"


def test_the_favicon_is_an_svg_and_the_script_handles_data_confirm():
    svg = (STATIC / "favicon.svg").read_text()
    assert svg.startswith("<svg") and 'viewBox="0 0 64 64"' in svg
    js = (STATIC / "linli.js").read_text()
    assert "data-confirm" in js and "window.confirm" in js
