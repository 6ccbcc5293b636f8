"""HTTP API of the units' e-mail contacts, and the log of mails sent (every attempt)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from servicekit.auth import Principal, Role, require
from services.notification.api import RuntimeDep

UnitCode = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Manager = Annotated[Principal, Depends(require(Role.UNIT_CLERK, Role.ADMIN))]
Overseer = Annotated[Principal, Depends(require(Role.AUDITOR, Role.ADMIN))]
EMAIL = r"^[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+\.[^@\s<>,;:\"()\[\]\\]+$"


class NotYourUnitError(Exception):
    def __init__(self, unit: str) -> None:
        super().__init__(f"Chỉ quản lý được địa chỉ nhận thư của đơn vị mình, không phải của đơn vị {unit}.")


ERRORS: dict[type[Exception], tuple[int, str]] = {NotYourUnitError: (403, "other_unit")}


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254, pattern=EMAIL, examples=["vanthu@snv.caobang.gov.vn"])
    name: str = Field(default="", max_length=200, examples=["Văn thư Sở Nội vụ"])
    digest: bool = Field(default=False, description="Một thư tổng hợp mỗi ngày thay cho từng thư")


class Contacts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contacts: list[Contact] = Field(max_length=20)


class MailPublic(BaseModel):
    id: int
    unit_code: str
    recipient: str
    subject: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


router = APIRouter(tags=["e-mail"])


def _check(who: Principal, unit: str) -> None:
    if Role.ADMIN not in who.roles and who.unit != unit:
        raise NotYourUnitError(unit)


@router.get("/units/{unit}/contacts")
async def get_contacts(unit: UnitCode, runtime: RuntimeDep, who: Manager) -> Contacts:
    """The addresses that receive the unit's notifications by e-mail."""
    _check(who, unit)
    rows = await runtime.pool.fetch("SELECT email, name, digest FROM unit_contacts WHERE unit_code = $1 "
                                    "ORDER BY email", unit)
    return Contacts(contacts=[Contact(**dict(row)) for row in rows])


@router.put("/units/{unit}/contacts")
async def put_contacts(unit: UnitCode, body: Contacts, runtime: RuntimeDep, who: Manager) -> Contacts:
    """Replace the unit's addresses (its own clerk, or an admin)."""
    _check(who, unit)
    unique = {c.email.lower(): c for c in body.contacts}
    async with runtime.pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM unit_contacts WHERE unit_code = $1", unit)
        await conn.executemany(
            "INSERT INTO unit_contacts (unit_code, email, name, digest, digested_up_to) VALUES ($1, $2, $3, $4, "
            "(SELECT coalesce(max(id), 0) FROM inbox_messages WHERE unit_code = $1))",  # a digest starts from now
            [(unit, email, c.name, c.digest) for email, c in unique.items()])
    return Contacts(contacts=sorted(unique.values(), key=lambda c: c.email.lower()))


@router.get("/mails")
async def list_mails(runtime: RuntimeDep, who: Overseer, unit: Annotated[str | None, Query(max_length=64)] = None,
                     status: Literal["pending", "sent", "failed"] | None = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[MailPublic]:
    """The mails queued and sent, newest first, with their attempts and last error."""
    rows = await runtime.pool.fetch(
        "SELECT id, unit_code, recipient, subject, status, attempts, last_error, created_at, sent_at FROM mails "
        "WHERE ($1::text IS NULL OR unit_code = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3",
        unit, status, limit)
    return [MailPublic(**dict(row)) for row in rows]
