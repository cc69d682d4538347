"""API Manager v1 under /apimanager/api/v1/organizations/{org}/environments/{env}: API instances and their
policies (list in three shapes, create, get, patch, bulk reorder, delete)."""

import re
import urllib.parse

from . import policy_rules, representation
from .client_access import ApiClientAccess
from .errors import AnypointError
from .organization import Policy
from .timestamps import now_iso

PREFIX = "/apimanager/api/v1/organizations/"
MAX_LIMIT = 250  # contract README: limit default 100, max 250
LIST_SHAPES = ("array", "envelope", "compact")
_ROUTE = re.compile(r"^/apimanager/api/v1/organizations/([^/]+)/environments/([^/]+)/apis"
                    r"(?:/([^/]+)(?:/(policies|contracts|tiers)(?:/([^/]+))?)?)?/?$")


def _int_param(query, name, default, low, high):
    values = query.get(name)
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        raise AnypointError(400, f"{name} must be an integer") from None
    if not low <= value <= high:
        raise AnypointError(400, f"{name} must be from {low} to {high}")
    return value


def _id(text, what):
    if not text.isdigit():
        raise AnypointError(400, f"{what} must be an integer")
    return int(text)


def _pager(query):
    """offset/limit over a list, with the same bounds as the API listing."""
    offset = _int_param(query, "offset", 0, 0, 2**31 - 1)
    limit = _int_param(query, "limit", 100, 0, MAX_LIMIT)
    return lambda rows: rows[offset:offset + limit]


