"""The reporting service: dashboards' figures and its documents."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import Api


class ReportingApi(Api):
    service = "báo cáo"

    async def tasks_by_quarter(self, year: int) -> list[dict[str, Any]]:
        return await self.get("/reports/tasks/by-quarter", year=year)

    async def tasks_by_status(self, year: int) -> dict[str, int]:
        return await self.get("/reports/tasks/by-status", year=year)

    async def tasks_by_unit(self, year: int) -> list[dict[str, Any]]:
        return await self.get("/reports/tasks/by-unit", year=year)

    async def dossiers_by_state(self, year: int | None = None, unit: str | None = None) -> dict[str, Any]:
        return await self.get("/reports/dossiers/by-state", year=year, unit=unit)

    async def awards(self, year: int | None = None, unit: str | None = None) -> dict[str, Any]:
        return await self.get("/reports/awards", year=year, unit=unit)

    async def consumer(self) -> dict[str, Any]:
        return await self.get("/admin/consumer")
