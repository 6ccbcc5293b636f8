"""Identity: bearer JWTs whose claims name the person's unit and roles.

Production verifies tokens of the province's OIDC provider (`TDKT_JWT_JWKS_URL`, RS256/ES256);
`tdkt up` and the tests sign with a local key (`TDKT_JWT_SECRET`, HS256).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

import jwt
from fastapi import Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from servicekit.settings import ServiceSettings


class Role(StrEnum):
    UNIT_CLERK = "unit_clerk"  # cán bộ TĐKT của đơn vị
    PLANNER = "planner"  # chuyên viên Ban TĐKT quản lý kế hoạch
    APPRAISER = "appraiser"  # chuyên viên thẩm định
    COUNCIL_MEMBER = "council_member"
    COUNCIL_SECRETARY = "council_secretary"
    CHAIR = "chair"
    AUDITOR = "auditor"
    INTEGRATOR = "integrator"  # hệ thống khác (e-office, …)
    ADMIN = "admin"


class Principal(BaseModel):
    model_config = ConfigDict(frozen=True)  # one verified token's principal serves its every request

    subject: str
    name: str = ""
    unit: str | None = None
    roles: frozenset[Role] = Field(default_factory=frozenset)

    def has_any(self, roles: Iterable[Role]) -> bool:
        return Role.ADMIN in self.roles or any(role in self.roles for role in roles)


class AuthError(Exception):
    """Raised when a request carries no valid token (HTTP 401)."""


class ForbiddenError(Exception):
    """Raised when the person's roles do not allow the command (HTTP 403)."""


class TokenVerifier:
    VERIFIED_MAX = 10_000  # tokens kept verified; beyond it the oldest is dropped

    def __init__(self, settings: ServiceSettings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        # Keys rotate without a restart: a token signed with a key not seen yet makes the client
        # fetch the provider's key set again (at most once per cooldown), and the set expires.
        self._jwks = jwt.PyJWKClient(
            settings.jwt_jwks_url, lifespan=settings.jwt_jwks_lifespan_s,
            cooldown_duration=settings.jwt_jwks_cooldown_s, timeout=10,
        ) if settings.jwt_jwks_url else None
        # A client sends the same token on every request until it expires: the principal of a
        # token verified already is kept by the token's exact string (same bytes, same signature)
        # until its `exp`, so each request still refuses an expired token, and a forged or
        # altered one (another string) is verified in full. With provider keys, a token is kept
        # for at most the key set's lifespan as well: a withdrawn key's tokens stop working
        # within two lifespans of its withdrawal (one before: the key set's own cache).
        self._clock = clock
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._verified_lock = threading.Lock()
        self._keep_s = settings.jwt_jwks_lifespan_s if settings.jwt_jwks_url else None

    @property
    def fetches_keys(self) -> bool:
        """True when verifying may fetch the provider's keys over the network (JWKS)."""
        return self._jwks is not None

    def cached(self, token: str) -> Principal | None:
        """The principal of `token` when it was verified already and has not expired since."""
        found = self._verified.get(token)
        if found is None:
            return None
        principal, until = found
        if self._clock() < until:
            return principal
        with self._verified_lock:
            self._verified.pop(token, None)
        return None

    def verify(self, token: str) -> Principal:
        principal = self.cached(token)
        if principal is not None:
            return principal
        principal, expires = self._verify(token)
        now = self._clock()
        until = expires if self._keep_s is None else min(expires, now + self._keep_s)
        with self._verified_lock:
            if len(self._verified) >= self.VERIFIED_MAX:
                expired = [t for t, (_, end) in self._verified.items() if end <= now]
                for stale in expired or [next(iter(self._verified))]:
                    del self._verified[stale]
            self._verified[token] = (principal, until)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            if self._jwks is not None:
                key = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256", "ES256"]
            else:
                assert self.settings.jwt_secret is not None
                key = self.settings.jwt_secret.get_secret_value()
                algorithms = ["HS256"]
            claims = jwt.decode(
                token, key, algorithms=algorithms,
                audience=self.settings.jwt_audience, issuer=self.settings.jwt_issuer,
                options={"require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise AuthError(f"Mã truy cập không hợp lệ: {error}") from None
        roles = frozenset(Role(r) for r in claims.get("roles", []) if r in Role.__members__.values())
        principal = Principal(subject=claims["sub"], name=claims.get("name", ""),
                              unit=claims.get("unit"), roles=roles)
        return principal, float(claims["exp"])


def issue_token(
    secret: str, *, subject: str, roles: Iterable[str], unit: str | None = None, name: str = "",
    issuer: str = "tdkt-local", audience: str = "tdkt", ttl_s: int = 8 * 3600,
) -> str:
    """Sign a local HS256 token (for `tdkt token`, `tdkt up` and tests)."""
    now = int(time.time())
    claims = {"sub": subject, "name": name, "unit": unit, "roles": list(roles),
              "iss": issuer, "aud": audience, "iat": now, "exp": now + ttl_s}
    return jwt.encode(claims, secret, algorithm="HS256")


async def current_principal(request: Request) -> Principal:
    # async: a plain `def` dependency costs a worker-thread hop on every request.
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthError("Thiếu mã truy cập (Authorization: Bearer …)")
    verifier: TokenVerifier = request.app.state.verifier
    token = token.strip()
    if (principal := verifier.cached(token)) is not None:
        return principal
    if verifier.fetches_keys:  # may wait on the OIDC provider: keep it off the event loop
        return await asyncio.to_thread(verifier.verify, token)
    return verifier.verify(token)  # a local HS256 signature check takes microseconds


PrincipalDep = Annotated[Principal, Depends(current_principal)]


Scope = Literal["any", "own"]


@dataclass(frozen=True)
class Policy:
    """Who may call a route: the roles (an administrator always may), and whether a person of a
    unit acts only on the data of that unit (`unit="own"`: the service filters or refuses the
    rest). Declared on every route; the OpenAPI document says it (`x-tdkt-policy`)."""

    roles: frozenset[Role] = frozenset()
    unit: Scope = "any"
    public: bool = False

    def document(self) -> dict[str, object]:
        return {"public": self.public, "roles": sorted(role.value for role in self.roles), "unit": self.unit}


def require(*roles: Role, unit: Scope = "any") -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only people holding one of `roles` (or admin); its policy
    is the route's (`unit="own"`: the route serves a unit's own data only)."""

    async def check(principal: PrincipalDep) -> Principal:
        if not principal.has_any(roles):
            names = ", ".join(role.value for role in roles)
            raise ForbiddenError(f"Cần một trong các vai trò: {names}")
        return principal

    check.policy = Policy(frozenset(roles), unit)  # type: ignore[attr-defined]
    return check


async def signed_in(principal: PrincipalDep) -> Principal:
    """Any person or system holding at least one role: a token without roles reads nothing."""
    if not principal.roles:
        raise ForbiddenError("Tài khoản chưa được giao vai trò nào")
    return principal


signed_in.policy = Policy(frozenset(Role))  # type: ignore[attr-defined]
SIGNED_IN = [Depends(signed_in)]  # the `dependencies` of a read any signed-in person may make


async def public() -> None:
    """The dependency of a route anyone may call, signed in or not (its declared policy)."""


public.policy = Policy(public=True)  # type: ignore[attr-defined]
PUBLIC = Depends(public)


def policy_of(dependant: Any) -> Policy | None:
    """The policy a route declares through its dependencies, if any."""
    found = getattr(dependant.call, "policy", None)
    if isinstance(found, Policy):
        return found
    for sub in dependant.dependencies:
        if (inner := policy_of(sub)) is not None:
            return inner
    return None
