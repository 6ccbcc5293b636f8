"""The papers' use cases put together for the running service: the signing key read from the
configured PKCS#12 file when a signature is asked for (a key changed on disk is taken up)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import Application

from services.nomination.documents import FileStore
from services.nomination.dossiers.ports import Catalogue
from services.nomination.papers.application import Papers
from services.nomination.papers.messaging import translator
from services.nomination.papers.signing import pkcs12_signer
from services.nomination.settings import NominationSettings

__all__ = ["build", "translator"]


def build(app: Application[UUID], catalogue: Catalogue, store: FileStore, settings: NominationSettings) -> Papers:
    return Papers(app, catalogue, store, signer=_signer(settings))


def _signer(settings: NominationSettings) -> Callable[[], Any] | None:
    path, passphrase = settings.signing_pkcs12, settings.signing_passphrase
    if path is None:
        return None
    secret = passphrase.get_secret_value().encode() if passphrase is not None else None
    return lambda: pkcs12_signer(path.read_bytes(), secret)
