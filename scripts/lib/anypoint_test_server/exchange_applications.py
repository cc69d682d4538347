"""Exchange v2 client applications under /exchange/api/v2/organizations/{org}/applications: list, create,
read (with the client id and secret, as Anypoint shows its admins), patch, delete, secret reset, and the
application's contracts."""

import re
import secrets
import urllib.parse

from . import client_access
from .errors import AnypointError
from .organization import Application
from .timestamps import now_iso

PREFIX = "/exchange/api/v2/organizations/"
MAX_LIMIT = 250
_ROUTE = re.compile(r"^/exchange/api/v2/organizations/([^/]+)/applications"
                    r"(?:/([^/]+)(?:/(secret/reset|contracts))?)?/?$")
_WRITABLE = {"name", "description", "url", "grantTypes", "redirectUri", "apiEndpoints"}


def _strings(value, name):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AnypointError(400, f"{name} must be a list of strings")
    return list(value)


def _check(body, creating):
    if not isinstance(body, dict):
        raise AnypointError(400, "the body must be a JSON object")
    unknown = sorted(set(body) - _WRITABLE)
    if unknown:
        raise AnypointError(400, f"unknown property '{unknown[0]}'")
    if creating or "name" in body:
        if not isinstance(body.get("name"), str) or not body["name"].strip():
            raise AnypointError(400, "name is required")
    for key in ("description", "url"):
        if key in body and body[key] is not None and not isinstance(body[key], str):
            raise AnypointError(400, f"{key} must be a string")
    for key in ("grantTypes", "redirectUri"):
        if key in body:
            _strings(body[key], key)


def page_bounds(query):
    """(offset, limit) of an application listing: offset from 0, limit up to 250 and 250 when not given."""
    def number(name, default, high):
        values = query.get(name)
        if not values:
            return default
        if not values[-1].isdigit() or int(values[-1]) > high:
            raise AnypointError(400, f"{name} must be an integer from 0 to {high}")
        return int(values[-1])

    return number("offset", 0, 2**31 - 1), number("limit", MAX_LIMIT, MAX_LIMIT)


