"""Events encrypted at rest, with keys that rotate (`CIPHER_TOPIC=servicekit.crypto:RotatingCipher`).

`CIPHER_KEYS` lists base64 AES keys (16, 24 or 32 bytes), newest first: new events are
encrypted (AES-GCM) with the first; events written under an older key stay readable as long
as that key is listed. Rotating = putting a new key first; retiring a key = re-encrypting the
events it protects (`reencrypt`, run by the migration step's owner role) and removing it.
Each ciphertext names its key (a short fingerprint), so no key is tried in vain; events stored
before encryption was switched on are read as they are.
"""

from __future__ import annotations

import hashlib
import os
from base64 import b64decode, b64encode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment

MAGIC = b"\x00TDKT1"  # no transcoded event starts with NUL: a plaintext event is never taken for one


def new_key() -> str:
    return b64encode(AESGCM.generate_key(256)).decode()


def fingerprint(key: bytes) -> bytes:
    return hashlib.sha256(b"tdkt-cipher-key:" + key).digest()[:4]


class RotatingCipher(Cipher):
    CIPHER_KEYS = "CIPHER_KEYS"

    def __init__(self, environment: Environment) -> None:
        listed = [k.strip() for k in (environment.get(self.CIPHER_KEYS) or "").split(",") if k.strip()]
        if not listed:
            raise OSError(f"'{self.CIPHER_KEYS}' not in env")
        self.keys = [b64decode(key) for key in listed]
        for key in self.keys:
            if len(key) not in (16, 24, 32):
                raise ValueError("CIPHER_KEYS: each key must be 16, 24 or 32 bytes, base64")
        self.by_fingerprint = {fingerprint(key): AESGCM(key) for key in self.keys}
        self.current = fingerprint(self.keys[0])

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        return MAGIC + self.current + nonce + self.by_fingerprint[self.current].encrypt(nonce, plaintext, MAGIC)

    def decrypt(self, ciphertext: bytes) -> bytes:
        if not ciphertext.startswith(MAGIC):
            return ciphertext  # stored before encryption was switched on
        head = len(MAGIC)
        key_id, nonce, sealed = ciphertext[head:head + 4], ciphertext[head + 4:head + 16], ciphertext[head + 16:]
        aead = self.by_fingerprint.get(key_id)
        if aead is None:
            raise ValueError("event encrypted with a key that is no longer listed in CIPHER_KEYS")
        try:
            return aead.decrypt(nonce, sealed, MAGIC)
        except InvalidTag:
            raise ValueError("damaged or altered encrypted event") from None

    def key_of(self, ciphertext: bytes) -> bytes | None:
        """The fingerprint of the key that encrypted `ciphertext` (None: not encrypted)."""
        return ciphertext[len(MAGIC):len(MAGIC) + 4] if ciphertext.startswith(MAGIC) else None
