"""Reports kept by position: readers of one position share one build, and the periods asked
lately are built again ahead of their readers once the position moves and the consumers caught up."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from services.reporting import figures, snapshots
from services.reporting.periods import parse
from services.reporting.snapshots import Snapshots, key_of


class _Runtime:
    """What the snapshots use of the service: a pool, the position, the kept reports."""

    def __init__(self) -> None:
        self.snapshots = Snapshots()
        self.months = _Months()
        self.at = {"complete_through": 5, "stream_last": 5, "consumers": {"a": 5}}
        self.positions_read = 0

    def today(self) -> date:
        return date(2026, 12, 1)

    async def position(self) -> dict[str, Any]:
        self.positions_read += 1
        return dict(self.at)

    @property
    def pool(self) -> Any:

        class Pool:
            @contextlib.asynccontextmanager
            async def acquire(self) -> AsyncIterator[Any]:
                class Conn:
                    def transaction(self, **_: Any) -> Any:
                        return _nothing()

                    async def execute(self, *_: Any) -> None:
                        return None

                yield Conn()

        return Pool()


class _Months:
    """The months counted ahead: the periods each count was asked for."""

    def __init__(self) -> None:
        self.asked: list[tuple[date, date]] = []
        self.counted = 0

    async def counts(self, conn: Any, start: date, end: date) -> None:
        self.asked.append((start, end))


@contextlib.asynccontextmanager
async def _nothing() -> AsyncIterator[None]:
    yield


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each build of a report: its period's code (a build takes a little while)."""
    made: list[str] = []

    async def report(conn: Any, period: Any, months: Any = None) -> dict[str, Any]:
        made.append(period.code)
        await asyncio.sleep(0.05)
        return {"period": {"code": period.code}, "built": len(made)}

    monkeypatch.setattr(figures, "report", report)
    monkeypatch.setattr(Snapshots, "json", lambda self, key, body: b"{}")  # no PeriodReport in these bodies
    return made


async def test_readers_of_one_position_share_one_build(builds: list[str]) -> None:
    runtime = _Runtime()
    period = parse("2026")
    answers = await asyncio.gather(*(snapshots.build(runtime, period) for _ in range(5)))  # type: ignore[arg-type]
    assert builds == ["2026"]
    assert all(a is answers[0] for a in answers)
    assert answers[0]["position"]["complete_through"] == 5
    runtime.at = {"complete_through": 6, "stream_last": 6, "consumers": {"a": 6}}
    moved = await snapshots.build(runtime, period)  # type: ignore[arg-type]
    assert builds == ["2026", "2026"] and moved["position"]["complete_through"] == 6


async def test_a_failed_build_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0

    async def report(conn: Any, period: Any, months: Any = None) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database away")
        return {"period": {"code": period.code}, "built": calls}

    monkeypatch.setattr(figures, "report", report)
    runtime = _Runtime()
    with pytest.raises(ConnectionError):
        await snapshots.build(runtime, parse("2026"))  # type: ignore[arg-type]
    assert (await snapshots.build(runtime, parse("2026")))["built"] == 2  # type: ignore[arg-type]


async def _kept(runtime: _Runtime, codes: list[str]) -> bool:
    """Whether every period of `codes` gets kept at the runtime's position within 5 s."""
    keys = [key_of(parse(code), runtime.at) for code in codes]
    for _ in range(100):
        if all(runtime.snapshots.get(key) is not None for key in keys):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_the_periods_readers_come_back_to_are_built_again_once_the_consumers_caught_up(
    builds: list[str],
) -> None:
    runtime = _Runtime()
    for code in ("2026-Q1", "2026", "2026-01-01..2026-06-30", "2026-Q1", "2026", "2026-01-01..2026-06-30", "2025"):
        await snapshots.build(runtime, parse(code))  # type: ignore[arg-type]
    assert len(builds) == 4  # the second readers found theirs kept
    stop = asyncio.Event()
    ahead = asyncio.ensure_future(snapshots.refresh(runtime, stop))  # type: ignore[arg-type]
    try:
        # a consumer applied events but has not caught up: nothing is built ahead
        runtime.at = {"complete_through": 6, "stream_last": 9, "consumers": {"a": 6}}
        runtime.snapshots.changed.set()
        await asyncio.sleep(0.8)
        assert len(builds) == 4
        # caught up: each period asked more than once is built at the new position, the latest asked
        # first; 2025, asked once, is not
        runtime.at = {"complete_through": 9, "stream_last": 9, "consumers": {"a": 9}}
        runtime.snapshots.changed.set()
        assert await _kept(runtime, ["2026-Q1", "2026", "2026-01-01..2026-06-30"])
        assert builds[4:] == ["2026-01-01..2026-06-30", "2026", "2026-Q1"]
        # the next reader finds it kept: no build of its own
        body = await snapshots.build(runtime, parse("2026"))  # type: ignore[arg-type]
        assert len(builds) == 7 and body["position"]["complete_through"] == 9
        # the position moves again: only the period read since is built ahead
        runtime.at = {"complete_through": 10, "stream_last": 10, "consumers": {"a": 10}}
        runtime.snapshots.changed.set()
        assert await _kept(runtime, ["2026"])
        await asyncio.sleep(0.8)
        assert builds[7:] == ["2026"]
    finally:
        stop.set()
        await asyncio.wait_for(ahead, 5)


async def test_the_years_months_are_counted_ahead_at_start_and_once_the_events_stop(
        builds: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshots, "WARM_AFTER_S", 1.5)  # far above the gaps between events below
    runtime = _Runtime()
    year = (date(2026, 1, 1), date(2026, 12, 31))
    stop = asyncio.Event()
    ahead = asyncio.ensure_future(snapshots.refresh(runtime, stop))  # type: ignore[arg-type]
    try:
        await asyncio.sleep(0.1)
        assert runtime.months.asked == [year]  # at start
        # events keep coming (a load): nothing is counted ahead while they do
        for position in range(6, 14):
            runtime.at = {"complete_through": position, "stream_last": position, "consumers": {"a": position}}
            runtime.snapshots.changed.set()
            await asyncio.sleep(0.15)
        assert runtime.months.asked == [year]
        # they stop: the months are counted once
        await asyncio.sleep(snapshots.WARM_AFTER_S * 2.5)
        assert runtime.months.asked == [year, year]
        await asyncio.sleep(snapshots.WARM_AFTER_S * 1.5)
        assert runtime.months.asked == [year, year]  # and not again until the next events
        assert builds == []  # no period was asked: none is built ahead
    finally:
        stop.set()
        await asyncio.wait_for(ahead, 5)