class ExchangeApplications:
    def __init__(self, org):
        self.org = org

    def application_json(self, app, with_credentials=True):
        body = {"audit": {"created": {"date": app.created}, "updated": {"date": app.updated} if app.updated else {}},
                "id": app.id, "name": app.name, "description": app.description, "grantTypes": app.grant_types,
                "redirectUri": app.redirect_uris, "masterOrganizationId": self.org.id}
        if app.url is not None:
            body["url"] = app.url
        if with_credentials:
            body["clientId"] = app.client_id
            body["clientSecret"] = app.client_secret
        return body

    def handle(self, method, path, raw_query, body):
        match = _ROUTE.match(path)
        if not match:
            raise AnypointError(404, f"Cannot {method} {path}")
        org_id, app_text, sub = match.groups()
        if org_id != self.org.id:
            raise AnypointError(403, "You do not have access to this organization")
        query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        with self.org.lock:
            if app_text is None:
                if method == "GET":
                    return 200, self._list(query)
                if method == "POST":
                    return 201, self._create(body)
                raise AnypointError(405, f"{method} is not allowed here")
            app = self.org.applications.get(int(app_text)) if app_text.isdigit() else None
            if app is None:
                raise AnypointError(404, f"Application {app_text} not found")
            if sub == "secret/reset":
                if method != "POST":
                    raise AnypointError(405, f"{method} is not allowed here")
                # A new secret only the gateway knows; the old one stops working at once (no grace, as the
                # contract has none), and an external provider's copy is not told.
                app.client_secret = secrets.token_hex(16)
                app.updated = now_iso()
                return 201, None
            if sub == "contracts":
                return self._contracts(method, app, body)
            if method == "GET":
                return 200, self.application_json(app)
            if method == "PATCH":
                _check(body, creating=False)
                for key, attr in (("name", "name"), ("description", "description"), ("url", "url"),
                                  ("grantTypes", "grant_types"), ("redirectUri", "redirect_uris")):
                    if key in body:
                        setattr(app, attr, body[key] if key != "description" else (body[key] or ""))
                return 200, self.application_json(app)
            if method == "DELETE":
                if any(c.application_id == app.id and c.status != "REVOKED" for c in self.org.contracts.values()):
                    raise AnypointError(409, f"Application {app.id} has active contracts; revoke them first")
                for cid in [c.id for c in self.org.contracts.values() if c.application_id == app.id]:
                    del self.org.contracts[cid]
                del self.org.applications[app.id]
                return 204, None
            raise AnypointError(405, f"{method} is not allowed here")

    def _list(self, query):
        offset, limit = page_bounds(query)
        rows = sorted(self.org.applications.values(), key=lambda a: (a.name.lower(), a.id))
        if query.get("query"):
            needle = query["query"][-1].lower()
            rows = [a for a in rows if needle in a.name.lower()]
        return [self.application_json(a, with_credentials=False) for a in rows[offset:offset + limit]]

    def _create(self, body):
        _check(body, creating=True)
        if any(a.name == body["name"] for a in self.org.applications.values()):
            raise AnypointError(409, f"An application named {body['name']} already exists")
        app = Application(self.org.new_id(), body["name"], body.get("description") or "", body.get("url"),
                          _strings(body.get("grantTypes", []), "grantTypes"),
                          _strings(body.get("redirectUri", []), "redirectUri"),
                          secrets.token_hex(16), secrets.token_hex(16), now_iso())
        self.org.applications[app.id] = app
        return self.application_json(app)

    def seed_external(self, body):
        """/_control/applications: an application as an external client provider leaves it, with the client
        id and the copy of the secret the IdP gave (Anypoint shows that copy and never checks it)."""
        if not isinstance(body, dict):
            raise AnypointError(400, "the body must be a JSON object")
        unknown = sorted(set(body) - {"name", "clientId", "clientSecret", "environment", "description"})
        if unknown:
            raise AnypointError(400, f"unknown property '{unknown[0]}'")
        for key in ("name", "clientId", "clientSecret"):
            if not isinstance(body.get(key), str) or not body[key].strip():
                raise AnypointError(400, f"{key} is required")
        environment = body.get("environment")
        if environment is not None:
            found = self.org.environments.get(environment) or self.org.environment_named(environment)
            if found is None:
                raise AnypointError(404, f"Environment {environment} not found")
            environment = found.id
        with self.org.lock:
            if any(a.name == body["name"] for a in self.org.applications.values()):
                raise AnypointError(409, f"An application named {body['name']} already exists")
            if any(a.client_id == body["clientId"] for a in self.org.applications.values()):
                raise AnypointError(409, f"An application with client id {body['clientId']} already exists")
            app = Application(self.org.new_id(), body["name"], body.get("description") or "", None,
                              ["client_credentials"], [], body["clientId"], body["clientSecret"], now_iso(),
                              provider_environment=environment)
            self.org.applications[app.id] = app
            return self.application_json(app)

    def _contracts(self, method, app, body):
        if method == "GET":
            rows = [c for c in self.org.contracts.values() if c.application_id == app.id]
            return 200, [_exchange_contract(self.org, c) for c in rows]
        if method == "POST":
            if not isinstance(body, dict):
                raise AnypointError(400, "the body must be a JSON object")
            for key in ("acceptedTerms", "instanceType", "organizationId", "groupId", "assetId", "version",
                        "versionGroup", "apiId"):
                if key not in body:
                    raise AnypointError(400, f"{key} is required")
            if body["acceptedTerms"] is not True:
                raise AnypointError(400, "acceptedTerms must be true")
            if body["instanceType"] != "api":
                raise AnypointError(400, "instanceType must be api (API groups are not served here)")
            api_text = str(body["apiId"])
            api = self.org.apis.get(int(api_text)) if api_text.isdigit() else None
            if api is None or ("environmentId" in body and body["environmentId"] != api.environment_id):
                raise AnypointError(404, f"API {api_text} not found")
            tier_id = body.get("requestedTierId")
            if tier_id is not None and (isinstance(tier_id, bool) or not isinstance(tier_id, int) or tier_id < 1):
                raise AnypointError(400, "requestedTierId must be a positive integer")
            contract = client_access.create_contract(self.org, api, app.id, tier_id)
            return 201, _exchange_contract(self.org, contract)
        raise AnypointError(405, f"{method} is not allowed here")


def _exchange_contract(org, contract):
    """Exchange's contract row: the tier under `tier` once approved, under `requestedTier` while pending."""
    app = org.applications[contract.application_id]
    body = {"id": contract.id, "status": contract.status, "apiId": contract.api_id, "applicationId": app.id,
            "clientId": app.client_id}
    if contract.tier_id is not None:
        tier = org.tiers[contract.tier_id]
        shown = {"id": tier.id, "name": tier.name, "description": tier.description, "limits": tier.limits,
                 "status": tier.status}
        body["tier" if contract.status == "APPROVED" else "requestedTier"] = shown
    return body
