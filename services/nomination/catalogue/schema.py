"""JSON Schemas of the catalogue's files, generated from the models, for editors that check
YAML as it is typed: `python -m services.nomination.catalogue.schema [--check]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from services.nomination.catalogue.files import DATA_DIR
from services.nomination.catalogue.model import AwardsFile, QuotasFile, SalaryFile

SCHEMAS: dict[str, type[BaseModel]] = {
    "catalogue.schema.json": AwardsFile,
    "salary.schema.json": SalaryFile,
    "quotas.schema.json": QuotasFile,
}


def render(model: type[BaseModel]) -> str:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def stale(directory: Path = DATA_DIR) -> list[str]:
    """The schema files that differ from what the models generate."""
    return [name for name, model in SCHEMAS.items()
            if not (directory / name).exists() or (directory / name).read_text(encoding="utf-8") != render(model)]


def write(directory: Path = DATA_DIR) -> None:
    for name, model in SCHEMAS.items():
        (directory / name).write_text(render(model), encoding="utf-8")


def main(argv: list[str]) -> int:
    if "--check" in argv:
        names = stale()
        if names:
            print(f"out of date: {', '.join(names)}; run python -m services.nomination.catalogue.schema")
        return 1 if names else 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
