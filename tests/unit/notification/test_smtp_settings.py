"""The SMTP password from a container secret (a file), as compose passes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from services.notification.settings import NotificationSettings

KEY = "k" * 48


def settings(**values: Any) -> NotificationSettings:
    return NotificationSettings.model_validate({"jwt_secret": KEY, "smtp_host": "mail.caobang.gov.vn", **values})


def test_the_password_is_read_from_the_secret_file(tmp_path: Path) -> None:
    secret = tmp_path / "smtp_password"
    secret.write_text("mật-khẩu-thư\n", encoding="utf-8")
    read = settings(smtp_password_file=secret, smtp_username="tdkt@caobang.gov.vn", smtp_port=465, smtp_tls="tls")
    assert read.smtp_password is not None and read.smtp_password.get_secret_value() == "mật-khẩu-thư"
    assert "mật-khẩu-thư" not in repr(read)
    # A password set directly wins over the file; an empty secret means no authentication password.
    direct = settings(smtp_password="khac", smtp_password_file=secret).smtp_password
    assert direct is not None and direct.get_secret_value() == "khac"
    secret.write_text("", encoding="utf-8")
    assert settings(smtp_password_file=secret).smtp_password is None


def test_a_missing_secret_file_stops_the_service_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="không đọc được tệp mật khẩu SMTP"):
        settings(smtp_password_file=tmp_path / "missing")
    with pytest.raises(ValidationError, match="smtp_tls"):
        settings(smtp_tls="ssl")
