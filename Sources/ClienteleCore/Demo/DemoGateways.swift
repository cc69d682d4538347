import Foundation

/// The demo's gateways: two sandbox gateways beside the sandbox IdPs, one imitating Kong (Test, Prod) and one
/// imitating Anypoint (Sandbox, Dev), seeded with APIs, applied, then changed "behind Clientele's back", so the
/// console's matrix shows every cell state on first open and the Drift screen has something to resolve.
struct DemoGateways {
    static let kong = "kong-sandbox"
    static let anypoint = "anypoint-sandbox"
    static let names = [kong, anypoint]

    /// Where each environment lives at its gateway: Kong tags, Anypoint environment ids.
    static let bindings: [String: (gateway: String, gatewayEnvironment: String)] = [
        "Sandbox": (anypoint, "a1f3c0de-5b1d-4c8e-9e77-5a2d0c5e1001"),
        "Dev": (anypoint, "a1f3c0de-5b1d-4c8e-9e77-5a2d0c5e1002"),
        "Test": (kong, "test"),
        "Prod": (kong, "prod"),
    ]

    static let apiNames = ["orders-api", "payments-api", "customers-api"]

    let registry: Registry
    let home: SandboxHome

    /// A demo gateway's sandbox, as the registry's sandbox home keeps it.
    static func sandbox(_ name: String, imitating kind: GatewayKind, in home: SandboxHome, create: Bool = false,
                        clock: ClienteleClock = .wall) throws -> SandboxGateway
    {
        try SandboxGateway(state: home.newStateName(for: name), in: home, imitating: kind, create: create, clock: clock,
                           name: name)
    }

    /// Records the two gateways and seeds their state files with the environments' APIs.
    func create(now: Date, actor: String) throws {
        for (name, kind) in [(Self.kong, GatewayKind.kong), (Self.anypoint, .anypoint)] {
            let sandbox = try Self.sandbox(name, imitating: kind, in: home, create: true)
            try registry.addGateway(
                Gateway(name: name, kind: kind,
                        settings: GatewaySettings(sandboxStateFile: home.newStateName(for: name)),
                        credentialSource: .none, createdAt: now),
                actor: actor)
            for (environment, binding) in Self.bindings.sorted(by: { $0.key < $1.key }) where binding.gateway == name {
                let apis = Self.apiNames.enumerated().map { index, api in
                    kind == .kong
                        ? RemoteAPI(remoteId: Self.uuid("\(environment)-\(api)"), name: api,
                                    detail: "route /\(api.replacingOccurrences(of: "-api", with: ""))")
                        : RemoteAPI(remoteId: String(18_800 + index + (environment == "Dev" ? 10 : 0)), name: api,
                                    detail: "\(api) 1.0.\(index)")
                }
                try sandbox.seed(apis: apis, environment: binding.gatewayEnvironment)
            }
        }
    }

    /// Applies Sandbox, Test and Prod, leaves Dev pending, then changes a policy and adds one by hand at the
    /// gateways, and reads every environment so the matrix knows what each gateway runs.
    func applyAndTamper(now: Date, actor: String, clock: ClienteleClock) async throws {
        let service = GatewayPolicyService(
            registry: registry, gateways: StandardGatewayAdapters(registry: registry))
        for environment in ["Sandbox", "Test", "Prod"] {
            _ = try await service.apply(environment: environment, actor: actor)
        }
        let kong = try Self.sandbox(Self.kong, imitating: .kong, in: home)
        // Someone raised Prod's payments limit in Kong Manager, and clicked a CORS plugin onto Test's orders API.
        try kong.tamper(apiName: "payments-api", environment: "prod", element: "rate-limiting",
                        field: "config.minute", value: .int(500))
        try kong.addByHand(apiName: "orders-api", environment: "test", element: "cors",
                           fields: try Self.kongCORS(allowing: "https://partner.example", now: now))
        // A registry change not yet applied: Sandbox's CORS now allows one origin only.
        try registry.applyPolicyChange(
            PolicyChangeRequest(policy: .cors, environment: "Sandbox",
                                intent: .assign(pairs: ["origins=https://sandbox.example.com"], position: nil)),
            actor: actor)
        for environment in Self.bindings.keys.sorted() {
            _ = try await service.inspect(environment: environment, actor: actor)
        }
    }

    /// A CORS plugin's config as Kong holds one set up in Kong Manager (the fields Clientele would write for the
    /// same policy), so adopting it takes exactly what the gateway runs.
    static func kongCORS(allowing origin: String, now: Date) throws -> [String: GatewayValue] {
        let configuration = try PolicyCatalog.schema(for: .cors).validate(pairs: ["origins=\(origin)"])
        let assignment = PolicyAssignment(environmentId: 0, policy: .cors, api: "orders-api", configuration: configuration,
                                          position: 1, createdAt: now, updatedAt: now)
        let element = try KongPolicyMapping().desired(
            [assignment], on: [RemoteAPI(remoteId: "-", name: "orders-api")],
            scope: GatewayScope(gatewayName: kong, environmentName: "Test", gatewayEnvironment: "test")).first
        return element?.fields ?? [:]
    }

    /// A stable UUID-shaped id from a name, so the demo is the same on every build.
    static func uuid(_ name: String) -> String {
        var random = SeededRandom(seed: UInt64(truncatingIfNeeded: name.unicodeScalars.reduce(5381) { ($0 &* 33) &+ UInt64($1.value) }))
        return random.uuid()
    }
}
