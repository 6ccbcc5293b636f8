"""`tdkt reconcile`: a message the stream lost is found and published again, once; the
consumers' read models neither miss it nor apply it twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import nats
import pytest

from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tdkt.cli import main as cli
from tests.support import TEST_SECRET, Namespace, auth, eventually, read_stream, serve_on_port

pytestmark = pytest.mark.integration
PLANNER = auth("planner")
ADMIN = auth("admin")
BOTH = ["reconcile", "--service", "plan", "--service", "reporting"]


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


def plan(number: int) -> dict[str, object]:
    return {"number": f"{number}/KH-SNV", "year": 2026, "title": f"Kế hoạch {number}",
            "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


def finding(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if f" {name} " in line)


async def test_reconcile_republishes_a_message_the_stream_lost_and_nothing_is_duplicated(
        ns: Namespace, monkeypatch, capsys) -> None:
    plan_service = plan_app(ns.settings(PlanSettings), clock)
    async with serve_on_port(plan_service) as plan_url, \
            serve_on_port(reporting_app(ns.settings(ReportingSettings))) as reports_url:
        monkeypatch.setenv("TDKT_PLAN_PORT", plan_url.rsplit(":", 1)[1])
        monkeypatch.setenv("TDKT_REPORTING_PORT", reports_url.rsplit(":", 1)[1])
        monkeypatch.setenv("TDKT_JWT_SECRET", TEST_SECRET)
        async with httpx.AsyncClient(base_url=plan_url) as client:
            for number in (1, 2, 3):
                assert (await client.post("/plans", headers=PLANNER, json=plan(number))).status_code == 201
        subject = f"{ns.subject_root}.plan.PlanIssued.v1"

        async def three_on_the_bus_and_counted() -> list:
            messages = await read_stream(ns, subject)
            assert len(messages) == 3
            async with httpx.AsyncClient(base_url=reports_url) as reports:
                status = (await reports.get("/admin/consumer", headers=ADMIN)).json()
            assert status["consumers"]["reporting-tasks"]["processed"] == 3, status
            return messages

        messages = await eventually(three_on_the_bus_and_counted)
        clean = await asyncio.to_thread(cli, [*BOTH, "--no-republish"])
        out = capsys.readouterr().out
        assert clean == 0 and "Khớp: không mất, không trùng." in out, out
        assert "lost 0" in finding(out, "plan") and "cần 3" in finding(out, "plan"), out

        # The stream loses the second plan's message (an operator's mistake, a restored backup).
        lost = messages[1]
        assert lost.headers["Nats-Msg-Id"].startswith("plan:")
        nc = await nats.connect(ns.nats_url)
        try:
            await nc.jetstream().delete_msg(ns.stream, lost.metadata.sequence.stream)
        finally:
            await nc.close()

        found = await asyncio.to_thread(cli, ["reconcile", "--service", "plan", "--no-republish"])
        out = capsys.readouterr().out
        assert found == 1 and "lost 1" in finding(out, "plan"), out
        assert lost.headers["Nats-Msg-Id"].split(":")[1] in out  # the lost notification named

        repaired = await asyncio.to_thread(cli, ["reconcile", "--service", "plan"])
        out = capsys.readouterr().out
        assert repaired == 0 and "đã phát lại 1" in finding(out, "plan"), out
        again = await read_stream(ns, subject)
        assert sorted(m.headers["ce-id"] for m in again) == sorted(m.headers["ce-id"] for m in messages)

        async def all_clean() -> str:
            code = await asyncio.to_thread(cli, BOTH)
            out = capsys.readouterr().out
            for name in ("plan", "planview", "reporting-tasks", "reporting-dossiers"):
                line = finding(out, name)
                assert "lost 0" in line and "duplicated 0" in line and "đang chờ 0" in line, out
            assert code == 0 and "đã phát lại" not in out, out
            return out

        out = await eventually(all_clean)
        assert "cần 3" in finding(out, "reporting-tasks") and "có 3" in finding(out, "reporting-tasks"), out
        async with httpx.AsyncClient(base_url=reports_url) as reports:
            status = (await reports.get("/admin/consumer", headers=ADMIN)).json()
        tasks = status["consumers"]["reporting-tasks"]
        assert tasks["processed"] == 3 and tasks["duplicates"] == 1, status  # the republished one, once
