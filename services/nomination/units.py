"""The units above the proposing units (a school under Sở Giáo dục và Đào tạo, a company under
its group), as the province writes them in `data/units.yaml`: a unit with a parent sends its
dossiers to the parent, which forwards them upward in a tờ trình of its own. A unit not in the
file, or without a parent, submits straight to Sở Nội vụ.

An admin may replace the hierarchy through the API (`Hierarchy.replace`): the replacement is
stored in the event store and, with a higher version than the file's, wins over it. Every replica
reads the stored hierarchy's version before each use (`Hierarchy.current`: one indexed read of the
aggregate's last event) and loads it again when another replica replaced it, so no replica routes
a dossier by a hierarchy older than the one stored."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from pydantic import BaseModel, ConfigDict, Field, model_validator

from servicekit.auth import ForbiddenError, Principal, Role
from services.nomination.dossiers.states import PROVINCE
from services.nomination.yamlconfig import load

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class Unit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(min_length=1, max_length=32, pattern=CODE)
    name: str = Field(min_length=2, max_length=200)
    parent: str | None = Field(default=None, min_length=1, max_length=32,
                               description="Đơn vị cấp trên nhận, xem xét và trình tiếp hồ sơ")


class UnitFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="Tăng mỗi khi tỉnh sửa tệp")
    source: str = Field(min_length=1)
    units: list[Unit] = Field(default_factory=list)

    @model_validator(mode="after")
    def _a_tree(self) -> UnitFile:
        codes = [u.code for u in self.units]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"mã đơn vị trùng: {', '.join(twice)}")
        parents = {u.code: u.parent for u in self.units}
        for unit in self.units:
            if unit.code == PROVINCE:
                raise ValueError(f"mã '{PROVINCE}' dành cho cấp tỉnh (Sở Nội vụ), không dùng cho đơn vị")
            if unit.parent is not None and unit.parent not in parents:
                raise ValueError(f"đơn vị {unit.code}: đơn vị cấp trên '{unit.parent}' không có trong danh sách")
            seen, code = [unit.code], unit.parent
            while code is not None:
                if code in seen:
                    raise ValueError(f"vòng lặp cấp trên: {' → '.join([*seen, code])}")
                seen.append(code)
                code = parents[code]
        return self


class UnitTree:
    """Who is above whom: a unit's route upward, resolved when its dossier is submitted."""

    def __init__(self, units: list[Unit], version: int = 0, source: str = "") -> None:
        self.reset(units, version, source)

    @classmethod
    def from_file(cls, path: Path) -> UnitTree:
        data = load(path.read_text(encoding="utf-8"), UnitFile, path.name)
        return cls(data.units, data.version, data.source)

    def reset(self, units: list[Unit], version: int, source: str) -> None:
        """Another hierarchy in force (checked by `UnitFile`), for the dossiers submitted from now on."""
        self._units = {u.code: u for u in units}
        self.version, self.source = version, source

    def route(self, unit_code: str) -> list[str]:
        """The parent units a dossier of `unit_code` passes through, nearest first (empty: none)."""
        route: list[str] = []
        unit = self._units.get(unit_code)
        while unit is not None and unit.parent is not None:
            route.append(unit.parent)
            unit = self._units.get(unit.parent)
        return route

    def name(self, code: str) -> str:
        if code == PROVINCE:
            return "Sở Nội vụ (cấp tỉnh)"
        unit = self._units.get(code)
        return unit.name if unit else code

    def names(self, codes: list[str]) -> list[str]:
        return [self.name(code) for code in codes]

    def children(self, code: str) -> list[str]:
        return sorted(u.code for u in self._units.values() if u.parent == code)

    def units(self) -> list[Unit]:
        return sorted(self._units.values(), key=lambda u: u.code)


# Who may replace the hierarchy (the use cases' command table).
COMMANDS = {"replace": frozenset({Role.ADMIN})}


class UnitHierarchy(Aggregate):
    """The hierarchy as an admin last replaced it through the API."""

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/nomination/units")

    @event("Opened")
    def __init__(self) -> None:
        self.numbered, self.source = 0, ""  # the hierarchy's own version (`version` is the aggregate's)
        self.units: list[dict[str, Any]] = []

    @event("Replaced")
    def replace(self, version: int, source: str, units: list[dict[str, Any]], by: str, at: datetime) -> None:
        self.numbered, self.source, self.units = version, source, units


class Hierarchy:
    """The units hierarchy in force: the file's, or the one stored by an admin when its version
    is higher; replaced whole, checked as the file is (unknown parent, cycle, repeated code). As
    the dossier workflow's `Units` port it answers from the hierarchy stored now, whichever
    replica stored it."""

    def __init__(self, app: Application[UUID], tree: UnitTree) -> None:
        self.app, self.tree = app, tree
        self._seen = 0  # the version of the stored aggregate this replica last read (0: none stored)
        self._lock = threading.Lock()

    def load(self) -> None:
        """At start-up: the stored hierarchy, when it is newer than the file's."""
        self.current()

    def current(self) -> UnitTree:
        """The tree in force, after a look at the stored hierarchy's version: a replacement made
        since (by this replica or another) is loaded. Runs in a worker thread (`runtime.call`)."""
        if self._stored_version() != self._seen:
            with self._lock:
                stored = self._stored()
                if stored is not None and stored.numbered > self.tree.version:
                    self.tree.reset([Unit(**u) for u in stored.units], stored.numbered, stored.source)
                self._seen = stored.version if stored is not None else 0
        return self.tree

    def route(self, unit_code: str) -> list[str]:
        return self.current().route(unit_code)

    def name(self, code: str) -> str:
        return self.current().name(code)

    def names(self, codes: list[str]) -> list[str]:
        """Several names after one look at the stored version."""
        return self.current().names(codes)

    def replace(self, actor: Principal, file: UnitFile, now: datetime) -> UnitTree:
        if not actor.has_any(COMMANDS["replace"]):
            raise ForbiddenError("Chỉ quản trị hệ thống được thay danh sách đơn vị cấp trên.")
        tree = self.current()  # another replica's replacement counts: the version must pass it
        if file.version <= tree.version:
            raise StaleUnitsError(file.version, tree.version)
        stored = self._stored() or UnitHierarchy()
        stored.replace(version=file.version, source=file.source, units=[u.model_dump() for u in file.units],
                       by=actor.subject, at=now)
        self.app.save(stored)  # two replicas replacing at once: the second save conflicts, nothing mixed
        with self._lock:
            tree.reset(file.units, file.version, file.source)
            self._seen = stored.version
        return tree

    def _stored_version(self) -> int:
        last = self.app.recorder.select_events(UnitHierarchy.create_id(), desc=True, limit=1)
        return last[0].originator_version if last else 0

    def _stored(self) -> UnitHierarchy | None:
        try:
            found: object = self.app.repository.get(UnitHierarchy.create_id())
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, UnitHierarchy) else None


class StaleUnitsError(Exception):
    """Raised when a replacement does not raise the hierarchy's version (HTTP 409)."""

    def __init__(self, given: int, current: int) -> None:
        self.details = {"version": given, "current_version": current}
        super().__init__(f"Danh sách đơn vị phiên bản {given} không mới hơn phiên bản đang dùng ({current}): "
                         f"hãy tăng version (ví dụ {current + 1}).")
