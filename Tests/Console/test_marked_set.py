"""Space marks clients and `r` rotates the marked set through one dialog: the real binary under tmux, with a real
registry and the demo's sandbox IdPs."""
import os
import stat

from console_driver import client_count, query, registry_at


def test_space_marks_three_clients_and_r_rotates_them_to_a_folder(open_console, demo, tmp_path):
    folder = tmp_path / "wave"
    folder.mkdir(mode=0o700)
    # The console's first three, in the order Clientele sorts names without case on this engine.
    first_three = [row[0] for row in query(
        demo, f"SELECT id FROM client ORDER BY {registry_at(demo).caseless('displayName')}, id LIMIT 3")]
    before = {row[0] for row in query(demo, "SELECT id FROM rotation")}
    console = open_console()
    console.wait_for("Name▲")
    console.wait_for(f"{client_count(demo)} clients")
    console.keys("Space", "Space", "Space")
    screen = console.wait_for("3 marked · r rotates them")
    assert screen.count("●") == 3, screen
    console.keys("r")
    console.wait_for("Rotate 3 clients")
    console.wait_for("3 marked clients")
    console.keys("Tab", "Tab")  # grace → delivery (a folder) → the folder field
    console.type(str(folder))
    console.keys("Enter")
    console.wait_for("Rotate 3 clients?")
    console.keys("Tab", "Enter")  # Cancel has the focus: move to "Rotate 3" first
    console.wait_for("3 clients: 3 rotated, 0 waiting, 0 failed", timeout=60)

    files = sorted(folder.iterdir())
    assert len(files) == 3, files
    for path in files:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert path.read_text().strip(), path
        # The secret is never drawn.
        assert path.read_text().strip() not in console.screen()
    started = [row for row in query(demo, "SELECT id, clientRowId FROM rotation") if row[0] not in before]
    assert sorted(client for _, client in started) == sorted(first_three)
    console.keys("Escape")
    console.wait_gone("●")
