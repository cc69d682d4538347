"""Last use in the console: per secret on the client page, a column on the Expiring screen, and the line in the
remove-secret confirmation, all from what the registry recorded (the demo records some uses)."""
from console_driver import query
from test_console import open_client


def test_client_page_expiring_and_remove_dialog_show_last_use(open_console, demo):
    client_id = query(demo, "SELECT id FROM client WHERE displayName = 'billing-api'")[0][0]
    uses = query(demo, "SELECT lastUsedAt IS NOT NULL FROM secret WHERE clientRowId = ? AND state <> 'removed' "
                       "ORDER BY state = 'removed', expiresAt DESC", client_id)
    assert uses, "billing-api has no secrets in the demo"
    console = open_console(width=120, height=40)
    open_client(console, demo, "billing-api")
    screen = console.wait_for("Last used")
    secret_lines = [line for line in screen.splitlines() if "…" in line and ("ago" in line or "no sign-in" in line)]
    assert len(secret_lines) == len(uses), screen
    for line, (used,) in zip(secret_lines, uses):
        assert (" h ago" in line or " min ago" in line or " d ago" in line) if used else "no sign-in recorded" in line

    console.keys("x")
    screen = console.wait_for("Remove secret")
    assert "last used " in screen if uses[0][0] else "no sign-in recorded" in screen
    console.keys("Enter")  # Cancel
    console.wait_gone("Remove secret")

    console.keys("Escape")
    console.wait_for("Name▲")
    console.keys("3")
    screen = console.wait_for("Last used")
    assert "no sign-in recorded" in screen or " h ago" in screen
    console.keys("q")
    assert console.wait_exit() == 0
