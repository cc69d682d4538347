"""The validator itself must be able to fail, or every other test here proves nothing."""

import pytest
import requests

from contract_validator import CONTRACTS, FRAGMENTS, SHARED_CONTRACTS, ContractValidator, ContractViolation


def _response(base, path, status, body, method="GET"):
    r = requests.Response()
    r.url = base + path
    r.status_code = status
    r.request = requests.Request(method, r.url).prepare()
    r.headers["Content-Type"] = "application/json"
    r._content = body.encode()
    return r


def test_validator_rejects_a_wrong_listing_a_wrong_error_shape_and_an_unknown_path(server):
    v = ContractValidator(server.base_url)
    path = f"/apimanager/api/v1/organizations/{server.org_id}/environments/{server.environments['Prod']}/apis"
    with pytest.raises(ContractViolation):
        v.check(_response(server.base_url, path, 200, '{"total": "many", "assets": []}'))
    with pytest.raises(ContractViolation):
        v.check(_response(server.base_url, path + "/1/policies", 200, '{"policies": []}'))
    with pytest.raises(ContractViolation):
        v.check(_response(server.base_url, path, 401, '{"code": 401}'))
    with pytest.raises(ContractViolation):
        v.check(_response(server.base_url, "/apimanager/api/v1/nowhere", 200, "{}"))
    with pytest.raises(ContractViolation):
        v.check(_response(server.base_url, path, 200, "<html>"))
    assert v.checked == 0
    v.check(_response(server.base_url, path, 200, '{"total": 0, "assets": []}'))
    v.check(_response(server.base_url, path + "/1/policies", 200, "[]"))
    v.check(_response(server.base_url, path, 401, '{"error": "Unauthorized", "message": "Unauthorized"}'))
    assert v.checked == 3


def test_the_vendored_fragments_are_the_shared_contracts():
    shared = next((d for d in SHARED_CONTRACTS if d.is_dir()), None)
    if shared is None:
        pytest.skip("shared/contracts is not beside this clone; the vendored copies are used as they are")
    for name in FRAGMENTS:
        assert (CONTRACTS / name).read_bytes() == (shared / name).read_bytes(), name
