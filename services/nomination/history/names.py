"""Vietnamese names as typed, and their folded form for keys and search.

Pure: standard library only.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_name(name: str) -> str:
    """NFC, single spaces, no surrounding blanks: the name as it is kept and shown."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


def fold(text: str) -> str:
    """Lower case without diacritics ("Nguyễn Văn Đức" -> "nguyen van duc"): NFC or NFD input,
    đ/Đ -> d, runs of spaces collapsed. The search key and the person's identity key."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", text.casefold()).strip()


def tokens(query: str) -> list[str]:
    """The folded words of a search query, punctuation dropped."""
    return [t for t in re.split(r"[^\w]+", fold(query)) if t]
