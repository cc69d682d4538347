"""anypoint-test-server: start the server, print one JSON line naming how to reach it, serve until SIGTERM/SIGINT."""

import argparse
import os
import secrets
import sys

from loopback_server import cli as loopback_cli
from loopback_server.private_file import write_private

from .access_management import AccessManagement
from .api_manager import ApiManager
from .exchange_applications import ExchangeApplications
from .http_server import AnypointHTTPServer
from .organization import Organization

SECRET_FILE = "connected-app-client-secret"


def _args(argv):
    p = argparse.ArgumentParser(prog="anypoint-test-server",
                                description="MuleSoft Anypoint (Access Management token, API Manager) on loopback.")
    loopback_cli.port_argument(p)
    p.add_argument("--apis", type=int, default=0, metavar="N", help="API instances seeded in each environment")
    p.add_argument("--applications", type=int, default=0, metavar="N",
                   help="Exchange client applications seeded in the organization")
    p.add_argument("--environments", default="Sandbox,Prod", metavar="A,B",
                   help="environment names, comma-separated (default Sandbox,Prod)")
    loopback_cli.latency_argument(p)
    p.add_argument("--seed", help="make the organization, environment ids and asset versions reproducible")
    loopback_cli.quiet_argument(p)
    p.add_argument("--validate-responses", action="store_true",
                   help="check every Anypoint response against the OpenAPI fragments (GET /_control/contract)")
    args = p.parse_args(argv)
    if args.apis < 0 or args.applications < 0 or args.latency_ms < 0:
        p.error("--apis, --applications and --latency-ms must not be negative")
    names = [n.strip() for n in args.environments.split(",")]
    if not all(names) or len(set(names)) != len(names):
        p.error("--environments must be distinct, non-empty names separated by commas")
    args.environment_names = names
    return args


def main(argv=None):
    args = _args(sys.argv[1:] if argv is None else argv)
    stop = loopback_cli.stop_on_signals()

    with loopback_cli.files_dir("anypoint-test-server") as files_dir:
        org = Organization(args.seed, args.environment_names)
        org.seed(args.apis)
        org.seed_applications(args.applications, lambda: secrets.token_hex(16))
        client_id = org.new_uuid().replace("-", "")
        secret = secrets.token_hex(16)
        secret_path = os.path.join(files_dir, SECRET_FILE)
        write_private(secret_path, secret.encode())  # no trailing newline: read it as-is
        access = AccessManagement(org, client_id, secret)
        del secret
        server = loopback_cli.listen("anypoint-test-server", args.port, lambda address: AnypointHTTPServer(
            address, access, ApiManager(org), ExchangeApplications(org), args.latency_ms, log_requests=not args.quiet))
        if server is None:
            return 1
        base = loopback_cli.base_url(server)
        if args.validate_responses:
            from .response_contract import ResponseContract
            server.contract = ResponseContract(base)
        loopback_cli.serve(server, stop, {
            "base_url": base,
            "admin_url": base + "/apimanager/api/v1",
            "token_url": base + "/accounts/api/v2/oauth2/token",
            "organization_id": org.id,
            "environments": {e.name: e.id for e in org.environments.values()},
            "client_id": client_id,
            "client_secret_file": secret_path,
            "control": base + "/_control",
        })
        return 0
