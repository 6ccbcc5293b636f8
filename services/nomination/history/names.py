"""Vietnamese names as typed, and their folded form for keys and search.

Pure: standard library only.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_name(name: str) -> str:
    """NFC, single spaces, no surrounding blanks: the name as it is kept and shown."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without diacritics ("Nguyễn Văn Đức" -> "nguyen van duc"): NFC or NFD input,
    đ/Đ -> d, runs of spaces collapsed. The search key and the person's identity key. Kept for
    the names met lately: one nominee's name is folded for its record's id when read ahead and
    when registered, for the record's search key and for the dossier list's, a spreadsheet's
    thousands of rows each several times."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", text.casefold()).strip()


def tokens(query: str) -> list[str]:
    """The folded words of a search query, punctuation dropped."""
    return [t for t in re.split(r"[^\w]+", fold(query)) if t]
