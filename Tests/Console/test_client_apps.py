"""End-to-end: the gateways' client side in the real console under tmux, on a demo registry."""


def test_drift_screen_lists_client_apps_and_expiring_names_the_gateway(open_console):
    console = open_console(width=120, height=45)
    console.wait_for("Name▲")
    console.keys("7")
    # The recorded findings show at once; the read of the gateways replaces them when it answers.
    screen = console.wait_for("stale secret copy: application Invoice Mailer / client Invoice Mailer", timeout=30)
    assert "Client apps" in screen, screen
    screen = console.wait_gone("reading the gateways…", timeout=60)
    assert "orphaned: application Retired Kiosk" in screen, screen
    assert "as last recorded" not in screen, screen
    console.keys("3")
    screen = console.wait_for("gateway kong-sandbox")
    assert "billing-batch key-auth" in screen, screen
    console.keys("q")
    assert console.wait_exit() == 0
