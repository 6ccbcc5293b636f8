"""A token verified once is not verified again on each request, and nothing else changes: an
expired token is refused, an altered or forged one is verified in full and refused."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from pydantic import SecretStr, ValidationError

from servicekit import auth
from servicekit.auth import AuthError, TokenVerifier, issue_token
from servicekit.settings import ServiceSettings

SECRET = "k" * 40


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """The tokens whose signature was checked (every call of `jwt.decode`)."""
    calls: list[str] = []
    decode = jwt.decode

    def counted(token: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counted)
    return calls


def _verifier(clock: Clock) -> TokenVerifier:
    return TokenVerifier(ServiceSettings(jwt_secret=SecretStr(SECRET)), clock=clock)


def test_a_token_is_verified_once_until_it_expires(decodes: list[str]) -> None:
    clock = Clock()
    verifier = _verifier(clock)
    token = issue_token(SECRET, subject="u1", roles=["planner"], unit="SNV", ttl_s=60)
    first = verifier.verify(token)
    assert [verifier.verify(token) for _ in range(3)] == [first] * 3
    assert first.subject == "u1" and first.unit == "SNV" and len(decodes) == 1
    with pytest.raises(ValidationError):  # one principal serves many requests: nobody may change it
        first.unit = "other"

    clock.now += 61  # past its exp: no longer kept, its signature and expiry are checked again
    assert verifier.cached(token) is None
    verifier.verify(token)  # (PyJWT's own clock has not reached its exp)
    assert len(decodes) == 2


def test_a_kept_token_is_refused_once_it_expires(decodes: list[str]) -> None:
    verifier = TokenVerifier(ServiceSettings(jwt_secret=SecretStr(SECRET)))
    token = issue_token(SECRET, subject="u1", roles=["planner"], ttl_s=1)
    verifier.verify(token)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expires - time.time()) + 0.05)
    with pytest.raises(AuthError, match="expired"):
        verifier.verify(token)
    assert len(decodes) == 3  # verified, read above, verified again


def test_an_altered_or_forged_token_is_verified_in_full(decodes: list[str]) -> None:
    verifier = _verifier(Clock())
    token = issue_token(SECRET, subject="u1", roles=["planner"])
    verifier.verify(token)
    header, claims, signature = token.split(".")
    altered = ".".join([header, claims, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")])
    forged = issue_token("f" * 40, subject="u1", roles=["admin"])
    for bad in (altered, forged, token + " "):
        with pytest.raises(AuthError):
            verifier.verify(bad)
        assert verifier.cached(bad) is None  # a refused token is not kept
    assert decodes == [token, altered, forged, token + " "]


def test_the_kept_tokens_are_bounded(monkeypatch) -> None:
    clock = Clock()
    verifier = _verifier(clock)
    monkeypatch.setattr(TokenVerifier, "VERIFIED_MAX", 3)
    short = issue_token(SECRET, subject="short", roles=[], ttl_s=10)
    verifier.verify(short)
    tokens = [issue_token(SECRET, subject=f"u{i}", roles=[], ttl_s=3600) for i in range(4)]
    for token in tokens[:2]:
        verifier.verify(token)
    clock.now += 20  # `short` has expired: it makes room first
    verifier.verify(tokens[2])
    assert [verifier.cached(t) is not None for t in (short, *tokens[:3])] == [False, True, True, True]
    verifier.verify(tokens[3])  # full of live tokens: the oldest goes
    assert [verifier.cached(t) is not None for t in tokens] == [False, True, True, True]
