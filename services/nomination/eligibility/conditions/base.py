"""What every condition shares: strict fields, award codes checked against the rule file's
labels, and streak spans named in one rule and used by a later condition of that rule."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from services.nomination.eligibility.context import Context, Result


class Condition(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def evaluate(self, ctx: Context) -> Result:
        raise NotImplementedError


def _known_code(code: str, info: ValidationInfo) -> str:
    codes = (info.context or {}).get("codes")
    if codes is not None and code not in codes:
        raise ValueError(f"mã '{code}' không có trong mục labels của tệp quy tắc")
    return code


def as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _new_span(name: str | None, info: ValidationInfo) -> str | None:
    spans = (info.context or {}).get("spans")
    if name is not None and spans is not None:
        if name in spans:
            raise ValueError(f"tên khoảng năm '{name}' đã dùng trong quy tắc này")
        spans.add(name)
    return name


def _known_span(name: str | None, info: ValidationInfo) -> str | None:
    spans = (info.context or {}).get("spans")
    if name is not None and spans is not None and name not in spans:
        raise ValueError(f"khoảng năm '{name}' chưa được đặt tên (id) ở một chuỗi năm phía trước trong quy tắc")
    return name


Code = Annotated[str, AfterValidator(_known_code)]
Codes = Annotated[list[Code], BeforeValidator(as_list), Field(min_length=1)]
YearOffset = Annotated[int, Field(le=0, ge=-50)]  # 0: the nomination year, -1: the year before
SpanName = Annotated[str | None, AfterValidator(_new_span)]
SpanRef = Annotated[str | None, AfterValidator(_known_span)]
