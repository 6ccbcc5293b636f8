"""How the catalogue's files refer to their own entries: an entry declares its key in the
validation context, a reference is checked against the keys declared before it, so that a
broken reference or a repeated code is reported at its own line by `yamlconfig.load`.

Pure: pydantic and the standard library.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

REFS = "catalogue_refs"  # key of the references in the validation context


def fail(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as written (no "Value error, " prefix)."""
    return PydanticCustomError("catalogue", "{message}", {"message": message})


def declared_refs(info: ValidationInfo) -> dict[str, dict[str, Any]] | None:
    return info.context.get(REFS) if isinstance(info.context, dict) else None


def refer(kind: str, label: str) -> AfterValidator:
    def check(code: str, info: ValidationInfo) -> str:
        declared = (declared_refs(info) or {}).get(kind)
        if declared is not None and code not in declared:
            known = ", ".join(sorted(declared)[:12])
            raise fail(f"không có {label} mã '{code}' (có: {known}{', …' if len(declared) > 12 else ''})")
        return code
    return AfterValidator(check)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Declared(Strict):
    """An entry others refer to by its key: declared in the context (before its own fields are
    checked, so that a broken entry does not make every reference to it fail too), and refused
    when its key repeats an earlier one."""

    kind: ClassVar[str]
    key_field: ClassVar[str] = "code"
    key_label: ClassVar[str] = "mã"

    @model_validator(mode="before")
    @classmethod
    def _declare(cls, data: Any, info: ValidationInfo) -> Any:
        refs = declared_refs(info)
        key = data.get(cls.key_field) if isinstance(data, dict) else None
        if refs is not None and isinstance(key, (str, date)):
            declared = refs.setdefault(cls.kind, {})
            if str(key) in declared:
                shown = f"{key:%d/%m/%Y}" if isinstance(key, date) else key
                raise fail(f"{cls.key_label} '{shown}' bị trùng với một mục ở trên")
            declared[str(key)] = data
        return data


class FileModel(Strict):
    """A whole file: validated with its own references (and those the caller gives)."""

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        context = dict(kwargs.get("context") or {})
        context[REFS] = dict(context.get(REFS) or {})
        return super().model_validate(obj, **{**kwargs, "context": context})
