"""The secret's text must not reach the registry, the logs, the audit trail or any error: scan them all."""


def test_secret_text_appears_nowhere_but_its_file(demo, tmp_path):
    client = demo.query(
        "SELECT c.displayName FROM client c JOIN identityProvider i ON i.id = c.identityProviderId "
        "WHERE i.name = 'entra-sandbox' AND c.id NOT IN (SELECT clientRowId FROM rotation) ORDER BY c.id LIMIT 1")[0][0]
    verbose = {"CLIENTELE_LOG_LEVEL": "trace"}
    logs = []
    secrets = []
    for index in range(3):
        path = tmp_path / f"secret-{index}"
        result = demo.run("rotate", client, "--grace", "1d", "--secret-file", str(path), env=verbose, check=0)
        logs += [result.stdout, result.stderr]
        secrets.append(path.read_text().strip())
        demo.now = f"2026-11-2{5 + index}T12:00:00Z"
        result = demo.run("rotations", "advance", env=verbose, check=0)
        logs += [result.stdout, result.stderr]
    piped = tmp_path / "piped"
    result = demo.run("rotate", client, "--grace", "1d", "--secret-command", f"cat > {piped}", env=verbose, check=0)
    logs += [result.stdout, result.stderr]
    secrets.append(piped.read_text().strip())
    # A failing delivery and a failing test print errors: those must not carry the secret either.
    result = demo.run("secrets", "test", client, "--secret-file", str(tmp_path / "secret-0"), env=verbose)
    logs += [result.stdout, result.stderr]
    for fmt in ("jsonl", "csv"):
        logs.append(demo.run("audit", "export", "--format", fmt, check=0).stdout)
    logs.append(demo.run("client", "show", client, "--json", check=0).stdout)
    logs.append(demo.run("rotations", "list", "--all", "--json", check=0).stdout)

    assert all(len(secret) == 40 for secret in secrets)
    # The registry and its sandboxes' state: the files beside a SQLite registry, every schema of a database.
    stored = [demo.stored_bytes(sandboxes=True)]
    assert len(stored[0]) > len(demo.stored_bytes()) > 10_000
    for secret in secrets:
        needle = secret.encode()
        for blob in stored:
            assert needle not in blob
        for text in logs:
            assert secret not in text
    # The logs did say something: the scan covered real output.
    assert sum(len(text) for text in logs) > 1000
