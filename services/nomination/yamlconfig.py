"""Configuration files the province edits (award catalogue, rules, quotas): YAML read into
pydantic models, and every error reported with its file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: several times faster


@dataclass(frozen=True)
class Problem:
    source: str
    line: int  # 1-based
    column: int  # 1-based
    path: str  # e.g. "awards[3].council.threshold"
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ConfigError(ValueError):
    """Raised when a configuration file is not valid; `problems` says where and why."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        self.details = [str(p) for p in problems]
        super().__init__(f"Tệp cấu hình {source} không hợp lệ ({len(problems)} lỗi): {problems[0]}")


def load(text: str, model: type[M], source: str, context: dict[str, Any] | None = None) -> M:
    """Parse and validate; raise ConfigError with the line of each problem."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
        data = yaml.load(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = Problem(source, line, column, "", f"YAML không đọc được: {error.problem}")
        raise ConfigError(source, [problem]) from None
    if root is None:
        raise ConfigError(source, [Problem(source, 1, 1, "", "tệp rỗng")])
    try:
        return model.model_validate(data, context=context)
    except ValidationError as error:
        problems = [_problem(source, root, tuple(e["loc"]), e["msg"]) for e in error.errors()]
        raise ConfigError(source, problems) from None


def _problem(source: str, root: yaml.Node, loc: tuple[Any, ...], message: str) -> Problem:
    node, path = _locate(root, loc)
    return Problem(source, node.start_mark.line + 1, node.start_mark.column + 1, path, message)


def _locate(node: yaml.Node, loc: tuple[Any, ...]) -> tuple[yaml.Node, str]:
    """The deepest node of `loc` that exists, and the path written like `a[2].b`."""
    path = ""
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == str(part)), None)
            step = f".{part}" if path else str(part)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            step = f"[{part}]"
        else:
            step = f".{part}"
        path += step
        if child is None:
            break
        node = child
    return node, path
