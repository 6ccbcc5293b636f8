"""What the new nomination facts may say on the bus: the priority groups as yes/no facts (never
the ethnicity: information on ethnic origin is sensitive personal data under NĐ 13/2023/NĐ-CP
Điều 2 khoản 4 điểm c), a public comment as the fact and the count (never its author or text);
a reader of version 1 reads a version 2 body as the version 1 it is published beside."""

from __future__ import annotations

import json
from pathlib import Path

from contracts import nomination as c
from contracts.generate import SCHEMAS, schema_name

FIXTURES = Path(__file__).with_name("fixtures")


def _properties(schema: dict, defs: dict) -> set[str]:
    names = set(schema.get("properties", {}))
    for value in schema.get("properties", {}).values():
        for ref in [value.get("$ref"), *[a.get("$ref") for a in value.get("anyOf", [])]]:
            if ref:
                names |= _properties(defs[ref.rsplit("/", 1)[1]], defs)
    return names


def test_the_published_groups_are_yes_no_facts_and_never_the_ethnicity() -> None:
    for v2 in c.WITH_GROUPS.values():
        schema = json.loads((SCHEMAS / schema_name(v2)).read_text(encoding="utf-8"))
        names = _properties(schema, schema.get("$defs", {}))
        assert {"nominee_groups", "leadership", "direct_labourer", "ethnic_minority", "hard_to_reach",
                "gender"} <= names
        assert not names & {"ethnicity", "id_number", "date_of_birth", "personal_number"}


def test_a_comment_carries_no_author_and_no_text() -> None:
    schema = json.loads((SCHEMAS / schema_name(c.NominationNoticeCommented)).read_text(encoding="utf-8"))
    names = _properties(schema, schema.get("$defs", {}))
    assert {"comments", "notice_until", "dossier_id", "unit_code"} <= names
    assert not names & {"author", "content", "address", "text", "excerpt"}


def test_a_version_1_reader_reads_a_version_2_body_as_its_version_1() -> None:
    for v1, v2 in c.WITH_GROUPS.items():
        v2_body = json.loads((FIXTURES / schema_name(v2)).read_text(encoding="utf-8"))
        v1_body = json.loads((FIXTURES / schema_name(v1)).read_text(encoding="utf-8"))
        as_v1 = v1.model_validate({**v2_body, "version": 1})
        added = set(v2.model_fields) - set(v1.model_fields)  # the groups (and an opened dossier's movement)
        assert as_v1.model_dump(exclude={"event_id", "version"}) == v2.model_validate(v2_body).model_dump(
            exclude={"event_id", "version", *added})
        assert set(v1.model_validate(v1_body).model_dump()) == set(as_v1.model_dump())
        assert v2.model_validate(v2_body).nominee_groups.leadership is not None  # type: ignore[attr-defined]
