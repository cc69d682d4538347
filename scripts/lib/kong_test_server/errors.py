"""Kong's Admin API error shapes (kong/db/errors.lua, kong/api/endpoints.lua, per the contract README)."""

from . import schema


class KongError(Exception):
    def __init__(self, status, body, headers=None):
        super().__init__(body.get("message"))
        self.status, self.body, self.headers = status, body, headers or {}


def not_found():
    return KongError(404, {"message": "Not found"})


def method_not_allowed():
    return KongError(405, {"message": "Method not allowed"})


def unexpected():
    return KongError(500, {"message": "An unexpected error occurred"})


def schema_violation(fields):
    """400 code 2; `fields` mirrors the input, entity-level messages under "@entity"."""
    items = schema.flatten(fields)
    if len(items) == 1:
        message = f"schema violation ({items[0]})"
    else:
        message = f"{len(items)} schema violations ({'; '.join(items)})"
    return KongError(400, {"code": 2, "name": "schema violation", "message": message, "fields": fields})


def _lua_table(fields):
    return "{" + ",".join(f'{k}="{v}"' if not isinstance(v, dict) else f"{k}={_lua_table(v)}"
                          for k, v in fields.items()) + "}"


def unique_violation(fields):
    return KongError(409, {"code": 5, "name": "unique constraint violation",
                           "message": f"UNIQUE violation detected on '{_lua_table(fields)}'", "fields": fields})


def foreign_key_violation(field, ref_id, collection):
    return KongError(400, {"code": 4, "name": "foreign key violation",
                           "message": f"the foreign key '{{id=\"{ref_id}\"}}' does not reference an existing "
                                      f"'{collection}' entity.",
                           "fields": {field: {"id": ref_id}}})


def referenced_by(collection, child):
    return KongError(400, {"code": 4, "name": "foreign key violation",
                           "message": f"an existing '{child}' entity references this '{collection}' entity",
                           "fields": {"@referenced_by": child}})


def invalid_size():
    return KongError(400, {"code": 9, "name": "invalid size",
                           "message": "size must be an integer between 1 and 1000"})


def invalid_offset(raw):
    return KongError(400, {"code": 7, "name": "invalid offset", "message": f"'{raw}' is not a valid offset"})


def invalid_options(options):
    """400 code 11 (kong/db/errors.lua): a write option such as `ttl` out of range; `options` instead of `fields`."""
    items = [f"{k}: {v}" for k, v in options.items()]
    return KongError(400, {"code": 11, "name": "invalid options",
                           "message": f"invalid option ({'; '.join(items)})", "options": options})


def bad_body(message):
    return KongError(400, {"message": message})


def unauthorized():
    # Kong Enterprise's RBAC answer for a missing or wrong Kong-Admin-Token (not in the contract; see README).
    return KongError(401, {"message": "Invalid credentials. Token or User credentials required"})
