"""A registry of the bench's own for one section, empty at each run."""


def fresh_registry(folder, env, name):
    """Removes `name` (and its WAL, sandbox and credential files) from `folder`, left there by a kept run, and
    returns the environment that points `clientele` at it there, on real time (the servers' clocks are the wall's)."""
    for old in folder.glob(f"{name}*"):
        old.unlink()
    bench_env = dict(env, CLIENTELE_REGISTRY=str(folder / name))
    bench_env.pop("CLIENTELE_TEST_NOW", None)
    return bench_env
