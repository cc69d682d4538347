"""The bearer token every Graph call (v1.0 and beta) must carry, checked the same way for both."""

from .access_tokens import TokenRejected
from .errors import unauthenticated


def claims_of(ctx, headers) -> dict:
    header = headers.get("Authorization") or ""
    scheme, _, token = header.partition(" ")
    if not header.strip():
        raise unauthenticated("Access token is empty.")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated("Access token validation failure.")
    try:
        return ctx.tokens.verify(token.strip())
    except TokenRejected as rejected:
        raise unauthenticated(rejected.message) from None
