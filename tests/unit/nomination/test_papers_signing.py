"""PAdES signatures of an issued decision, without the service: with a key from a PKCS#12 file and
from a PKCS#11 token (SoftHSM2 from Debian's packages, installed here when missing and run as
root); the signature validates, and one changed byte breaks it."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from services.nomination.papers import content, pdf, signing
from services.nomination.papers.content import Entry

SOFTHSM_LIBRARIES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]


def key_and_certificate() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Chủ tịch UBND tỉnh Cao Bằng (khóa thử)")])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    usage = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(usage, critical=True).sign(key, hashes.SHA256()))
    return key, cert


def decision_pdf() -> bytes:
    entry = Entry("1", "Nông Thị Hoa", "ca_nhan", "Giáo viên", "SGDDT", "BKT", "Bằng khen tỉnh", 2025, "", 3_800_000)
    return pdf.render(content.decision(entries=[entry], signed_on=date(2026, 7, 20), number="125/QĐ-UBND"))


def assert_holds_until_a_byte_changes(original: bytes, signed: bytes, trusted: bytes) -> None:
    verdict = signing.verify(signed, [trusted])
    assert verdict.valid and verdict.intact and verdict.trusted and verdict.covers_whole_file, verdict
    assert "khóa thử" in verdict.signer
    assert signed.startswith(original)  # an incremental update: the issued bytes are kept as they were
    for position in (len(original) // 3, len(original) - 100):
        changed = bytearray(signed)
        changed[position] ^= 0x01
        assert not signing.verify(bytes(changed), [trusted]).valid, position
    appended = signed + b"\n% added later\n"
    assert not signing.verify(appended, [trusted]).valid
    assert not signing.verify(original, [trusted]).valid  # unsigned
    _, other_cert = key_and_certificate()
    assert not signing.verify(signed, [other_cert.public_bytes(serialization.Encoding.DER)]).trusted


def test_a_decision_signed_with_a_pkcs12_key_validates_until_one_byte_changes() -> None:
    key, cert = key_and_certificate()
    p12 = pkcs12.serialize_key_and_certificates(b"khoa", key, cert, None,
                                                serialization.BestAvailableEncryption(b"mat-khau"))
    original = decision_pdf()
    signed = signing.sign(original, signing.pkcs12_signer(p12, b"mat-khau"))
    assert_holds_until_a_byte_changes(original, signed, cert.public_bytes(serialization.Encoding.DER))
    with pytest.raises(signing.SigningKeyError):
        signing.pkcs12_signer(p12, b"sai-mat-khau")


def softhsm() -> tuple[str, str]:
    """SoftHSM2's tool and library; installed from Debian's packages when missing (as root)."""
    if shutil.which("softhsm2-util") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "softhsm2"], check=False, capture_output=True,
                       timeout=600)
    tool = shutil.which("softhsm2-util")
    library = next((path for path in SOFTHSM_LIBRARIES if Path(path).is_file()), None)
    if tool is None or library is None:
        pytest.skip("SoftHSM2 absent (Debian package softhsm2) and not installable here")
    return tool, library


def test_a_decision_signed_on_a_pkcs11_token_validates_until_one_byte_changes(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    tool, library = softhsm()
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    key, cert = key_and_certificate()
    pem = tmp_path / "khoa.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    for command in (["--init-token", "--free", "--label", "tdkt", "--pin", "123456", "--so-pin", "654321"],
                    ["--import", str(pem), "--token", "tdkt", "--label", "ky-so", "--id", "01", "--pin", "123456"]):
        done = subprocess.run([tool, *command], capture_output=True, text=True, timeout=60, env=os.environ.copy())
        assert done.returncode == 0, done.stdout + done.stderr
    der = cert.public_bytes(serialization.Encoding.DER)
    original = decision_pdf()
    with signing.pkcs11_signer(library, "tdkt", "123456", "ky-so", certificate=der) as signer:
        signed = signing.sign(original, signer)
    assert_holds_until_a_byte_changes(original, signed, der)
    with pytest.raises(signing.SigningKeyError), signing.pkcs11_signer(library, "tdkt", "000000", "ky-so", der):
        pass
