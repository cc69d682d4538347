"""Kong's database in memory: every write validated as Kong's schema would, one lock for all of it."""

import base64
import copy
import hashlib
import random
import secrets
import threading
import time
import uuid

from . import errors, schema
from .kinds import BLOCKERS, CASCADES, KINDS, PARENT_FIELD

MAX_PAGE = 1000
DEFAULT_PAGE = 100
# kong/db/dao/init.lua validate_options_value: "a bit over three years maximum".
MAX_TTL = 100000000
# Where a row with a `ttl` keeps its end (epoch seconds); never answered, replaced by the `ttl` left.
EXPIRES = "_expires_at"
_KEEP = object()


def is_uuid(text):
    try:
        return str(uuid.UUID(text)) == text.lower()
    except (ValueError, AttributeError):
        return False


def _hash_oauth2_secret(secret_text):
    # kong/plugins/oauth2/secret.lua's PBKDF2 format: $pbkdf2-sha512$i=10000,l=32$<salt>$<hash>
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha512", secret_text.encode(), salt, 10000, 32)
    b64 = lambda b: base64.b64encode(b).decode().rstrip("=")  # noqa: E731
    return f"$pbkdf2-sha512$i=10000,l=32${b64(salt)}${b64(digest)}"


class Store:
    def __init__(self, seed=None):
        self._lock = threading.RLock()
        self._rows = {name: {} for name in KINDS}
        self._random = random.Random(seed) if seed is not None else None
        self._clock_offset = 0.0

    # ---- ids and clock -------------------------------------------------------------------

    def new_id(self):
        if self._random is not None:
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        return str(uuid.uuid4())

    def _random_text(self, length):
        if self._random is not None:
            return "".join(self._random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(length))
        return secrets.token_hex(length // 2)

    def clock(self):
        return time.time() + self._clock_offset

    def now(self):
        return int(self.clock())

    def advance_clock(self, seconds):
        """Moves this server's time forward, so tests see a `ttl` run out without waiting."""
        with self._lock:
            self._clock_offset += seconds

    # ---- ttl (kong/db/strategies/postgres: rows past their ttl are left out of every select and purged) ------

    def _purge_expired(self):
        now = self.clock()
        for collection, kind in KINDS.items():
            if not kind.ttl:
                continue
            for row_id in [i for i, r in self._rows[collection].items() if r.get(EXPIRES) is not None
                           and r[EXPIRES] <= now]:
                self._remove(collection, row_id)

    def _public(self, row):
        """The row as the Admin API answers it: `ttl` is the whole seconds left (Kong's FLOOR of ttl - now)."""
        out = copy.deepcopy(row)
        expires = out.pop(EXPIRES, None)
        if expires is not None:
            out["ttl"] = max(0, int(expires - self.clock()))
        return out

    def _take_ttl(self, collection, body):
        """The `ttl` option taken out of a write's body: the end it sets, None for none, _KEEP when not given.
        On an entity without `ttl = true` it stays in the body, where the schema refuses it as unknown."""
        if not KINDS[collection].ttl or not isinstance(body, dict) or "ttl" not in body:
            return body, _KEEP
        body = dict(body)
        ttl = body.pop("ttl")
        if ttl is None:
            return body, _KEEP
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or int(ttl) != ttl or not 0 <= ttl <= MAX_TTL:
            raise errors.invalid_options({"ttl": f"must be an integer between 0 and {MAX_TTL}"})
        return body, (self.clock() + ttl if ttl > 0 else None)

    # ---- lookups -------------------------------------------------------------------------

    def find(self, collection, key):
        """The row named by id or endpoint key, or None."""
        with self._lock:
            self._purge_expired()
            rows = self._rows[collection]
            if is_uuid(key) and key.lower() in rows:
                return rows[key.lower()]
            endpoint_key = KINDS[collection].endpoint_key
            if endpoint_key:
                for row in rows.values():
                    if row.get(endpoint_key) == key:
                        return row
            return None

    def get(self, collection, key, scope=None):
        row = self.find(collection, key)
        if row is None or not _in_scope(row, scope):
            raise errors.not_found()
        with self._lock:
            return self._public(row)

    def page(self, collection, size=None, offset=None, tags=None, scope=None):
        """(rows, next offset or None), ordered by id so pages stay put while others are added."""
        try:
            size = DEFAULT_PAGE if size is None else int(size)
        except ValueError:
            raise errors.invalid_size() from None
        if not 1 <= size <= MAX_PAGE:
            raise errors.invalid_size()
        after = None
        if offset is not None:
            try:
                after = base64.urlsafe_b64decode(offset.encode() + b"==").decode()
            except (ValueError, UnicodeDecodeError):
                raise errors.invalid_offset(offset) from None
            if not is_uuid(after):
                raise errors.invalid_offset(offset)
        want = _tag_filter(tags)
        with self._lock:
            self._purge_expired()
            ids = sorted(i for i, row in self._rows[collection].items()
                         if _in_scope(row, scope) and want(row.get("tags") or []))
            if after is not None:
                ids = [i for i in ids if i > after]
            chosen = [self._public(self._rows[collection][i]) for i in ids[:size]]
        more = len(ids) > size
        token = base64.urlsafe_b64encode(chosen[-1]["id"].encode()).decode().rstrip("=") if more else None
        return chosen, token

    def count(self, collection):
        with self._lock:
            self._purge_expired()
            return len(self._rows[collection])

    # ---- writes --------------------------------------------------------------------------

    def create(self, collection, body, scope=None):
        body, expires = self._take_ttl(collection, body)
        with self._lock:
            self._purge_expired()
            return self._write(collection, _with_scope(body, scope), existing=None,
                               expires=None if expires is _KEEP else expires)

    def upsert(self, collection, key, body, scope=None):
        """PUT: a full replace of the row named by id or endpoint key, or a new row with that id or key."""
        if not isinstance(body, dict):
            raise errors.bad_body("Cannot parse JSON body")
        body, expires = self._take_ttl(collection, body)
        body = _with_scope(body, scope)
        with self._lock:
            existing = self.find(collection, key)
            if existing is not None and not _in_scope(existing, scope):
                raise errors.not_found()
            body = dict(body)
            if is_uuid(key):
                body["id"] = key.lower()
            elif KINDS[collection].endpoint_key:
                body[KINDS[collection].endpoint_key] = key
                if existing is not None:
                    body["id"] = existing["id"]
            # A PUT replaces the whole row, its lifetime too.
            return self._write(collection, body, existing=existing, replace=True,
                               expires=None if expires is _KEEP else expires)

    def patch(self, collection, key, body, scope=None):
        if not isinstance(body, dict):
            raise errors.bad_body("Cannot parse JSON body")
        body, expires = self._take_ttl(collection, body)
        with self._lock:
            existing = self.find(collection, key)
            if existing is None or not _in_scope(existing, scope):
                raise errors.not_found()
            if collection == "oauth2" and ("client_secret" in body) != ("hash_secret" in body):
                raise errors.schema_violation({"@entity": [
                    "all or none of these fields must be set: 'hash_secret', 'client_secret'"]})
            merged = _merge(existing, body)
            merged.pop(EXPIRES, None)
            merged["id"] = existing["id"]
            return self._write(collection, merged, existing=existing, patched_keys=set(body), expires=expires)

    def delete(self, collection, key, scope=None):
        with self._lock:
            row = self.find(collection, key)
            if row is None or not _in_scope(row, scope):
                return  # Kong answers 204 for an entity already gone
            for child in BLOCKERS.get(collection, []):
                field = PARENT_FIELD[collection]
                if any((r.get(field) or {}).get("id") == row["id"] for r in self._rows[child].values()):
                    raise errors.referenced_by(collection, child)
            self._remove(collection, row["id"])

    def _remove(self, collection, row_id):
        self._rows[collection].pop(row_id, None)
        field = PARENT_FIELD.get(collection)
        for child in CASCADES.get(collection, []):
            for cid in [i for i, r in self._rows[child].items() if (r.get(field) or {}).get("id") == row_id]:
                self._remove(child, cid)

    def _write(self, collection, body, existing, replace=False, patched_keys=None, expires=None):
        if not isinstance(body, dict):
            raise errors.bad_body("Cannot parse JSON body")
        kind = KINDS[collection]
        given = dict(body)
        for auto in ("created_at", "updated_at"):
            given.pop(auto, None)
        if collection == "plugins" and isinstance(given.get("name"), str) and given["name"] not in schema.PLUGINS:
            raise errors.schema_violation({"name": f"plugin '{given['name']}' not enabled; add it to the "
                                                   f"'plugins' configuration property"})
        record, errs = schema.check_record(kind.fields(given), given)
        if errs is None:
            entity = schema.entity_errors(kind.checks(record), record)
            if entity:
                errs = {"@entity": entity}
        if errs:
            raise errors.schema_violation(errs)
        self._check_foreign(record)
        record["id"] = (record.get("id") or (existing or {}).get("id") or self.new_id()).lower()
        if not is_uuid(record["id"]):
            raise errors.schema_violation({"id": "expected a valid UUID"})
        for name, length in kind.generated.items():
            if record.get(name) is None:
                record[name] = self._random_text(length)
        now = self.now()
        if "created_at" in record:
            record["created_at"] = (existing or {}).get("created_at") or now
        if "updated_at" in record:
            record["updated_at"] = now
        self._transform(collection, record, existing, patched_keys)
        self._check_unique(collection, record)
        if collection == "plugins":
            self._check_plugin_unique(record)
        if existing is not None and existing["id"] != record["id"]:
            self._rows[collection].pop(existing["id"], None)
        if expires is _KEEP:
            expires = (existing or {}).get(EXPIRES)
        if expires is not None:
            record[EXPIRES] = expires
        self._rows[collection][record["id"]] = record
        return self._public(record)

    def _transform(self, collection, record, existing, patched_keys):
        unchanged = existing is not None and patched_keys is not None
        if collection == "oauth2" and record.get("hash_secret"):
            if not (unchanged and "client_secret" not in patched_keys) and not record["client_secret"].startswith(
                    "$pbkdf2-"):
                record["client_secret"] = _hash_oauth2_secret(record["client_secret"])
        if collection == "basic-auths" and not (unchanged and "password" not in patched_keys):
            # kong/plugins/basic-auth/crypto.lua: sha1(password .. consumer_id), hex
            record["password"] = hashlib.sha1(
                (record["password"] + record["consumer"]["id"]).encode()).hexdigest()

    def _check_foreign(self, record):
        for field, collection in (("service", "services"), ("route", "routes"), ("consumer", "consumers")):
            ref = record.get(field)
            if not isinstance(ref, dict):
                continue
            ref_id = ref.get("id")
            target = self.find(collection, ref_id) if isinstance(ref_id, str) else None
            if target is None:
                raise errors.foreign_key_violation(field, ref_id, collection)
            record[field] = {"id": target["id"]}

    def _check_unique(self, collection, record):
        for name in KINDS[collection].unique:
            value = record.get(name)
            if value is None:
                continue
            for other in self._rows[collection].values():
                if other["id"] != record["id"] and other.get(name) == value:
                    raise errors.unique_violation({name: value})

    def _check_plugin_unique(self, record):
        key = _plugin_key(record)
        for other in self._rows["plugins"].values():
            if other["id"] != record["id"] and _plugin_key(other) == key:
                fields = {"consumer": record["consumer"], "name": record["name"], "route": record["route"],
                          "service": record["service"]}
                raise errors.unique_violation({k: v for k, v in fields.items() if v is not None})

    # ---- bulk ----------------------------------------------------------------------------

    def seed_apis(self, count):
        """Services api-00001... each with one route, as Clientele's adapter will find them."""
        with self._lock:
            for n in range(1, count + 1):
                name = f"api-{n:05d}"
                service = self._write("services", {"name": name, "host": f"{name}.upstream.test", "path": "/",
                                                   "tags": ["seeded"]}, None)
                self._write("routes", {"name": f"{name}-route", "paths": [f"/{name}"],
                                       "service": {"id": service["id"]}, "tags": ["seeded"]}, None)

    def seed_consumers(self, count):
        """Consumers consumer-00001... (custom_id client-NNNNN, tag `seeded`), each with one generated key-auth key
        and the acl group `seeded`, so every credential list has as many rows as there are consumers."""
        with self._lock:
            for n in range(1, count + 1):
                consumer = self._write("consumers", {"username": f"consumer-{n:05d}", "custom_id": f"client-{n:05d}",
                                                     "tags": ["seeded"]}, None)
                self._write("key-auths", {"consumer": {"id": consumer["id"]}, "tags": ["seeded"]}, None)
                self._write("acls", {"consumer": {"id": consumer["id"]}, "group": "seeded"}, None)

    def snapshot(self):
        with self._lock:
            self._purge_expired()
            return copy.deepcopy(self._rows)

    def restore(self, rows):
        with self._lock:
            self._rows = {name: dict(rows.get(name, {})) for name in KINDS}


def _plugin_key(row):
    ref = lambda f: (row.get(f) or {}).get("id")  # noqa: E731
    return row.get("name"), ref("route"), ref("service"), ref("consumer")


def _with_scope(body, scope):
    if scope and isinstance(body, dict):
        body = dict(body)
        body[scope[0]] = {"id": scope[1]}
    return body


def _in_scope(row, scope):
    return scope is None or (row.get(scope[0]) or {}).get("id") == scope[1]


def _tag_filter(tags):
    if not tags:
        return lambda _row_tags: True
    if "/" in tags:
        wanted = set(tags.split("/"))
        return lambda row_tags: bool(wanted & set(row_tags))
    wanted = set(tags.split(","))
    return lambda row_tags: wanted <= set(row_tags)


def _merge(existing, patch):
    """PATCH merges records field by field, as Kong does for `config`; other values are replaced."""
    out = copy.deepcopy(existing)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in PARENT_FIELD.values():
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out
