"""The catalogue's history refuses a version that does not say where it came from."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.nomination.catalogue.domainmodel import AwardCatalogue, InvalidSourceError

NOW = datetime(2026, 2, 1, tzinfo=UTC)


def adopt(record: AwardCatalogue, checksum: str, source: dict[str, str]) -> int | None:
    return record.adopt(label="2026.1", checksum=checksum, content={}, files={}, source=source,
                        adopted_by="system", adopted_at=NOW)


def test_a_version_needs_its_source() -> None:
    record = AwardCatalogue()
    with pytest.raises(InvalidSourceError):
        adopt(record, "a", {"kind": "email", "location": "x"})
    with pytest.raises(InvalidSourceError):
        adopt(record, "a", {"kind": "files", "location": ""})
    assert record.versions == []


def test_versions_are_numbered_in_order_and_repeat_nothing() -> None:
    record = AwardCatalogue()
    assert adopt(record, "a", {"kind": "files", "location": "/data"}) == 1
    assert adopt(record, "a", {"kind": "upload", "location": "awards.yaml"}) is None
    assert adopt(record, "b", {"kind": "upload", "location": "awards.yaml"}) == 2
    assert adopt(record, "a", {"kind": "files", "location": "/data"}) == 3  # back to the first content
    assert [v["position"] for v in record.versions] == [2, 3, 4]
    assert record.id == AwardCatalogue.create_id()
