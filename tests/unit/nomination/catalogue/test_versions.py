"""Every change of the catalogue is a recorded version; the same content records nothing, and
a past moment finds the version of its day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from servicekit.eventstore import memory_env
from services.nomination.application import Nominations
from services.nomination.catalogue.application import Catalogues, NoCatalogueError
from services.nomination.catalogue.domainmodel import NoVersionAtError, UnknownVersionError
from services.nomination.yamlconfig import ConfigError
from tests.unit.nomination.catalogue.helpers import copy_catalogue, edited

FEB, MAR, APR = (datetime(2026, month, 1, 8, tzinfo=UTC) for month in (2, 3, 4))


@pytest.fixture
def app() -> Nominations:
    return Nominations(memory_env())


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_catalogue(tmp_path / "catalogue")


def events(app: Nominations) -> int:
    return app.recorder.max_notification_id() or 0


def change(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    path.write_text(edited(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def test_adopting_the_same_files_twice_records_one_version(app: Nominations, folder: Path) -> None:
    catalogues = Catalogues(app)
    first = catalogues.adopt_files(folder, by="system", now=FEB)
    recorded = events(app)
    again = catalogues.adopt_files(folder, by="system", now=MAR)
    assert (first.number, first.created, again.number, again.created) == (1, True, 1, False)
    assert events(app) == recorded
    assert [v["number"] for v in catalogues.versions()] == [1]


def test_a_comment_is_not_a_change_of_the_rules(app: Nominations, folder: Path) -> None:
    catalogues = Catalogues(app)
    catalogues.adopt_files(folder, by="system", now=FEB)
    change(folder, "awards.yaml", "version:", "# sửa chú thích\nversion:")
    assert not catalogues.adopt_files(folder, by="system", now=MAR).created


def test_a_changed_file_is_a_new_version_and_the_old_one_stays(app: Nominations, folder: Path) -> None:
    catalogues = Catalogues(app)
    catalogues.adopt_files(folder, by="system", now=FEB)
    change(folder, "awards.yaml", "multiplier: 0.3", "multiplier: 0.4")
    change(folder, "awards.yaml", 'version: "2026.1"', 'version: "2026.2"')
    second = catalogues.adopt_files(folder, by="admin-1", now=MAR)
    assert (second.number, second.label, second.created) == (2, "2026.2", True)
    current = catalogues.current()
    assert current.catalogue.award("LDTT").cash.multiplier == Decimal("0.4")
    assert (current.adopted_by, current.adopted_at, current.source) == (
        "admin-1", MAR, {"kind": "files", "location": str(folder)})
    assert catalogues.version(1).catalogue.award("LDTT").cash.multiplier == Decimal("0.3")
    assert catalogues.version(1).checksum != current.checksum


def test_a_past_moment_finds_the_rules_of_its_day(app: Nominations, folder: Path) -> None:
    catalogues = Catalogues(app)
    catalogues.adopt_files(folder, by="system", now=FEB)
    change(folder, "awards.yaml", "multiplier: 0.3", "multiplier: 0.4")
    catalogues.adopt_files(folder, by="system", now=APR)
    on_march = catalogues.at(MAR)
    assert on_march.number == 1
    assert on_march.catalogue.cash_amount("LDTT", date(2026, 3, 1)) == Decimal("710000")
    assert catalogues.at(APR).catalogue.cash_amount("LDTT", date(2026, 4, 1)) == Decimal("940000")
    with pytest.raises(NoVersionAtError, match="01/01/2026"):
        catalogues.at(datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(UnknownVersionError, match="số 3 \\(có từ 1 đến 2\\)"):
        catalogues.version(3)


def test_an_upload_replaces_one_file_and_keeps_the_others(app: Nominations, folder: Path) -> None:
    catalogues = Catalogues(app)
    catalogues.adopt_files(folder, by="system", now=FEB)
    quotas = edited((folder / "quotas.yaml").read_text(encoding="utf-8"), "max_share: 0.15", "max_share: 0.2")
    done = catalogues.adopt_upload("quotas.yaml", quotas, by="admin-1", now=MAR)
    current = catalogues.current()
    assert (done.number, done.created, current.source) == (2, True, {"kind": "upload", "location": "quotas.yaml"})
    assert current.catalogue.quota("CSTDCS_LDTT").max_share == Decimal("0.2")
    assert current.catalogue.files["awards.yaml"] == (folder / "awards.yaml").read_text(encoding="utf-8")


def test_a_broken_upload_is_refused_and_changes_nothing(app: Nominations, folder: Path) -> None:
    catalogues = Catalogues(app)
    catalogues.adopt_files(folder, by="system", now=FEB)
    recorded = events(app)
    awards = (folder / "awards.yaml").read_text(encoding="utf-8")
    without_ldtt = edited(awards, "  - code: LDTT\n", "  - code: LDTT_CU\n")
    with pytest.raises(ConfigError) as error:
        catalogues.adopt_upload("awards.yaml", without_ldtt, by="admin-1", now=MAR)
    assert error.value.details[0].startswith("quotas.yaml (phiên bản 1):")
    assert "quotas[0].base: không có danh hiệu, hình thức khen thưởng mã 'LDTT'" in error.value.details[0]
    with pytest.raises(ConfigError, match="tên tệp phải là một trong"):
        catalogues.adopt_upload("rules.yaml", awards, by="admin-1", now=MAR)
    assert events(app) == recorded
    assert catalogues.current().number == 1


def test_nothing_is_served_before_a_first_version(app: Nominations) -> None:
    catalogues = Catalogues(app)
    assert not catalogues.has_version()
    assert catalogues.versions() == []
    with pytest.raises(NoCatalogueError):
        catalogues.current()


def test_a_version_is_read_back_from_the_store_by_a_new_reader(app: Nominations, folder: Path) -> None:
    Catalogues(app).adopt_files(folder, by="system", now=FEB)
    fresh = Catalogues(app).current()
    assert fresh.catalogue.content() == Catalogues(app).version(1).catalogue.content()
    assert len(fresh.catalogue.awards) == 60
