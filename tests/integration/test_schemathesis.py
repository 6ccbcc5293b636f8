"""Every service's OpenAPI document, fuzzed by schemathesis with a valid token: no server error,
every status, content type and body as the document says, bad data refused.

`positive_data_acceptance` is left out: business rules rightly refuse data the schema allows
(a unit code that is not in the registry, a plan document that is not a plan)."""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from servicekit.auth import Role
from tests.support import Namespace, serve_on_port, token

pytestmark = pytest.mark.integration

SERVICES = ["plan", "nomination", "notification", "reporting", "web"]
MAX_EXAMPLES = int(os.environ.get("TDKT_SCHEMATHESIS_EXAMPLES", "15"))
ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "schemathesis"


def app_of(service: str, ns: Namespace, tmp_path: Path) -> Any:
    main = importlib.import_module(f"services.{service}.main")
    settings_module = importlib.import_module(f"services.{service}.settings")
    settings_class = next(value for name, value in vars(settings_module).items()
                          if name.endswith("Settings") and name != "ServiceSettings")
    return main.create_app(ns.settings(settings_class, documents_dir=tmp_path / "documents"))


@pytest.mark.parametrize("service", SERVICES)
async def test_schemathesis_finds_nothing(service: str, ns: Namespace, tmp_path: Path) -> None:
    bearer = token(*[role.value for role in Role], unit="SNV")
    async with serve_on_port(app_of(service, ns, tmp_path)) as url:
        process = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).with_name("schemathesis")), "run", f"{url}/openapi.json",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance",
            "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--seed", "20261201", "--request-timeout", "60",
            "--header", f"Authorization: Bearer {bearer}",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            env={**os.environ, "SCHEMATHESIS_HOOKS": ""}, cwd=tmp_path,
        )
        output, _ = await process.communicate()
    report = output.decode(errors="replace")
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"{service}.txt").write_text(report)
    generated = re.search(r"(\d+) generated", report)
    assert generated and int(generated.group(1)) > 0, report[-3000:]
    assert "Server error" not in report, report[-6000:]
    assert process.returncode == 0, report[-6000:]
