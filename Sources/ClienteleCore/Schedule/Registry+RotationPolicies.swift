import Foundation
import GRDB

/// What `rotation-policy set` asks for.
public struct RotationPolicyRequest: Sendable {
    public var scope: RotationPolicyScope
    public var rotateBefore: DurationText
    public var maxAge: DurationText?
    public var grace: DurationText?
    public var secretCommand: String

    public init(scope: RotationPolicyScope, rotateBefore: DurationText, maxAge: DurationText? = nil,
                grace: DurationText? = nil, secretCommand: String)
    {
        self.scope = scope
        self.rotateBefore = rotateBefore
        self.maxAge = maxAge
        self.grace = grace
        self.secretCommand = secretCommand
    }
}

extension Registry {
    /// Every policy, environments (in display order) before IdPs.
    public func rotationPolicies() throws -> [RotationPolicyListing] {
        try sqliteRead { db in try Self.rotationPolicies(db).map(\.listing) }
    }

    /// The policy for `scope`, or one line saying there is none.
    public func rotationPolicy(_ scope: RotationPolicyScope) throws -> RotationPolicyListing {
        try sqliteRead { db in try Self.rotationPolicy(db, scope) }
    }

    /// The IdPs whose clients `scope` covers: the IdP itself, or those of the environment's clients.
    public func identityProviders(coveredBy scope: RotationPolicyScope) throws -> [IdentityProvider] {
        try sqliteRead { db in
            switch scope {
            case .identityProvider(let name): return [try Self.policyIdentityProvider(db, named: name)]
            case .environment(let name):
                let environment = try Self.environment(db, named: name)
                return try IdentityProvider.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM identityProvider WHERE id IN (SELECT c.identityProviderId FROM client c
                        JOIN clientEnvironment m ON m.clientRowId = c.id WHERE m.environmentId = ?) ORDER BY name
                        """,
                    arguments: [environment.id!])
            }
        }
    }

    /// Records the policy for `request.scope`, replacing the one it had; audited either way. Validation
    /// (`RotationPolicyRules`) happens before this.
    @discardableResult
    public func setRotationPolicy(_ request: RotationPolicyRequest, actor: String) throws -> RotationPolicyListing {
        let now = clock.now
        return try sqliteWrite { db in
            var policy: RotationPolicy
            let previous = try? Self.rotationPolicy(db, request.scope)
            if let previous {
                policy = previous.policy
            } else {
                var environmentId: Int64?, identityProviderId: Int64?
                switch request.scope {
                case .environment(let name): environmentId = try Self.environment(db, named: name).id
                case .identityProvider(let name): identityProviderId = try Self.policyIdentityProvider(db, named: name).id
                }
                policy = RotationPolicy(
                    environmentId: environmentId, identityProviderId: identityProviderId, rotateBeforeSeconds: 0,
                    secretCommand: "", createdAt: now, updatedAt: now)
            }
            policy.rotateBeforeSeconds = request.rotateBefore.seconds
            policy.maxAgeSeconds = request.maxAge?.seconds
            policy.graceSeconds = request.grace?.seconds
            policy.secretCommand = request.secretCommand
            policy.updatedAt = now
            try policy.save(db)
            let listing = try Self.rotationPolicy(db, request.scope)
            var details = [
                "policy": listing.scope.description, "rotateBefore": request.rotateBefore.description,
                "command": listing.commandName,
            ]
            details["maxAge"] = request.maxAge?.description
            details["grace"] = request.grace?.description
            try AuditTrail.append(
                db, at: now, actor: actor, action: previous == nil ? "rotation-policy.set" : "rotation-policy.replaced",
                subject: "rotation-policy \(listing.scope)", details: details)
            return listing
        }
    }

    public func removeRotationPolicy(_ scope: RotationPolicyScope, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            let listing = try Self.rotationPolicy(db, scope)
            _ = try RotationPolicy.deleteOne(db, key: listing.policy.id!)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "rotation-policy.removed", subject: "rotation-policy \(listing.scope)",
                details: ["policy": listing.scope.description])
        }
    }

    /// The governing policy's forecast for each client a policy covers (all of them, or those in `clientRowIds`).
    /// Empty, after one cheap query, when there are no policies. Clients at `oneSecretIdPs` (IdPs that keep one
    /// secret per client, `IdentityProviderAdapters.oneSecretIdentityProviders`) are marked left to an operator.
    public func policyForecasts(clientRowIds: Set<Int64>? = nil, oneSecretIdPs: Set<Int64> = []) throws
        -> [Int64: PolicyForecast]
    {
        try sqliteRead { db in
            let policies = try Self.rotationPolicies(db)
            guard !policies.isEmpty else { return [:] }
            var byEnvironment: [Int64: PolicyCandidate] = [:]
            var byIdentityProvider: [Int64: PolicyCandidate] = [:]
            for (listing, position) in policies {
                let candidate = PolicyCandidate(listing: listing, environmentPosition: position)
                if let id = listing.policy.environmentId { byEnvironment[id] = candidate }
                if let id = listing.policy.identityProviderId { byIdentityProvider[id] = candidate }
            }
            var environmentsOf: [Int64: [PolicyCandidate]] = [:]
            var identityProviderOf: [Int64: PolicyCandidate] = [:]
            if !byEnvironment.isEmpty {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT clientRowId, environmentId FROM clientEnvironment WHERE environmentId IN (\(Self.list(byEnvironment.keys)))")
                while let row = try rows.next() {
                    let client: Int64 = row[0]
                    if clientRowIds?.contains(client) == false { continue }
                    environmentsOf[client, default: []].append(byEnvironment[row[1] as Int64]!)
                }
            }
            if !byIdentityProvider.isEmpty {
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT id, identityProviderId FROM client WHERE identityProviderId IN (\(Self.list(byIdentityProvider.keys)))")
                while let row = try rows.next() {
                    let client: Int64 = row[0]
                    if clientRowIds?.contains(client) == false { continue }
                    identityProviderOf[client] = byIdentityProvider[row[1] as Int64]
                }
            }
            let covered = Set(environmentsOf.keys).union(identityProviderOf.keys)
            guard !covered.isEmpty else { return [:] }
            var secretsOf: [Int64: [SecretMetadata]] = [:]
            for secret in try SecretMetadata.all().inService().filter(covered.contains(Column("clientRowId"))).fetchAll(db) {
                secretsOf[secret.clientRowId, default: []].append(secret)
            }
            let open = try Dictionary(
                Row.fetchAll(db, sql: "SELECT clientRowId, id FROM rotation WHERE step NOT IN ('done', 'failed')")
                    .map { ($0[0] as Int64, $0[1] as Int64) },
                uniquingKeysWith: { first, _ in first })
            let manual = oneSecretIdPs.isEmpty ? [] : Set(try Int64.fetchAll(
                db, sql: "SELECT id FROM client WHERE identityProviderId IN (\(oneSecretIdPs.map(String.init).joined(separator: ",")))"))
            var result: [Int64: PolicyForecast] = [:]
            for client in covered {
                result[client] = PolicyPrecedence.forecast(
                    secrets: secretsOf[client] ?? [], environmentPolicies: environmentsOf[client] ?? [],
                    identityProviderPolicy: identityProviderOf[client], openRotationId: open[client])
                result[client]?.leftToOperator = manual.contains(client)
            }
            return result
        }
    }

    /// The IdP named `name` (case-insensitively), or the ones that exist.
    static func policyIdentityProvider(_ db: Database, named name: String) throws -> IdentityProvider {
        if let match = try IdentityProvider.filter(Column("name").collating(.nocase) == name).fetchOne(db) { return match }
        let known = try String.fetchAll(db, sql: "SELECT name FROM identityProvider ORDER BY name")
        throw ClienteleError.notFound(
            "no identity provider '\(name)'; known: \(known.isEmpty ? "none (add one with `clientele idp add`)" : known.joined(separator: ", "))")
    }

    private static func list(_ ids: Dictionary<Int64, PolicyCandidate>.Keys) -> String {
        ids.map(String.init).joined(separator: ",")
    }

    /// Each policy with its scope's name, and the environment's display position for precedence.
    static func rotationPolicies(_ db: Database) throws -> [(listing: RotationPolicyListing, position: Int?)] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT p.*, e.name AS environmentName, e.position AS environmentPosition, i.name AS idpName
                FROM rotationPolicy p LEFT JOIN environment e ON e.id = p.environmentId
                LEFT JOIN identityProvider i ON i.id = p.identityProviderId
                ORDER BY p.environmentId IS NULL, e.position, e.name, i.name
                """)
        return try rows.map { row in
            let policy = try RotationPolicy(row: row)
            let scope: RotationPolicyScope = policy.environmentId != nil
                ? .environment(row["environmentName"]) : .identityProvider(row["idpName"])
            return (RotationPolicyListing(policy: policy, scope: scope), row["environmentPosition"])
        }
    }

    static func rotationPolicy(_ db: Database, _ scope: RotationPolicyScope) throws -> RotationPolicyListing {
        let policy: RotationPolicy?
        switch scope {
        case .environment(let name):
            let environment = try Self.environment(db, named: name)
            policy = try RotationPolicy.filter(Column("environmentId") == environment.id!).fetchOne(db)
        case .identityProvider(let name):
            let idp = try Self.policyIdentityProvider(db, named: name)
            policy = try RotationPolicy.filter(Column("identityProviderId") == idp.id!).fetchOne(db)
        }
        guard let policy else {
            throw ClienteleError.notFound("no rotation policy for \(scope); see `clientele rotation-policy list`")
        }
        return try Self.rotationPolicies(db).first { $0.listing.policy.id == policy.id }!.listing
    }
}
