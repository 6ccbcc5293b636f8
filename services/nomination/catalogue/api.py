"""HTTP API of the award catalogue: read it (any signed-in user), reload or replace it (admin)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from servicekit.auth import SIGNED_IN, Principal, PrincipalDep, Role, require
from services.nomination.catalogue import render
from services.nomination.catalogue.application import CatalogueVersion, NoCatalogueError
from services.nomination.catalogue.bundle import FILES, UnknownAwardError, UnknownQuotaError
from services.nomination.catalogue.domainmodel import NoVersionAtError, UnknownVersionError
from services.nomination.catalogue.money import NoMultiplierError, NoSalaryError, SubjectNotAwardedError, salary_on
from services.nomination.eligibility.facts import SubjectKind
from services.nomination.routing import RuntimeDep
from services.nomination.runtime import NominationRuntime
from services.nomination.yamlconfig import ConfigError, Problem

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


class UnsupportedCatalogueMediaError(Exception):
    def __init__(self, content_type: str) -> None:
        super().__init__(f"Định dạng '{content_type}' không được hỗ trợ: gửi tệp YAML (application/yaml, UTF-8).")


ERRORS: dict[type[Exception], tuple[int, str]] = {
    ConfigError: (422, "invalid_configuration"),
    UnknownAwardError: (404, "award_not_found"),
    UnknownQuotaError: (404, "quota_not_found"),
    UnknownVersionError: (404, "catalogue_version_not_found"),
    NoVersionAtError: (404, "catalogue_version_not_found"),
    NoSalaryError: (404, "salary_not_found"),
    NoMultiplierError: (422, "cash_not_configured"),
    SubjectNotAwardedError: (422, "subject_not_awarded"),
    NoCatalogueError: (503, "catalogue_unavailable"),
    UnsupportedCatalogueMediaError: (415, "unsupported_media_type"),
}


Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
OnDate = Annotated[date | None, Query(description="Phiên bản đang áp dụng vào ngày này (YYYY-MM-DD)")]
router = APIRouter(prefix="/catalogue", tags=["catalogue"])


async def version_on(runtime: NominationRuntime, on: date | None) -> CatalogueVersion:
    """The current version, or the one in force at the end of `on` in the province."""
    if on is None:
        return await runtime.call(runtime.catalogue.current)
    return await runtime.call(runtime.catalogue.catalogues.at, datetime.combine(on, time.max, tzinfo=runtime.zone))


@router.get("", dependencies=SIGNED_IN)
async def get_current(runtime: RuntimeDep, _: PrincipalDep, on: OnDate = None) -> render.CatalogueOut:
    """The catalogue in force (or on a date): awards, documents, authorities, councils, salary, quotas."""
    return render.version(await version_on(runtime, on))


@router.get("/status", dependencies=SIGNED_IN)
async def get_status(runtime: RuntimeDep, _: PrincipalDep) -> render.StatusOut:
    """The version served and the outcome of the last reading of the catalogue's folder."""
    return render.StatusOut.model_validate(await runtime.call(runtime.catalogue.status))


@router.get("/versions", dependencies=SIGNED_IN)
async def list_versions(runtime: RuntimeDep, _: PrincipalDep) -> list[render.VersionOut]:
    """Every version adopted, oldest first: label, checksum, source, who and when."""
    return [render.VersionOut.model_validate(v) for v in await runtime.call(runtime.catalogue.catalogues.versions)]


@router.get("/versions/{number}", dependencies=SIGNED_IN)
async def get_version(runtime: RuntimeDep, number: int, _: PrincipalDep) -> render.CatalogueOut:
    """One version in full, to explain a past decision with the rules of its day."""
    return render.version(await runtime.call(runtime.catalogue.catalogues.version, number))


@router.get("/awards/{code}", dependencies=SIGNED_IN)
async def get_award(runtime: RuntimeDep, code: str, _: PrincipalDep,
                    on: OnDate = None) -> render.AwardOut:
    """One award: who decides it, its documents, council rule, public notice, cash and legal basis."""
    return render.award(await version_on(runtime, on), code)


