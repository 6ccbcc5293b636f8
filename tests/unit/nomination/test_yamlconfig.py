"""Configuration files are refused with the place of each error."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from services.nomination.yamlconfig import ConfigError, load


class Award(BaseModel):
    code: str
    threshold: float = Field(ge=0, le=1)


class Catalogue(BaseModel):
    version: str
    awards: list[Award]


def test_each_invalid_value_is_reported_with_its_line_and_path() -> None:
    text = ("version: '1'\nawards:\n  - code: LDTT\n    threshold: 0.5\n"
            "  - code: CSTDCS\n    threshold: 1.5\n  - threshold: 0.2\n")
    with pytest.raises(ConfigError) as error:
        load(text, Catalogue, "awards.yaml")
    assert error.value.details == [
        "awards.yaml:6:16: awards[1].threshold: Input should be less than or equal to 1",
        "awards.yaml:7:5: awards[2].code: Field required",
    ]


def test_broken_yaml_is_reported_where_it_breaks() -> None:
    with pytest.raises(ConfigError, match=r"awards.yaml:3:1: YAML không đọc được"):
        load("version: 1\nawards: [\n", Catalogue, "awards.yaml")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ConfigError, match="tệp rỗng"):
        load("", Catalogue, "awards.yaml")


def test_a_valid_file_loads() -> None:
    loaded = load("version: '2026.1'\nawards: [{code: LDTT, threshold: 0}]\n", Catalogue, "a.yaml")
    assert loaded.awards[0].code == "LDTT"
