"""The one organization the server holds: environments, API instances and their policies, behind one lock.

Ids are integers counted from fixed starts (API Manager's are integers); names and uuids come from a seeded
random source, so `--seed S` gives the same organization every run.
"""

import random
import threading
import uuid
from dataclasses import dataclass, field

POLICY_GROUP = "68ef9520-24e9-4cf2-b2f5-620025690913"  # MuleSoft's own policy group (contract README)
FIRST_API_ID = 18_000_001
FIRST_POLICY_ID = 4_000_001
FIRST_OTHER_ID = 700_001  # tiers, applications, contracts
SEED_DATE = "2026-01-01T00:00:00.000Z"


@dataclass
class Environment:
    id: str
    name: str
    production: bool


@dataclass
class ApiInstance:
    id: int
    environment_id: str
    asset_id: str
    asset_name: str
    group_id: str
    asset_version: str
    instance_label: str
    created: str
    policies: list = field(default_factory=list)  # of Policy, in `order`


@dataclass
class Policy:
    id: int
    api_id: int
    group_id: str
    asset_id: str
    asset_version: str
    order: int
    disabled: bool
    configuration: dict
    pointcut: object  # None or a list of {methodRegex, uriTemplateRegex}
    label: object
    upstream_ids: list
    created: str
    updated: object = None


@dataclass
class Tier:
    id: int
    api_id: int
    name: str
    description: object
    status: str  # ACTIVE | DEPRECATED
    auto_approve: bool
    limits: list  # of {maximumRequests, timePeriodInMilliseconds}


@dataclass
class Application:
    """An Exchange client application; Anypoint shows its client secret to the organization's admins."""
    id: int
    name: str
    description: str
    url: object
    grant_types: list
    redirect_uris: list
    client_id: str
    client_secret: str
    created: str
    # Set when an external client provider (the IdP) made the client: the environment whose provider it is.
    provider_environment: object = None
    updated: object = None


@dataclass
class Contract:
    id: int
    api_id: int
    application_id: int
    tier_id: object  # None when the API has no tiers
    status: str  # APPROVED | PENDING | REVOKED
    created: str
    approved_date: object = None
    revoked_date: object = None


class Organization:
    def __init__(self, seed, environment_names):
        self._random = random.Random(seed) if seed is not None else random.Random()
        self.lock = threading.RLock()
        self.id = self.new_uuid()
        self.name = "Clientele loopback organization"
        self.environments = {}  # id -> Environment, in the order given
        for name in environment_names:
            env = Environment(self.new_uuid(), name, production=name.lower().startswith("prod"))
            self.environments[env.id] = env
        self.apis = {}  # id -> ApiInstance
        self.tiers = {}  # id -> Tier
        self.applications = {}  # id -> Application
        self.contracts = {}  # id -> Contract
        self._next_api = FIRST_API_ID
        self._next_policy = FIRST_POLICY_ID
        self._next_other = FIRST_OTHER_ID

    def new_uuid(self):
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))

    def environment_named(self, name):
        return next((e for e in self.environments.values() if e.name == name), None)

    def apis_in(self, environment_id):
        """The instances of one environment, sorted by asset name as API Manager's default `sort=name` does."""
        return sorted((a for a in self.apis.values() if a.environment_id == environment_id),
                      key=lambda a: (a.asset_name, a.id))

    def add_api(self, environment_id, asset_id, asset_name, asset_version, label, created=SEED_DATE):
        with self.lock:
            api = ApiInstance(self._next_api, environment_id, asset_id, asset_name, self.id, asset_version,
                              label, created)
            self._next_api += 1
            self.apis[api.id] = api
            return api

    def new_policy_id(self):
        with self.lock:
            self._next_policy += 1
            return self._next_policy - 1

    def new_id(self):
        with self.lock:
            self._next_other += 1
            return self._next_other - 1

    def seed_applications(self, count, secret):
        """`count` client applications "Application 00001"..., each with its own client id and a secret from
        `secret()` (never from the seeded random source: a secret is fresh every run)."""
        for n in range(1, count + 1):
            app = Application(self.new_id(), f"Application {n:05d}", "", None, ["client_credentials"], [],
                              self.new_uuid().replace("-", ""), secret(), SEED_DATE)
            self.applications[app.id] = app

    def seed(self, count):
        """`count` API instances in every environment: asset api-00001... at 1.0.x, labelled by environment."""
        for env in self.environments.values():
            for n in range(1, count + 1):
                self.add_api(env.id, f"api-{n:05d}", f"API {n:05d}", f"1.0.{self._random.randrange(10)}",
                             f"{env.name.lower()}-{n:05d}")
