"""Sign-in with any OpenID Connect provider: discovery, the authorization code flow with PKCE,
the ID token checked against the provider's keys (JWKS), and our unit and roles read from its
claims through a configurable mapping."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from services.web.settings import WebSettings


class OidcError(Exception):
    """Raised when the provider's answer cannot be trusted or used (a Vietnamese message)."""


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class OidcClient:
    def __init__(self, settings: WebSettings, http: httpx.AsyncClient | None = None) -> None:
        assert settings.oidc_issuer
        self.settings = settings
        self.issuer = settings.oidc_issuer.rstrip("/")
        self.http = http or httpx.AsyncClient(timeout=15)
        self._metadata: dict[str, Any] | None = None
        self._jwks: jwt.PyJWKClient | None = None

    @property
    def redirect_uri(self) -> str:
        return f"{self.settings.public_url.rstrip('/')}/oidc/callback"

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            response = await self.http.get(f"{self.issuer}/.well-known/openid-configuration")
            response.raise_for_status()
            metadata = response.json()
            if metadata.get("issuer", "").rstrip("/") != self.issuer:
                raise OidcError("Nhà cung cấp định danh trả về issuer khác với cấu hình.")
            self._metadata = metadata
        return self._metadata

    async def authorization_url(self, state: str, nonce: str, challenge: str) -> str:
        endpoint = (await self.metadata())["authorization_endpoint"]
        query = {"response_type": "code", "client_id": self.settings.oidc_client_id, "redirect_uri": self.redirect_uri,
                 "scope": self.settings.oidc_scopes, "state": state, "nonce": nonce,
                 "code_challenge": challenge, "code_challenge_method": "S256"}
        return f"{endpoint}?{urlencode(query)}"

    async def exchange(self, code: str, verifier: str, nonce: str) -> tuple[dict[str, Any], str]:
        """The ID token's claims (checked) and the raw ID token, for the authorization code."""
        metadata = await self.metadata()
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri,
                "code_verifier": verifier, "client_id": self.settings.oidc_client_id}
        secret = self.settings.oidc_client_secret
        if secret:
            response = await self.http.post(metadata["token_endpoint"], data=form,
                                            auth=(self.settings.oidc_client_id, secret.get_secret_value()))
        else:
            response = await self.http.post(metadata["token_endpoint"], data=form)
        if response.status_code != 200:
            raise OidcError(f"Nhà cung cấp định danh từ chối mã đăng nhập ({response.status_code}).")
        id_token = response.json().get("id_token")
        if not id_token:
            raise OidcError("Nhà cung cấp định danh không trả về ID token.")
        claims = await asyncio.to_thread(self._verify, id_token, metadata["jwks_uri"])
        if not hmac_equal(claims.get("nonce", ""), nonce):
            raise OidcError("ID token không khớp với lượt đăng nhập này (nonce).")
        return claims, id_token

    def _verify(self, id_token: str, jwks_uri: str) -> dict[str, Any]:
        if self._jwks is None:
            self._jwks = jwt.PyJWKClient(jwks_uri)
        try:
            key = self._jwks.get_signing_key_from_jwt(id_token)
            return jwt.decode(id_token, key.key, algorithms=["RS256", "ES256", "PS256", "EdDSA"],
                              audience=self.settings.oidc_client_id, issuer=self.issuer,
                              options={"require": ["exp", "iat", "sub"]})
        except jwt.PyJWTError as error:
            raise OidcError(f"ID token không hợp lệ: {error}") from None

    async def end_session_url(self, id_token: str | None) -> str | None:
        endpoint = (await self.metadata()).get("end_session_endpoint")
        if not endpoint:
            return None
        query = {"post_logout_redirect_uri": f"{self.settings.public_url.rstrip('/')}/dang-nhap",
                 "client_id": self.settings.oidc_client_id, **({"id_token_hint": id_token} if id_token else {})}
        return f"{endpoint}?{urlencode(query)}"


def hmac_equal(a: str, b: str) -> bool:
    return secrets.compare_digest(a.encode(), b.encode())


def claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by dotted path (`realm_access.roles`)."""
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def identity(settings: WebSettings, claims: dict[str, Any]) -> tuple[str, str, str | None, frozenset[str]]:
    """(subject, name, unit, roles) from the provider's claims, through the configured mapping."""
    raw = claim(claims, settings.oidc_roles_claim) or []
    names = [raw] if isinstance(raw, str) else [str(r) for r in raw]
    roles = frozenset(settings.oidc_role_map.get(name, name) for name in names)
    unit = claim(claims, settings.oidc_unit_claim)
    name = claim(claims, settings.oidc_name_claim) or claims.get("preferred_username") or claims["sub"]
    return str(claims["sub"]), str(name), str(unit) if unit else None, roles
