"""HTTP API of the dossier and award reports (router appended in `main.py`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from servicekit.auth import SIGNED_IN, ForbiddenError, Principal, PrincipalDep, Role, require
from services.reporting import dossier_queries as queries
from services.reporting.api import RuntimeDep, Year
from services.reporting.filters import AwardFilter
from services.reporting.labels import STATES, SUBJECTS
from services.reporting.list_models import AwardsSummary, DossierPublic, DossierStates

router = APIRouter(prefix="/reports", tags=["dossier reports"])
if TYPE_CHECKING:
    StateCode = str
else:  # the states the read model knows, listed in the OpenAPI document
    StateCode = Literal[tuple(STATES)]
Unit = Annotated[str | None, Query(min_length=1, max_length=64)]
Award = Annotated[str | None, Query(min_length=1, max_length=64)]
# People who see every unit's dossiers; anyone else (a unit's clerk) sees only their own unit's.
_PROVINCE_ROLES = (Role.PLANNER, Role.APPRAISER, Role.COUNCIL_MEMBER, Role.COUNCIL_SECRETARY, Role.CHAIR,
                   Role.AUDITOR)
_OWN_UNIT = Depends(require(*_PROVINCE_ROLES, Role.UNIT_CLERK, unit="own"))


def _visible_unit(who: Principal, unit: str | None) -> str | None:
    """The unit filter a person may use on lists that name nominees."""
    if who.has_any(_PROVINCE_ROLES):
        return unit
    if who.unit is None:
        raise ForbiddenError("Tài khoản không gắn với đơn vị nào nên không xem được danh sách hồ sơ.")
    if unit is not None and unit != who.unit:
        raise ForbiddenError(f"Chỉ xem được hồ sơ của đơn vị mình ({who.unit}), không xem được của {unit}.")
    return who.unit


@router.get("/dossiers/by-state", dependencies=SIGNED_IN)
async def dossiers_by_state(runtime: RuntimeDep, _: PrincipalDep, year: Year | None = None,
                            unit: Unit = None) -> DossierStates:
    """How many dossiers are in each state of the workflow, with the state's Vietnamese label."""
    async with runtime.pool.acquire() as conn:
        return DossierStates(**await queries.by_state(conn, year=year, unit=unit))


@router.get("/dossiers/late", dependencies=[_OWN_UNIT])
async def late_dossiers(runtime: RuntimeDep, who: PrincipalDep, year: Year | None = None,
                        unit: Unit = None) -> list[DossierPublic]:
    """Dossiers whose current step is past its time limit, the longest overdue first."""
    async with runtime.pool.acquire() as conn:
        return [DossierPublic(**row) for row in await queries.late_dossiers(conn, year=year,
                                                                             unit=_visible_unit(who, unit))]


Code = Annotated[str | None, Query(min_length=1, max_length=64)]
Day = Annotated[date | None, Query()]


def award_filter(state: StateCode | None = None, unit: Unit = None, award: Award = None, year: Year | None = None,
                 late: bool | None = None, awarded: bool | None = None, decided_from: Day = None,
                 decided_to: Day = None, forwarded_from: Day = None, forwarded_to: Day = None,
                 revoked_from: Day = None, revoked_to: Day = None, category: Code = None, level: Code = None,
                 kind: Annotated[Literal[tuple(SUBJECTS)] | None, Query()] = None,  # type: ignore[valid-type]
                 central: bool | None = None, cluster: Code = None,
                 at_level: Annotated[str | None, Query(min_length=1, max_length=64, description=(
                     "Nơi hồ sơ đang ở: mã đơn vị (chính đơn vị, hoặc đơn vị cấp trên đang giữ hồ sơ), "
                     "hoặc 'tinh' (Sở Nội vụ). Khác `level` là cấp của hình thức khen thưởng."))] = None,
                 movement: Annotated[UUID | None, Query(description="Phong trào thi đua hồ sơ gắn với")] = None,
                 ) -> AwardFilter:
    """The filters of the dossiers list; a period report's figures link here with theirs."""
    return AwardFilter(awarded=awarded, decided_from=decided_from, decided_to=decided_to,
                       forwarded_from=forwarded_from, forwarded_to=forwarded_to, revoked_from=revoked_from,
                       revoked_to=revoked_to, award=award, category=category, level=level, kind=kind,
                       central=central, unit=unit, cluster=cluster, year=year, state=state, late=late,
                       at_level=at_level, movement=str(movement) if movement else None)


@router.get("/dossiers", dependencies=[_OWN_UNIT])
async def dossiers(runtime: RuntimeDep, who: PrincipalDep, flt: Annotated[AwardFilter, Depends(award_filter)],
                   limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                   offset: Annotated[int, Query(ge=0)] = 0) -> list[DossierPublic]:
    """Dossiers filtered by state, unit, award, year, late flag, decision/forwarding/revocation dates,
    form, level, kind of subject, deciding level, cluster (the lists behind a period's figures) and
    where the dossier is (`at_level`: the unit, a parent unit holding it, or 'tinh')."""
    async with runtime.pool.acquire() as conn:
        rows = await queries.dossiers(conn, flt.but(unit=_visible_unit(who, flt.unit)), limit=limit, offset=offset)
    return [DossierPublic(**row) for row in rows]


@router.get("/awards", dependencies=SIGNED_IN)
async def awards(runtime: RuntimeDep, _: PrincipalDep, year: Year | None = None,
                 unit: Unit = None) -> AwardsSummary:
    """Decided awards not revoked: per form, level and kind of subject, with the cash; revoked apart."""
    async with runtime.pool.acquire() as conn:
        return AwardsSummary(**await queries.awards(conn, year=year, unit=unit))
