"""Write the JSON Schema of every contract and the AsyncAPI 3.0 document of the bus.

    python -m contracts.generate          # rewrite contracts/schemas/*.json, contracts/asyncapi.json
    python -m contracts.generate --check  # exit 1 when the committed files are stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from contracts.base import IntegrationEvent
from contracts.registry import all_events

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE / "schemas"
ASYNCAPI = HERE / "asyncapi.json"
SCHEMA_BASE = "urn:tdkt:contracts:"

CLOUDEVENTS_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in binary content mode, plus W3C trace context.",
    "required": ["ce-specversion", "ce-id", "ce-source", "ce-type", "ce-time", "content-type", "Nats-Msg-Id"],
    "properties": {
        "ce-specversion": {"const": "1.0"},
        "ce-id": {"type": "string", "format": "uuid", "description": "= event_id of the body"},
        "ce-source": {"type": "string", "examples": ["/tdkt/plan"]},
        "ce-type": {"type": "string", "examples": ["vn.gov.tdkt.plan.TaskAssigned.v1"]},
        "ce-time": {"type": "string", "format": "date-time"},
        "ce-subject": {"type": "string", "examples": ["tasks/3f2c…"]},
        "content-type": {"const": "application/json"},
        "traceparent": {"type": "string", "description": "W3C trace context of the originating command"},
        "Nats-Msg-Id": {"type": "string", "description": "<service>:<notification id>; JetStream de-duplication"},
    },
}


def schema_name(cls: type[IntegrationEvent]) -> str:
    return f"{cls.publisher}.{cls.event_name}.v{cls.schema_version()}.json"


def json_schema(cls: type[IntegrationEvent]) -> dict[str, Any]:
    schema = cls.model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_BASE + schema_name(cls),
            "x-cloudevents-type": cls.ce_type(), "x-subject": cls.subject_for(), **schema}


def asyncapi() -> dict[str, Any]:
    from faststream.nats import NatsBroker
    from faststream.specification import AsyncAPI

    broker = NatsBroker("nats://localhost:4222")
    for cls in all_events():
        broker.publisher(cls.subject_for(), schema=cls, title=cls.ce_type(),
                         description=(cls.__doc__ or "").strip())
    document = json.loads(AsyncAPI(broker, title="TĐKT integration events", version="1.0.0",
                                   description="Events of the TĐKT services on NATS JetStream "
                                   "(stream TDKT over tdkt.>), as CloudEvents 1.0 in binary mode.",
                                   schema_version="3.0.0").to_specification().to_json())
    for message in document["components"]["messages"].values():
        message["headers"] = CLOUDEVENTS_HEADERS
        message["contentType"] = "application/json"
    return document


def rendered() -> dict[Path, str]:
    files = {SCHEMAS / schema_name(cls): _dump(json_schema(cls)) for cls in all_events()}
    files[ASYNCAPI] = _dump(asyncapi())
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def stale() -> list[str]:
    """The generated files that differ from what is committed (or are missing or extra)."""
    expected = rendered()
    problems = [str(p.relative_to(HERE)) for p, text in expected.items()
                if not p.exists() or p.read_text(encoding="utf-8") != text]
    problems += [str(p.relative_to(HERE)) for p in SCHEMAS.glob("*.json") if p not in expected]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    if parser.parse_args().check:
        problems = stale()
        for problem in problems:
            print(f"stale: contracts/{problem} (run: python -m contracts.generate)", file=sys.stderr)
        return 1 if problems else 0
    SCHEMAS.mkdir(exist_ok=True)
    for old in SCHEMAS.glob("*.json"):
        old.unlink()
    for path, text in rendered().items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(list(SCHEMAS.glob('*.json')))} schemas and {ASYNCAPI.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
