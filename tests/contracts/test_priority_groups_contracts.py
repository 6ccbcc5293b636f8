"""What the new nomination facts may say on the bus: the priority groups as yes/no facts (never
the ethnicity: information on ethnic origin is sensitive personal data under NĐ 13/2023/NĐ-CP
Điều 2 khoản 4 điểm c), a public comment as the fact and the count (never its author or text);
a reader of version 1 reads a version 2 body as the version 1 it is published beside, and readers
of versions 1 and 2 a version 3 body (the leadership tier and the award's basis, closed sets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

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


def test_version_3_adds_the_leadership_tier_and_the_basis_as_closed_sets() -> None:
    for v3 in c.THIRD_VERSIONS.values():
        schema = json.loads((SCHEMAS / schema_name(v3)).read_text(encoding="utf-8"))
        defs = schema.get("$defs", {})
        names = _properties(schema, defs)
        assert {"nominee_groups", "leadership", "leadership_tier", "basis"} <= names
        assert not names & {"ethnicity", "id_number", "date_of_birth", "personal_number"}
        assert schema["properties"]["basis"]["enum"] == list(get_args(c.AwardBasis))
        tier = defs["PriorityGroupsV3"]["properties"]["leadership_tier"]["anyOf"][0]["enum"]
        assert tier == ["khong", "cap_bo_tinh", "cap_vu_so", "doanh_nhan", "tu_pho_phong"]


def test_readers_of_versions_1_and_2_read_a_version_3_body_as_theirs() -> None:
    for v1, v3 in c.THIRD_VERSIONS.items():
        v2 = c.SECOND_VERSIONS[v1]
        body = json.loads((FIXTURES / schema_name(v3)).read_text(encoding="utf-8"))
        event = v3.model_validate(body)
        for older, version in ((v1, 1), (v2, 2)):
            kept = set(older.model_fields) - {"event_id", "version"}
            read = older.model_validate({**body, "version": version})
            as_v3 = event.model_dump(include=kept)
            as_v3.get("nominee_groups", {}).pop("leadership_tier", None)  # a version 2 reader's groups
            assert read.model_dump(include=kept) == as_v3
        assert "leadership_tier" not in c.PriorityGroups.model_fields  # version 2's groups stay as they were
        assert {"nominee_groups", "basis"} <= set(v3.model_fields)
        assert event.nominee_groups.leadership_tier in get_args(c.LeadershipTier)  # type: ignore[attr-defined]


def test_an_unknown_tier_or_basis_is_refused_by_version_3() -> None:
    for v3 in c.THIRD_VERSIONS.values():
        body = json.loads((FIXTURES / schema_name(v3)).read_text(encoding="utf-8"))
        with pytest.raises(ValidationError):
            v3.model_validate({**body, "basis": "thuong_niên"})
        with pytest.raises(ValidationError):
            v3.model_validate({**body, "nominee_groups": {**body["nominee_groups"], "leadership_tier": "giam_doc"}})
