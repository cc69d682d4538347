"""A $filter parser for the application properties Graph lets clients filter on.

It covers what directory queries use in practice: eq/ne/ge/le/in, startswith,
and/or/not with parentheses, and any() over identifierUris and tags. Operators
that Graph only allows in advanced queries (ne, not) need ConsistencyLevel:
eventual and $count=true here too, so a client that forgets them fails the same way.
"""

import re

from . import schema, timefmt
from .errors import GraphError

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>'(?:[^']|'')*')
      | (?P<dt>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)
      | (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})
      | (?P<num>-?\d+(?:\.\d+)?)
      | (?P<ident>[A-Za-z_$][A-Za-z0-9_./$]*)
      | (?P<punct>[(),:])
    )""",
    re.VERBOSE,
)

_STRING_PROPS = {
    "displayName": {"eq", "ne", "ge", "le", "in", "startswith"},
    "appId": {"eq", "ne", "in"},
    "id": {"eq", "ne", "in"},
    "signInAudience": {"eq", "ne", "in"},
    "publisherDomain": {"eq", "ne", "ge", "le", "in", "startswith"},
    "description": {"eq", "ne", "ge", "le", "startswith"},
    "notes": set(),
}
_DATE_PROPS = {"createdDateTime": {"eq", "ne", "ge", "le", "in"}}
_COLLECTION_PROPS = {"identifierUris": {"eq", "startswith"}, "tags": {"eq", "startswith"}}
_ADVANCED_ONLY = {"ne", "not"}


def invalid(detail):
    return GraphError(400, "BadRequest", f"Invalid filter clause: {detail}")


def unsupported_property(name):
    return GraphError(
        400,
        "Request_UnsupportedQuery",
        f"Unsupported or invalid query filter clause specified for property '{name}' of resource 'Application'.",
    )


def unsupported_query():
    return GraphError(400, "Request_UnsupportedQuery", "Unsupported Query.")


def _tokenize(text):
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise invalid(f"Syntax error at position {pos} in '{text}'.")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text, advanced, publisher_domain):
        self.tokens = _tokenize(text)
        self.i = 0
        self.advanced = advanced
        self.domain = publisher_domain
        self.lambda_var = None

    def peek(self, offset=0):
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else (None, None)

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def expect(self, value):
        kind, text = self.take()
        if text != value:
            raise invalid(f"Expected '{value}' but found '{text}'.")

    def keyword(self, word):
        kind, text = self.peek()
        if kind == "ident" and text.lower() == word:
            self.i += 1
            return True
        return False

    def need_advanced(self, what):
        if what in _ADVANCED_ONLY and not self.advanced:
            raise unsupported_query()

    def parse(self):
        pred = self.parse_or()
        if self.i != len(self.tokens):
            raise invalid(f"Unexpected '{self.peek()[1]}'.")
        return pred

    def parse_or(self):
        left = self.parse_and()
        while self.keyword("or"):
            right = self.parse_and()
            left = (lambda a, b: lambda v: a(v) or b(v))(left, right)
        return left

    def parse_and(self):
        left = self.parse_unary()
        while self.keyword("and"):
            right = self.parse_unary()
            left = (lambda a, b: lambda v: a(v) and b(v))(left, right)
        return left

    def parse_unary(self):
        if self.keyword("not"):
            self.need_advanced("not")
            inner = self.parse_unary()
            return lambda v: not inner(v)
        kind, text = self.peek()
        if text == "(":
            self.take()
            inner = self.parse_or()
            self.expect(")")
            return inner
        if kind == "ident" and self.peek(1)[1] == "(":
            return self.parse_function()
        return self.parse_comparison()

    def parse_function(self):
        _, name = self.take()
        lname = name.lower()
        if "/" in name and lname.endswith("/any"):
            return self.parse_any(name[: -len("/any")])
        if lname != "startswith":
            raise unsupported_query()
        self.expect("(")
        prop = self.parse_property("startswith")
        self.expect(",")
        value = self.parse_literal()
        self.expect(")")
        if not isinstance(value, str):
            raise invalid("startswith expects a string literal.")
        prefix = value.lower()
        return lambda v: (prop(v) or "").lower().startswith(prefix)

    def parse_any(self, collection):
        canonical = schema.canonical_name(collection)
        if canonical not in _COLLECTION_PROPS:
            raise unsupported_property(collection)
        self.expect("(")
        kind, var = self.take()
        if kind != "ident":
            raise invalid("Expected a lambda variable.")
        self.expect(":")
        outer, self.lambda_var = self.lambda_var, (var, canonical)
        try:
            inner = self.parse_or()
        finally:
            self.lambda_var = outer
        self.expect(")")

        def check(view, inner=inner, canonical=canonical):
            return any(inner({"__item__": item}) for item in (view.get(canonical) or []))

        return check

    def parse_property(self, operator):
        kind, name = self.take()
        if kind != "ident":
            raise invalid(f"Expected a property name but found '{name}'.")
        if self.lambda_var and name == self.lambda_var[0]:
            allowed = _COLLECTION_PROPS[self.lambda_var[1]]
            if operator not in allowed:
                raise unsupported_property(self.lambda_var[1])
            return lambda v: v["__item__"]
        canonical = schema.canonical_name(name)
        allowed = _STRING_PROPS.get(canonical) or _DATE_PROPS.get(canonical)
        if not allowed or operator not in allowed:
            raise unsupported_property(canonical or name)
        return lambda v, c=canonical: v.get(c)

    def parse_literal(self):
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "guid":
            return text
        if kind == "dt":
            try:
                return timefmt.parse_datetime(text)
            except ValueError as exc:
                raise invalid(str(exc)) from exc
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "ident" and text.lower() in ("null", "true", "false"):
            return {"null": None, "true": True, "false": False}[text.lower()]
        raise invalid(f"Expected a literal but found '{text}'.")

    def parse_comparison(self):
        start = self.i
        self.take()
        kind, op = self.take()
        if kind != "ident":
            raise invalid(f"Expected an operator but found '{op}'.")
        op = op.lower()
        if op not in ("eq", "ne", "ge", "le", "gt", "lt", "in"):
            raise invalid(f"Unknown operator '{op}'.")
        if op in ("gt", "lt"):
            raise unsupported_query()
        self.need_advanced(op)
        self.i = start
        prop = self.parse_property(op)
        self.take()
        if op == "in":
            self.expect("(")
            values = [self.parse_literal()]
            while self.peek()[1] == ",":
                self.take()
                values.append(self.parse_literal())
            self.expect(")")
            wanted = {_fold(x) for x in values}
            return lambda v: _fold(prop(v)) in wanted
        value = _fold(self.parse_literal())
        if op == "eq":
            return lambda v: _fold(prop(v)) == value
        if op == "ne":
            return lambda v: _fold(prop(v)) != value
        if value is None:
            raise unsupported_query()
        if op == "ge":
            return lambda v: prop(v) is not None and _fold(prop(v)) >= value
        return lambda v: prop(v) is not None and _fold(prop(v)) <= value


def _fold(value):
    # Directory string comparisons ignore case (display names, GUIDs alike).
    return value.lower() if isinstance(value, str) else value


def compile_filter(text, advanced, publisher_domain):
    """Returns a predicate over the dict made by `filter_view`."""
    if not text.strip():
        raise invalid("The filter is empty.")
    return _Parser(text, advanced, publisher_domain).parse()


def filter_view(app, publisher_domain):
    """The few values a filter can read, so predicates do not depend on the storage layout."""
    props = app.props
    return {
        "id": app.id,
        "appId": app.app_id,
        "displayName": app.display_name,
        "createdDateTime": app.created,
        "publisherDomain": publisher_domain,
        "signInAudience": props.get("signInAudience", "AzureADMyOrg"),
        "description": props.get("description"),
        "identifierUris": props.get("identifierUris", []),
        "tags": props.get("tags", []),
    }
