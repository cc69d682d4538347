"""How fast the server serves a 10,000-application tenant: printed for the report, asserted only loosely."""

import concurrent.futures
import http.client
import json
import time
import urllib.parse

import pytest

from graph_harness import ServerProcess

APPS = 10_000


@pytest.fixture(scope="module")
def big():
    srv = ServerProcess("--applications", APPS, "--quiet", start_timeout=120)
    yield srv
    srv.stop()


def list_all(srv, token, top=999):
    """Plain HTTP/1.1 keep-alive client, as a native client would use; returns (count, pages)."""
    parsed = urllib.parse.urlsplit(srv.authority)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
    path, count, pages = f"/v1.0/applications?$top={top}", 0, 0
    try:
        while path:
            conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            body = json.loads(resp.read())
            assert resp.status == 200, body
            count += len(body["value"])
            pages += 1
            link = body.get("@odata.nextLink")
            path = link[len(srv.authority):] if link else None
    finally:
        conn.close()
    return count, pages


def report(capsys, line):
    # Shown even without -s: these figures are what the check is for.
    with capsys.disabled():
        print(line)


def timed_listing(srv, label, capsys):
    token = srv.admin_token()
    srv.control("POST", "/reset-stats")
    started = time.monotonic()
    count, pages = list_all(srv, token)
    elapsed = time.monotonic() - started
    requests = srv.control("GET", "/stats")[1]["total"]
    report(capsys, f"\n{label}: listed {count} applications in {pages} pages ({requests} requests) in {elapsed:.2f} s")
    assert count == APPS + 1  # the seeded apps and the admin's own
    assert requests == pages
    return elapsed


def test_listing_ten_thousand_applications(big, capsys):
    cold = timed_listing(big, "10k listing, first (cold) pass, no latency", capsys)
    warm = timed_listing(big, "10k listing, no latency", capsys)
    big.control("POST", "/latency", {"ms": 5})
    try:
        slow = timed_listing(big, "10k listing, --latency-ms 5", capsys)
    finally:
        big.control("POST", "/latency", {"ms": 0})
    assert max(cold, warm, slow) < 60


def test_parallel_single_object_requests(big, capsys):
    token = big.admin_token()
    status, _, body = big.graph_call("GET", "/applications?$top=999&$select=id", token=token)
    ids = [v["id"] for v in body["value"]][:400]
    parsed = urllib.parse.urlsplit(big.authority)

    def worker(chunk):
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        ok = 0
        try:
            for object_id in chunk:
                conn.request("GET", f"/v1.0/applications/{object_id}", headers={"Authorization": f"Bearer {token}"})
                resp = conn.getresponse()
                resp.read()
                ok += resp.status == 200
        finally:
            conn.close()
        return ok

    for latency in (0, 5):
        big.control("POST", "/latency", {"ms": latency})
        chunks = [ids[i::16] for i in range(16)]
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            ok = sum(pool.map(worker, chunks))
        elapsed = time.monotonic() - started
        report(capsys, f"\n{len(ids)} single-object GETs on 16 connections, latency {latency} ms: {elapsed:.2f} s "
              f"({len(ids) / elapsed:.0f} requests/s)")
        assert ok == len(ids)
    big.control("POST", "/latency", {"ms": 0})
