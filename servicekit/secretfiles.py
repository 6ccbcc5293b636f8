"""Secret files (signing keys, passwords, credentials): created with mode 0600 from the first
byte, written whole or not at all, never readable by others even for an instant."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def _staged(path: Path, content: str) -> Iterator[Path]:
    """A complete, synced, owner-only copy of `content` beside `path`, removed afterwards."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def write_secret(path: Path, content: str) -> None:
    """Write `content` to `path` atomically (replacing it), readable by its owner only."""
    with _staged(path, content) as temporary:
        os.replace(temporary, path)


def write_secret_once(path: Path, content: str) -> None:
    """Like `write_secret`, but never replaces an existing file (FileExistsError)."""
    with _staged(path, content) as temporary:
        os.link(temporary, path)  # fails when the file exists: never two different secrets


def read_or_create_secret(path: Path, size: int = 48, make: Callable[[], str] | None = None) -> str:
    """The secret kept in `path`, made the first time (by `make`, else `size` random bytes,
    URL-safe)."""
    with contextlib.suppress(FileExistsError):  # another process may have made it first
        if not path.exists():
            write_secret_once(path, make() if make else secrets.token_urlsafe(size))
    return path.read_text(encoding="utf-8").strip()
