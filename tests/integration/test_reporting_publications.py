"""A published report is frozen: its bytes, SHA-256 and stream position are kept and announced
(ReportPublished); later events change the live figures, never the published file."""

from __future__ import annotations

import hashlib
import json

import pytest

from contracts import unwrap
from contracts.reporting import ReportPublished
from services.reporting.main import create_app
from services.reporting.settings import ReportingSettings
from tests.integration.nomination_events import Dossier, publish
from tests.integration.report_story import story
from tests.integration.test_reporting_period import period, settled
from tests.support import Namespace, auth, eventually, read_stream, serve

pytestmark = pytest.mark.integration
READER, PLANNER = auth("auditor"), auth("planner", subject="chuyenvien.snv")


async def test_a_published_report_keeps_its_bytes_and_position_and_is_announced(ns: Namespace) -> None:
    published = story()
    async with serve(create_app(ns.settings(ReportingSettings))) as reports:
        await publish(ns, published.events)
        await settled(reports, published)
        request = {"kind": "period", "ref": "2026", "format": "pdf", "signed_on": "2027-02-05", "number": "12/BC-SNV"}
        assert (await reports.post("/reports/publications", json=request, headers=READER)).status_code == 403
        created = await reports.post("/reports/publications", json=request, headers=PLANNER)
        assert created.status_code == 201, created.text
        record = created.json()
        assert (record["stream_position"], record["published_by"]) == (len(published.events), "chuyenvien.snv")
        frozen = await reports.get(f"/reports/publications/{record['publication_id']}/file", headers=READER)
        assert hashlib.sha256(frozen.content).hexdigest() == record["sha256"] == frozen.headers["x-content-sha256"]
        assert len(frozen.content) == record["size"] and frozen.content[:5] == b"%PDF-"

        # Announced on the bus, once.
        async def announced() -> ReportPublished:
            messages = await read_stream(ns, f"{ns.subject_root}.reporting.>")
            assert len(messages) == 1
            event = unwrap(messages[0].headers, messages[0].data)
            assert isinstance(event, ReportPublished)
            return event

        event = await eventually(announced)
        assert (str(event.publication_id), event.sha256, event.stream_position, event.ref) == (
            record["publication_id"], record["sha256"], len(published.events), "2026")

        # The same report again is refused; a form is published beside it.
        again = await reports.post("/reports/publications", json=request, headers=PLANNER)
        assert again.status_code == 409 and "không thay đổi" in again.json()["error"]["message"]
        form = await reports.post("/reports/publications", headers=PLANNER,
                                  json={"kind": "form", "ref": "0603/2026", "format": "json"})
        assert form.status_code == 201, form.text
        form_file = await reports.get(f"/reports/publications/{form.json()['publication_id']}/file", headers=READER)
        assert json.loads(form_file.content)["code"] == "0603"

        # A later award changes the live figures, not the published file.
        before = (await period(reports, "2026"))["awards"]["total"]["count"]
        late = Dossier("SNV", "BKT", "Người được khen sau khi công bố", year=2026)
        await publish(ns, [*late.to_council(), late.decided(decided_on="2026-12-20", cash_amount=1_000_000)])

        async def moved_on() -> None:
            assert (await period(reports, "2026"))["awards"]["total"]["count"] == before + 1

        await eventually(moved_on)
        again_file = await reports.get(f"/reports/publications/{record['publication_id']}/file", headers=READER)
        assert again_file.content == frozen.content
        # The report built now shows what changed since it was published.
        changes = (await reports.get(f"/reports/publications/{record['publication_id']}/changes",
                                     headers=READER)).json()
        assert changes["published_position"] == len(published.events) < changes["position"]
        moved = {d["path"]: (d["published"], d["now"]) for d in changes["differences"]}
        assert moved["awards.total"] == (before, before + 1)
        assert moved["awards.by_unit[SNV]"][1] == moved["awards.by_unit[SNV]"][0] + 1
        assert all(path.startswith(("awards.", "priority_groups.")) for path in moved), moved
        assert moved["priority_groups.individuals"] == (moved["priority_groups.individuals"][0],
                                                        moved["priority_groups.individuals"][0] + 1)
        listed = (await reports.get("/reports/publications", headers=READER)).json()
        assert {(p["kind"], p["ref"], p["format"]) for p in listed} == {("period", "2026", "pdf"),
                                                                        ("form", "0603/2026", "json")}
        for bad, field in (({**request, "ref": "2026-Q9"}, "ref"), ({**request, "kind": "form"}, "MÃ/NĂM"),
                           ({**request, "format": "odt"}, "format")):
            response = await reports.post("/reports/publications", json=bad, headers=PLANNER)
            assert response.status_code == 422 and field in response.json()["error"]["message"], response.text
        missing = await reports.get("/reports/publications/00000000-0000-0000-0000-000000000000", headers=READER)
        assert missing.status_code == 404
