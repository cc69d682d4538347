import Foundation

/// Builds a demo registry and its sandbox IdPs: two IdPs, four environments, clients whose secrets range from
/// already expired to two years out, the eight policy kinds assigned in varied ways, and some audit history.
/// Deterministic for a seed (relative to the clock, so expiry stays meaningful on any day).
public struct DemoBuilder: Sendable {
    public var registryPath: String
    public var clients: Int
    public var seed: UInt64
    public var clock: ClienteleClock

    public static let actor = "clientele-demo"

    public init(registryPath: String, clients: Int = 60, seed: UInt64 = 7, clock: ClienteleClock) {
        self.registryPath = registryPath
        self.clients = clients
        self.seed = seed
        self.clock = clock
    }

    /// The default demo location: `$XDG_DATA_HOME/clientele/demo/registry.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        RegistryLocation.dataHome(environment) + "/clientele/demo/registry.sqlite"
    }

    /// Every file a demo consists of: the registry with its WAL files, and the sandbox state files beside it.
    public func files() -> [String] { Self.files(besideRegistry: registryPath, includingRegistry: true) }

    private static func files(besideRegistry registryPath: String, includingRegistry: Bool) -> [String] {
        let sandboxes = (["entra-sandbox", "oidc-sandbox"] + DemoGateways.names).map {
            RegistryLocation.sandboxStateFile(besideRegistry: registryPath, idpName: $0)
        }
        return ((includingRegistry ? [registryPath] : []) + sandboxes).flatMap { [$0, $0 + "-wal", $0 + "-shm"] }
    }

    public func removeExisting() throws { try Self.removeFiles(besideRegistry: registryPath, includingRegistry: true) }

    private static func removeFiles(besideRegistry registryPath: String, includingRegistry: Bool) throws {
        for file in files(besideRegistry: registryPath, includingRegistry: includingRegistry)
        where FileManager.default.fileExists(atPath: file) {
            try FileManager.default.removeItem(atPath: file)
        }
    }

    public struct Summary: Sendable {
        public var registryPath: String
        public var clients: Int
        public var secrets: Int
        public var seconds: Double
    }

    /// Clients the demo's gateways add beside the `clients` generated (see `DemoClientApps`).
    public static var gatewayClientCount: Int { DemoClientApps.clientCount }

    public func build() async throws -> Summary {
        let started = Date()
        guard clients >= 1, clients <= 1_000_000 else {
            throw ClienteleError.invalidInput("--clients \(clients) must be between 1 and 1000000")
        }
        if FileManager.default.fileExists(atPath: registryPath) {
            throw ClienteleError.conflict("\(registryPath) already exists; pass --reset to rebuild it")
        }
        let registry = try Registry.open(at: registryPath, create: true, clock: clock)
        // A PostgreSQL database has no file to test before opening: it must have been empty.
        guard registry.wasCreated else {
            throw ClienteleError.conflict(
                "\(registry.path) already holds a registry; the demo builds only into an empty database (drop and create it first)")
        }
        // The sandboxes keep their state where the registry keeps them: files beside a SQLite file, schemas of
        // their own in a PostgreSQL database.
        let home = registry.sandboxHome
        let now = clock.now
        var random = SeededRandom(seed: seed)

        let entraState = home.newStateName(for: "entra-sandbox")
        let oidcState = home.newStateName(for: "oidc-sandbox")
        let entra = try registry.addIdentityProvider(
            IdentityProvider(
                name: "entra-sandbox", kind: .sandbox,
                settings: IdentityProviderSettings(
                    tenant: random.uuid(), adminClientId: random.uuid(),
                    sandboxStateFile: entraState, sandboxProfile: .entra),
                credentialSource: .none, adminCredentialExpiresAt: now + 21 * 86_400, createdAt: now),
            actor: Self.actor)
        let oidc = try registry.addIdentityProvider(
            IdentityProvider(
                name: "oidc-sandbox", kind: .sandbox,
                settings: IdentityProviderSettings(
                    issuer: "https://idp.sandbox.example/oidc", scopes: ["api.read"],
                    sandboxStateFile: oidcState, sandboxProfile: .oidc),
                credentialSource: .none, adminCredentialExpiresAt: now + 200 * 86_400, createdAt: now),
            actor: Self.actor)
        let entraIdP = try SandboxIdentityProvider(state: entraState, in: home, profile: .entra, clock: clock, create: true)
        let oidcIdP = try SandboxIdentityProvider(state: oidcState, in: home, profile: .oidc, clock: clock, create: true)
        try entraIdP.setAdminCredentialExpiry(entra.adminCredentialExpiresAt)
        try oidcIdP.setAdminCredentialExpiry(oidc.adminCredentialExpiresAt)

        let gateways = DemoGateways(registry: registry, home: home)
        try gateways.create(now: now, actor: Self.actor)
        var environmentIds: [Int64] = []
        for name in ["Sandbox", "Dev", "Test", "Prod"] {
            let binding = DemoGateways.bindings[name]!
            environmentIds.append(
                try registry.addEnvironment(
                    name: name, businessGroup: "Digital", gateway: .none, boundTo: binding.gateway,
                    gatewayEnvironment: binding.gatewayEnvironment, actor: Self.actor
                ).id!)
        }
        try assignPolicies(registry)
        try await gateways.applyAndTamper(now: now, actor: Self.actor, clock: clock)

        // The estate that existed before Clientele: clients and secrets nobody here knows the text of.
        var entraClients: [RemoteClient] = []
        var oidcClients: [RemoteClient] = []
        var rows: [EstateClient] = []
        var usedNames: [String: Int] = [:]
        for index in 0..<clients {
            var name = DemoNames.name(index: index, random: &random)
            usedNames[name, default: 0] += 1
            if let count = usedNames[name], count > 1 { name += "-\(count)" }
            let isOIDC = random.next() % 5 == 0
            let secretCount = isOIDC ? 1 : Int(2 + random.next() % 4)
            var secrets: [RemoteSecret] = []
            for _ in 0..<secretCount {
                // Spread from 60 days expired to 24 months out, denser in the next quarter (where work is).
                let roll = random.next() % 100
                let days: Double = roll < 25
                    ? Double(Int(random.next() % 150)) - 60 : Double(Int(random.next() % 730)) - 30
                let expires = now + days * 86_400 + Double(random.next() % 86_400)
                // Entra's portal offers 6, 12 and 24 months; a secret far out must have had the longer lifetime.
                let lifetime: Double = days > 300 || random.next() % 2 == 0 ? 730 : 365
                let keyId = random.uuid()
                let hintAlphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789~")
                let hint = String((0..<3).map { _ in hintAlphabet[Int(random.next() % UInt64(hintAlphabet.count))] })
                secrets.append(
                    RemoteSecret(keyId: keyId, hint: hint, displayName: "created in portal",
                                 createdAt: min(expires - lifetime * 86_400, now - Double(1 + random.next() % 30) * 86_400),
                        expiresAt: expires))
            }
            let remote = RemoteClient(
                clientId: isOIDC ? "\(name.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.prefix(12))-\(String(random.next() % 1_000_000))" : random.uuid(),
                objectId: isOIDC ? nil : random.uuid(), displayName: name, secrets: secrets)
            var memberships: [Int64] = []
            let layout = random.next() % 10
            switch layout {
            case 0...3: memberships = environmentIds
            case 4...5: memberships = Array(environmentIds.prefix(3))
            case 6...7: memberships = Array(environmentIds.prefix(2))
            case 8: memberships = [environmentIds[3]]
            default: memberships = [environmentIds[0]]
            }
            let team = DemoNames.teams[Int(random.next() % UInt64(DemoNames.teams.count))]
            if isOIDC { oidcClients.append(remote) } else { entraClients.append(remote) }
            rows.append(EstateClient(remote: remote, identityProviderId: isOIDC ? oidc.id! : entra.id!,
                                     environmentIds: memberships, ownerTeam: team, contact: "\(team)@example.com"))
        }
        try entraIdP.seed(entraClients)
        try oidcIdP.seed(oidcClients)
        let secretCount = try insertEstate(registry, rows: rows, now: now)

        try registry.recordDemoBuilt(clients: clients, secrets: secretCount, seed: seed, at: now, actor: Self.actor)
        try await rotateAFew(registry, count: min(3, clients / 20))
        try await DemoClientApps(registry: registry, home: home, clock: clock)
            .seed(entra: entraIdP, entraRecord: entra, now: now, actor: Self.actor)
        try registry.recordDemoUses(at: now)
        try registry.checkpoint()
        return Summary(registryPath: registry.path, clients: clients, secrets: secretCount,
                       seconds: Date().timeIntervalSince(started))
    }

    /// Inserts clients, memberships and secrets in bulk, 20,000 clients to a transaction: record-by-record inserts
    /// take minutes at 100k clients.
    private func insertEstate(_ registry: Registry, rows: [EstateClient], now: Date) throws -> Int {
        var secretCount = 0
        for chunk in stride(from: 0, to: rows.count, by: 20_000) {
            secretCount += try registry.recordEstate(
                rows[chunk..<min(chunk + 20_000, rows.count)], at: now, actor: Self.actor, audited: chunk == 0 ? 12 : 0)
        }
        return secretCount
    }

    private func assignPolicies(_ registry: Registry) throws {
        // Sandbox and Dev run on Anypoint, Test and Prod on Kong: each gets what its gateway can express (Kong
        // OSS has no OpenID Connect token enforcement, so its environments validate the IdP's JWTs instead).
        let assignments: [(PolicyKind, String, String?, [String])] = [
            (.clientIdEnforcement, "Sandbox", nil, []),
            (.cors, "Sandbox", nil, ["origins=*"]),
            (.clientIdEnforcement, "Dev", nil, ["credentials=header"]),
            (.rateLimiting, "Dev", nil, ["requests=1000", "window=1m"]),
            (.spikeControl, "Dev", nil, ["requests=20", "window=1s", "queue=5", "delay=1s"]),
            (.cors, "Dev", nil, ["origins=https://dev.example.com,https://localhost:3000", "allow-credentials=true"]),
            (.headerInjection, "Dev", nil, ["headers=X-Environment:dev"]),
            (.rateLimiting, "Test", nil, ["requests=500", "window=1m"]),
            (.jwtValidation, "Test", nil, ["jwks-url=https://idp.sandbox.example/oidc/jwks", "required-claims=exp"]),
            (.clientIdEnforcement, "Test", nil, ["credentials=header"]),
            (.ipAllowlist, "Prod", nil, ["cidrs=10.0.0.0/8,192.168.10.0/24"]),
            (.rateLimiting, "Prod", nil, ["requests=100", "window=1m"]),
            (.rateLimiting, "Prod", "orders-api", ["requests=20", "window=1m", "key=ip"]),
            (.jwtValidation, "Prod", nil, [
                "jwks-url=https://idp.sandbox.example/oidc/jwks", "issuer=https://idp.sandbox.example/oidc",
                "required-claims=exp,nbf", "algorithms=RS256",
            ]),
            (.headerInjection, "Prod", nil, ["headers=X-Environment:prod"]),
        ]
        for (policy, environment, api, pairs) in assignments {
            try registry.applyPolicyChange(
                PolicyChangeRequest(policy: policy, environment: environment, api: api,
                                    intent: .assign(pairs: pairs, position: nil)),
                actor: Self.actor)
        }
    }

    /// Runs real rotations on a few clients (through the sandbox, secrets discarded), so the rotations screen and
    /// the trail show one in grace and one finished.
    private func rotateAFew(_ registry: Registry, count: Int) async throws {
        guard count > 0 else { return }
        let service = RotationService(registry: registry, adapters: StandardAdapters(registry: registry))
        let discard = SecretDeliverer(showOnce: { _, _ in })
        let candidates = try registry.clientRowIds(ofIdentityProviderNamed: "entra-sandbox", limit: count)
        for (index, clientRowId) in candidates.enumerated() {
            let grace: DurationText = index == 0 ? DurationText(seconds: 0) : .days(Int64(3 + index * 2))
            _ = try await service.rotate(
                RotationRequest(client: "#\(clientRowId)", grace: grace, delivery: .terminal, confirmed: true),
                actor: Self.actor, deliverer: discard)
        }
    }
}
