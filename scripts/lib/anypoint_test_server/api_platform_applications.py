"""The API Platform repository's application list, `GET /apiplatform/repository/v2/organizations/{org}/applications`,
the one place anypoint-sdk reads client applications from (no contract fragment covers it): the same
applications as Exchange's, with their client id and secret as the admin site shows them, in
`{"total", "applications"}` pages. Read-only here; Exchange is where they are made and reset."""

import re
import urllib.parse

from .errors import AnypointError
from .exchange_applications import page_bounds

PREFIX = "/apiplatform/repository/v2/organizations/"
_ROUTE = re.compile(r"^/apiplatform/repository/v2/organizations/([^/]+)/applications/?$")


class ApiPlatformApplications:
    def __init__(self, exchange):
        self.exchange = exchange

    def handle(self, method, path, raw_query, body):
        match = _ROUTE.match(path)
        if not match:
            raise AnypointError(404, f"Cannot {method} {path}")
        org = self.exchange.org
        if match.group(1) != org.id:
            raise AnypointError(403, "You do not have access to this organization")
        if method != "GET":
            raise AnypointError(405, f"{method} is not allowed here")
        query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        offset, limit = page_bounds(query)
        with org.lock:
            rows = sorted(org.applications.values(), key=lambda a: (a.name.lower(), a.id))
            shown = [{**self.exchange.application_json(a), "coreServicesId": a.client_id}
                     for a in rows[offset:offset + limit]]
            return 200, {"total": len(rows), "applications": shown}

