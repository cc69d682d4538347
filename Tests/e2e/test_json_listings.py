"""`client list --json` and `secrets expiring --json` write their documents byte for byte as they always have (one
object a line, keys in their fixed order, RFC 8259 escapes), whatever the names hold."""
import json

NASTY = 'Quote " back \\ nl \n cr \r tab \t bell \x07 esc \x1b del \x7f é 漢 🙂 end'


def encode(value):
    """The writer's rules: quote, backslash, \\n \\r \\t and other controls as \\u00xx; everything else as is."""
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ",".join(encode(v) for v in value) + "]"
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def document(rows, keys=None):
    """The document the writer makes: `keys` in that order, or each row's own keys where rows differ."""
    if not rows:
        return "[]\n"
    return "[\n" + ",\n".join("{" + ",".join(f'"{k}":{encode(r[k])}' for k in (keys or list(r))) + "}"
                               for r in rows) + "\n]\n"


def with_nasty_names(demo):
    """One client, with secrets due, renamed to every character class the writer treats apart."""
    row_id = demo.query("""SELECT c.id FROM client c JOIN secret s ON s.clientRowId = c.id
                           WHERE s.state = 'active' AND s.expiresAt <= '2026-12-20' ORDER BY c.id LIMIT 1""")[0][0]
    demo.query("UPDATE client SET displayName = ?, ownerTeam = ? WHERE id = ?", NASTY, NASTY[::-1], row_id)
    return row_id


def test_client_list_json_is_the_registry_byte_for_byte(demo):
    row_id = with_nasty_names(demo)
    result = demo.run("client", "list", "--json", check=0)
    columns = ["id", "displayName", "clientId", "ownerTeam", "identityProvider", "activeSecrets", "nextExpiry"]
    # In the order Clientele's dialect sorts names without case on this engine (StoreDialect.caseless).
    rows = [dict(zip(columns, row)) for row in demo.query(f"""
        SELECT c.id, c.displayName, c.clientId, c.ownerTeam, i.name AS identityProvider,
          (SELECT count(*) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS activeSecrets,
          (SELECT min(s.expiresAt) FROM secret s WHERE s.clientRowId = c.id AND s.state IN ('active', 'pending')) AS nextExpiry
        FROM client c JOIN identityProvider i ON i.id = c.identityProviderId
        ORDER BY {demo.store.caseless("c.displayName")}, c.id""")]
    environments = {}
    for client, name in demo.query("""SELECT ce.clientRowId, e.name FROM clientEnvironment ce
                                      JOIN environment e ON e.id = ce.environmentId ORDER BY e.position, ce.clientRowId"""):
        environments.setdefault(client, []).append(name)
    expected = [dict(r, environments=environments.get(r["id"], []),
                     nextExpiry=r["nextExpiry"] and r["nextExpiry"][:10] + "T" + r["nextExpiry"][11:19] + "Z")
                for r in rows]
    keys = ["activeSecrets", "clientId", "displayName", "environments", "id", "identityProvider", "nextExpiry", "ownerTeam"]
    assert result.stdout == document(expected, keys)
    assert any(c["id"] == row_id and c["displayName"] == NASTY for c in json.loads(result.stdout))


def test_expiring_json_escapes_every_name_and_keeps_its_layout(demo):
    with_nasty_names(demo)
    result = demo.run("secrets", "expiring", "--within", "30d", "--json")
    assert result.returncode == 1, result.stderr
    rows = json.loads(result.stdout)
    keys = ["kind", "idp", "client", "clientId", "keyId", "hint", "state", "expiresAt", "daysLeft", "status"]
    # Then, where there is something to say, the last use (omitted, not null, otherwise).
    optional = ["lastUsedAt", "lastUse"]
    assert all(list(r)[:len(keys)] == keys for r in rows)
    assert all(list(r)[len(keys):] == [k for k in optional if k in r] for r in rows)
    assert any("lastUse" in r for r in rows)
    assert result.stdout == document(rows)
    assert any(r["client"] == NASTY for r in rows)
    # Each date is the stored one in ISO 8601, whole seconds in UTC.
    stored = dict(demo.query("SELECT keyId, expiresAt FROM secret"))
    for r in rows:
        if r["keyId"] is not None:
            text = stored[r["keyId"]]
            assert r["expiresAt"] == text[:10] + "T" + text[11:19] + "Z"
