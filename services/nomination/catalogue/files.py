"""Reading the catalogue's files (awards.yaml, salary.yaml, quotas.yaml) from a folder, an
upload or a stored version, all through one validation: every problem of every file is
reported at once, each with its file, line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from services.nomination.catalogue.bundle import FILES, Catalogue
from services.nomination.catalogue.model import AwardsFile, QuotasFile, SalaryFile
from services.nomination.catalogue.references import REFS
from services.nomination.yamlconfig import ConfigError, Problem, load

DATA_DIR = Path(__file__).with_name("data")
M = TypeVar("M", bound=BaseModel)


def read_dir(directory: Path) -> dict[str, str]:
    """The texts of the catalogue's files in `directory`; ConfigError naming any unreadable one."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for name in FILES:
        path = directory / name
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(Problem(str(path), 1, 1, "", "không tìm thấy tệp"))
        except UnicodeDecodeError as error:
            problems.append(Problem(str(path), 1, 1, "", f"không phải văn bản UTF-8 (byte {error.start})"))
        except OSError as error:
            problems.append(Problem(str(path), 1, 1, "", f"không đọc được: {error.strerror}"))
    if problems:
        raise ConfigError(str(directory), problems)
    return texts


def parse(texts: Mapping[str, str], sources: Mapping[str, str] | None = None, where: str = "") -> Catalogue:
    """Validate the three files together; `sources` names each file in the problems."""
    sources = {name: (sources or {}).get(name, name) for name in FILES}
    missing = [Problem(sources[name], 1, 1, "", "thiếu tệp") for name in FILES if name not in texts]
    if missing:
        raise ConfigError(where or "danh mục khen thưởng", missing)
    problems: list[Problem] = []
    awards = _load(texts["awards.yaml"], AwardsFile, sources["awards.yaml"], None, problems)
    salary = _load(texts["salary.yaml"], SalaryFile, sources["salary.yaml"], None, problems)
    known = {REFS: {"awards": {a.code: a for a in awards.awards}}} if awards else None
    quotas = _load(texts["quotas.yaml"], QuotasFile, sources["quotas.yaml"], known, problems)
    if awards is None or salary is None or quotas is None:
        raise ConfigError(where or _files_at_fault(problems), problems)
    return Catalogue(awards, salary, quotas, files={name: texts[name] for name in FILES})


def from_content(content: Mapping[str, Any], files: Mapping[str, str]) -> Catalogue:
    """A stored version, validated again by the same models (a stored version was valid)."""
    try:
        awards = AwardsFile.model_validate(content["awards"])
        salary = SalaryFile.model_validate(content["salary"])
        known = {REFS: {"awards": {a.code: a for a in awards.awards}}}
        quotas = QuotasFile.model_validate(content["quotas"], context=known)
    except (KeyError, ValidationError) as error:
        raise StoredVersionError(error) from None
    return Catalogue(awards, salary, quotas, files=dict(files))


def _load(text: str, model: type[M], source: str, context: dict[str, Any] | None,
          problems: list[Problem]) -> M | None:
    try:
        return load(text, model, source, context)
    except ConfigError as error:
        problems.extend(error.problems)
        return None


def _files_at_fault(problems: list[Problem]) -> str:
    return ", ".join(dict.fromkeys(problem.source for problem in problems))


class StoredVersionError(RuntimeError):
    """Raised when a stored version no longer validates (the models changed without an upcaster)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f"Phiên bản danh mục đã lưu không còn hợp lệ với mô hình hiện tại: {error}")
