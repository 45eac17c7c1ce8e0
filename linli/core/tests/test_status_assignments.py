"""No lifecycle field is set by hand: in the apps whose objects move through
``core.lifecycle.Lifecycle.apply`` (applications, certificates, providers, work orders), no code
outside the tests and migrations assigns ``.status`` / ``.state`` or writes them with a
queryset ``update``; a new object may still be created in its first state."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("affairs", "consultation", "disclosures", "projects", "station", "workorders")
FIELDS = {"status", "state"}
# not a lifecycle field: an Open311 error carries the HTTP status it is answered with
ALLOWED = {("workorders/open311.py", "self.status")}


def _sources() -> list[Path]:
    return [p for app in APPS for p in sorted((ROOT / app).rglob("*.py"))
            if "tests" not in p.parts and "migrations" not in p.parts]


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        out: list[ast.expr] = []
        for t in node.targets:
            out.extend(t.elts if isinstance(t, ast.Tuple | ast.List) else [t])
        return out
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def hand_assignments(rel: str, source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        for t in _targets(node):
            if isinstance(t, ast.Attribute) and t.attr in FIELDS and (rel, ast.unparse(t)) not in ALLOWED:
                found.append(f"{rel}:{node.lineno} {ast.unparse(t)} = …")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("update", "bulk_update"):
            names = {k.arg for k in node.keywords} | {
                e.value for a in node.args if isinstance(a, ast.List | ast.Tuple) for e in a.elts if isinstance(e, ast.Constant)}
            if names & FIELDS:
                found.append(f"{rel}:{node.lineno} {ast.unparse(node.func)}(…{', '.join(sorted(names & FIELDS))}…)")
    return found


def test_no_lifecycle_field_is_assigned_by_hand() -> None:
    sources = _sources()
    assert len(sources) > 20  # the scan found the apps
    assert [line for p in sources
            for line in hand_assignments(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))] == []


@pytest.mark.parametrize("code", ["app.status = 'completed'", "cert.state, cert.issued_at = 'issued', now",
                                  "WorkOrder.objects.filter(pk=1).update(status='closed')"])
def test_the_scan_sees_each_kind_of_hand_assignment(code: str) -> None:
    assert hand_assignments("station/services.py", code)
    assert not hand_assignments("workorders/open311.py", "self.status = status")
