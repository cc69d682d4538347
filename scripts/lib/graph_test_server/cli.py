"""graph-test-server: start the server, print one JSON line naming how to reach it, serve until SIGTERM/SIGINT."""

import argparse
import os
import sys
import uuid

from loopback_server import cli as loopback_cli
from loopback_server.private_file import write_private

from . import certificates, seeding, secrets_store, state_file, write_limit
from .access_tokens import AccessTokens
from .context import DEFAULT_ADMIN_ROLES, ServerContext
from .http_server import GraphHTTPServer

SECRET_FILE = "admin-client-secret"
CERT_FILE = "admin-certificate.pem"
KEY_FILE = "admin-private-key.pem"


def _args(argv):
    p = argparse.ArgumentParser(prog="graph-test-server",
                                description="Microsoft Graph v1.0 and Entra token endpoint stand-in on loopback.")
    loopback_cli.port_argument(p)
    p.add_argument("--applications", type=int, default=0, metavar="N", help="applications the admin owns (app-00001...)")
    p.add_argument("--unowned-applications", type=int, default=0, metavar="K",
                   help="applications someone else owns: hidden from the list, 403 by id")
    loopback_cli.latency_argument(p)
    p.add_argument("--state-dir", metavar="D", help="keep the tenant and the admin's files here across restarts")
    p.add_argument("--max-secret-lifetime-days", type=int, metavar="D",
                   help="tenant policy: addPassword refuses a longer secret lifetime")
    p.add_argument("--write-limit", metavar="N/SECONDS",
                   help="writes allowed per admin application and tenant in a sliding window; over it, 429 with Retry-After")
    p.add_argument("--seed", help="make the tenant, app and key ids reproducible")
    p.add_argument("--report-lag-seconds", type=float, default=0, metavar="N",
                   help="a sign-in shows in the beta sign-in report only N s (server clock) after it happened")
    p.add_argument("--admin-roles", metavar="ROLES", default=",".join(DEFAULT_ADMIN_ROLES),
                   help="comma-separated application permissions in the admin's Graph tokens "
                        f"(default {','.join(DEFAULT_ADMIN_ROLES)}; leave out AuditLog.Read.All to have the "
                        "sign-in report answer 403)")
    loopback_cli.quiet_argument(p)
    args = p.parse_args(argv)
    if args.applications < 0 or args.unowned_applications < 0 or args.latency_ms < 0:
        p.error("counts and latency must not be negative")
    if args.report_lag_seconds < 0:
        p.error("--report-lag-seconds must not be negative")
    if args.max_secret_lifetime_days is not None and args.max_secret_lifetime_days < 1:
        p.error("--max-secret-lifetime-days must be at least 1")
    if args.write_limit is not None:
        try:
            args.write_limit = write_limit.parse(args.write_limit)
        except ValueError as exc:
            p.error(str(exc))
    return args


def _new_tenant(args, files_dir):
    ids, directory = seeding.new_tenant(args.seed)
    admin_secret = secrets_store.new_secret_text()
    cert_pem, key_pem, cert_der, not_before, not_after = certificates.generate_self_signed(seeding.ADMIN_NAME)
    admin = seeding.seed_admin(directory, ids, admin_secret, cert_der,
                               int(not_before.timestamp()), int(not_after.timestamp()))
    seeding.seed_applications(directory, ids, admin, args.applications, args.unowned_applications)
    # The secret is written without a trailing newline so it can be read as-is.
    write_private(os.path.join(files_dir, SECRET_FILE), admin_secret.encode())
    write_private(os.path.join(files_dir, CERT_FILE), cert_pem, 0o644)
    write_private(os.path.join(files_dir, KEY_FILE), key_pem)
    del admin_secret
    return directory, AccessTokens(directory.tenant_id), admin, ids.new()


def main(argv=None):
    args = _args(sys.argv[1:] if argv is None else argv)
    stop = loopback_cli.stop_on_signals()

    with loopback_cli.files_dir("graph-test-server", args.state_dir) as files_dir:
        state_path = os.path.join(files_dir, state_file.STATE_NAME)
        if args.state_dir and os.path.exists(state_path):
            for name in (SECRET_FILE, CERT_FILE, KEY_FILE):
                if not os.path.exists(os.path.join(files_dir, name)):
                    raise SystemExit(f"graph-test-server: {state_path} exists but {name} is missing beside it")
            directory, tokens, admin, policy_id = state_file.load(state_path)
        else:
            directory, tokens, admin, policy_id = _new_tenant(args, files_dir)

        server = loopback_cli.listen("graph-test-server", args.port,
                                     lambda address: GraphHTTPServer(address, log_requests=not args.quiet))
        if server is None:
            return 1
        authority = loopback_cli.base_url(server)
        ctx = ServerContext(directory, tokens, admin, authority, policy_id or str(uuid.uuid4()),
                            args.max_secret_lifetime_days, args.latency_ms, args.report_lag_seconds,
                            [r.strip() for r in args.admin_roles.split(",") if r.strip()], args.write_limit)
        server.attach(ctx)
        persister = state_file.Persister(state_path, ctx) if args.state_dir else None
        if persister:
            persister.start()

        loopback_cli.serve(server, stop, {
            "authority": authority,
            "graph": ctx.graph_base,
            "tenant": directory.tenant_id,
            "client_id": admin.app_id,
            "client_secret_file": os.path.join(files_dir, SECRET_FILE),
            "certificate_file": os.path.join(files_dir, CERT_FILE),
            "private_key_file": os.path.join(files_dir, KEY_FILE),
            "control": authority + "/_control",
        })
        if persister:
            persister.stop()
        return 0
