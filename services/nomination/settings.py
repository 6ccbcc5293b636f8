from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import MIN_SECRET_BYTES, ServiceSettings


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
    # papers: the PKCS#12 key (.p12) issued decisions are signed with (PAdES); none: signing is refused
    signing_pkcs12: Path | None = Field(default=None,
                                        description="Tệp khóa ký số PKCS#12 (TDKT_NOMINATION_SIGNING_PKCS12)")
    signing_passphrase: SecretStr | None = Field(default=None, description="Mật khẩu của tệp khóa ký số")
    # or a PKCS#11 token (USB token, HSM): its library, token label, PIN and key label; it wins over PKCS#12
    signing_pkcs11_library: Path | None = Field(default=None, description="Thư viện PKCS#11 (.so) của thiết bị ký số")
    signing_pkcs11_token: str = Field(default="", description="Nhãn (label) của thiết bị ký số")
    signing_pkcs11_pin: SecretStr | None = None
    signing_pkcs11_key_label: str = Field(default="", description="Nhãn khóa ký (và chứng thư, nếu trên thiết bị)")
    signing_pkcs11_certificate: Path | None = Field(default=None,
                                                    description="Chứng thư số (DER) khi thiết bị không giữ chứng thư")
    # the key of people's record ids (HMAC-SHA256 of the personal number; history/identity.py)
    record_key: SecretStr | None = Field(default=None, description="TDKT_NOMINATION_RECORD_KEY, >= 32 byte")

    @model_validator(mode="after")
    def _record_key_set(self) -> NominationSettings:
        if self.record_key is None:
            raise ValueError("đặt TDKT_NOMINATION_RECORD_KEY (khóa tạo mã hồ sơ cá nhân, ít nhất "
                             f"{MIN_SECRET_BYTES} byte): python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
        if len(self.record_key.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"TDKT_NOMINATION_RECORD_KEY phải dài ít nhất {MIN_SECRET_BYTES} byte "
                             f"(hiện {len(self.record_key.get_secret_value().encode())})")
        return self
