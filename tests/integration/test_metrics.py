"""`/metrics` on each service, in Prometheus' text format: the counters move with the commands,
the events published and consumed, the lags and the dead letters."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import nats
import pytest

from services.plan.main import create_app as plan_app
from services.plan.settings import PlanSettings
from services.reporting.main import create_app as reporting_app
from services.reporting.settings import ReportingSettings
from tests.support import Namespace, auth, eventually, serve

pytestmark = pytest.mark.integration
PLANNER = auth("planner")
LINE = re.compile(r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$')
PLAN = {"number": "1/KH-SNV", "year": 2026, "title": "Kế hoạch", "issuer": "Sở Nội vụ tỉnh Cao Bằng"}


def clock() -> datetime:
    return datetime(2026, 3, 2, 3, tzinfo=UTC)


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of `/metrics` (asked without a token), by name and labels."""
    response = await client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for line in response.text.splitlines():
        if line.startswith("#") or not line:
            continue
        match = LINE.match(line)
        assert match, line
        labels = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match["labels"] or ""))
        samples[(match["name"], labels)] = float(match["value"])
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_move_with_commands_events_and_dead_letters(ns: Namespace) -> None:
    async with serve(plan_app(ns.settings(PlanSettings), clock)) as plan, \
            serve(reporting_app(ns.settings(ReportingSettings))) as reports:
        before = await scrape(plan)
        created = await plan.post("/plans", headers=PLANNER, json=PLAN)
        assert created.status_code == 201
        refused = await plan.post("/plans", headers=PLANNER, json={**PLAN, "year": "năm nay"})
        assert refused.status_code == 422
        plan_id = created.json()["id"]
        assert (await plan.get(f"/plans/{plan_id}", headers=PLANNER)).status_code == 200

        async def plan_counted() -> dict:
            after = await scrape(plan)
            for status in ("201", "422"):
                key = {"method": "POST", "route": "/plans", "status": status}
                assert value(after, "tdkt_http_requests_total", **key) == value(
                    before, "tdkt_http_requests_total", **key) + 1, status
            assert value(after, "tdkt_http_request_duration_seconds_count", method="POST", route="/plans") == 2
            assert value(after, "tdkt_http_request_duration_seconds_bucket", method="POST", route="/plans",
                         le="+Inf") == 2
            gets = [labels for (name, labels) in after if name == "tdkt_http_requests_total"
                    and ("method", "GET") in labels]
            assert gets and all(("route", "/plans/{plan_id:uuid}") in g for g in gets), gets  # the template
            assert value(after, "tdkt_events_published_total", service="plan") >= 1
            assert value(after, "tdkt_relay_lag_events", store="Plans") == 0
            return after

        await eventually(plan_counted)

        async def consumed() -> None:
            seen = await scrape(reports)
            assert value(seen, "tdkt_consumer_events_total", consumer="reporting-tasks", outcome="processed") >= 1
            assert value(seen, "tdkt_consumer_lag_messages", consumer="reporting-tasks") == 0
            assert ("tdkt_consumer_lag_messages", frozenset({("consumer", "reporting-dossiers")})) in seen

        await eventually(consumed)

        # A poison message: the consumer sets it aside; the dead-letter gauge counts it.
        nc = await nats.connect(ns.nats_url)
        await nc.jetstream().publish(f"{ns.subject_root}.plan.TaskAssigned.v1", b"{not json",
                                     headers={"Nats-Msg-Id": "poison-metrics"})
        await nc.close()

        async def dead_letter_counted() -> None:
            seen = await scrape(reports)
            assert value(seen, "tdkt_dead_letters", source="reporting-tasks") == 1
            assert value(seen, "tdkt_consumer_events_total", consumer="reporting-tasks", outcome="dead_lettered") == 1

        await eventually(dead_letter_counted)
