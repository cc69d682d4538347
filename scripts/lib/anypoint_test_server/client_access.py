"""The client side of an API instance: SLA tiers and contracts (API Manager, under /apis/{id}/tiers and
/apis/{id}/contracts), and the contract rows both API Manager and Exchange show."""

from .errors import AnypointError
from .organization import Contract, Tier
from .timestamps import now_iso

CONTRACT_STATES = ("APPROVED", "PENDING", "REVOKED", "REJECTED")


def _positive_int(body, name, required=False):
    value = body.get(name)
    if value is None:
        if required:
            raise AnypointError(400, f"{name} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise AnypointError(400, f"{name} must be a positive integer")
    return value


def tier_json(org, tier):
    return {"audit": {"created": {"date": "2026-01-01T00:00:00.000Z"}, "updated": {}},
            "masterOrganizationId": org.id, "organizationId": org.id, "id": tier.id, "name": tier.name,
            "description": tier.description if tier.description is not None else "",
            "limits": [{**limit, "visible": True} for limit in tier.limits], "status": tier.status,
            "autoApprove": tier.auto_approve, "applicationCount": sum(
                1 for c in org.contracts.values() if c.tier_id == tier.id and c.status == "APPROVED"),
            "apiId": tier.api_id}


def contract_json(org, contract):
    app = org.applications[contract.application_id]
    body = {"audit": {"created": {"date": contract.created}, "updated": {}},
            "masterOrganizationId": org.id, "organizationId": org.id, "id": contract.id, "status": contract.status,
            "rejectedDate": None, "revokedDate": contract.revoked_date, "applicationId": app.id, "apiId": contract.api_id,
            "application": {"audit": {"created": {"date": app.created}, "updated": {}}, "id": app.id, "name": app.name,
                            "description": app.description, "coreServicesId": app.client_id}}
    if app.url is not None:
        body["application"]["url"] = app.url
    if contract.approved_date:
        body["approvedDate"] = contract.approved_date
    if contract.tier_id is not None:
        body["tierId"] = contract.tier_id
        body["tier"] = tier_json(org, org.tiers[contract.tier_id])
    return body


def create_tier(org, api, body):
    if not isinstance(body, dict):
        raise AnypointError(400, "the body must be a JSON object")
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise AnypointError(400, "name is required")
    if body.get("status") not in ("ACTIVE", "DEPRECATED"):
        raise AnypointError(400, "status must be ACTIVE or DEPRECATED")
    limits = body.get("limits", [])
    if not isinstance(limits, list) or not all(
            isinstance(x, dict) and set(x) <= {"maximumRequests", "timePeriodInMilliseconds", "visible"}
            and all(isinstance(x.get(k), int) and not isinstance(x.get(k), bool) and x[k] > 0
                    for k in ("maximumRequests", "timePeriodInMilliseconds")) for x in limits):
        raise AnypointError(400, "limits must be a list of {maximumRequests, timePeriodInMilliseconds} above 0")
    if any(t.api_id == api.id and t.name == body["name"] for t in org.tiers.values()):
        raise AnypointError(409, f"A tier named {body['name']} already exists")
    tier = Tier(org.new_id(), api.id, body["name"], body.get("description"), body["status"],
                bool(body.get("autoApprove", False)),
                [{"maximumRequests": x["maximumRequests"], "timePeriodInMilliseconds": x["timePeriodInMilliseconds"]}
                 for x in limits])
    org.tiers[tier.id] = tier
    return tier


def create_contract(org, api, application_id, tier_id):
    """A contract for the application on the API; approved at once without a tier or with an auto-approve tier."""
    if application_id not in org.applications:
        raise AnypointError(404, f"Application {application_id} not found")
    if tier_id is None and any(t.api_id == api.id for t in org.tiers.values()):
        raise AnypointError(400, "this API has SLA tiers: requestedTierId is required")
    tier = None
    if tier_id is not None:
        tier = org.tiers.get(tier_id)
        if tier is None or tier.api_id != api.id:
            raise AnypointError(404, f"Tier {tier_id} not found")
        if tier.status != "ACTIVE":
            raise AnypointError(400, f"Tier {tier_id} is deprecated")
    if any(c.api_id == api.id and c.application_id == application_id and c.status != "REVOKED"
           for c in org.contracts.values()):
        raise AnypointError(409, f"Application {application_id} already has a contract with API {api.id}")
    now = now_iso()
    approved = tier is None or tier.auto_approve
    contract = Contract(org.new_id(), api.id, application_id, tier_id, "APPROVED" if approved else "PENDING", now,
                        approved_date=now if approved else None)
    org.contracts[contract.id] = contract
    return contract


class ApiClientAccess:
    """/apis/{id}/tiers and /apis/{id}/contracts[/{contractId}]; called with the organization's lock held."""

    def __init__(self, org):
        self.org = org

    def tiers(self, method, api, page, body):
        if method == "GET":
            rows = [t for t in self.org.tiers.values() if t.api_id == api.id]
            return 200, {"total": len(rows), "tiers": [tier_json(self.org, t) for t in page(rows)]}
        if method == "POST":
            return 201, tier_json(self.org, create_tier(self.org, api, body))
        raise AnypointError(405, f"{method} is not allowed here")

    def contracts(self, method, api, page, body):
        if method == "GET":
            rows = [c for c in self.org.contracts.values() if c.api_id == api.id]
            return 200, {"total": len(rows), "contracts": [contract_json(self.org, c) for c in page(rows)]}
        if method == "POST":
            if not isinstance(body, dict):
                raise AnypointError(400, "the body must be a JSON object")
            app_id = _positive_int(body, "applicationId", required=True)
            tier_id = _positive_int(body, "requestedTierId") or _positive_int(body, "tierId")
            return 201, contract_json(self.org, create_contract(self.org, api, app_id, tier_id))
        raise AnypointError(405, f"{method} is not allowed here")

    def contract(self, method, api, contract_text, body):
        contract = self.org.contracts.get(int(contract_text)) if contract_text.isdigit() else None
        if contract is None or contract.api_id != api.id:
            raise AnypointError(404, f"Contract {contract_text} not found")
        if method == "GET":
            return 200, contract_json(self.org, contract)
        if method == "DELETE":
            if contract.status != "REVOKED":
                raise AnypointError(409, "Revoke the contract before deleting it")
            del self.org.contracts[contract.id]
            return 204, None
        if method == "PATCH":
            if not isinstance(body, dict) or not body or set(body) - {"tierId", "requestedTierId", "status"}:
                raise AnypointError(400, "the body may hold tierId, requestedTierId and status")
            if "status" in body:
                if body["status"] not in CONTRACT_STATES:
                    raise AnypointError(400, f"status must be one of {', '.join(CONTRACT_STATES)}")
                contract.status = body["status"]
                if body["status"] == "REVOKED":
                    contract.revoked_date = now_iso()
                elif body["status"] == "APPROVED":
                    contract.approved_date = contract.approved_date or now_iso()
            tier_id = _positive_int(body, "tierId") or _positive_int(body, "requestedTierId")
            if tier_id is not None:
                tier = self.org.tiers.get(tier_id)
                if tier is None or tier.api_id != api.id:
                    raise AnypointError(404, f"Tier {tier_id} not found")
                contract.tier_id = tier_id
            return 200, contract_json(self.org, contract)
        raise AnypointError(405, f"{method} is not allowed here")
