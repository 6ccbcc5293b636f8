"""The names of the forms of award, by code, that the inbox texts use (`data/award_names.yaml`,
or the file named by TDKT_NOTIFICATION_AWARD_NAMES_FILE). Only the decision event carries an
award's name; the other dossier events carry its code."""

from __future__ import annotations

from pathlib import Path

import yaml

DEFAULT_FILE = Path(__file__).with_name("data") / "award_names.yaml"


class AwardNamesError(ValueError):
    """Raised when the award names file is not a mapping of codes to names."""


def load_award_names(path: Path = DEFAULT_FILE) -> dict[str, str]:
    """Read and check the file; every problem names the file, line and column."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except OSError as error:
        raise AwardNamesError(f"Không đọc được tệp tên hình thức khen thưởng {path}: {error}") from None
    except yaml.MarkedYAMLError as error:
        raise AwardNamesError(f"{path}:{_where(error.problem_mark)}: YAML không đọc được: {error.problem}") from None
    if not isinstance(root, yaml.MappingNode):
        raise AwardNamesError(f"{path}: phải là danh sách dạng `MÃ: \"Tên hình thức khen thưởng\"`.")
    names: dict[str, str] = {}
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
                and key.value.strip() and value.value.strip()):
            raise AwardNamesError(f"{path}:{_where(key.start_mark)}: mỗi dòng phải là `MÃ: \"Tên\"` không rỗng.")
        if key.value in names:
            raise AwardNamesError(f"{path}:{_where(key.start_mark)}: mã {key.value} lặp lại.")
        names[key.value] = value.value.strip()
    return names


def _where(mark: yaml.Mark | None) -> str:
    return f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
