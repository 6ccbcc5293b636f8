"""The catalogue of the running service: adopted from its folder at start-up and on reload,
replaced by uploads, and always the last good version when a file is broken.

Other modules of the service reach it as `runtime.catalogue` (a `CatalogueService`):
`runtime.catalogue.current().catalogue` is the `Catalogue` in force (see `bundle.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servicekit.auth import ForbiddenError, Principal, Role
from services.nomination.application import Nominations
from services.nomination.catalogue.application import Adoption, Catalogues, CatalogueVersion
from services.nomination.yamlconfig import ConfigError

if TYPE_CHECKING:
    from services.nomination.runtime import NominationRuntime

log = logging.getLogger(__name__)
STARTED_BY = "system"


# Who changes the catalogue in force.
COMMANDS: dict[str, frozenset[Role]] = {"reload": frozenset({Role.ADMIN}), "upload": frozenset({Role.ADMIN})}


def check_may(actor: Principal, command: str) -> None:
    if not actor.has_any(COMMANDS[command]):
        raise ForbiddenError("Chỉ quản trị hệ thống được thay đổi danh mục khen thưởng.")


class CatalogueService:
    def __init__(self, app: Nominations, directory: Path, now: Callable[[], datetime]) -> None:
        self.catalogues = Catalogues(app)
        self.directory = directory
        self.now = now
        self.files: dict[str, Any] = {"directory": str(directory), "state": "not_read", "problems": []}

    def start(self) -> Adoption | None:
        """Adopt the folder's files; if they are broken, keep the stored version (or refuse to start)."""
        try:
            return self.reload(by=STARTED_BY)
        except ConfigError as error:
            if not self.catalogues.has_version():
                raise CatalogueUnavailableError(self.directory, error) from None
            log.warning("catalogue files refused, serving version %s: %s", self.current().number, error.details)
            return None

    def reload(self, *, by: str) -> Adoption:
        """Re-read the folder; a broken file changes nothing and is reported by `status()`."""
        checked_at = self.now()
        try:
            adoption = self.catalogues.adopt_files(self.directory, by=by, now=checked_at)
        except ConfigError as error:
            self.files = self._files("refused", checked_at, error.details)
            raise
        self.files = self._files("adopted" if adoption.created else "unchanged", checked_at, [], adoption.number)
        return adoption

    def upload(self, name: str, text: str, *, by: str) -> Adoption:
        return self.catalogues.adopt_upload(name, text, by=by, now=self.now())

    def reload_as(self, actor: Principal) -> Adoption:
        """`reload`, given by `actor` (the command table: admins)."""
        check_may(actor, "reload")
        return self.reload(by=actor.subject)

    def upload_as(self, actor: Principal, name: str, text: str) -> Adoption:
        """`upload`, given by `actor` (the command table: admins)."""
        check_may(actor, "upload")
        return self.upload(name, text, by=actor.subject)

    def current(self) -> CatalogueVersion:
        return self.catalogues.current()

    def status(self) -> dict[str, Any]:
        current = self.current().summary() if self.catalogues.has_version() else None
        return {"current": current, "files": self.files}

    def _files(self, state: str, checked_at: datetime, problems: list[str],
               number: int | None = None) -> dict[str, Any]:
        return {"directory": str(self.directory), "state": state, "checked_at": checked_at, "version": number,
                "problems": problems}


async def open_catalogue(runtime: NominationRuntime) -> CatalogueService:
    """Called by the runtime once its Application is open."""
    service = CatalogueService(runtime.app, Path(runtime.settings.catalogue_dir), runtime.now)
    await runtime.call(service.start)
    return service


class CatalogueUnavailableError(RuntimeError):
    """Raised at start-up when the files are broken and no version was ever stored."""

    def __init__(self, directory: Path, error: ConfigError) -> None:
        self.details = error.details
        super().__init__(f"Không khởi động được dịch vụ: danh mục khen thưởng trong {directory} không hợp lệ và chưa "
                         f"có phiên bản nào đã lưu. {len(error.details)} lỗi, đầu tiên: {error.details[0]}")
