"""Client secrets: generated in Entra's shape, kept only as salted hashes.

The secret text leaves the server exactly once (the addPassword answer, or the
admin's secret file); afterwards only the salt and SHA-256 digest remain, which is
all the token endpoint needs to check a presented secret.
"""

import hashlib
import hmac
import os
import secrets

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
# Entra's own secrets carry '~', '.', '_' and '-'; keeping them forces clients to form-encode properly.
_BODY_ALPHABET = _ALPHABET + "~._-"


def _pick(alphabet: str, count: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(count))


def new_secret_text() -> str:
    """40 characters like today's Entra secrets: three characters, a digit, 'Q~', then 34 more."""
    return _pick(_ALPHABET, 3) + secrets.choice("0123456789") + "Q~" + _pick(_BODY_ALPHABET, 34)


def hash_secret(secret_text: str):
    salt = os.urandom(16)
    return salt, hashlib.sha256(salt + secret_text.encode()).digest()


def unknown_secret_hash():
    """A hash nobody holds the secret for: seeded credentials whose text was never handed out."""
    salt = os.urandom(16)
    return salt, hashlib.sha256(salt + os.urandom(32)).digest()


def secret_matches(secret_text: str, salt: bytes, digest: bytes) -> bool:
    return hmac.compare_digest(hashlib.sha256(salt + secret_text.encode()).digest(), digest)
