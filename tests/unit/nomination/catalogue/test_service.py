"""The running service keeps its last good catalogue when the files are broken, and refuses
to start only when it has none at all."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from servicekit.auth import ForbiddenError, Principal, Role
from servicekit.eventstore import memory_env
from services.nomination.application import Nominations
from services.nomination.catalogue.service import CatalogueService, CatalogueUnavailableError
from services.nomination.wiring import CatalogueAdapter
from services.nomination.yamlconfig import ConfigError
from tests.unit.nomination.catalogue.helpers import copy_catalogue, edited, line_of

NOW = datetime(2026, 2, 1, 8, tzinfo=UTC)


def break_awards(folder: Path) -> int:
    """Put a wrong value in awards.yaml; the line of the fault."""
    path = folder / "awards.yaml"
    text = edited(path.read_text(encoding="utf-8"), "    threshold: 0.9\n", "    threshold: nhiều\n")
    path.write_text(text, encoding="utf-8")
    return line_of(text, "threshold: nhiều")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_catalogue(tmp_path / "catalogue")


def test_a_start_with_broken_files_keeps_the_stored_version(folder: Path) -> None:
    app = Nominations(memory_env())
    CatalogueService(app, folder, lambda: NOW).start()
    line = break_awards(folder)
    restarted = CatalogueService(app, folder, lambda: NOW)
    assert restarted.start() is None
    assert restarted.current().number == 1
    status = restarted.status()
    assert status["current"]["number"] == 1
    assert status["files"]["state"] == "refused"
    assert status["files"]["problems"][0].startswith(f"{folder}/awards.yaml:{line}:16: councils[0].threshold")


def test_a_start_with_broken_files_and_nothing_stored_fails_clearly(folder: Path) -> None:
    line = break_awards(folder)
    with pytest.raises(CatalogueUnavailableError) as error:
        CatalogueService(Nominations(memory_env()), folder, lambda: NOW).start()
    assert "chưa có phiên bản nào đã lưu" in str(error.value)
    assert f"awards.yaml:{line}:16" in str(error.value)
    assert error.value.details[0].startswith(f"{folder}/awards.yaml:{line}:16:")


def test_a_broken_reload_changes_nothing_and_is_reported(folder: Path) -> None:
    service = CatalogueService(Nominations(memory_env()), folder, lambda: NOW)
    service.start()
    assert service.status()["files"]["state"] == "adopted"
    break_awards(folder)
    with pytest.raises(ConfigError):
        service.reload(by="admin-1")
    assert service.current().number == 1
    assert service.status()["files"]["state"] == "refused"
    (folder / "awards.yaml").write_text(edited((folder / "awards.yaml").read_text(encoding="utf-8"),
                                               "threshold: nhiều", "threshold: 0.9"), encoding="utf-8")
    assert not service.reload(by="admin-1").created
    assert service.status()["files"] | {"checked_at": None} == {
        "directory": str(folder), "state": "unchanged", "checked_at": None, "version": 1, "problems": []}


def test_the_dossier_workflow_is_paid_what_the_catalogue_gives_its_kind_of_nominee(folder: Path) -> None:
    service = CatalogueService(Nominations(memory_env()), folder, lambda: NOW)
    service.start()
    adapted = CatalogueAdapter(service)
    assert adapted.cash("BKT", "tap_the", date(2026, 8, 1)) == 7_590_000  # 3 × 2.530.000
    assert adapted.cash("BKT", "ca_nhan", date(2026, 8, 1)) == 3_800_000  # 1,5 × 2.530.000 = 3.795.000
    assert adapted.cash("LDTT", "ca_nhan", date(2026, 3, 1)) == 710_000
    assert adapted.cash("CSTT", "ca_nhan", date(2026, 3, 1)) is None  # no multiple known: no amount


def test_only_an_admin_changes_the_catalogue_in_force(folder: Path) -> None:
    service = CatalogueService(Nominations(memory_env()), folder, lambda: NOW)
    service.start()
    clerk = Principal(subject="can-bo", unit="SGDDT", roles=frozenset({Role.UNIT_CLERK}))
    with pytest.raises(ForbiddenError, match="quản trị"):
        service.reload_as(clerk)
    admin = Principal(subject="admin-1", roles=frozenset({Role.ADMIN}))
    assert service.reload_as(admin).number == service.current().number
