"""A paper as DOCX, from the province's Word template of its kind (docxtpl): the newest version
in `templates/` (`to-trinh.v2.docx` wins over `.v1`)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from docxtpl import DocxTemplate

from services.nomination.papers.content import Paper

TEMPLATES = Path(__file__).parent / "templates"


def template(kind: str) -> tuple[Path, int]:
    """The newest version of the template of `kind`, and its version number."""
    pattern = re.compile(re.escape(kind.replace("_", "-")) + r"\.v(\d+)\.docx")
    found = sorted((int(m[1]), p) for p in TEMPLATES.iterdir() if (m := pattern.fullmatch(p.name)))
    version, path = found[-1]
    return path, version


def render(paper: Paper) -> bytes:
    path, _ = template(paper.kind)
    doc = DocxTemplate(str(path))
    doc.render({"p": paper, "h": paper.heading, "a": paper.annex}, autoescape=True)  # names may hold "&", "<"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
