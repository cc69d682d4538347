"""API Manager's offset/limit paging over 2,500 instances per environment (limit default 100, max 250;
total counts every matching asset)."""

import pytest

from anypoint_harness import SEEDED_APIS


def _page(server, env="Sandbox", **params):
    r = server.call("GET", server.env_url(env), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_default_page_is_100_and_total_counts_all(server):
    body = _page(server)
    assert body["total"] == SEEDED_APIS and len(body["assets"]) == 100


def test_pages_of_250_cover_every_instance_once_in_name_order(server):
    ids, names = [], []
    for offset in range(0, SEEDED_APIS + 250, 250):
        body = _page(server, env="Prod", offset=offset, limit=250)
        assert body["total"] == SEEDED_APIS
        for asset in body["assets"]:
            names.append(asset["name"])
            ids.extend(api["id"] for api in asset["apis"])
    assert len(ids) == SEEDED_APIS == len(set(ids))
    assert names == sorted(names)
    assert _page(server, env="Prod", offset=SEEDED_APIS)["assets"] == []


def test_environments_hold_distinct_instances(server):
    sandbox = {a["apis"][0]["id"] for a in _page(server, "Sandbox", limit=250)["assets"]}
    prod = {a["apis"][0]["id"] for a in _page(server, "Prod", limit=250)["assets"]}
    assert sandbox and prod and not sandbox & prod


@pytest.mark.parametrize("params, message", [({"limit": 251}, "limit must be from 0 to 250"),
                                             ({"offset": -1}, "offset must be from 0 to 2147483647"),
                                             ({"limit": "ten"}, "limit must be an integer")])
def test_out_of_range_paging_is_a_400(server, params, message):
    r = server.call("GET", server.env_url(), params=params)
    assert r.status_code == 400
    assert r.json() == {"error": "Bad Request", "message": message}


def test_filters_narrow_total(server):
    body = _page(server, assetId="api-00042")
    assert body["total"] == 1 and body["assets"][0]["assetId"] == "api-00042"
    assert _page(server, instanceLabel="sandbox-00007")["assets"][0]["apis"][0]["instanceLabel"] == "sandbox-00007"
    assert _page(server, query="API 0001")["total"] == 10
