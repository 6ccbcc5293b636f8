"""The shipped catalogue files, and ways to break them, for the catalogue's tests."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from services.nomination.catalogue import files
from services.nomination.catalogue.bundle import FILES, Catalogue
from services.nomination.catalogue.files import DATA_DIR


def shipped() -> dict[str, str]:
    return {name: (DATA_DIR / name).read_text(encoding="utf-8") for name in FILES}


@cache
def shipped_catalogue() -> Catalogue:
    """The shipped files, parsed once (a Catalogue is immutable)."""
    return files.parse(shipped())


def edited(text: str, old: str, new: str) -> str:
    """`text` with the first `old` replaced (which must be there)."""
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str) -> int:
    """The 1-based line where `needle` first appears."""
    assert needle in text, needle
    return text[: text.index(needle)].count("\n") + 1


def copy_catalogue(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy(DATA_DIR / name, target / name)
    return target
