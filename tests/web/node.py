"""The npm packages the page tests need, installed once into a cache folder (never the repository):
axe-core and oidc-provider, run with the machine's Node.js."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent / "node"


def node_dir() -> Path:
    """A folder with node_modules installed from tests/web/node/package.json (reinstalled when it changes)."""
    target = Path(os.environ.get("TDKT_TEST_NODE_DIR") or Path.home() / ".cache" / "tdkt-web-tests")
    target.mkdir(parents=True, exist_ok=True)
    wanted = (HERE / "package.json").read_text(encoding="utf-8")
    stamp = target / "package.json"
    if not (target / "node_modules" / "axe-core").is_dir() or not stamp.exists() or stamp.read_text() != wanted:
        shutil.copy(HERE / "package.json", stamp)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target, check=True,
                       timeout=600)
    shutil.copy(HERE / "provider.mjs", target / "provider.mjs")
    return target


def axe_source() -> str:
    return (node_dir() / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
