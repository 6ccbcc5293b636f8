"""HTTP API of the parent units (a school's dossiers at Sở Giáo dục và Đào tạo): return a
dossier to the unit that sent it, or send several upward in one tờ trình."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from servicekit.auth import SIGNED_IN, PrincipalDep, Role, require
from servicekit.http import VersionDep
from services.nomination.dossiers import schemas as s
from services.nomination.dossiers.api import versioned
from services.nomination.routing import HierarchyDep, LevelsDep, RuntimeDep, dossier_policy
from services.nomination.units import StaleUnitsError, UnitFile, UnitTree

router = APIRouter(tags=["dossiers: parent units"])
ADMIN = [Depends(require(Role.ADMIN))]
ERRORS: dict[type[Exception], tuple[int, str]] = {StaleUnitsError: (409, "units_version_stale")}


class SendUp(s.Body):
    title: str = Field(min_length=3, max_length=300, examples=["Đề nghị khen thưởng năm học 2025-2026"])
    number: s.SubmissionNumber = Field(description="Số tờ trình của đơn vị cấp trên", examples=["45/TTr-SGDĐT"])
    year: int = Field(ge=2000, le=2100, description="Năm đề nghị")
    dossier_ids: list[UUID] = Field(min_length=1, max_length=5000)


class SentUpOut(BaseModel):
    submission_id: UUID
    number: str
    from_level: str = Field(description="Đơn vị cấp trên trình hồ sơ đi")
    to_level: str = Field(description="Nơi hồ sơ tới: đơn vị cấp trên kế tiếp, hoặc 'tinh' (Sở Nội vụ)")
    to_level_name: str
    dossiers: list[UUID]
    sent_on: date


class UnitOut(BaseModel):
    code: str
    name: str
    parent: str | None
    route: list[str] = Field(description="Các đơn vị cấp trên hồ sơ của đơn vị đi qua, gần nhất trước")
    children: list[str]


class UnitsOut(BaseModel):
    version: int
    units: list[UnitOut]


def _in_force(tree: UnitTree) -> UnitsOut:
    return UnitsOut(version=tree.version, units=[
        UnitOut(code=u.code, name=u.name, parent=u.parent, route=tree.route(u.code), children=tree.children(u.code))
        for u in tree.units()])


@router.get("/parent-units", dependencies=SIGNED_IN, tags=["units"])
async def parent_units(hierarchy: HierarchyDep, runtime: RuntimeDep) -> UnitsOut:
    """The parent units in force (services/nomination/data/units.yaml or TDKT_NOMINATION_UNITS_FILE,
    or an admin's newer replacement): where each unit's dossiers go before Sở Nội vụ."""
    return _in_force(await runtime.call(hierarchy.current))


@router.get("/admin/units", dependencies=ADMIN, tags=["units", "admin"])
async def units_file(hierarchy: HierarchyDep, runtime: RuntimeDep) -> UnitFile:
    """The units hierarchy in force, in the form PUT /admin/units takes (admin)."""
    tree = await runtime.call(hierarchy.current)
    return UnitFile(version=tree.version, source=tree.source or "-", units=tree.units())


@router.put("/admin/units", dependencies=ADMIN, tags=["units", "admin"],
            responses={409: {"description": "version không mới hơn phiên bản đang dùng"}})
async def replace_units(body: UnitFile, hierarchy: HierarchyDep, runtime: RuntimeDep, actor: PrincipalDep
                        ) -> UnitsOut:
    """Replace the units hierarchy whole, with a higher version (admin); an unknown parent, a
    cycle or a repeated code is refused (422) and nothing changes. Dossiers already sent keep
    the route they were given."""
    return _in_force(await runtime.call(hierarchy.replace, actor, body, runtime.now()))


@router.post("/dossiers/{dossier_id}/return-to-unit", dependencies=dossier_policy("return_to_unit"))
async def return_to_unit(dossier_id: UUID, body: s.Reasons, levels: LevelsDep, runtime: RuntimeDep,
                         actor: PrincipalDep, version: VersionDep, response: Response) -> s.Versioned:
    """The parent unit holding the dossier returns it to the unit that sent it, with the reasons."""
    return versioned(response, await runtime.call(levels.return_to_unit, dossier_id, version, actor, body.reasons,
                                                  runtime.now()))


@router.post("/submissions/forward", dependencies=dossier_policy("forward_up"))
async def send_up(body: SendUp, levels: LevelsDep, runtime: RuntimeDep, actor: PrincipalDep) -> SentUpOut:
    """The parent unit sends the dossiers it holds upward as one submission under its own tờ
    trình: to its own parent unit, or to Sở Nội vụ (the dossiers are then submitted)."""
    sent = await runtime.call(levels.send_up, actor, title=body.title, number=body.number, year=body.year,
                              dossier_ids=body.dossier_ids, now=runtime.now())
    await runtime.wait_for_views()
    return SentUpOut(submission_id=sent.submission_id, number=sent.number, from_level=sent.from_level,
                     to_level=sent.to_level, to_level_name=await runtime.call(levels.units.name, sent.to_level),
                     dossiers=sent.dossiers, sent_on=runtime.today())