Subject = Annotated[SubjectKind | None, Query(description="Đối tượng: cá nhân (mặc định nếu hình thức có), tập thể, "
                                                          "hộ gia đình (1,5 lần mức cá nhân), doanh nghiệp")]


@router.get("/awards/{code}/cash", dependencies=SIGNED_IN)
async def get_cash(runtime: RuntimeDep, code: str, decided_on: date, _: PrincipalDep,
                   on: OnDate = None, subject: Subject = None) -> render.CashOut:
    """The cash amount for a decision dated `decided_on`: the base salary of that date × the
    multiplier of the current catalogue (or of the version in force on `on`), rounded up to
    the next 10,000 đ."""
    version = await version_on(runtime, on)
    return render.cash(version, version.catalogue.cash(code, decided_on, subject))


@router.get("/cash", dependencies=SIGNED_IN)
async def get_cash_for_one_period(runtime: RuntimeDep, decided_on: date, _: PrincipalDep,
                                  award: Annotated[list[str], Query(min_length=1, max_length=20)],
                                  on: OnDate = None, subject: Subject = None) -> render.PayableOut:
    """Several titles of one nominee for the same period: only the highest amount is paid."""
    version = await version_on(runtime, on)
    return render.payable(version, version.catalogue.cash_for_one_period(award, decided_on, subject))


@router.get("/salary", dependencies=SIGNED_IN)
async def get_salary(runtime: RuntimeDep, _: PrincipalDep,
                     on: Annotated[date | None, Query(description="Mức lương cơ sở áp dụng ngày này")] = None,
                     ) -> render.SalaryOut:
    """The base salary table and rounding of the current catalogue; with `on`, the entry of that date."""
    version = await version_on(runtime, None)
    in_force = salary_on(version.catalogue.salary, on) if on else None
    return render.salary(version, on, in_force)


@router.get("/quotas", dependencies=SIGNED_IN)
async def get_quotas(runtime: RuntimeDep, _: PrincipalDep, on: OnDate = None) -> render.QuotasOut:
    """The quotas per unit (or province) and year, each with its legal basis and status."""
    return render.quotas(await version_on(runtime, on))


@router.get("/files/{name}", response_class=render.YamlResponse, dependencies=SIGNED_IN)
async def get_file(runtime: RuntimeDep, name: str, _: PrincipalDep,
                   version: int | None = None) -> render.YamlResponse:
    """The YAML text of one file of the current (or a numbered) version, to edit and upload again."""
    if name not in FILES:
        raise UnknownFileError(name)
    service = runtime.catalogue
    found = await runtime.call(service.catalogues.version, version) if version else await runtime.call(service.current)
    return render.YamlResponse(found.catalogue.files[name])


@router.post("/reload")
async def reload(runtime: RuntimeDep, who: Admin) -> render.AdoptionOut:
    """Re-read the catalogue's folder; a broken file is refused (422) and nothing changes."""
    adoption = await runtime.call(runtime.catalogue.reload_as, who)
    return render.adoption(adoption)


@router.put("", openapi_extra={"requestBody": {"required": True, "content": {
    "application/yaml": {"schema": {"type": "string"}}}}})
async def upload(request: Request, runtime: RuntimeDep, who: Admin,
                 file: Annotated[str, Query(description=f"Tệp được thay: {', '.join(FILES)}")] = "awards.yaml",
                 ) -> render.AdoptionOut:
    """Replace one file of the catalogue by the YAML in the body; 422 with the place of each problem."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in YAML_TYPES:
        raise UnsupportedCatalogueMediaError(content_type or "(không có)")
    text = decode(await request.body(), file)
    adoption = await runtime.call(runtime.catalogue.upload_as, who, file, text)
    return render.adoption(adoption)


def decode(body: bytes, name: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(name, [Problem(name, 1, 1, "", f"không phải văn bản UTF-8 (byte {error.start})")]) from None


class UnknownFileError(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(f"Danh mục không có tệp '{name}' (có: {', '.join(FILES)}).")


ERRORS[UnknownFileError] = (404, "file_not_found")
