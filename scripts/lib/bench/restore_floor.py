"""The floor for writing a registry's SQLite files: the sqlite3 shell restoring a dump of each."""
import subprocess
import time


def restore_seconds(sources, folder):
    """Seconds the sqlite3 shell takes to restore `.dump`s of the SQLite files `sources` into fresh files in
    `folder` (only the restores are timed, not the dumps)."""
    total = 0.0
    for index, source_file in enumerate(sources):
        dump = folder / f"dump-{index}.sql"
        with open(dump, "w") as out:
            subprocess.run(["sqlite3", str(source_file), ".dump"], stdout=out, check=True)
        restored = folder / f"restored-{index}.sqlite"
        restored.unlink(missing_ok=True)
        start = time.perf_counter()
        with open(dump) as source:
            subprocess.run(["sqlite3", str(restored)], stdin=source, check=True)
        total += time.perf_counter() - start
    return total
