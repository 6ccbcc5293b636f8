"""The units above the proposing units (a school under Sở Giáo dục và Đào tạo, a company under
its group), as the province writes them in `data/units.yaml`: a unit with a parent sends its
dossiers to the parent, which forwards them upward in a tờ trình of its own. A unit not in the
file, or without a parent, submits straight to Sở Nội vụ."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

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

    def __init__(self, units: list[Unit], version: int = 0) -> None:
        self.version = version
        self._units = {u.code: u for u in units}

    @classmethod
    def from_file(cls, path: Path) -> UnitTree:
        data = load(path.read_text(encoding="utf-8"), UnitFile, path.name)
        return cls(data.units, data.version)

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

    def children(self, code: str) -> list[str]:
        return sorted(u.code for u in self._units.values() if u.parent == code)

    def units(self) -> list[Unit]:
        return sorted(self._units.values(), key=lambda u: u.code)
