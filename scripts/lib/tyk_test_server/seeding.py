"""Seeded API definitions `api-00001` … `api-NNNNN`, already loaded, with ids reproducible by `--seed`."""

import random

from . import api_definitions


def seed_apis(state, count, seed):
    rng = random.Random(seed) if seed is not None else random.SystemRandom()
    for n in range(1, count + 1):
        name = f"api-{n:05d}"
        api_id = f"{rng.getrandbits(128):032x}"
        body = {
            "name": name,
            "slug": name,
            "use_keyless": n % 2 == 1,
            "use_standard_auth": n % 2 == 0,
            "auth": {"auth_header_name": "Authorization"},
            "proxy": {"listen_path": f"/{name}/", "target_url": f"http://127.0.0.1:9/{name}",
                      "strip_listen_path": True},
            "version_data": {"not_versioned": True, "default_version": "",
                             "versions": {"Default": {"name": "Default", "use_extended_paths": True}}},
        }
        state.api_files[api_id] = api_definitions.complete(body, api_id)
    state.reload()
