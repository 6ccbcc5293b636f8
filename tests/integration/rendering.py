"""Documents looked at as a person would: saved under tests/artefacts/reports/ and rendered to PNG
pages (pdftoppm from Debian's poppler-utils; LibreOffice headless for DOCX)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

ARTEFACTS = Path(__file__).resolve().parents[1] / "artefacts" / "reports"


def save(name: str, content: bytes | str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def pdf_pages(pdf: Path) -> list[Path] | str:
    """PNG pages of a PDF, or why they could not be made."""
    if shutil.which("pdftoppm") is None:
        return "pdftoppm absent (Debian package poppler-utils): PDF pages not rendered"
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))


def docx_pages(docx: Path) -> list[Path] | str:
    """PNG pages of a DOCX through LibreOffice, or why they could not be made."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        return "LibreOffice absent (Debian package libreoffice-writer): DOCX pages not rendered"
    out = docx.parent / "docx-pdf"
    out.mkdir(exist_ok=True)
    # A profile of its own: another LibreOffice running on the machine would otherwise take the call.
    with tempfile.TemporaryDirectory(prefix="tdkt-office-") as profile:
        done = subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                               "--outdir", str(out), str(docx)], timeout=300, capture_output=True, text=True)
    assert done.returncode == 0, f"LibreOffice: {done.stdout}{done.stderr}"
    return pdf_pages(out / docx.with_suffix(".pdf").name)
