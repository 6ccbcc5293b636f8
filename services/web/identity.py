"""The token the services receive for a person: minted per request from the session, signed with
the key the services verify (`TDKT_JWT_SECRET`), short-lived. Whether the person signed in with a
local account or with OIDC, the services see the same claims: subject, name, unit, roles."""

from __future__ import annotations

from servicekit.auth import issue_token
from services.web.sessions import Person
from services.web.settings import WebSettings

# The public portal's own identity, used for one call only: recording a citizen's comment on a
# dossier under public notice (the nomination service lets an appraiser record comments).
PORTAL = Person(subject="cong-thong-tin", name="Cổng thông tin (ý kiến của người dân)", unit="SNV",
                roles=frozenset({"appraiser"}), csrf="")


class SigningKeyMissingError(RuntimeError):
    def __init__(self) -> None:
        super().__init__("Dịch vụ web cần TDKT_JWT_SECRET (khóa ký mà các dịch vụ kiểm tra) để cấp mã truy cập.")


def mint(settings: WebSettings, person: Person) -> str:
    if settings.jwt_secret is None:
        raise SigningKeyMissingError()
    return issue_token(settings.jwt_secret.get_secret_value(), subject=person.subject, roles=sorted(person.roles),
                       unit=person.unit, name=person.name, issuer=settings.jwt_issuer,
                       audience=settings.jwt_audience, ttl_s=settings.token_ttl_s)
