"""What this provider checks in client metadata beyond Authlib's own claim validation.

Authlib's `authlib.oidc.registration.ClientMetadataClaims` checks that application_type is web or native, but
leaves OIDC Dynamic Client Registration 1.0 §2's rules for their redirect URIs to the server ("The Authorization
Server MUST verify that all the registered redirect_uris conform to these constraints"). This provider enforces
them as a strict server may: web clients register https URIs not on localhost; native clients register custom
schemes or http loopback URIs.
"""
from urllib.parse import urlparse

from authlib.oauth2.rfc7591.errors import InvalidRedirectURIError

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def check_redirect_uris(metadata, required):
    uris = metadata.get("redirect_uris") or []
    if not uris:
        if required:
            raise InvalidRedirectURIError(description="redirect_uris is required by this provider")
        return
    application_type = metadata.get("application_type") or "web"
    for uri in uris:
        parts = urlparse(uri)
        host = (parts.hostname or "").lower()
        if application_type == "web":
            if parts.scheme != "https" or host in LOOPBACK_HOSTS:
                raise InvalidRedirectURIError(
                    description=f"web clients must register https redirect URIs not on localhost "
                                f"(OpenID Connect Registration section 2, application_type): {uri}")
        elif parts.scheme in ("http", "https"):
            if parts.scheme != "http" or host not in LOOPBACK_HOSTS:
                raise InvalidRedirectURIError(
                    description=f"native clients must register custom-scheme or http loopback redirect URIs: {uri}")
