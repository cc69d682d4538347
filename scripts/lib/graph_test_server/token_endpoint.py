"""POST {authority}/{tenant}/oauth2/v2.0/token: the client-credentials grant with a secret or a certificate.

Status codes and AADSTS codes follow graph-error-and-token-shapes.json: 401
invalid_client for a wrong (7000215) or expired (7000222) secret, 400 for the rest.
"""

import base64
import re
import time
import urllib.parse

from . import certificates, timefmt
from .access_tokens import GRAPH_AUDIENCE
from .directory import credential_is_active
from .errors import TokenError
from .secrets_store import secret_matches

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_CLOCK_SKEW_SECONDS = 300


def _missing(name):
    return TokenError(400, "invalid_request", 900144, f"The request body must contain the following parameter: '{name}'.")


class TokenEndpoint:
    def __init__(self, ctx):
        self.ctx = ctx

    def known_tenant(self, segment: str) -> bool:
        s = segment.lower()
        return s in (self.ctx.directory.tenant_id, self.ctx.directory.domain.lower())

    def handle(self, tenant_segment, method, headers, body: bytes, correlation_id):
        if method != "POST":
            raise TokenError(400, "invalid_request", 900561,
                             f"The endpoint only accepts POST, OPTIONS requests. Received a {method} request.")
        if not self.known_tenant(tenant_segment):
            raise TokenError(400, "invalid_request", 90002,
                             f"Tenant '{tenant_segment}' not found. Check to make sure you have the correct tenant ID "
                             "and are signing into the correct cloud. Check with your subscription administrator, "
                             "this may happen if there are no active subscriptions for the tenant.")
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise TokenError(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: 'grant_type'.")
        try:
            form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise TokenError(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.") from None
        fields = {k: v[0] for k, v in form.items()}
        basic_id, basic_secret = _basic_credentials(headers.get("Authorization"))

        grant_type = fields.get("grant_type")
        if not grant_type:
            raise _missing("grant_type")
        if grant_type != "client_credentials":
            raise TokenError(400, "unsupported_grant_type", 70003,
                             f"The app requested an unsupported grant type '{grant_type}'.")
        client_id = fields.get("client_id") or basic_id
        if not client_id:
            raise _missing("client_id")
        app = self.ctx.directory.find(app_id=client_id) if _GUID.match(client_id) else None
        if app is None:
            raise TokenError(400, "unauthorized_client", 700016,
                             f"Application with identifier '{client_id}' was not found in the directory "
                             f"'{self.ctx.directory.domain}'. This can happen if the application has not been "
                             "installed by the administrator of the tenant or consented to by any user in the tenant. "
                             "You may have sent your authentication request to the wrong tenant.")
        scope = fields.get("scope")
        if not scope:
            raise _missing("scope")

        secret = fields.get("client_secret") or basic_secret
        assertion = fields.get("client_assertion")
        if secret and assertion:
            raise TokenError(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.")
        signed_in = None
        if assertion:
            if fields.get("client_assertion_type") != ASSERTION_TYPE:
                raise TokenError(400, "invalid_request", 50027,
                                 "JWT token is invalid or malformed. [client_assertion_type must be "
                                 f"'{ASSERTION_TYPE}'.]")
            self._check_assertion(app, client_id, tenant_segment, assertion)
        elif secret:
            signed_in = self._check_secret(app, secret)
        else:
            raise TokenError(401, "invalid_client", 7000218,
                             "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")

        audience = self._audience_for(scope)
        principal = self.ctx.directory.principal_for_app(app)
        # Only the admin app holds Graph's application permission; others are valid clients with no roles.
        roles = list(self.ctx.admin_roles) if app.app_id == self.ctx.admin_app_id and audience == GRAPH_AUDIENCE else []
        token = self.ctx.tokens.issue(app.app_id, principal, audience, roles)
        if signed_in is not None:
            self.ctx.sign_ins.record(app, signed_in, principal, timefmt.now_ticks(), correlation_id)
        return {
            "token_type": "Bearer",
            "expires_in": 3599,
            "ext_expires_in": 3599,
            "access_token": token,
        }

    def _audience_for(self, scope: str) -> str:
        # Client credentials take exactly one resource's /.default.
        scopes = scope.split()
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            raise _bad_scope(scope)
        resource = scopes[0][: -len("/.default")].rstrip("/")
        if resource.lower() in (GRAPH_AUDIENCE, "00000003-0000-0000-c000-000000000000"):
            return GRAPH_AUDIENCE
        target = resource[len("api://"):] if resource.lower().startswith("api://") else resource
        if _GUID.match(target) and self.ctx.directory.find(app_id=target) is not None:
            return f"api://{target.lower()}"
        raise _bad_scope(scope)

    def _check_secret(self, app, secret: str):
        with self.ctx.directory.lock:
            creds = list(app.passwords)
        now = timefmt.now_ticks()
        # A secret still replicating is unknown to the token endpoint: Entra answers 7000215 then, as for a wrong one.
        wall = time.time()
        matched = [c for c in creds if c.usable_after <= wall and secret_matches(secret, c.salt, c.digest)]
        active = next((c for c in matched if credential_is_active(c, now)), None)
        if active is not None:
            return active
        if any(c.end <= now for c in matched):
            raise TokenError(401, "invalid_client", 7000222,
                             f"The provided client secret keys for app '{app.app_id}' are expired. Visit the Azure "
                             "portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider "
                             "using certificate credentials for added security: https://aka.ms/certCreds.")
        raise TokenError(401, "invalid_client", 7000215,
                         "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                         f"secret value, not the client secret ID, for a secret added to app '{app.app_id}'.")

    def _check_assertion(self, app, client_id, tenant_segment, assertion: str):
        try:
            header, claims, signed, signature = certificates.split_assertion(assertion)
            x5t, x5t_s256 = header.get("x5t"), header.get("x5t#S256")
            with self.ctx.directory.lock:
                keys = list(app.keys)
            key = next((k for k in keys if (x5t and k.x5t == x5t) or (x5t_s256 and k.x5t_s256 == x5t_s256)), None)
            if key is None:
                raise certificates.AssertionProblem(
                    700027, "The certificate with identifier used to sign the client assertion is not registered on "
                    f"application. [Reason - The key was not found., Thumbprint of key used by client: "
                    f"'{x5t or x5t_s256}']")
            certificates.verify_signature(key.der, header.get("alg"), signed, signature)
            if claims.get("iss") != client_id or claims.get("sub") != client_id:
                raise certificates.AssertionProblem(
                    700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
            audience = claims.get("aud")
            if not isinstance(audience, str) or audience not in self.ctx.assertion_audiences(tenant_segment):
                raise certificates.AssertionProblem(
                    700023, "Client assertion audience claim does not match Realm issuer.")
            now = timefmt.now_seconds()
            exp, nbf = claims.get("exp"), claims.get("nbf", 0)
            if not isinstance(exp, (int, float)) or exp + _CLOCK_SKEW_SECONDS <= now or \
                    (isinstance(nbf, (int, float)) and nbf - _CLOCK_SKEW_SECONDS > now):
                raise certificates.AssertionProblem(700024, "Client assertion is not within its valid time range.")
            if not claims.get("jti"):
                raise certificates.AssertionProblem(50027, "JWT token is invalid or malformed. [jti is missing.]")
            if not credential_is_active(key):
                raise certificates.AssertionProblem(
                    700027, "Client assertion contains an invalid signature. [Reason - The key used is expired.]")
        except certificates.AssertionProblem as problem:
            raise TokenError(401 if problem.aadsts != 50027 else 400,
                             "invalid_client" if problem.aadsts != 50027 else "invalid_request",
                             problem.aadsts, problem.message) from None


def _bad_scope(scope):
    return TokenError(400, "invalid_scope", 70011,
                      f"The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.")


def _basic_credentials(header):
    """client_secret_basic: RFC 6749 form-encodes id and secret before base64."""
    if not header or not header.lower().startswith("basic "):
        return None, None
    try:
        raw = base64.b64decode(header[6:].strip()).decode()
        user, _, password = raw.partition(":")
        return urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(password)
    except (ValueError, UnicodeDecodeError):
        return None, None


def openid_configuration(authority, tenant_id):
    """Discovery document, enough for MSAL-style clients to find the token endpoint."""
    return {
        "token_endpoint": f"{authority}/{tenant_id}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"{authority}/{tenant_id}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{authority}/{tenant_id}/v2.0",
        "request_uri_parameter_supported": False,
        "authorization_endpoint": f"{authority}/{tenant_id}/oauth2/v2.0/authorize",
        "tenant_region_scope": None,
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    }
