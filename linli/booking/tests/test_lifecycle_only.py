"""No status is moved by hand in booking or spaces: a reservation's ``status`` and a resource's
open/closed flag (``active``, read as ``state``) change only through ``states.LIFECYCLE`` /
``states.RESOURCE_LIFECYCLE`` (``Lifecycle.apply``), which checks the map and audits the step.
Creating a reservation in its first status is not a step and stays allowed."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # linli/
APPS = ("booking", "spaces")
FIELDS = {"status", "active", "state"}
# the one place the open/closed flag is written: the property the lifecycle sets
ALLOWED = {("booking/models.py", "state")}


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        out: list[ast.expr] = []
        for t in node.targets:
            out += list(t.elts) if isinstance(t, ast.Tuple | ast.List) else [t]
        return out
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def hand_moves() -> list[str]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            where = str(path.relative_to(ROOT))
            tree = ast.parse(path.read_text())
            allowed_lines: set[int] = set()
            for fn in ast.walk(tree):
                if isinstance(fn, ast.FunctionDef) and (where, fn.name) in ALLOWED:
                    allowed_lines |= {n.lineno for n in ast.walk(fn) if hasattr(n, "lineno")}
            for node in ast.walk(tree):
                for t in _targets(node):
                    if isinstance(t, ast.Attribute) and t.attr in FIELDS and node.lineno not in allowed_lines:
                        found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
                if isinstance(node, ast.Call):
                    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                    if name == "setattr" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                            and node.args[1].value in FIELDS:
                        found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
                    if name in ("update", "bulk_update") and any(k.arg in FIELDS for k in node.keywords):
                        found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
                    if name == "bulk_update" and any(isinstance(a, ast.List | ast.Tuple) and any(
                            isinstance(e, ast.Constant) and e.value in FIELDS for e in a.elts) for a in node.args):
                        found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_status_is_assigned_by_hand():
    assert not hand_moves(), "move it through the app's lifecycle (states.LIFECYCLE.apply):\n" + "\n".join(hand_moves())


def test_the_scan_finds_a_hand_move(tmp_path, monkeypatch):
    """The scan itself: each kind of hand move in a file of the app is reported."""
    import linli.booking.tests.test_lifecycle_only as scan

    app = tmp_path / "booking"
    app.mkdir()
    (app / "services.py").write_text(
        "def f(res, qs):\n    res.status = 'cancelled'\n    res.status, res.note = 'x', ''\n"
        "    qs.update(status='x')\n    setattr(res, 'active', False)\n")
    (tmp_path / "spaces").mkdir()
    monkeypatch.setattr(scan, "ROOT", tmp_path)
    assert [line.split(":")[1] for line in scan.hand_moves()] == ["2", "3", "4", "5"]
