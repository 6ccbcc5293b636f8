"""PAdES signatures of issued PDFs (pyHanko): signing with a key from a PKCS#12 file or from a
PKCS#11 token (a USB token, an HSM; tested with SoftHSM2), and validating a signed file against
the certificates trusted — a file changed after signing fails."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def pkcs12_signer(data: bytes, passphrase: bytes | None) -> signers.SimpleSigner:
    """The key and certificate of a PKCS#12 file (.p12/.pfx); SigningKeyError when it cannot be read."""
    try:
        signer: signers.SimpleSigner | None = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(),
                                                                                    passphrase=passphrase)
    except (ValueError, TypeError, OSError) as error:
        raise SigningKeyError(f"Không đọc được tệp khóa PKCS#12: {error}") from None
    if signer is None:
        raise SigningKeyError("Không đọc được tệp khóa PKCS#12 (sai mật khẩu hoặc tệp hỏng).")
    return signer


@contextlib.contextmanager
def pkcs11_signer(library: str, token_label: str, pin: str, key_label: str,
                  certificate: bytes | None = None) -> Iterator[signers.Signer]:
    """The key `key_label` of the PKCS#11 token `token_label` (opened with `pin`) while the block
    runs; its certificate from the token (same label), or `certificate` (DER) when given."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(library, token_criteria=TokenCriteria(label=token_label), user_pin=pin)
    except Exception as error:  # the library's own errors: no such token, wrong PIN, library missing
        raise SigningKeyError(f"Không mở được thiết bị ký số PKCS#11 '{token_label}': "
                              f"{type(error).__name__} {error}") from None
    try:
        cert = asn1_x509.Certificate.load(certificate) if certificate else None
        yield PKCS11Signer(session, key_label=key_label, cert_label=None if cert else key_label, signing_cert=cert)
    finally:
        session.close()


def signer_name(signer: signers.Signer) -> str:
    cert = signer.signing_cert
    return str(cert.subject.human_friendly) if cert is not None else ""


def sign(pdf: bytes, signer: signers.Signer, *, reason: str = "Ký ban hành", location: str = "Cao Bằng") -> bytes:
    """`pdf` with a PAdES signature appended (an incremental update: the signed bytes are kept)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="ChuKySo", reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.sign_pdf(writer, meta, signer=signer)
    signed: bytes = out.getvalue()
    return signed


@dataclass(frozen=True)
class Verdict:
    valid: bool  # intact, cryptographically sound and from a trusted certificate
    intact: bool  # the signed bytes are unchanged
    trusted: bool
    covers_whole_file: bool  # nothing was appended after the signature
    signer: str
    problem: str = ""


def verify(pdf: bytes, trust_roots: list[Any]) -> Verdict:
    """The verdict on the file's first signature; a file that cannot be read is not valid."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return Verdict(False, False, False, False, "", "không có chữ ký số")
        embedded = signatures[0]
        roots = [asn1_x509.Certificate.load(c) if isinstance(c, bytes) else c for c in trust_roots]
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=roots, allow_fetching=False))
    except Exception as error:  # a damaged file: whatever pyHanko raises, the signature does not hold
        return Verdict(False, False, False, False, "", f"không kiểm tra được: {type(error).__name__}: {error}")
    coverage = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    return Verdict(valid=bool(status.bottom_line) and coverage, intact=bool(status.intact),
                   trusted=bool(status.trusted), covers_whole_file=coverage,
                   signer=str(status.signing_cert.subject.human_friendly) if status.signing_cert else "")


class SigningKeyError(ValueError):
    """Raised when the PKCS#12 file cannot be read."""
