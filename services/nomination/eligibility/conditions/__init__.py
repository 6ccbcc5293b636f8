"""The closed vocabulary of conditions: a pydantic union discriminated by `kind`.

In the rule file a condition is written as a mapping with one key, the kind, e.g.
`{rating_at_least: {min: HTTNV}}`, `{all: [...]}`, `{not: {...}}`, `{rule: R1}`; it is read as
`{kind: rating_at_least, min: HTTNV}`. Errors are reported at the place of the compact form
(`when.all[1].rating_at_least.min`), so yamlconfig finds their line.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import InitErrorDetails, PydanticCustomError

from services.nomination.eligibility.conditions.awards import AwardChain, AwardHeld
from services.nomination.eligibility.conditions.collective import MembersDisciplined, MembersShare, MembersWithTitle
from services.nomination.eligibility.conditions.dossier import Attested, DossierFact
from services.nomination.eligibility.conditions.innovations import Innovations
from services.nomination.eligibility.conditions.logic import AllOf, AnyOf, NotOf, RuleRef
from services.nomination.eligibility.conditions.ratings import RatingAtLeast, RatingCount, RatingStreak
from services.nomination.eligibility.conditions.standing import DisciplineOver, NoPending, NotAlreadyAwarded
from services.nomination.eligibility.conditions.tenure import ServiceYears
from services.nomination.eligibility.conditions.titles import TitleCount, TitleInYear, TitleStreak

KINDS = (AllOf, AnyOf, NotOf, RuleRef, RatingAtLeast, RatingStreak, RatingCount, TitleInYear, TitleStreak,
         TitleCount, Innovations, AwardHeld, AwardChain, MembersShare, MembersWithTitle, MembersDisciplined,
         Attested, DossierFact, NoPending, DisciplineOver, NotAlreadyAwarded, ServiceYears)
KIND_NAMES = tuple(k.model_fields["kind"].default for k in KINDS)
BODY_FIELD = {"all": "conditions", "any": "conditions", "not": "condition", "rule": "id"}


def _expand(value: Any) -> Any:
    if not isinstance(value, dict) or "kind" in value:
        return value
    if len(value) != 1 or next(iter(value)) not in KIND_NAMES:
        keys = ", ".join(map(str, value)) or "(trống)"
        raise PydanticCustomError("condition_kind", "điều kiện phải có đúng một khóa là loại điều kiện ({kinds}); "
                                  "gặp: {keys}", {"kinds": ", ".join(KIND_NAMES), "keys": keys})
    kind, body = next(iter(value.items()))
    if kind in BODY_FIELD:
        return {"kind": kind, BODY_FIELD[kind]: body}
    if body is None:
        return {"kind": kind}
    if not isinstance(body, dict):
        raise PydanticCustomError("condition_body", "nội dung của điều kiện {kind} phải là một bảng khóa: giá trị",
                                  {"kind": kind})
    return {"kind": kind, **body}


def _compact(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    expanded = _expand(value)
    try:
        return handler(expanded)
    except ValidationError as error:
        kind = expanded.get("kind") if isinstance(expanded, dict) else None
        raise ValidationError.from_exception_data(error.title, [_relocate(e, kind) for e in error.errors()]) from None


def _relocate(error: Any, kind: Any) -> InitErrorDetails:
    loc = tuple(error["loc"])
    if kind in BODY_FIELD and loc[1:2] == (BODY_FIELD[kind],):
        loc = loc[:1] + loc[2:]
    return InitErrorDetails(type=PydanticCustomError(error["type"], error["msg"]), loc=loc, input=error["input"])


AnyCondition = Annotated[
    AllOf | AnyOf | NotOf | RuleRef | RatingAtLeast | RatingStreak | RatingCount | TitleInYear | TitleStreak
    | TitleCount | Innovations | AwardHeld | AwardChain | MembersShare | MembersWithTitle | MembersDisciplined
    | Attested | DossierFact | NoPending | DisciplineOver | NotAlreadyAwarded | ServiceYears,
    Field(discriminator="kind"),
    WrapValidator(_compact),
]

for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild(_types_namespace={"AnyCondition": AnyCondition})

__all__ = ["KIND_NAMES", "AnyCondition"]
