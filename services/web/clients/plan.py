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

    # -- movements (phong trào thi đua) --------------------------------------------------------
    async def movements(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.get("/movements", **filters)

    async def movement(self, movement_id: str) -> dict[str, Any]:
        return await self.get(f"/movements/{movement_id}")

    async def draft_movement(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self.post("/movements", body)

    async def movement_step(self, movement_id: str, step: str, body: dict[str, Any]) -> Any:
        """One step of a movement: `tasks`, `launch`, `registration`, `registrations`, `reviews`, `conclusion`."""
        return await self.post(f"/movements/{movement_id}/{step}", body)

    # -- clusters and blocks (cụm, khối thi đua) -----------------------------------------------
    async def clusters(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.get("/clusters", **filters)

    async def form_cluster(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self.post("/clusters", body)

    async def cluster(self, cluster_id: str) -> dict[str, Any]:
        return await self.get(f"/clusters/{cluster_id}")

    async def cluster_step(self, cluster_id: str, step: str, body: dict[str, Any]) -> Any:
        """One step of a cluster: `covenant`, `self-assessments`, `scores`, `scores/close`, `votes`,
        `ballots`, `votes/close`."""
        return await self.post(f"/clusters/{cluster_id}/{step}", body)

    # -- exemplary models (điển hình tiên tiến) ------------------------------------------------
    async def exemplary_models(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.get("/exemplary-models", **filters)

    async def exemplary_model(self, model_id: str) -> dict[str, Any]:
        return await self.get(f"/exemplary-models/{model_id}")

    async def recognise(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self.post("/exemplary-models", body)

    async def exemplary_step(self, model_id: str, step: str, body: dict[str, Any]) -> Any:
        """One step of a model: `stage`, `coverage`, `publication`, `withdrawal`."""
        return await self.post(f"/exemplary-models/{model_id}/{step}", body)

    async def public_feed(self, kind: str) -> tuple[bytes, str]:
        """The public feed of published models (`json`, `atom` or `rss`) and its content type."""
        response = await self.call("GET", f"/public/exemplary-models.{kind}")
        return response.content, response.headers.get("content-type", "application/octet-stream")
