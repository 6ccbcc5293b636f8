"""The history module's configuration (`config.yaml`, or the file named by
TDKT_NOMINATION_HISTORY_CONFIG): personal number rules, which codes are titles, and the names
an imported list may use for an award. Read once, every error with its line and column."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from services.nomination.history.names import fold
from services.nomination.history.pid import CenturySex, PidRules
from services.nomination.yamlconfig import load

DEFAULT_PATH = Path(__file__).with_name("config.yaml")
ENV_PATH = "TDKT_NOMINATION_HISTORY_CONFIG"
CODE = r"^[A-Z0-9_]{1,32}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CenturySexModel(_Model):
    century_start: int = Field(ge=1800, le=2900, multiple_of=100)
    sex: Literal["nam", "nu"]


class PersonalNumberModel(_Model):
    status: Literal["UNVERIFIED", "VERIFIED"]
    legal_basis: str = Field(min_length=1)
    valid_from: date | None = None
    valid_to: date | None = None
    origin_codes_status: str = ""
    origin_codes: dict[str, str] = Field(min_length=1)
    century_sex_status: str = ""
    century_sex: dict[str, CenturySexModel] = Field(min_length=1)

    @field_validator("origin_codes", "century_sex")
    @classmethod
    def _digit_keys(cls, value: dict[str, object], info: ValidationInfo) -> dict[str, object]:
        width = 3 if info.field_name == "origin_codes" else 1
        bad = [key for key in value if len(key) != width or not key.isdigit()]
        if bad:
            raise ValueError(f"mỗi mã phải gồm đúng {width} chữ số: {bad}")
        return value


class TitlesModel(_Model):
    status: str
    codes: list[Annotated[str, Field(pattern=CODE)]] = Field(min_length=1)


class AwardNamesModel(_Model):
    status: str
    codes: list[Annotated[str, Field(pattern=CODE)]] = Field(min_length=1)
    names: dict[str, str] = {}

    @field_validator("names")
    @classmethod
    def _known_codes(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        unknown = sorted(set(value.values()) - set(info.data.get("codes", [])))
        if unknown:
            raise ValueError(f"tên trỏ tới mã không có trong codes: {unknown}")
        return value


class ConfigModel(_Model):
    personal_number: PersonalNumberModel
    titles: TitlesModel
    award_names: AwardNamesModel


@dataclass(frozen=True)
class HistoryConfig:
    pid: PidRules
    title_codes: frozenset[str]
    award_codes: frozenset[str]
    award_names: dict[str, str]  # folded name -> code
    award_labels: dict[str, tuple[str, ...]]  # code -> names as written

    def with_awards(self, awards: Iterable[tuple[str, str, Iterable[str]]]) -> HistoryConfig:
        """The same rules with the award list of the catalogue: (code, category, names) for each
        award; category `danh_hieu_thi_dua` makes a title."""
        entries = [(code, category, tuple(names)) for code, category, names in awards]
        return replace(self, title_codes=frozenset(c for c, category, _ in entries if category == "danh_hieu_thi_dua"),
                       award_codes=frozenset(c for c, _, _ in entries),
                       award_names={fold(n): c for c, _, names in entries for n in names},
                       award_labels={c: names for c, _, names in entries})

    def is_title(self, code: str) -> bool:
        return code in self.title_codes

    def award_code(self, text: str) -> str | None:
        """A code or a name of the list, as the code; None when unknown."""
        code = text.strip().upper()
        if code in self.award_codes:
            return code
        return self.award_names.get(fold(text))


def read_config(text: str, source: str) -> HistoryConfig:
    model = load(text, ConfigModel, source)
    number = model.personal_number
    rules = PidRules(
        origin_codes=dict(number.origin_codes),
        century_sex={d: CenturySex(m.century_start, m.sex) for d, m in number.century_sex.items()},
        status=number.status, legal_basis=number.legal_basis,
        extra={"origin_codes": number.origin_codes_status, "century_sex": number.century_sex_status})
    codes = frozenset(model.award_names.codes) | frozenset(model.titles.codes)
    names = {fold(name): code for name, code in model.award_names.names.items()}
    labels = {code: tuple(n for n, c in model.award_names.names.items() if c == code) for code in codes}
    return HistoryConfig(pid=rules, title_codes=frozenset(model.titles.codes), award_codes=codes,
                         award_names=names, award_labels=labels)


@cache
def history_config(path: str | None = None) -> HistoryConfig:
    """The configuration in force (cached): the given file, TDKT_NOMINATION_HISTORY_CONFIG, or the default."""
    chosen = Path(path or os.environ.get(ENV_PATH) or DEFAULT_PATH)
    return read_config(chosen.read_text(encoding="utf-8"), str(chosen))
