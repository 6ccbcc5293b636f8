"""Documents of a dossier (tờ trình, báo cáo thành tích, biên bản, evidence): checked by their
content, stored once by their SHA-256 on disk, never inside events."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

MEDIA_TYPES = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
}


def sniff(data: bytes) -> str | None:
    """The media type the content itself shows, whatever the file is called."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        except zipfile.BadZipFile:
            return None
    return None


def check_upload(data: bytes, filename: str, declared: str | None, max_bytes: int) -> str:
    """The media type of an accepted upload; DocumentRejectedError says why one is refused."""
    if not data:
        raise DocumentRejectedError(f"Tệp '{filename}' rỗng.")
    if len(data) > max_bytes:
        raise DocumentRejectedError(f"Tệp '{filename}' ({len(data):,} byte) vượt giới hạn {max_bytes:,} byte.")
    actual = sniff(data)
    if actual is None:
        raise DocumentRejectedError(f"Tệp '{filename}' không phải PDF, DOCX, PNG hay JPEG (xét theo nội dung).")
    extension = Path(filename).suffix.lower()
    claimed = (declared or "").split(";")[0].strip()
    if extension not in MEDIA_TYPES[actual] or claimed not in ("", actual, "application/octet-stream"):
        raise DocumentRejectedError(f"Tệp '{filename}' có nội dung {actual} nhưng được ghi là "
                                    f"{claimed or extension}: tệp bị đổi đuôi, không nhận.")
    return actual


class FileStore:
    """Content-addressed: `<root>/<ab>/<cd>/<sha256>`, written once, atomically."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if target.exists():
            return sha256
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
        return sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def get(self, sha256: str) -> bytes:
        path = self.path(sha256)
        if not path.exists():
            raise DocumentMissingError(sha256)
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise DocumentMissingError(sha256, corrupted=True)
        return data


class DocumentRejectedError(ValueError):
    """Raised when an upload is empty, too large, of an unknown type or disguised."""


class DocumentMissingError(LookupError):
    def __init__(self, sha256: str, corrupted: bool = False) -> None:
        what = "bị hỏng (mã kiểm tra không khớp)" if corrupted else "không còn trong kho lưu trữ"
        super().__init__(f"Tài liệu {sha256[:12]}… {what}.")
