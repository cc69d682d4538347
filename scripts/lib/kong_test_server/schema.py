"""Kong's schema checks, driven by the field lists evaluated from Kong's Lua schemas (contract/*.json).

Only what the data states is checked: types, required, defaults, one_of, between, gt, len_min, elements,
nested records, and the entity checks at_least_one_of / only_one_of / conditional-with-eq. Lua custom
validators are not reproduced (the contract gives only where they sit).
"""

import json
import os

_HERE = os.path.join(os.path.dirname(__file__), "contract")
with open(os.path.join(_HERE, "admin-entities.json")) as _f:
    ENTITIES = json.load(_f)
with open(os.path.join(_HERE, "plugin-schemas.json")) as _f:
    PLUGINS = json.load(_f)["plugins"]

_MISSING = object()


def _type_ok(kind, value):
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("array", "set"):
        return isinstance(value, list)
    if kind in ("map", "record", "foreign"):
        return isinstance(value, dict)
    return True


_TYPE_NAMES = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "array": "an array", "set": "a set", "map": "a map", "record": "a record", "foreign": "a record"}


def _lua_list(values):
    return ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)


def check_value(field, value):
    """(normalised value, error) for one present, non-null value; error mirrors the input shape."""
    kind = field.get("type")
    if not _type_ok(kind, value):
        return value, f"expected {_TYPE_NAMES.get(kind, kind)}"
    if "one_of" in field and value not in field["one_of"]:
        return value, f"expected one of: {_lua_list(field['one_of'])}"
    if "between" in field:
        low, high = field["between"]
        if not low <= value <= high:
            return value, f"value should be between {low} and {high}"
    if "gt" in field and not value > field["gt"]:
        return value, f"value must be greater than {field['gt']}"
    if "len_min" in field and len(value) < field["len_min"]:
        return value, f"length must be at least {field['len_min']}"
    if kind in ("array", "set") and "elements" in field:
        out, errs = [], {}
        for i, element in enumerate(value):
            fixed, err = check_value(field["elements"], element)
            out.append(fixed)
            if err:
                errs[str(i + 1)] = err
        if kind == "set":
            seen = []
            out = [v for v in out if not (v in seen or seen.append(v))]
        return out, errs or None
    if kind == "record" and "fields" in field:
        return check_record(field["fields"], value)
    return value, None


def check_record(fields, data):
    """(record with defaults filled, errors dict or None). Unknown keys are errors, as in Kong."""
    by_name = {f["name"]: f for f in fields}
    out, errs = {}, {}
    for key in data:
        if key not in by_name:
            errs[key] = "unknown field"
    for f in fields:
        name = f["name"]
        value = data.get(name, _MISSING)
        if value is _MISSING:
            if f.get("auto"):
                out[name] = None  # filled by the store
                continue
            value = f.get("default")
            # Kong fills an absent record with its own defaults unless the field says otherwise.
            if f.get("type") == "record" and "fields" in f and value is None and "default" not in f:
                value = {}
        if value is None:
            out[name] = None
            if f.get("required") and not f.get("auto"):
                errs[name] = "required field missing"
            continue
        fixed, err = check_value(f, value)
        out[name] = fixed
        if err:
            errs[name] = err
    return out, errs or None


def _get(record, dotted):
    value = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _empty(value):
    return value is None or value == [] or value == {} or value == ""


def entity_errors(checks, record):
    """Messages of the entity checks that fail, as Kong puts them under "@entity"."""
    failed = []
    for check in checks or []:
        if "at_least_one_of" in check:
            names = check["at_least_one_of"]
            if all(_empty(_get(record, n)) for n in names):
                failed.append("at least one of these fields must be non-empty: "
                              + ", ".join(f"'{n}'" for n in names))
        elif "only_one_of" in check:
            names = check["only_one_of"]
            if sum(not _empty(_get(record, n)) for n in names) > 1:
                failed.append("only one of these fields must be non-empty: " + ", ".join(f"'{n}'" for n in names))
        elif "conditional" in check:
            c = check["conditional"]
            if_match, then_match = c.get("if_match", {}), c.get("then_match", {})
            value = _get(record, c["if_field"])
            hit = ("eq" in if_match and value == if_match["eq"]) or \
                  ("one_of" in if_match and value in if_match["one_of"]) or \
                  ("gt" in if_match and isinstance(value, (int, float)) and value > if_match["gt"])
            if not hit:
                continue
            then = _get(record, c["then_field"])
            if then_match.get("required") and _empty(then):
                failed.append(c.get("then_err") or f"failed conditional validation given value of field "
                                                   f"'{c['if_field']}'")
            elif "contains" in then_match and then_match["contains"] not in (then or []):
                failed.append(f"failed conditional validation given value of field '{c['if_field']}'")
    return failed


def flatten(errs, prefix=""):
    """Kong's message lists each leaf as `path: message`."""
    items = []
    for key, value in errs.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            items.extend(flatten(value, path))
        elif isinstance(value, list):
            items.extend(f"{v}" if key == "@entity" else f"{path}: {v}" for v in value)
        else:
            items.append(f"{path}: {value}")
    return items


def core_fields(entity):
    return ENTITIES["core_entities"][entity]["fields"]


def core_checks(entity):
    return ENTITIES["core_entities"][entity].get("entity_checks")


def dao(name):
    return ENTITIES["plugin_daos"][name]


def plugin_fields(plugin_name):
    """The plugins entity's fields with the plugin's own top-level fields and config record in place."""
    plugin = PLUGINS[plugin_name]
    overrides = {f["name"]: f for f in plugin.get("top_level_fields", [])}
    overrides["config"] = dict(plugin["config"], required=True)
    return [overrides.get(f["name"], f) for f in core_fields("plugins")]
