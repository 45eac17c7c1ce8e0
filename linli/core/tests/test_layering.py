"""The layering contracts (import-linter) and the linter are part of the test run."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent


def _run(tool: str, *args: str) -> subprocess.CompletedProcess:
    exe = BIN / tool
    if not exe.exists():
        exe = Path(shutil.which(tool) or tool)
    return subprocess.run([str(exe), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_import_contracts_kept():
    result = _run("lint-imports")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.split("Contracts:")[-1].replace("0 broken", "")


def test_ruff_clean():
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def _contracts() -> list[dict]:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _apps() -> list[str]:
    return sorted(f"linli.{p.parent.name}" for p in (ROOT / "linli").glob("*/apps.py"))


def test_every_app_is_in_the_layers_and_guards_its_models():
    """A new app under linli/ must take its place in the layers and protect its models."""
    contracts = _contracts()
    layers = [c for c in contracts if c["type"] == "layers"]
    assert len(layers) == 1
    layered = {m.strip() for layer in layers[0]["layers"] for m in layer.replace("|", ":").split(":")}
    missing = [a for a in _apps() if a not in layered]
    assert not missing, f"apps missing from the layers contract: {missing}"
    assert layers[0]["layers"][-1] == "linli.core"  # core imports no app
    protected = {m for c in contracts if c["type"] == "protected" for m in c["protected_modules"]}
    unguarded = [a for a in _apps() if (ROOT / a.replace(".", "/") / "models.py").exists() and a != "linli.core"
                 and f"{a}.models" not in protected]
    assert not unguarded, f"apps whose models no contract protects: {unguarded}"


def test_core_names_no_app():
    """No module of core (its tests aside) imports an app: the apps register what it needs."""
    import ast

    apps = {a for a in _apps() if a != "linli.core"}
    offenders = []
    for path in (ROOT / "linli" / "core").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if any(n == a or n.startswith(a + ".") for a in apps)]
    assert not offenders, offenders
