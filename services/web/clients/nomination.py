"""The nomination service: dossiers, their steps, submissions, council sessions, people's
records, the catalogue and the public notices."""

from __future__ import annotations

from typing import Any

from services.web.clients.base import Api

# The routes of a dossier's steps, by the command name the service lists in `allowed_commands`.
STEP_ROUTES = {
    "accept": "accept", "return": "return", "request_consultation": "consultation",
    "record_consultation": "consultation/opinions", "finish_consultation": "consultation/finish",
    "put_on_hold": "hold", "resume": "resume", "appraise": "appraise", "close_notice": "notice/close",
    "send_for_decision": "send-for-decision", "decide": "decide", "forward": "forward",
    "record_central_decision": "central-decision", "reject": "reject", "confer": "confer", "revoke": "revoke",
    "submit": "submit", "record_unit_council": "unit-council", "record_notice_comment": "notice/comments",
    "return_to_unit": "return-to-unit",
}


class NominationApi(Api):
    service = "hồ sơ khen thưởng"

    async def dossiers(self, **filters: Any) -> list[dict[str, Any]]:
        return await self.get("/dossiers", **filters)

    async def dossier(self, dossier_id: str) -> dict[str, Any]:
        return await self.get(f"/dossiers/{dossier_id}")

    async def open(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self.post("/dossiers", body)

    async def eligibility(self, dossier_id: str) -> dict[str, Any]:
        return await self.get(f"/dossiers/{dossier_id}/eligibility")

    async def timeline(self, dossier_id: str) -> list[dict[str, Any]]:
        return await self.get(f"/dossiers/{dossier_id}/timeline")

    async def attach(self, dossier_id: str, kind: str, filename: str, data: bytes, media_type: str) -> Any:
        return await self.post(f"/dossiers/{dossier_id}/documents", data={"kind": kind},
                               files={"file": (filename, data, media_type)})

    async def document(self, dossier_id: str, sha256: str) -> tuple[bytes, str]:
        response = await self.call("GET", f"/dossiers/{dossier_id}/documents/{sha256}")
        return response.content, response.headers.get("content-type", "application/octet-stream")

    async def step(self, dossier_id: str, command: str, body: dict[str, Any] | None = None) -> Any:
        return await self.post(f"/dossiers/{dossier_id}/{STEP_ROUTES[command]}", body)

    async def quotas(self, unit: str, year: int, award: str) -> dict[str, Any]:
        return await self.get("/quotas", unit=unit, year=year, award=award)

    async def parent_units(self) -> dict[str, Any]:
        return await self.get("/parent-units")

    async def send_up(self, body: dict[str, Any]) -> dict[str, Any]:
        """Several dossiers held by the person's parent unit, upward under its own tờ trình."""
        return await self.post("/submissions/forward", body)

    async def submit_spreadsheet(self, title: str, year: int, filename: str, data: bytes) -> dict[str, Any]:
        return await self.post("/submissions/spreadsheet", data={"title": title, "year": str(year)},
                               files={"file": (filename, data)})

    async def template(self) -> bytes:
        return (await self.call("GET", "/submissions/template")).content

    async def sessions(self) -> list[dict[str, Any]]:
        return await self.get("/council/sessions")

    async def session(self, session_id: str) -> dict[str, Any]:
        return await self.get(f"/council/sessions/{session_id}")

    async def council(self, session_id: str, action: str, body: dict[str, Any] | None = None) -> Any:
        return await self.post(f"/council/sessions/{session_id}/{action}", body)

    async def open_session(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self.post("/council/sessions", body)

    async def people(self, q: str, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        return await self.get("/people", q=q, limit=limit, offset=offset)

    async def person(self, record_id: str) -> dict[str, Any]:
        return await self.get(f"/people/{record_id}", purpose="Tra cứu trên trang TĐKT")

    async def collective(self, unit_code: str) -> dict[str, Any]:
        return await self.get(f"/collectives/{unit_code}")

    async def catalogue(self) -> dict[str, Any]:
        return await self.get("/catalogue")

    async def catalogue_versions(self) -> list[dict[str, Any]]:
        return await self.get("/catalogue/versions")

    async def catalogue_status(self) -> dict[str, Any]:
        return await self.get("/catalogue/status")

    async def rules_status(self) -> dict[str, Any]:
        return await self.get("/eligibility/rules")

    async def notices(self) -> list[dict[str, Any]]:
        return await self.get("/public/notices")

    async def notice(self, dossier_id: str) -> dict[str, Any]:
        return await self.get(f"/public/notices/{dossier_id}")
