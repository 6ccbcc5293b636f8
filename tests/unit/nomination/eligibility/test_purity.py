"""The eligibility rules and engine are pure: standard library, pydantic, PyYAML and yamlconfig only.
Only the edges, `application.py` (use cases, permissions) and `api.py` (HTTP), import more, and
nothing pure imports them."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import services.nomination.eligibility as eligibility

ALLOWED = ("pydantic", "pydantic_core", "yaml", "services.nomination.eligibility", "services.nomination.yamlconfig")
EDGES = {"application.py", "api.py"}


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_no_module_imports_web_bus_or_database_code() -> None:
    root = Path(eligibility.__file__).parent
    pure = [path for path in root.rglob("*.py") if path.relative_to(root).as_posix() not in EDGES]
    foreign = {f"{path.relative_to(root)}: {name}" for path in pure for name in imported(path)
               if name.split(".")[0] not in sys.stdlib_module_names and not name.startswith(ALLOWED)}
    edges = {f"{path.relative_to(root)}: {name}" for path in pure for name in imported(path)
             if name.startswith(("services.nomination.eligibility.application", "services.nomination.eligibility.api"))}
    assert foreign == set() and edges == set()


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("import fastapi\nfrom services.nomination.history import facts\n", encoding="utf-8")
    assert imported(module) == {"fastapi", "services.nomination.history.facts"}
