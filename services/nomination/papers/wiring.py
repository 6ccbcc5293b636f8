"""The papers' use cases put together for the running service: the signing key — a PKCS#12 file,
or a PKCS#11 token — opened each time a signature is asked for (a key changed is taken up)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from services.nomination.documents import FileStore
from services.nomination.dossiers.ports import Catalogue
from services.nomination.papers.application import Papers
from services.nomination.papers.messaging import translator, unpublished
from services.nomination.papers.signing import pkcs11_signer, pkcs12_signer
from services.nomination.settings import NominationSettings

__all__ = ["build", "translator", "unpublished"]


def build(app: Application[UUID], catalogue: Catalogue, store: FileStore, settings: NominationSettings) -> Papers:
    return Papers(app, catalogue, store, signer=_signer(settings))


def _signer(settings: NominationSettings) -> Callable[[], AbstractContextManager[Any]] | None:
    library, pin = settings.signing_pkcs11_library, settings.signing_pkcs11_pin
    if library is not None:
        certificate = settings.signing_pkcs11_certificate
        return lambda: pkcs11_signer(str(library), settings.signing_pkcs11_token, pin.get_secret_value() if pin else "",
                                     settings.signing_pkcs11_key_label,
                                     certificate.read_bytes() if certificate else None)
    path, passphrase = settings.signing_pkcs12, settings.signing_passphrase
    if path is None:
        return None
    secret = passphrase.get_secret_value().encode() if passphrase is not None else None
    return lambda: contextlib.nullcontext(pkcs12_signer(path.read_bytes(), secret))
