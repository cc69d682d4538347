"""API Manager's JSON shapes for instances and policies (apisSearch, getEnvironmentApi, policies schemas)."""


def _audit(created, updated=None):
    return {"created": {"date": created}, "updated": {"date": updated} if updated else {}}


def instance(org, api):
    return {
        "audit": _audit(api.created),
        "masterOrganizationId": org.id,
        "organizationId": org.id,
        "id": api.id,
        "instanceLabel": api.instance_label,
        "groupId": api.group_id,
        "assetId": api.asset_id,
        "assetVersion": api.asset_version,
        "productVersion": "v1",
        "description": "",
        "tags": [],
        "order": 1,
        "deprecated": False,
        "lastActiveDate": None,
        "endpointUri": None,
        "environmentId": api.environment_id,
        "isPublic": False,
        "stage": "release",
        "technology": "flexGateway",
        "status": "active",
        "activeContractsCount": 0,
        "autodiscoveryInstanceName": f"v1:{api.id}",
        "pinned": False,
    }


def asset_row(org, api):
    """apisSearch has one row per Exchange asset holding its instances; each seeded asset has one instance."""
    return {
        "audit": _audit(api.created),
        "masterOrganizationId": org.id,
        "organizationId": org.id,
        "id": api.id,
        "name": api.asset_name,
        "exchangeAssetName": api.asset_name,
        "groupId": api.group_id,
        "assetId": api.asset_id,
        "apis": [instance(org, api)],
        "totalApis": 1,
        "autodiscoveryApiName": f"groupId:{api.group_id}:assetId:{api.asset_id}",
    }


def instance_detail(org, api):
    """getEnvironmentApi; an instance never seen by a gateway has no lastActiveDate, so the key is left out
    (the schema types it string, not nullable)."""
    body = instance(org, api)
    del body["lastActiveDate"]
    body["apiId"] = api.id
    body["endpoint"] = {"audit": _audit(api.created), "type": "http", "uri": "http://127.0.0.1:9/upstream",
                        "proxyUri": "http://0.0.0.0:8081/", "isCloudHub": None, "deploymentType": "HY",
                        "policiesVersion": "v1", "referencesUserDomain": None, "responseTimeout": None}
    body["deployment"] = {"audit": _audit(api.created), "applicationName": f"{api.asset_id}-gateway",
                          "gatewayVersion": "1.9.0", "environmentId": api.environment_id, "type": "HY",
                          "apiId": api.id}
    return body


def _without_null_pointcut(body):
    # The fragment's `policies` schema types pointcutData as a non-nullable array (the request schema allows
    # null); a policy on every path leaves the key out rather than break the documented reply.
    if body["pointcutData"] is None:
        del body["pointcutData"]
    return body


def policy_full(org, policy):
    return _without_null_pointcut({
        "audit": _audit(policy.created, policy.updated),
        "masterOrganizationId": org.id,
        "organizationId": org.id,
        "id": policy.id,
        "policyTemplateId": policy.asset_id,
        "configurationData": policy.configuration,
        "order": policy.order,
        "disabled": policy.disabled,
        "pointcutData": policy.pointcut,
        "groupId": policy.group_id,
        "assetId": policy.asset_id,
        "assetVersion": policy.asset_version,
        "type": "system",
        "apiId": policy.api_id,
        "label": policy.label,
        "upstreamIds": policy.upstream_ids,
    })


def policy_compact(policy):
    """The other list entry shape (contract README shape 3): policyId, configuration, implementationAsset."""
    return _without_null_pointcut({
        "policyId": policy.id,
        "policyTemplateId": policy.asset_id,
        "type": "system",
        "order": policy.order,
        "disabled": policy.disabled,
        "configuration": policy.configuration,
        "pointcutData": policy.pointcut,
        "upstreamIds": policy.upstream_ids,
        "implementationAsset": {"assetId": f"{policy.asset_id}-flex", "groupId": policy.group_id,
                                "version": policy.asset_version, "technology": "flexGateway"},
        "template": {"assetId": policy.asset_id, "groupId": policy.group_id, "assetVersion": policy.asset_version},
    })
