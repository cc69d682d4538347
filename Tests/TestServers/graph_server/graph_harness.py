"""Starting scripts/graph-test-server and talking to it: raw HTTP for the token endpoint and
/_control, Microsoft's msgraph-sdk for Graph itself."""

import json
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import loopback_harness  # noqa: E402  (ready line, log file, clean stop, raw HTTP)

REPO = loopback_harness.REPO
SERVER_SCRIPT = REPO / "scripts" / "graph-test-server"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# The shared server's tenant (conftest.server); here so test modules need not import conftest.
SEEDED_APPS = 2500
UNOWNED_APPS = 3
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class ServerProcess(loopback_harness.LoopbackProcess):
    """One server on loopback, through scripts/graph-test-server."""

    def __init__(self, *args, start_timeout=60):
        super().__init__(SERVER_SCRIPT.name, *args, start_timeout=start_timeout)
        self.assert_one_line()
        self.authority = self.info["authority"]
        self.graph = self.info["graph"]
        self.tenant = self.info["tenant"]
        self.client_id = self.info["client_id"]
        self.control_url = self.info["control"]
        self.token_url = f"{self.authority}/{self.tenant}/oauth2/v2.0/token"

    @property
    def admin_secret(self):
        return Path(self.info["client_secret_file"]).read_text()

    # ---- raw HTTP ----------------------------------------------------------------------------

    def control(self, method, path, body=None):
        status, _, payload = http(method, f"{self.control_url}{path}", body=body)
        return status, payload

    def token(self, client_id=None, secret=None, scope=GRAPH_SCOPE, assertion=None, tenant=None, extra=None):
        form = {"grant_type": "client_credentials", "client_id": client_id or self.client_id, "scope": scope}
        if secret is not None:
            form["client_secret"] = secret
        if assertion is not None:
            form["client_assertion_type"] = ASSERTION_TYPE
            form["client_assertion"] = assertion
        form.update(extra or {})
        url = f"{self.authority}/{tenant or self.tenant}/oauth2/v2.0/token"
        status, _, payload = http("POST", url, form=form)
        return status, payload

    def admin_token(self):
        status, payload = self.token(secret=self.admin_secret)
        assert status == 200, payload
        return payload["access_token"]

    def graph_call(self, method, path, body=None, token=None, headers=None):
        hdrs = {"Authorization": f"Bearer {token or self.admin_token()}"}
        hdrs.update(headers or {})
        return http(method, path if path.startswith("http") else self.graph + path, body=body, headers=hdrs)


def http(method, url, body=None, form=None, headers=None, timeout=60):
    """(status, headers, parsed JSON or text or None)."""
    data, hdrs = None, dict(headers or {})
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    elif body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    # Percent-encode what a browser would (spaces in $filter), leaving OData's own punctuation alone.
    url = urllib.parse.quote(url, safe=":/?&=$,'()%#@!*+;~")
    status, resp_headers, raw = loopback_harness.http(method, url, data, hdrs, timeout)
    text = raw.decode("utf-8", errors="replace")
    if not raw:
        payload = None
    elif "json" in (resp_headers.get("Content-Type") or ""):
        payload = json.loads(text)
    else:
        payload = text
    return status, resp_headers, payload


# ---- client assertions ---------------------------------------------------------------------------

def client_assertion(server, private_key_file=None, certificate_file=None, thumb="x5t", **overrides):
    """An RS256 JWT signed with the admin's generated key, built with `cryptography` as a client would."""
    import base64
    import hashlib
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    cert = x509.load_pem_x509_certificate(Path(certificate_file or server.info["certificate_file"]).read_bytes())
    der = cert.public_bytes(serialization.Encoding.DER)
    key = serialization.load_pem_private_key(Path(private_key_file or server.info["private_key_file"]).read_bytes(),
                                             password=None)
    header = {"alg": "RS256", "typ": "JWT"}
    if thumb == "x5t":
        header["x5t"] = b64(hashlib.sha1(der).digest())
    else:
        header["x5t#S256"] = b64(hashlib.sha256(der).digest())
    now = int(time.time())
    claims = {"aud": server.token_url, "iss": server.client_id, "sub": server.client_id,
              "jti": str(uuid.uuid4()), "nbf": now, "iat": now, "exp": now + 600}
    claims.update(overrides)
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64(signature)


# ---- Microsoft's SDK -------------------------------------------------------------------------------

def graph_client(server, client_id=None, secret=None):
    """A GraphServiceClient pointed at the server, as the contract README describes, with a token
    provider that really calls the server's token endpoint."""
    import httpx
    from kiota_abstractions.authentication import AccessTokenProvider, AllowedHostsValidator
    from kiota_abstractions.authentication.base_bearer_token_authentication_provider import (
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph import GraphRequestAdapter, GraphServiceClient

    class LoopbackTokenProvider(AccessTokenProvider):
        def __init__(self):
            self.token = None
            self.fetches = 0

        async def get_authorization_token(self, uri, additional_authentication_context=None):
            if self.token is None:
                async with httpx.AsyncClient() as client:
                    resp = await client.post(server.token_url, data={
                        "grant_type": "client_credentials",
                        "client_id": client_id or server.client_id,
                        "client_secret": secret or server.admin_secret,
                        "scope": GRAPH_SCOPE,
                    })
                resp.raise_for_status()
                self.token = resp.json()["access_token"]
                self.fetches += 1
            return self.token

        def get_allowed_hosts_validator(self):
            return AllowedHostsValidator(["127.0.0.1"])

    provider = LoopbackTokenProvider()
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(provider))
    adapter.base_url = server.graph
    client = GraphServiceClient(request_adapter=adapter)
    client.token_provider = provider
    return client
