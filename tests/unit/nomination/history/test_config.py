"""The history's configuration file: refused with the line of each error; the award list can
come from the catalogue."""

from __future__ import annotations

import pytest

from services.nomination.history.config import DEFAULT_PATH, ENV_PATH, history_config, read_config
from services.nomination.yamlconfig import ConfigError


def test_a_malformed_origin_code_is_reported_with_its_line() -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace('"011": Điện Biên', '"11": Điện Biên')
    with pytest.raises(ConfigError) as error:
        read_config(text, "history.yaml")
    [problem] = error.value.details
    assert problem.startswith("history.yaml:")
    assert "personal_number.origin_codes" in problem and "'11'" in problem


def test_a_name_pointing_to_an_unknown_code_is_refused() -> None:
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("Giấy khen: GK", "Giấy khen: GKX")
    with pytest.raises(ConfigError, match="GKX"):
        read_config(text, "history.yaml")


def test_the_province_can_point_to_its_own_file(tmp_path, monkeypatch) -> None:
    own = tmp_path / "history.yaml"
    own.write_text(DEFAULT_PATH.read_text(encoding="utf-8").replace('"004": Cao Bằng', '"004": Tỉnh Cao Bằng'))
    monkeypatch.setenv(ENV_PATH, str(own))
    history_config.cache_clear()
    try:
        assert history_config().pid.origin_codes["004"] == "Tỉnh Cao Bằng"
    finally:
        history_config.cache_clear()


def test_codes_and_names_resolve_without_diacritics_or_case() -> None:
    config = history_config()
    assert config.award_code("ldtt") == "LDTT"
    assert config.award_code("Chien si thi dua co so") == "CSTDCS"
    assert config.award_code("Huân chương Lao động hạng Ba") == "HCLD3"
    assert config.award_code("Huân chương Không Có") is None
    assert config.is_title("CSTDCS") and not config.is_title("BKT")


def test_the_catalogue_can_replace_the_award_list() -> None:
    config = history_config().with_awards([("LDTT", "danh_hieu_thi_dua", ["Lao động tiên tiến"]),
                                           ("BKX", "bang_khen", ["Bằng khen mới"])])
    assert config.award_code("bang khen moi") == "BKX"
    assert config.award_code("BKT") is None
    assert config.is_title("LDTT") and not config.is_title("BKX")
