"""The web service's own rules, without servers: local accounts, the OIDC claims mapping, the
token the services receive, who sees which live event, and how things are written."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime

import jwt
import pytest
from pydantic import SecretStr

from servicekit.auth import TokenVerifier
from services.web.accounts import AccountError, AccountStore
from services.web.format import money, vn_date, vn_datetime
from services.web.identity import mint
from services.web.live import Hub, visible
from services.web.oidc import identity, pkce_pair
from services.web.sessions import Person
from services.web.settings import WebSettings

SECRET = "a-signing-key-of-at-least-thirty-two-bytes"


def person(unit: str | None, *roles: str) -> Person:
    return Person(subject="x", name="X", unit=unit, roles=frozenset(roles), csrf="c")


def test_accounts_are_hashed_private_and_checked(tmp_path) -> None:
    store = AccountStore(tmp_path / "accounts.json")
    store.add("canbo", unit="SGDDT", roles=["unit_clerk"], password="mot-mat-khau-dai")
    text = store.path.read_text(encoding="utf-8")
    assert "mot-mat-khau-dai" not in text and "$argon2id$" in text
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.verify("canbo", "mot-mat-khau-dai") is not None
    assert store.verify("canbo", "sai") is None and store.verify("khong-co", "mot-mat-khau-dai") is None
    with pytest.raises(AccountError, match="đã có"):
        store.add("canbo", unit="SGDDT", roles=["unit_clerk"], password="mot-mat-khau-dai")
    with pytest.raises(AccountError, match="phải gắn với một đơn vị"):
        store.add("khongdonvi", unit=None, roles=["unit_clerk"], password="mot-mat-khau-dai")
    with pytest.raises(AccountError, match="Vai trò không hợp lệ: thu_ky"):
        store.add("sai.vai.tro", unit="SNV", roles=["thu_ky"], password="mot-mat-khau-dai")
    with pytest.raises(AccountError, match="ít nhất 10"):
        store.add("ngan", unit="SNV", roles=["planner"], password="ngan")


def test_oidc_claims_become_our_unit_and_roles_through_the_mapping() -> None:
    settings = WebSettings(jwt_secret=SecretStr(SECRET), oidc_roles_claim="realm_access.roles",
                           oidc_role_map={"tdkt-tham-dinh": "appraiser"})
    claims = {"sub": "u-1", "name": "Bế Thị Thu", "unit": "SNV",
              "realm_access": {"roles": ["tdkt-tham-dinh", "offline_access"]}}
    assert identity(settings, claims) == ("u-1", "Bế Thị Thu", "SNV", frozenset({"appraiser", "offline_access"}))
    verifier, challenge = pkce_pair()
    assert len(verifier) >= 43 and "=" not in challenge


def test_the_minted_token_is_what_the_services_verify() -> None:
    settings = WebSettings(jwt_secret=SecretStr(SECRET))
    token = mint(settings, person("SGDDT", "unit_clerk"))
    principal = TokenVerifier(settings).verify(token)
    assert (principal.unit, {r.value for r in principal.roles}) == ("SGDDT", {"unit_clerk"})
    assert jwt.decode(token, options={"verify_signature": False})["exp"] - \
        jwt.decode(token, options={"verify_signature": False})["iat"] == settings.token_ttl_s


def test_a_clerk_sees_only_events_of_their_unit() -> None:
    dossier = {"dossier_id": "d", "unit_code": "SGDDT", "nominee": {"name": "A"}}
    task = {"task_id": "t", "quarter": 1, "number": 2, "lead_units": [{"code": "SNV", "name": "Sở Nội vụ"}],
            "coordinating_units": [{"code": "SYT", "name": "Sở Y tế"}]}
    assert visible(person("SGDDT", "unit_clerk"), dossier) and not visible(person("SYT", "unit_clerk"), dossier)
    assert visible(person("SYT", "unit_clerk"), task) and not visible(person("SGDDT", "unit_clerk"), task)
    assert visible(person(None, "appraiser"), dossier) and not visible(person(None), dossier)
    hub = Hub()
    with hub.listen(person("SYT", "unit_clerk")) as health, hub.listen(person("SGDDT", "unit_clerk")) as school:
        hub.publish("NominationReturned", dossier)
        assert health.queue.empty() and school.queue.get_nowait()["text"] == "Hồ sơ A (SGDDT): bị trả lại."
    assert not hub.listeners


def test_dates_and_money_are_written_the_vietnamese_way() -> None:
    assert vn_date("2026-03-05") == "05/03/2026" and vn_date(date(2026, 12, 1)) == "01/12/2026"
    assert vn_datetime("2026-11-30T17:30:00+00:00") == "01/12/2026 00:30"  # Asia/Ho_Chi_Minh
    assert vn_datetime(datetime(2026, 1, 2, 3, 4)) == "02/01/2026 03:04"
    assert money(760000) == "760.000 đ" and money(None) == "—"
