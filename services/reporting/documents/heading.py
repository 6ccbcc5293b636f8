"""What every document's heading and signature say (NĐ 30/2020): issuer, number, place and
date, signer, recipients — from `issuer.yaml`, overridden per document."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from servicekit.officialdoc import FontMissingError, Heading, first_font

HERE = Path(__file__).parent


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
    return first_font(config()["fonts"][style], style)


__all__ = ["FontMissingError", "Heading", "config", "font", "heading"]
