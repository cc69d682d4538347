"""The entity kinds the fake Kong holds: where they live in the Admin API and how their fields are found."""

from dataclasses import dataclass, field
from typing import Callable, Optional

from . import schema


@dataclass(frozen=True)
class Kind:
    collection: str                      # top-level path segment and store key
    fields: Callable[[dict], list]       # the schema's fields for one input body
    checks: Callable[[dict], list]
    endpoint_key: Optional[str]          # the second key a path may name an entity by
    unique: tuple = ()
    nested_name: Optional[str] = None    # the segment under /consumers/{c}/
    generated: dict = field(default_factory=dict)  # auto fields that get random text, by length
    ttl: bool = False                    # the DAO's `ttl = true`: a write may give the row a lifetime


def _core(entity):
    return lambda _body: schema.core_fields(entity)


def _core_checks(entity):
    return lambda _record: schema.core_checks(entity)


def _plugin_fields(body):
    name = body.get("name") if isinstance(body, dict) else None
    if isinstance(name, str) and name in schema.PLUGINS:
        return schema.plugin_fields(name)
    return schema.core_fields("plugins")


def _plugin_checks(record):
    return schema.PLUGINS.get(record.get("name"), {}).get("entity_checks")


def _dao(name):
    return lambda _body: schema.dao(name)["fields"]


def _dao_checks(name):
    return lambda _record: schema.dao(name).get("entity_checks")


KINDS = {k.collection: k for k in [
    Kind("services", _core("services"), _core_checks("services"), "name", ("name",)),
    Kind("routes", _core("routes"), _core_checks("routes"), "name", ("name",)),
    Kind("consumers", _core("consumers"), _core_checks("consumers"), "username", ("username", "custom_id")),
    Kind("plugins", _plugin_fields, _plugin_checks, "instance_name", ("instance_name",)),
    Kind("key-auths", _dao("keyauth_credentials"), _dao_checks("keyauth_credentials"), "key", ("key",),
         "key-auth", {"key": 32}, ttl=schema.dao("keyauth_credentials").get("ttl", False)),
    Kind("oauth2", _dao("oauth2_credentials"), _dao_checks("oauth2_credentials"), "client_id", ("client_id",),
         "oauth2", {"client_id": 32, "client_secret": 32}),
    Kind("acls", _dao("acls"), _dao_checks("acls"), None, (), "acls"),
    Kind("basic-auths", _dao("basicauth_credentials"), _dao_checks("basicauth_credentials"), "username",
         ("username",), "basic-auth"),
    Kind("jwts", _dao("jwt_secrets"), _dao_checks("jwt_secrets"), "key", ("key",), "jwt",
         {"key": 32, "secret": 32}),
]}

NESTED = {k.nested_name: k for k in KINDS.values() if k.nested_name}

# Lists decK reads that this server keeps empty (it manages none of them).
EMPTY_LISTS = ("upstreams", "certificates", "snis", "ca_certificates")

# Which parent a nested collection's foreign key names.
PARENT_FIELD = {"services": "service", "routes": "route", "consumers": "consumer"}

# What a delete takes with it (on_delete cascade) and what blocks it.
CASCADES = {"services": ["plugins"], "routes": ["plugins"],
            "consumers": ["plugins"] + [k.collection for k in NESTED.values()]}
BLOCKERS = {"services": ["routes"]}
