"""House rules that code review alone would miss."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def test_no_service_imports_another_service() -> None:
    """import-linter contracts of pyproject.toml: services are independent; contracts and
    the service library know no service; domain models import no framework."""
    result = subprocess.run([str(LINT), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_import_check_fails_on_a_cross_service_import(tmp_path: Path) -> None:
    """The check above can fail: a copy of the tree with one forbidden import breaks it."""
    for name in ("services", "contracts", "servicekit", "tdkt", "pyproject.toml"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, tmp_path / name)
    (tmp_path / "tests").mkdir()
    for name in ("__init__.py", "importrules.py"):  # the project's own contract types
        shutil.copy(ROOT / "tests" / name, tmp_path / "tests" / name)
    offender = tmp_path / "services" / "reporting" / "queries.py"
    offender.write_text("from services.plan.domainmodel import Task\n" + offender.read_text())
    result = subprocess.run([str(LINT), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                            check=False, env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "services.reporting.queries -> services.plan.domainmodel" in result.stdout
