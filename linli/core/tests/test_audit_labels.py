"""Every action the code writes to the audit log has a label (Chinese, and English in English
mode), so the audit page never shows a code such as ``workorder.rate``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

from linli.core.audit import ACTIONS, action_label

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def _dynamic() -> dict[str, list[str]]:
    """Codes built at run time: the prefix and every value the code can put after it."""
    from linli.workorders.states import Action

    return {
        "workorder.": [a.value for a in Action],  # services._move writes workorder.<lifecycle action>
        "provider.": ["approve", "reject", "suspend"],  # station.services.vet's decisions
    }


def _dynamic_prefixes() -> dict[str, list[str]]:
    """Codes whose prefix is chosen at run time: the suffix and every prefix it can follow."""
    from linli.core import supervision

    return {".urge": [c.audit for c in supervision.clocks()]}  # core.supervision.urge: <registration's audit>.urge


def _codes(node: ast.expr, where: str) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes(node.body, where) | _codes(node.orelse, where)
    if isinstance(node, ast.JoinedStr):
        parts = node.values
        prefix = "".join(p.value for p in parts if isinstance(p, ast.Constant))
        holes = [p for p in parts if isinstance(p, ast.FormattedValue)]
        if len(holes) == 1 and isinstance(parts[0], ast.Constant) and parts[-1] is holes[0]:
            try:
                return {prefix + c for c in _codes(holes[0].value, where)}
            except AssertionError:
                dynamic = _dynamic()
                assert prefix in dynamic, f"{where}: add the values of {ast.unparse(node)} to _dynamic()"
                return {prefix + c for c in dynamic[prefix]}
        if len(holes) == 1 and parts[0] is holes[0] and len(parts) == 2 and isinstance(parts[1], ast.Constant):
            suffix = str(parts[1].value)
            prefixes = _dynamic_prefixes()
            assert suffix in prefixes, f"{where}: add the prefixes of {ast.unparse(node)} to _dynamic_prefixes()"
            return {p + suffix for p in prefixes[suffix]}
    raise AssertionError(f"{where}: cannot tell which audit action {ast.unparse(node)} writes")


def written_actions() -> dict[str, str]:
    from linli.core.lifecycle import DECLARED

    found: dict[str, str] = {code: f"lifecycle {lc.audit}" for lc in DECLARED for code in lc.audit_codes()}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts or path.relative_to(ROOT).as_posix() == "core/lifecycle.py":
            continue  # Lifecycle.apply writes <audit>.<action>: the declared lifecycles' codes are added above
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "record_audit":
                for kw in node.keywords:
                    if kw.arg == "action":
                        where = f"{path.relative_to(ROOT)}:{node.lineno}"
                        found.update(dict.fromkeys(_codes(kw.value, where), where))
    return found


def test_every_action_written_to_the_audit_log_has_a_label():
    written = written_actions()
    assert len(written) > 60 and "workorder.rate" in written and "admin.change" in written
    missing = {code: where for code, where in written.items() if code not in ACTIONS}
    assert not missing, f"audit actions without a label in linli/core/audit.py: {missing}"


def test_labels_are_chinese_and_english():
    for code in ACTIONS:
        with translation.override("zh-hans"):
            assert CJK.search(action_label(code)), code
        with translation.override("en"):
            assert not CJK.search(action_label(code)), f"{code}: no English label"
    with translation.override("zh-hans"):
        assert action_label("workorder.rate") == "工单评价"
        assert action_label("nothing.known") == "nothing.known"