class ApiManager:
    def __init__(self, org):
        self.org = org
        self.list_shape = "array"
        self.client_access = ApiClientAccess(org)

    def handle(self, method, path, raw_query, body):
        match = _ROUTE.match(path)
        if not match:
            raise AnypointError(404, f"Cannot {method} {path}")
        org_id, env_id, api_text, collection, item_text = match.groups()
        org = self.org
        if org_id != org.id:
            raise AnypointError(403, "You do not have access to this organization")
        if env_id not in org.environments:
            raise AnypointError(404, f"Environment {env_id} not found")
        query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        with org.lock:
            if api_text is None:
                if method == "GET":
                    return 200, self._list_apis(env_id, query)
                raise AnypointError(405, f"{method} is not allowed here")
            api = org.apis.get(_id(api_text, "environmentApiId"))
            if api is None or api.environment_id != env_id:
                raise AnypointError(404, f"API {api_text} not found")
            if collection is None:
                if method == "GET":
                    return 200, representation.instance_detail(org, api)
                raise AnypointError(405, f"{method} is not allowed here")
            if collection == "tiers":
                if item_text is not None:
                    raise AnypointError(404, f"Cannot {method} {path}")
                return self.client_access.tiers(method, api, _pager(query), body)
            if collection == "contracts":
                if item_text is None:
                    return self.client_access.contracts(method, api, _pager(query), body)
                return self.client_access.contract(method, api, item_text, body)
            if item_text is None:
                return self._policies(method, api, query, body)
            policy = next((p for p in api.policies if p.id == _id(item_text, "policyId")), None)
            if policy is None:
                raise AnypointError(404, f"Policy {item_text} not found")
            return self._policy(method, api, policy, body)

    def _list_apis(self, env_id, query):
        page = _pager(query)
        rows = self.org.apis_in(env_id)
        for name, attr in (("assetId", "asset_id"), ("groupId", "group_id"), ("assetVersion", "asset_version"),
                           ("instanceLabel", "instance_label")):
            if query.get(name):
                rows = [a for a in rows if getattr(a, attr) == query[name][-1]]
        if query.get("query"):
            needle = query["query"][-1].lower()
            rows = [a for a in rows if needle in a.asset_name.lower() or needle in a.instance_label.lower()]
        return {"total": len(rows), "assets": [representation.asset_row(self.org, a) for a in page(rows)]}

    def _policies(self, method, api, query, body):
        if method == "GET":
            full_info = (query.get("fullInfo") or ["true"])[-1].lower() != "false"
            shown = [p for p in api.policies if full_info is False or not p.disabled]
            if self.list_shape == "envelope":
                return 200, {"policies": [representation.policy_compact(p) for p in shown]}
            if self.list_shape == "compact":
                return 200, [representation.policy_compact(p) for p in shown]
            return 200, [representation.policy_full(self.org, p) for p in shown]
        if method == "POST":
            return 201, self._create(api, query, body)
        if method == "PATCH":
            return 200, self._reorder(api, body)
        raise AnypointError(405, f"{method} is not allowed here")

    def _create(self, api, query, body):
        try:
            policy_rules.check_new(body)
        except LookupError as exc:
            raise AnypointError(404, str(exc)) from None
        except ValueError as exc:
            raise AnypointError(400, str(exc)) from None
        duplicates_allowed = (query.get("allowDuplicated") or ["false"])[-1].lower() == "true"
        if not duplicates_allowed and any(p.asset_id == body["assetId"] for p in api.policies):
            raise AnypointError(409, f"Policy {body['assetId']} is already applied to API {api.id}")
        order = body.get("order", len(api.policies) + 1)
        policy = Policy(self.org.new_policy_id(), api.id, body["groupId"], body["assetId"], body["assetVersion"],
                        order, body.get("disabled", False), body.get("configurationData", {}),
                        body.get("pointcutData"), body.get("label"), body.get("upstreamIds", []), now_iso())
        # A policy inserted at an order pushes the ones at or after it down by one.
        for other in api.policies:
            if other.order >= order:
                other.order += 1
        api.policies.append(policy)
        self._renumber(api)
        return representation.policy_full(self.org, policy)

    def _reorder(self, api, body):
        if not isinstance(body, list) or not body:
            raise AnypointError(400, "the body must be a non-empty array of {id, order}")
        by_id = {p.id: p for p in api.policies}
        for entry in body:
            if not isinstance(entry, dict) or set(entry) != {"id", "order"}:
                raise AnypointError(400, "each entry must be exactly {id, order}: only order can change")
            if entry["id"] not in by_id:
                raise AnypointError(404, f"Policy {entry['id']} not found")
            if isinstance(entry["order"], bool) or not isinstance(entry["order"], int) or entry["order"] < 1:
                raise AnypointError(400, "order must be a positive integer")
        orders = [e["order"] for e in body]
        if len(set(orders)) != len(orders) or len({e["id"] for e in body}) != len(body):
            raise AnypointError(400, "ids and orders must not repeat")
        for entry in body:
            by_id[entry["id"]].order = entry["order"]
        self._renumber(api, moved={e["id"] for e in body})
        return [representation.policy_full(self.org, p) for p in api.policies]

    def _policy(self, method, api, policy, body):
        if method == "GET":
            # The fragment answers GET of one policy with its `policies` schema, an array; the provider reads
            # an object. The OpenAPI is the peer that checks this server, so one policy comes as a one-element
            # array (see README).
            return 200, [representation.policy_full(self.org, policy)]
        if method == "DELETE":
            api.policies.remove(policy)
            self._renumber(api)
            return 204, None
        if method == "PATCH":
            try:
                policy_rules.check_patch(policy.asset_id, body)
            except ValueError as exc:
                raise AnypointError(400, str(exc)) from None
            fields = {"configurationData": "configuration", "assetVersion": "asset_version",
                      "pointcutData": "pointcut", "order": "order", "disabled": "disabled", "label": "label",
                      "upstreamIds": "upstream_ids"}
            for key, attr in fields.items():
                if key in body:
                    setattr(policy, attr, body[key])
            policy.updated = now_iso()
            self._renumber(api, moved={policy.id} if "order" in body else ())
            return 200, representation.policy_full(self.org, policy)
        raise AnypointError(405, f"{method} is not allowed here")

    @staticmethod
    def _renumber(api, moved=()):
        """Orders stay 1..n without gaps; a policy just moved wins a tie over one that was already there."""
        api.policies.sort(key=lambda p: (p.order, p.id not in moved, p.id))
        for n, p in enumerate(api.policies, start=1):
            p.order = n
