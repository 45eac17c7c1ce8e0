"""The English catalogue is well-formed, complete, and the compiled .mo that ships is the .po's."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext tools (msgfmt) are not installed")
def test_committed_mo_is_the_compiled_po(tmp_path):
    fresh = tmp_path / "django.mo"
    out = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(fresh), str(PO)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "untranslated" not in out.stderr and "fuzzy" not in out.stderr, out.stderr
    with fresh.open("rb") as a, MO.open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]
