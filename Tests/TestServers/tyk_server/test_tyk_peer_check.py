"""The peer check itself: openapi-core refuses answers Tyk's OpenAPI document does not allow, so the
suite's validation of every answer can fail."""

import json

import pytest
import requests
from openapi_core.exceptions import OpenAPIError


def broken(resp, payload):
    """The same answer with another body, as a wrong server would have sent it."""
    fake = requests.Response()
    fake.status_code, fake.headers, fake.request = resp.status_code, resp.headers, resp.request
    fake._content = json.dumps(payload).encode()
    return fake


def test_every_answer_so_far_was_validated(server):
    before = server.validated
    server.tyk("GET", "/hello")
    assert server.validated == before + 1


def test_a_policy_with_a_string_rate_is_refused_by_the_peer(server):
    _, _, resp = server.tyk("GET", "/tyk/policies")
    with pytest.raises(OpenAPIError):
        server.check(broken(resp, [{"id": "p", "rate": "ten"}]))


def test_an_api_with_a_wrong_typed_field_is_refused_by_the_peer(server):
    _, _, resp = server.tyk("GET", "/tyk/apis/" + server.seeded("api-00001")["api_id"])
    with pytest.raises(OpenAPIError):
        server.check(broken(resp, {**server.seeded("api-00001"), "use_keyless": "yes"}))


def test_an_undeclared_status_is_refused_by_the_peer(server):
    _, _, resp = server.tyk("GET", "/tyk/policies")
    resp.status_code = 418
    with pytest.raises(OpenAPIError):
        server.check(resp)


def test_an_error_answer_must_have_the_status_message_shape(server):
    _, _, resp = server.tyk("GET", "/tyk/apis/none-such")
    with pytest.raises(OpenAPIError):
        server.check(broken(resp, {"status": "error", "message": ["not", "a", "string"]}))
