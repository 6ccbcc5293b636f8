"""What every document's heading and signature say (NĐ 30/2020): issuer, number, place and
date, signer, recipients — from `issuer.yaml`, overridden per document."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent


class FontMissingError(RuntimeError):
    """Raised when none of the configured TrueType fonts is installed."""


@dataclass(frozen=True)
class Heading:
    issuer_parent: str
    issuer: str
    issuer_code: str
    place: str
    number: str
    signed_on: date
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str] = field(default_factory=list)

    @property
    def place_date(self) -> str:
        """"Cao Bằng, ngày 05 tháng 02 năm 2027": days below 10 and months 1–2 take a leading zero."""
        day = f"{self.signed_on.day:02d}"
        month = f"{self.signed_on.month:02d}" if self.signed_on.month <= 2 else str(self.signed_on.month)
        return f"{self.place}, ngày {day} tháng {month} năm {self.signed_on.year}"

    def but(self, **changes: Any) -> Heading:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


@cache
def config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((HERE / "issuer.yaml").read_text(encoding="utf-8"))
    return loaded


def heading(signed_on: date, **overrides: Any) -> Heading:
    c = config()
    base = Heading(issuer_parent=c["issuer_parent"], issuer=c["issuer"], issuer_code=c["issuer_code"],
                   place=c["place"], number=c["number_pattern"], signed_on=signed_on,
                   signer_authority=c["signer_authority"], signer_title=c["signer_title"],
                   signer_name=c["signer_name"], recipients=list(c["recipients"]))
    return base.but(**overrides)


def font(style: str) -> Path:
    """The first configured font of `style` (regular, bold, italic, sans) installed here."""
    for candidate in config()["fonts"][style]:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontMissingError(f"Không tìm thấy phông chữ {style} (cần fonts-liberation2 hoặc fonts-dejavu-core).")
