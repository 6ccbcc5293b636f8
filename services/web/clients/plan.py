"""The plan service: units, plans, tasks."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import Api


class PlanApi(Api):
    service = "kế hoạch"

    async def units(self) -> list[dict[str, Any]]:
        return await self.get("/units")

    async def register_unit(self, code: str, name: str, kind: str) -> Any:
        return await self.post("/units", {"code": code, "name": name, "kind": kind})

    async def plans(self, year: int | None = None) -> list[dict[str, Any]]:
        return await self.get("/plans", year=year)

    async def import_plan(self, data: bytes, filename: str, *, dry_run: bool, register_units: bool) -> Any:
        params = {"dry_run": str(dry_run).lower(), "register_units": str(register_units).lower()}
        response = await self.call("POST", "/plans/import", params=params, files={"file": (filename, data)})
        return response.json()

    async def tasks(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.get("/tasks", **filters)

    async def task(self, task_id: str) -> dict[str, Any]:
        return await self.get(f"/tasks/{task_id}")

    async def complete(self, task_id: str, document_ref: str, completed_on: str | None) -> Any:
        return await self.post(f"/tasks/{task_id}/complete",
                               {"document_ref": document_ref, "completed_on": completed_on or None})
