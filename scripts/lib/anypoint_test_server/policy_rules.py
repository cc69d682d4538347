"""API Manager's checks on a policy body, from the official Terraform provider's KnownPolicies and
KnownPolicySchemas (policy_templates.json, a copy of the contract's). A violation is a ValueError whose text
is the 400's message."""

import json
import os
import re

with open(os.path.join(os.path.dirname(__file__), "policy_templates.json")) as f:
    _TEMPLATES = json.load(f)
KNOWN = {t["assetId"]: t for t in _TEMPLATES["knownPolicies"].values()}
SCHEMAS = _TEMPLATES["knownPolicySchemas"]
_VERSION = re.compile(r"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")
_ALLOWED_KEYS = {"configurationData", "pointcutData", "groupId", "assetId", "assetVersion", "order", "disabled",
                 "label", "upstreamIds", "policyTemplateId", "apiVersionId"}
PATCHABLE = {"configurationData", "assetVersion", "pointcutData", "order", "disabled", "label", "upstreamIds"}


def _type_ok(kind, value):
    if kind == "string":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "string_array":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "object":
        return isinstance(value, dict)
    return True  # the provider gives no type for a few fields


def check_configuration(asset_id, configuration):
    if not isinstance(configuration, dict):
        raise ValueError("configurationData must be an object")
    schema = SCHEMAS.get(asset_id, {})
    for name, spec in schema.items():
        if spec.get("required") and name not in configuration:
            raise ValueError(f"configurationData.{name} is required for policy {asset_id}")
    for name, value in configuration.items():
        spec = schema.get(name)
        if spec is None:
            if schema:
                raise ValueError(f"configurationData.{name} is not a field of policy {asset_id}")
            continue
        if not _type_ok(spec.get("type"), value):
            raise ValueError(f"configurationData.{name} must be of type {spec.get('type')}")
        if "max" in spec and isinstance(value, int) and value > spec["max"]:
            raise ValueError(f"configurationData.{name} must be at most {spec['max']}")
        if "enum" in spec and value not in spec["enum"]:
            raise ValueError(f"configurationData.{name} must be one of {', '.join(map(str, spec['enum']))}")


def check_pointcut(pointcut):
    if pointcut is None:
        return
    if not isinstance(pointcut, list) or not all(
            isinstance(p, dict) and set(p) <= {"methodRegex", "uriTemplateRegex"}
            and all(isinstance(v, str) for v in p.values()) for p in pointcut):
        raise ValueError("pointcutData must be null or a list of {methodRegex, uriTemplateRegex}")
    for p in pointcut:
        for v in p.values():
            try:
                re.compile(v)
            except re.error:
                raise ValueError(f"pointcutData regex '{v}' does not compile") from None


def check_new(body):
    """The template a new policy names, or ValueError."""
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    unknown = sorted(set(body) - _ALLOWED_KEYS)
    if unknown:
        raise ValueError(f"unknown property '{unknown[0]}'")
    for key in ("groupId", "assetId", "assetVersion"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise ValueError(f"{key} is required")
    template = KNOWN.get(body["assetId"])
    if template is None or template["groupId"] != body["groupId"]:
        raise LookupError(f"Policy template {body['groupId']}:{body['assetId']} not found")
    if not template.get("inbound", True):
        raise ValueError(f"policy {body['assetId']} is outbound only; use the outbound-policies endpoint")
    if not _VERSION.match(body["assetVersion"]):
        raise ValueError(f"assetVersion '{body['assetVersion']}' is not a version")
    check_configuration(body["assetId"], body.get("configurationData", {}))
    check_pointcut(body.get("pointcutData"))
    check_common(body)
    return template


def check_common(body):
    if "order" in body and (isinstance(body["order"], bool) or not isinstance(body["order"], int)
                            or body["order"] < 1):
        raise ValueError("order must be a positive integer")
    if "disabled" in body and not isinstance(body["disabled"], bool):
        raise ValueError("disabled must be a boolean")
    if "label" in body and body["label"] is not None and not isinstance(body["label"], str):
        raise ValueError("label must be a string")
    if "upstreamIds" in body and not (isinstance(body["upstreamIds"], list)
                                      and all(isinstance(u, str) for u in body["upstreamIds"])):
        raise ValueError("upstreamIds must be a list of strings")


def check_patch(policy_asset_id, body):
    if not isinstance(body, dict) or not body:
        raise ValueError("the body must be a non-empty JSON object")
    unknown = sorted(set(body) - PATCHABLE)
    if unknown:
        raise ValueError(f"property '{unknown[0]}' cannot be changed")
    if "assetVersion" in body and not (isinstance(body["assetVersion"], str) and _VERSION.match(body["assetVersion"])):
        raise ValueError("assetVersion is not a version")
    if "configurationData" in body:
        check_configuration(policy_asset_id, body["configurationData"])
    if "pointcutData" in body:
        check_pointcut(body["pointcutData"])
    check_common(body)
