"""The award catalogue in the running nomination service, against a real PostgreSQL and NATS:
served over HTTP, replaced by admins, a broken file refused with its lines while the last good
version stays, versions kept to explain past decisions, and a restart on broken files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.nomination.catalogue.service import CatalogueUnavailableError
from services.nomination.main import create_app
from services.nomination.settings import NominationSettings
from tests.support import Namespace, auth, serve
from tests.unit.nomination.catalogue.helpers import copy_catalogue, edited, line_of

pytestmark = pytest.mark.integration
ADMIN = auth("admin", subject="quan-tri")
CLERK = auth("unit_clerk", unit="SNV", subject="can-bo")
YAML = {"content-type": "application/yaml"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 2, 1, 2, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def nomination_app(ns: Namespace, folder: Path, clock: Clock, **settings: object):
    return create_app(ns.settings(NominationSettings, catalogue_dir=folder, **settings), clock=clock)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_catalogue(tmp_path / "catalogue")


async def test_the_catalogue_is_served_to_any_signed_in_user(ns: Namespace, folder: Path) -> None:
    async with serve(nomination_app(ns, folder, Clock())) as client:
        current = await client.get("/catalogue", headers=CLERK)
        assert current.status_code == 200, current.text
        body = current.json()
        assert (body["version"]["number"], body["version"]["label"]) == (1, "2026.1")
        assert body["version"]["source"] == {"kind": "files", "location": str(folder)}
        assert len(body["awards"]) == 60
        assert {"authorities", "documents", "councils", "salary", "quotas"} <= body.keys()
        assert (await client.get("/catalogue")).status_code == 401
        award = (await client.get("/catalogue/awards/HCLD3", headers=CLERK)).json()
        assert (award["route"], award["public_notice"]["working_days"], award["council_rule"]["code"]) == (
            "trinh_cap_tren", 10, "hd_tinh_80")
        unknown = await client.get("/catalogue/awards/HCLD9", headers=CLERK)
        assert unknown.status_code == 404
        assert unknown.json()["error"] == {"code": "award_not_found",
                                           "message": "Danh mục khen thưởng không có mã 'HCLD9'."}


async def test_money_and_quotas_are_served_with_their_status(ns: Namespace, folder: Path) -> None:
    async with serve(nomination_app(ns, folder, Clock())) as client:
        before = await client.get("/catalogue/awards/LDTT/cash", params={"decided_on": "2024-06-30"}, headers=CLERK)
        after = await client.get("/catalogue/awards/LDTT/cash", params={"decided_on": "2024-07-01"}, headers=CLERK)
        assert (before.json()["amount"], after.json()["amount"]) == (540000, 710000)
        assert after.json()["multiplier"] == "0.3" and after.json()["verified"] is True
        march, august = [(await client.get("/catalogue/awards/LDTT/cash", params={"decided_on": day},
                                           headers=CLERK)).json() for day in ("2026-03-01", "2026-08-01")]
        assert (march["amount"], march["base_salary"], march["exact"]) == (710000, 2340000, "702000.0")
        assert (august["amount"], august["base_salary"], august["subject"]) == (760000, 2530000, "ca_nhan")
        household = (await client.get("/catalogue/awards/GK/cash", headers=CLERK,
                                      params={"decided_on": "2026-08-01", "subject": "ho_gia_dinh"})).json()
        assert (household["multiplier"], household["amount"], household["verified"]) == ("0.45", 1140000, False)
        both = (await client.get("/catalogue/cash", headers=CLERK,
                                 params={"decided_on": "2026-08-01", "award": ["LDTT", "CSTDCS"]})).json()
        assert (both["amount"], both["paid"]["award"], [a["award"] for a in both["not_paid"]]) == (
            2530000, "CSTDCS", ["LDTT"])
        not_given = await client.get("/catalogue/awards/LDTT/cash", headers=CLERK,
                                     params={"decided_on": "2026-08-01", "subject": "tap_the"})
        assert not_given.status_code == 422 and "không tặng cho tập thể" in not_given.json()["error"]["message"]
        no_multiplier = await client.get("/catalogue/awards/CSTT/cash", params={"decided_on": "2026-01-05"},
                                         headers=CLERK)
        assert no_multiplier.status_code == 422
        assert no_multiplier.json()["error"]["code"] == "cash_not_configured"
        salary = (await client.get("/catalogue/salary", params={"on": "2024-07-01"}, headers=CLERK)).json()
        assert salary["in_force"]["amount"] == 2340000
        assert [e["valid_to"] for e in salary["table"]] == ["2023-06-30", "2024-06-30", "2026-06-30", None]
        too_early = await client.get("/catalogue/salary", params={"on": "2019-06-30"}, headers=CLERK)
        assert too_early.status_code == 404
        quotas = (await client.get("/catalogue/quotas", headers=CLERK)).json()["quotas"]
        assert {(q["code"], q["max_share"], q["verified"]) for q in quotas} == {
            ("CSTDCS_LDTT", "0.15", False), ("CTDCP_CTDT", "0.2", False)}


async def test_a_broken_upload_is_refused_with_its_lines_and_the_catalogue_stays(ns: Namespace,
                                                                                  folder: Path) -> None:
    clock = Clock()
    async with serve(nomination_app(ns, folder, clock)) as client:
        awards = (await client.get("/catalogue/files/awards.yaml", headers=CLERK)).text
        broken = edited(awards, "decided_by: [thu_tuong]", "decided_by: [thu_tuong_chinh_phu]")
        broken = edited(broken, "    threshold: 0.9\n", "    threshold: 90%\n")
        refused = await client.put("/catalogue", content=broken.encode(), headers={**ADMIN, **YAML})
        assert refused.status_code == 422
        details = refused.json()["error"]["details"]
        assert details[0].startswith(f"awards.yaml:{line_of(broken, 'threshold: 90%')}:16: councils[0].threshold")
        assert details[1].startswith(f"awards.yaml:{line_of(broken, 'thu_tuong_chinh_phu')}:")
        assert (await client.get("/catalogue", headers=CLERK)).json()["version"]["number"] == 1
        forbidden = await client.put("/catalogue", content=awards.encode(), headers={**CLERK, **YAML})
        assert forbidden.status_code == 403
        as_json = await client.put("/catalogue", content=b"{}", headers={**ADMIN, "content-type": "application/json"})
        assert as_json.status_code == 415


async def test_a_changed_upload_is_a_new_version_and_old_days_keep_their_rules(ns: Namespace,
                                                                               folder: Path) -> None:
    clock = Clock()
    async with serve(nomination_app(ns, folder, clock)) as client:
        awards = (await client.get("/catalogue/files/awards.yaml", headers=CLERK)).text
        changed = edited(edited(awards, "multiplier: 0.3", "multiplier: 0.35"), '"2026.1"', '"2026.2"')
        clock.now = datetime(2026, 3, 2, 2, tzinfo=UTC)
        done = await client.put("/catalogue", content=changed.encode(), headers={**ADMIN, **YAML})
        assert done.json() == {"number": 2, "label": "2026.2", "created": True}
        again = await client.put("/catalogue", content=changed.encode(), headers={**ADMIN, **YAML})
        assert again.json() == {"number": 2, "label": "2026.2", "created": False}
        versions = (await client.get("/catalogue/versions", headers=CLERK)).json()
        assert [(v["number"], v["source"]["kind"], v["adopted_by"]) for v in versions] == [
            (1, "files", "system"), (2, "upload", "quan-tri")]
        old_day = (await client.get("/catalogue/awards/LDTT", params={"on": "2026-02-15"}, headers=CLERK)).json()
        assert (old_day["version"]["number"], old_day["cash"]["multiplier"]) == (1, "0.3")
        assert (await client.get("/catalogue/versions/2", headers=CLERK)).json()["version"]["label"] == "2026.2"
        assert (await client.get("/catalogue/versions/7", headers=CLERK)).status_code == 404
        assert (await client.get("/catalogue", params={"on": "2026-01-31"}, headers=CLERK)).status_code == 404


async def test_a_reload_reads_the_folder_and_a_broken_one_changes_nothing(ns: Namespace, folder: Path) -> None:
    async with serve(nomination_app(ns, folder, Clock())) as client:
        quotas = folder / "quotas.yaml"
        quotas.write_text(edited(quotas.read_text(encoding="utf-8"), "max_share: 0.15", "max_share: 0.10"),
                          encoding="utf-8")
        assert (await client.post("/catalogue/reload", headers=CLERK)).status_code == 403
        reloaded = await client.post("/catalogue/reload", headers=ADMIN)
        assert reloaded.json() == {"number": 2, "label": "2026.1", "created": True}
        quotas.write_text("quotas:\n  - code: X\n    award: CSTDCS\n", encoding="utf-8")
        refused = await client.post("/catalogue/reload", headers=ADMIN)
        assert refused.status_code == 422
        assert refused.json()["error"]["details"][0].startswith(f"{quotas}:2:5: quotas[0].name: Field required")
        status = (await client.get("/catalogue/status", headers=CLERK)).json()
        assert (status["current"]["number"], status["files"]["state"]) == (2, "refused")
        served = (await client.get("/catalogue/quotas", headers=CLERK)).json()["quotas"]
        assert served[0]["max_share"] == "0.1"


async def test_a_restart_on_broken_files_serves_the_stored_version(ns: Namespace, folder: Path) -> None:
    async with serve(nomination_app(ns, folder, Clock())) as client:
        assert (await client.get("/catalogue", headers=CLERK)).status_code == 200
    (folder / "awards.yaml").write_text("version: [\n", encoding="utf-8")
    async with serve(nomination_app(ns, folder, Clock())) as client:
        assert (await client.get("/catalogue", headers=CLERK)).json()["version"]["number"] == 1
        status = (await client.get("/catalogue/status", headers=CLERK)).json()
        assert status["files"]["state"] == "refused"
        assert "YAML không đọc được" in status["files"]["problems"][0]
        assert (await client.get("/readyz")).status_code == 200


async def test_a_first_start_on_broken_files_fails_with_the_place_of_the_error(ns: Namespace,
                                                                                folder: Path) -> None:
    (folder / "salary.yaml").write_text("base_salary: []\nrounding: {step: 0, mode: up}\n", encoding="utf-8")
    with pytest.raises(CatalogueUnavailableError, match="chưa có phiên bản nào đã lưu") as error:
        async with serve(nomination_app(ns, folder, Clock())):
            pass
    assert error.value.details == [
        f"{folder}/salary.yaml:1:14: base_salary: List should have at least 1 item after validation, not 0",
        f"{folder}/salary.yaml:2:18: rounding.step: Input should be greater than or equal to 1"]
