"""The JSON Schemas shipped beside the catalogue's files are those the models generate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from services.nomination.catalogue.files import DATA_DIR
from services.nomination.catalogue.schema import SCHEMAS, main, stale


def test_the_shipped_schemas_are_current() -> None:
    assert stale() == [], "run: python -m services.nomination.catalogue.schema"
    assert main(["--check"]) == 0


def test_an_out_of_date_schema_is_found(tmp_path: Path) -> None:
    for name in SCHEMAS:
        shutil.copy(DATA_DIR / name, tmp_path / name)
    schema = json.loads((tmp_path / "catalogue.schema.json").read_text(encoding="utf-8"))
    del schema["properties"]["awards"]
    (tmp_path / "catalogue.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "quotas.schema.json").unlink()
    assert stale(tmp_path) == ["catalogue.schema.json", "quotas.schema.json"]
