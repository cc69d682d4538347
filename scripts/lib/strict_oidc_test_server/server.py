"""A standards-strict OpenID provider on 127.0.0.1, for tests: Authlib's RFC 7591 registration and RFC 7592
configuration endpoints and its OIDC registration metadata claims, under Flask. See README.md for the modes.

Entry point: scripts/strict-oidc-test-server. Prints ONE JSON line on stdout when ready, then serves until
SIGTERM/SIGINT.
"""
import argparse
import json
import logging
import os
import signal
import sys
import time
from urllib.parse import urlparse

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc7591 import ClientMetadataClaims as OAuthClientMetadata
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from authlib.oauth2.rfc7592 import ClientConfigurationEndpoint
from authlib.oidc.registration import ClientMetadataClaims as OIDCClientMetadata
from flask import Flask, jsonify, request
from werkzeug.serving import make_server

from clients import Client, Store
from metadata import check_redirect_uris

SCOPES = ["api.read", "api.write"]
UPDATE_MODES = ["supported", "400", "405", "501"]


def bearer(req):
    header = req.headers.get("Authorization", "")
    return header[7:] if header.lower().startswith("bearer ") else None


def build_app(options):
    app = Flask("strict-oidc-test-server")
    store = Store()
    issuer = options.issuer
    metadata = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "registration_endpoint": f"{issuer}/register",
        "jwks_uri": f"{issuer}/jwks",
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }

    def secret_expiry(now):
        return int(now) + options.secret_lifetime if options.secret_lifetime else 0

    class StrictMetadata:
        """Both endpoints validate metadata the same way: Authlib's claims, then the redirect URI rules."""

        def get_server_metadata(self):
            return metadata

        def extract_client_metadata(self, req):
            client_metadata = super().extract_client_metadata(req)
            check_redirect_uris(client_metadata, required=options.redirect_uris == "required")
            return client_metadata

    class Registration(StrictMetadata, ClientRegistrationEndpoint):
        def authenticate_token(self, req):
            return True  # open registration (RFC 7591 §3: the initial access token is optional)

        def generate_client_info(self, req):
            info = super().generate_client_info(req)
            info["client_secret_expires_at"] = secret_expiry(info["client_id_issued_at"])
            return info

        def save_client(self, client_info, client_metadata, req):
            client = Client(client_info, client_metadata)
            req.registration_token = store.add(client)
            return client

        def generate_client_registration_info(self, client, req):
            return {"registration_client_uri": f"{issuer}/register/{client.get_client_id()}",
                    "registration_access_token": req.registration_token.value}

    class Configuration(StrictMetadata, ClientConfigurationEndpoint):
        def authenticate_token(self, req):
            return store.registration_token(bearer(req) or "")

        def authenticate_client(self, req):
            return store.client(urlparse(req.uri).path.rstrip("/").rsplit("/", 1)[-1])

        def revoke_access_token(self, req, token):
            store.revoke(token)

        def check_permission(self, client, req):
            return True

        def generate_client_registration_info(self, client, req):
            return {"registration_client_uri": f"{issuer}/register/{client.get_client_id()}",
                    "registration_access_token": bearer(req)}

        def update_client(self, client, client_metadata, req):
            # RFC 7592 §2.2: the server may issue a new secret on update; this one does when the request leaves
            # client_secret out, as glewlwyd does always.
            client.client_metadata = dict(client_metadata)
            if "client_secret" not in req.payload.data:
                fresh = Registration().generate_client_secret(req)
                client.client_info["client_secret"] = fresh
                client.client_info["client_secret_expires_at"] = secret_expiry(time.time())
            return client

        def delete_client(self, client, req):
            store.delete(client.get_client_id())

    server = AuthorizationServer(app, query_client=store.client, save_token=lambda token, req: None)
    server.register_grant(ClientCredentialsGrant)
    server.register_endpoint(Registration(claims_classes=[OAuthClientMetadata, OIDCClientMetadata]))
    server.register_endpoint(Configuration(claims_classes=[OAuthClientMetadata, OIDCClientMetadata]))

    @app.get("/.well-known/openid-configuration")
    def discovery():
        return jsonify(metadata)

    @app.post("/register")
    def register():
        return server.create_endpoint_response("client_registration")

    @app.route("/register/<client_id>", methods=["GET", "PUT", "DELETE"])
    def configuration(client_id):
        # RFC 7592 §2.1 and RFC 6750 §3.1: a bad token is 401 invalid_token (Authlib answers 400 access_denied).
        token = store.registration_token(bearer(request) or "")
        if not token or token.client_id != client_id:
            return jsonify(error="invalid_token"), 401, {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        if request.method == "PUT":
            with store.lock:
                store.updates_attempted[client_id] = store.updates_attempted.get(client_id, 0) + 1
        if request.method == "PUT" and options.update == "405":
            return jsonify(error="method_not_allowed"), 405, {"Allow": "GET, DELETE"}
        if request.method == "PUT" and options.update in ("400", "501"):
            status = int(options.update)
            return jsonify(error="invalid_request" if status == 400 else "not_implemented",
                           error_description="this provider does not support updating clients"), status
        return server.create_endpoint_response("client_configuration")

    # The provider's own console, for tests: what an operator would see and do there, outside RFC 7592.
    @app.get("/control/clients")
    def control_clients():
        with store.lock:
            clients = list(store.clients.values())
        return jsonify([{"client_id": c.get_client_id(), "metadata": c.client_metadata,
                         "client_secret_expires_at": c.client_info.get("client_secret_expires_at", 0),
                         "updates_attempted": store.updates_attempted.get(c.get_client_id(), 0)} for c in clients])

    @app.post("/control/clients/<client_id>/rotate")
    def control_rotate(client_id):
        client = store.client(client_id)
        if not client:
            return jsonify(error="not_found"), 404
        client.client_info["client_secret"] = Registration().generate_client_secret(request)
        client.client_info["client_secret_expires_at"] = secret_expiry(time.time())
        return jsonify(client_secret=client.client_info["client_secret"],
                       client_secret_expires_at=client.client_info["client_secret_expires_at"])

    @app.post("/control/clients/<client_id>/expiry")
    def control_expiry(client_id):
        client = store.client(client_id)
        if not client:
            return jsonify(error="not_found"), 404
        client.client_info["client_secret_expires_at"] = int(request.get_json()["client_secret_expires_at"])
        return jsonify(client_secret_expires_at=client.client_info["client_secret_expires_at"])

    @app.post("/token")
    def token():
        return server.create_token_response()

    return app


def parse(argv):
    parser = argparse.ArgumentParser(prog="strict-oidc-test-server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--update", choices=UPDATE_MODES, default="supported",
                        help="how RFC 7592 PUT is answered: supported, or refused with HTTP 400 / 405 / 501")
    parser.add_argument("--redirect-uris", choices=["required", "optional"], default="optional",
                        help="whether registration demands redirect_uris (RFC 7591 §2 leaves it to the server)")
    parser.add_argument("--secret-lifetime", type=int, default=0, metavar="SECONDS",
                        help="set client_secret_expires_at this long after a secret is issued (0: never)")
    return parser.parse_args(argv)


def main(argv=None):
    options = parse(sys.argv[1:] if argv is None else argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    listener = make_server("127.0.0.1", options.port, None, threaded=True)
    options.issuer = f"http://127.0.0.1:{listener.server_port}"
    listener.app = build_app(options)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    print(json.dumps({"issuer": options.issuer, "registration_endpoint": f"{options.issuer}/register",
                      "token_endpoint": f"{options.issuer}/token", "scopes": ["api.read"], "pid": os.getpid(),
                      "update": options.update, "redirect_uris": options.redirect_uris,
                      "secret_lifetime": options.secret_lifetime}), flush=True)
    try:
        listener.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
