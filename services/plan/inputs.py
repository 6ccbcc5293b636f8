"""Types of the plan service's request bodies that pydantic's lax mode would otherwise coerce."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator


def _iso_day(value: Any) -> Any:
    if isinstance(value, str | date):
        return value
    raise ValueError("phải là ngày dạng YYYY-MM-DD")


def _number(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    raise ValueError("phải là một số")


# In request bodies: a day only as ISO text (not a count of seconds), a number only as a number.
Day = Annotated[date, BeforeValidator(_iso_day)]
Number = Annotated[Decimal, BeforeValidator(_number)]
