"""The rule file read into a `RuleSet`: rules and guards with their legal basis and validity,
principles (G2, G4), and the names of the award codes. Every error is reported with file:line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from services.nomination import yamlconfig
from services.nomination.eligibility.conditions import AnyCondition
from services.nomination.eligibility.conditions.base import Code
from services.nomination.eligibility.facts import AwardBasis, SubjectKind

DEFAULT_RULES = Path(__file__).parent / "data" / "rules.yaml"
RuleId = Annotated[str, Field(pattern=r"^[A-Z][A-Za-z0-9-]*$")]
ALL_SUBJECTS: list[SubjectKind] = list(get_args(SubjectKind))
ALL_BASES: list[AwardBasis] = list(get_args(AwardBasis))
CONFIDENCE = {"high": "cao", "medium": "trung bình", "low": "thấp"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Legal(Strict):
    document: str = Field(min_length=3)
    article: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    verified: bool
    confidence: Literal["high", "medium", "low"] | None = None  # how sure the reading of the text is
    note: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Legal:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to trước valid_from")
        return self

    def covers(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def text(self) -> str:
        since = f" từ {self.valid_from:%d/%m/%Y}" if self.valid_from else ""
        until = f" đến {self.valid_to:%d/%m/%Y}" if self.valid_to else ""
        where = ", ".join(p for p in (self.document, self.article) if p)
        status = "" if self.verified else " — CHƯA KIỂM CHỨNG"
        status += f" (độ tin cậy: {CONFIDENCE[self.confidence]})" if self.confidence else ""
        note = f": {self.note}" if self.note else ""
        return f"{where} (áp dụng{since}{until}){status}{note}" if since or until else f"{where}{status}{note}"


class Label(Strict):
    name: str = Field(min_length=2)
    short: str = Field(min_length=2)


class Principle(Strict):
    """A principle the engine honours without a verdict of its own (G2, G4)."""

    id: RuleId
    title: str
    legal: Legal
    how: str = Field(min_length=10)  # how the engine honours it
    not_counted_bases: list[AwardBasis] = []  # G4: awards of these bases never count in chains


class Rule(Strict):
    id: RuleId
    kind: Literal["rule", "guard"] = "rule"
    title: str = Field(min_length=3)
    awards: list[Code] = []  # a guard with no awards applies to every award
    subjects: list[SubjectKind] = ALL_SUBJECTS
    bases: list[AwardBasis] | None = None  # default: công trạng for a rule, every basis for a guard
    group: RuleId | None = None  # rules of one group are alternatives
    legal: Legal
    when: AnyCondition

    @model_validator(mode="before")
    @classmethod
    def _new_spans(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context is not None:
            info.context["spans"] = set()
        return data

    @model_validator(mode="after")
    def _rule_has_awards(self) -> Rule:
        if self.kind == "rule" and not self.awards:
            raise ValueError("quy tắc (kind: rule) phải nêu awards")
        return self

    @property
    def verified(self) -> bool:
        return self.legal.verified

    def applies(self, award: str, on: date, basis: str, subject: str | None) -> bool:
        bases = self.bases if self.bases is not None else (["cong_trang"] if self.kind == "rule" else ALL_BASES)
        return ((not self.awards or award in self.awards) and self.legal.covers(on) and basis in bases
                and (subject is None or subject in self.subjects))


class RuleFile(Strict):
    version: str = Field(min_length=1)
    labels: dict[str, Label] = Field(min_length=1)
    principles: list[Principle] = []
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> RuleFile:
        problems = _overlaps(self.rules) + _cycles(self.rules)
        if problems:
            raise ValidationError.from_exception_data("RuleFile", problems)
        return self


def _overlaps(rules: list[Rule]) -> list[InitErrorDetails]:
    problems: list[InitErrorDetails] = []
    for i, rule in enumerate(rules):
        for j, other in enumerate(rules[:i]):
            if other.id == rule.id and _overlap(other.legal, rule.legal):
                message = f"hai phiên bản của {rule.id} (rules[{j}] và rules[{i}]) có thời gian áp dụng chồng nhau"
                problems.append(_problem(("rules", i, "legal"), "rule_versions", message))
    return problems


def _overlap(a: Legal, b: Legal) -> bool:
    return (a.valid_to is None or b.valid_from is None or b.valid_from <= a.valid_to) and \
        (b.valid_to is None or a.valid_from is None or a.valid_from <= b.valid_to)


def _cycles(rules: list[Rule]) -> list[InitErrorDetails]:
    edges: dict[str, set[str]] = {}
    for rule in rules:
        edges.setdefault(rule.id, set()).update(references(rule.when))
    for i, rule in enumerate(rules):
        seen, todo = set(), list(edges[rule.id])
        while todo:
            current = todo.pop()
            if current == rule.id:
                return [_problem(("rules", i, "when"), "rule_cycle", f"quy tắc {rule.id} tham chiếu vòng tới chính nó")]
            if current not in seen:
                seen.add(current)
                todo.extend(edges.get(current, ()))
    return []


def references(condition: Any) -> set[str]:
    """The rule ids a condition refers to (`rule: R1`), however deep."""
    if condition.kind == "rule":
        return {condition.id}
    children = getattr(condition, "conditions", None) or [getattr(condition, "condition", None)]
    return {ref for child in children if child is not None for ref in references(child)}


def _problem(loc: tuple[Any, ...], kind: str, message: str) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=None)


def read_rule_file(text: str, source: str) -> RuleFile:
    return yamlconfig.load(text, RuleFile, source, context=_index(text))


def _index(text: str) -> dict[str, Any]:
    """Codes and rule ids declared in the file, so that a reference to an undeclared one is
    reported where it is written. A file too broken to index is left to the full check."""
    try:
        data = yaml.safe_load(text)
        codes = set(data["labels"])
        rule_ids = {rule["id"] for rule in data["rules"] if isinstance(rule, dict) and "id" in rule}
    except Exception:
        return {}
    return {"codes": codes, "rule_ids": rule_ids}
