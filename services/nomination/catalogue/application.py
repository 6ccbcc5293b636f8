"""Use cases of the award catalogue, on the service's one Application (`Nominations`):
adopt the files or an upload as a new version (nothing when the content is unchanged), and
read the current version, a numbered one, the one in force at a moment, and the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import RecordConflictError

from services.nomination.application import Nominations
from services.nomination.catalogue import files
from services.nomination.catalogue.bundle import FILES, Catalogue
from services.nomination.catalogue.domainmodel import AwardCatalogue
from services.nomination.yamlconfig import ConfigError, Problem


@dataclass(frozen=True)
class CatalogueVersion:
    number: int
    label: str
    checksum: str
    source: dict[str, str]
    adopted_by: str
    adopted_at: datetime
    catalogue: Catalogue

    def summary(self) -> dict[str, Any]:
        return {"number": self.number, "label": self.label, "checksum": self.checksum, "source": self.source,
                "adopted_by": self.adopted_by, "adopted_at": self.adopted_at}


@dataclass(frozen=True)
class Adoption:
    number: int
    label: str
    created: bool  # False: the content was the current version's, nothing recorded


class Catalogues:
    """The award catalogue's versions. Versions never change, so each is read and parsed once."""

    def __init__(self, app: Nominations) -> None:
        self.app = app
        self._parsed: dict[int, CatalogueVersion] = {}

    def adopt_files(self, directory: Path, *, by: str, now: datetime) -> Adoption:
        texts = files.read_dir(directory)
        catalogue = files.parse(texts, {name: str(directory / name) for name in FILES}, str(directory))
        return self.adopt(catalogue, source={"kind": "files", "location": str(directory)}, by=by, now=now)

    def adopt_upload(self, name: str, text: str, *, by: str, now: datetime) -> Adoption:
        """Replace one file of the current version (the others stay) by an uploaded text."""
        check_file_name(name)
        current = self.current() if self.has_version() else None
        texts, sources = {name: text}, {name: name}
        if current is not None:
            texts = {**current.catalogue.files, **texts}
            sources = {other: f"{other} (phiên bản {current.number})" for other in FILES} | sources
        catalogue = files.parse(texts, sources)
        return self.adopt(catalogue, source={"kind": "upload", "location": name}, by=by, now=now)

    def adopt(self, catalogue: Catalogue, *, source: dict[str, str], by: str, now: datetime) -> Adoption:
        try:
            return self._adopt(catalogue, source, by, now)
        except RecordConflictError:  # another replica adopted at the same moment: compare with its version
            return self._adopt(catalogue, source, by, now)

    def _adopt(self, catalogue: Catalogue, source: dict[str, str], by: str, now: datetime) -> Adoption:
        record = self._record() or AwardCatalogue()
        number = record.adopt(label=catalogue.label, checksum=catalogue.checksum, content=catalogue.content(),
                              files=dict(catalogue.files), source=source, adopted_by=by, adopted_at=now)
        if number is None:
            current = record.current
            assert current is not None
            return Adoption(current["number"], current["label"], created=False)
        self.app.save(record)
        return Adoption(number, catalogue.label, created=True)

    def has_version(self) -> bool:
        record = self._record()
        return record is not None and record.current is not None

    def current(self) -> CatalogueVersion:
        record = self._required()
        assert record.current is not None
        return self._version(record, record.current)

    def version(self, number: int) -> CatalogueVersion:
        record = self._required()
        return self._version(record, record.numbered(number))

    def at(self, moment: datetime) -> CatalogueVersion:
        """The version in force at `moment` (to explain a past decision with the rules of its day)."""
        record = self._required()
        return self._version(record, record.at(moment))

    def versions(self) -> list[dict[str, Any]]:
        record = self._record()
        return [] if record is None else [{k: v for k, v in meta.items() if k != "position"}
                                          for meta in record.versions]

    def _version(self, record: AwardCatalogue, meta: dict[str, Any]) -> CatalogueVersion:
        number = meta["number"]
        if number not in self._parsed:
            position = meta["position"]
            adopted = next(iter(self.app.events.get(record.id, gt=position - 1, lte=position)))
            assert isinstance(adopted, AwardCatalogue.Adopted)
            catalogue = files.from_content(adopted.content, adopted.files)
            self._parsed[number] = CatalogueVersion(
                number=number, label=meta["label"], checksum=meta["checksum"], source=meta["source"],
                adopted_by=meta["adopted_by"], adopted_at=meta["adopted_at"], catalogue=catalogue)
        return self._parsed[number]

    def _required(self) -> AwardCatalogue:
        record = self._record()
        if record is None or record.current is None:
            raise NoCatalogueError
        return record

    def _record(self) -> AwardCatalogue | None:
        try:
            record: object = self.app.repository.get(AwardCatalogue.create_id())
        except AggregateNotFoundError:
            return None
        assert isinstance(record, AwardCatalogue)
        return record


def check_file_name(name: str) -> None:
    if name not in FILES:
        problem = Problem(name, 1, 1, "", f"tên tệp phải là một trong: {', '.join(FILES)}")
        raise ConfigError(name, [problem])


class NoCatalogueError(LookupError):
    """Raised when no version of the catalogue has been adopted yet."""

    def __init__(self) -> None:
        super().__init__("Chưa có phiên bản danh mục khen thưởng nào được áp dụng.")
