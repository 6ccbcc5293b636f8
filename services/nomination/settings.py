from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ServiceSettings


class NominationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TDKT_NOMINATION_", extra="ignore", populate_by_name=True)

    service: str = "nomination"
    port: int = Field(default=8002, ge=1, le=65535)
    # dossiers
    documents_dir: Path = Field(default=Path(".tdkt/documents"), description="Content-addressed document store")
    document_max_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    bulk_max_bytes: int = Field(default=50 * 1024 * 1024, gt=0, description="Bảng tính đề nghị, nhập lịch sử")
    simplified_skips_council: bool = Field(
        default=True, description="Thủ tục đơn giản bỏ qua Hội đồng tỉnh (UNVERIFIED, domain.md §3)")
    time_limits_file: Path = Field(default=Path(__file__).with_name("dossiers") / "data" / "time_limits.yaml")
    holidays_file: Path = Field(default=Path(__file__).with_name("data") / "holidays.yaml")
    units_file: Path = Field(default=Path(__file__).with_name("data") / "units.yaml",
                             description="Đơn vị cấp trên của các đơn vị đề nghị (TDKT_NOMINATION_UNITS_FILE)")
    lateness_check_interval_s: float = Field(default=300.0, gt=0)
    rules_file: Path = Field(default=Path(__file__).with_name("eligibility") / "data" / "rules.yaml",
                             description="Điều kiện xét khen thưởng (TDKT_NOMINATION_RULES_FILE)")
    # award catalogue: the folder of awards.yaml, salary.yaml, quotas.yaml (the province's own copy)
    catalogue_dir: Path = Field(default=Path(__file__).with_name("catalogue") / "data",
                                description="Danh mục khen thưởng (TDKT_NOMINATION_CATALOGUE_DIR)")
