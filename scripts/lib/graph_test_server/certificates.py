"""The admin's self-signed certificate and checks of RS256 client assertions.

This is the only module that uses the `cryptography` package.
"""

import base64
import datetime
import hashlib
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_self_signed(common_name: str, days: int = 365):
    """Returns (certificate PEM, private key PEM, certificate DER, not_before, not_after)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    not_before = now - datetime.timedelta(minutes=5)
    not_after = now + datetime.timedelta(days=days)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert_pem, key_pem, cert.public_bytes(serialization.Encoding.DER), not_before, not_after


def load_der_from_pem(pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def describe_der(der: bytes):
    """Validity (as epoch seconds) and subject of an uploaded certificate; ValueError if it is not one."""
    cert = x509.load_der_x509_certificate(der)
    return _epoch(cert, "not_valid_before"), _epoch(cert, "not_valid_after"), cert.subject.rfc4514_string()


def _epoch(cert, name):
    # cryptography 42 added the *_utc properties; older releases (e.g. Debian's) give naive UTC datetimes.
    aware = getattr(cert, name + "_utc", None)
    if aware is None:
        aware = getattr(cert, name).replace(tzinfo=datetime.timezone.utc)
    return int(aware.timestamp())


def thumbprints(der: bytes):
    """base64url SHA-1 and SHA-256 of the DER, i.e. the x5t and x5t#S256 header values."""
    return b64url_encode(hashlib.sha1(der).digest()), b64url_encode(hashlib.sha256(der).digest())


class AssertionProblem(Exception):
    """Why a client assertion was refused; `aadsts` is the code Entra uses for it."""

    def __init__(self, aadsts, message):
        super().__init__(message)
        self.aadsts = aadsts
        self.message = message


def split_assertion(assertion: str):
    """Decodes header and claims without trusting them yet."""
    try:
        head_b64, claims_b64, sig_b64 = assertion.split(".")
        header = json.loads(b64url_decode(head_b64))
        claims = json.loads(b64url_decode(claims_b64))
        signature = b64url_decode(sig_b64)
    except (ValueError, TypeError) as exc:
        raise AssertionProblem(50027, "JWT token is invalid or malformed.") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise AssertionProblem(50027, "JWT token is invalid or malformed.")
    return header, claims, (head_b64 + "." + claims_b64).encode(), signature


def verify_signature(der: bytes, alg: str, signed: bytes, signature: bytes) -> None:
    public_key = x509.load_der_x509_certificate(der).public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise AssertionProblem(700027, "Client assertion contains an invalid signature. [Reason - The key is not an RSA key.]")
    if alg == "RS256":
        pad = padding.PKCS1v15()
    elif alg == "PS256":
        pad = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    else:
        raise AssertionProblem(700027, f"Client assertion contains an invalid signature. [Reason - Unsupported algorithm '{alg}'.]")
    try:
        public_key.verify(signature, signed, pad, hashes.SHA256())
    except InvalidSignature as exc:
        raise AssertionProblem(700027, "Client assertion contains an invalid signature. [Reason - The signature is not valid.]") from exc
