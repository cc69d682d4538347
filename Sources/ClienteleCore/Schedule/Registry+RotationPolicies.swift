import Foundation

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
        try read { transaction in try Self.rotationPolicies(transaction).map(\.listing) }
    }

    /// The policy for `scope`, or one line saying there is none.
    public func rotationPolicy(_ scope: RotationPolicyScope) throws -> RotationPolicyListing {
        try read { transaction in try Self.rotationPolicy(transaction, scope) }
    }

    /// The IdPs whose clients `scope` covers: the IdP itself, or those of the environment's clients.
    public func identityProviders(coveredBy scope: RotationPolicyScope) throws -> [IdentityProvider] {
        try read { transaction in
            switch scope {
            case .identityProvider(let name): return [try Self.policyIdentityProvider(transaction, named: name)]
            case .environment(let name):
                let environment = try Self.environment(transaction, named: name)
                return try transaction.records(
                    IdentityProvider.self,
                    """
                    WHERE id IN (SELECT c.identityProviderId FROM client c
                    JOIN clientEnvironment m ON m.clientRowId = c.id WHERE m.environmentId = ?)
                    ORDER BY \(transaction.dialect.caseInsensitive("name")), id
                    """,
                    [.integer(environment.id!)])
            }
        }
    }

    /// Records the policy for `request.scope`, replacing the one it had; audited either way. Validation
    /// (`RotationPolicyRules`) happens before this.
    @discardableResult
    public func setRotationPolicy(_ request: RotationPolicyRequest, actor: String) throws -> RotationPolicyListing {
        let now = clock.now
        return try write { transaction in
            var policy: RotationPolicy
            let previous = try? Self.rotationPolicy(transaction, request.scope)
            if let previous {
                policy = previous.policy
            } else {
                var environmentId: Int64?, identityProviderId: Int64?
                switch request.scope {
                case .environment(let name):
                    environmentId = try Self.environment(transaction, named: name).id
                case .identityProvider(let name):
                    identityProviderId = try Self.policyIdentityProvider(transaction, named: name).id
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
            if policy.id == nil { try transaction.insert(&policy) } else { try transaction.update(policy) }
            let listing = try Self.rotationPolicy(transaction, request.scope)
            var details = [
                "policy": listing.scope.description, "rotateBefore": request.rotateBefore.description,
                "command": listing.commandName,
            ]
            details["maxAge"] = request.maxAge?.description
            details["grace"] = request.grace?.description
            try AuditTrail.append(
                transaction, at: now, actor: actor,
                action: previous == nil ? "rotation-policy.set" : "rotation-policy.replaced",
                subject: "rotation-policy \(listing.scope)", details: details)
            return listing
        }
    }

    public func removeRotationPolicy(_ scope: RotationPolicyScope, actor: String) throws {
        let now = clock.now
        try write { transaction in
            let listing = try Self.rotationPolicy(transaction, scope)
            try transaction.delete(RotationPolicy.self, id: listing.policy.id!)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "rotation-policy.removed",
                subject: "rotation-policy \(listing.scope)", details: ["policy": listing.scope.description])
        }
    }

    /// The governing policy's forecast for each client a policy covers (all of them, or those in `clientRowIds`).
    /// Empty, after one cheap query, when there are no policies. Clients at `oneSecretIdPs` (IdPs that keep one
    /// secret per client, `IdentityProviderAdapters.oneSecretIdentityProviders`) are marked left to an operator.
    public func policyForecasts(clientRowIds: Set<Int64>? = nil, oneSecretIdPs: Set<Int64> = []) throws
        -> [Int64: PolicyForecast]
    {
        try read { transaction in
            let policies = try Self.rotationPolicies(transaction)
            guard !policies.isEmpty else { return [:] }
            var byEnvironment: [Int64: PolicyCandidate] = [:]
            var byIdentityProvider: [Int64: PolicyCandidate] = [:]
            for (listing, position) in policies {
                let candidate = PolicyCandidate(listing: listing, environmentPosition: position)
                if let id = listing.policy.environmentId { byEnvironment[id] = candidate }
                if let id = listing.policy.identityProviderId { byIdentityProvider[id] = candidate }
            }
            // The clients in a policy's scope, as subqueries, narrow the secrets read below.
            var scopes: [String] = []
            var environmentsOf: [Int64: [PolicyCandidate]] = [:]
            var identityProviderOf: [Int64: PolicyCandidate] = [:]
            if !byEnvironment.isEmpty {
                let members = try Self.policyScopeMembers(
                    transaction, "clientEnvironment", client: "clientRowId", scope: "environmentId",
                    ids: byEnvironment.keys, within: clientRowIds)
                scopes.append(members.subquery)
                for (client, environmentId) in members.pairs {
                    environmentsOf[client, default: []].append(byEnvironment[environmentId]!)
                }
            }
            if !byIdentityProvider.isEmpty {
                let members = try Self.policyScopeMembers(
                    transaction, "client", client: "id", scope: "identityProviderId", ids: byIdentityProvider.keys,
                    within: clientRowIds)
                scopes.append(members.subquery)
                for (client, identityProviderId) in members.pairs {
                    identityProviderOf[client] = byIdentityProvider[identityProviderId]
                }
            }
            let covered = Set(environmentsOf.keys).union(identityProviderOf.keys)
            guard !covered.isEmpty else { return [:] }
            var secretsOf: [Int64: [SecretMetadata]] = [:]
            let secrets = try transaction.records(
                SecretMetadata.self,
                """
                WHERE state IN ('active', 'pending')
                AND (\(scopes.map { "clientRowId IN (\($0))" }.joined(separator: " OR ")))
                ORDER BY id
                """)
            for secret in secrets where covered.contains(secret.clientRowId) {
                secretsOf[secret.clientRowId, default: []].append(secret)
            }
            var open: [Int64: Int64] = [:]
            try transaction.forEachRow("SELECT clientRowId, id FROM rotation WHERE \(Self.openRotationCondition)", []) { row in
                let client = try row.int64(0)
                if open[client] == nil { open[client] = try row.int64(1) }
            }
            let manual = oneSecretIdPs.isEmpty ? [] : Set(try transaction.int64s(
                "SELECT id FROM client WHERE identityProviderId IN (\(oneSecretIdPs.map(String.init).joined(separator: ",")))"))
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
    static func policyIdentityProvider(_ transaction: StoreTransaction, named name: String) throws -> IdentityProvider {
        let d = transaction.dialect
        if let match = try transaction.record(
            IdentityProvider.self, "WHERE \(d.caseInsensitive("name")) = \(d.caseInsensitive("?"))", [.text(name)])
        {
            return match
        }
        let known = try transaction.strings("SELECT name FROM identityProvider ORDER BY \(d.caseInsensitive("name")), id")
        throw ClienteleError.notFound(
            "no identity provider '\(name)'; known: \(known.isEmpty ? "none (add one with `clientele idp add`)" : known.joined(separator: ", "))")
    }

    /// Each client (within `clientRowIds`, when given) in the scopes `ids` of one kind, with its scope, read from
    /// `table`; and the subquery naming those clients.
    private static func policyScopeMembers(
        _ transaction: StoreTransaction, _ table: String, client: String, scope: String,
        ids: Dictionary<Int64, PolicyCandidate>.Keys, within clientRowIds: Set<Int64>?
    ) throws -> (subquery: String, pairs: [(client: Int64, scope: Int64)]) {
        // The ids are the policies' own, a handful, so they go into the statement as they are.
        let condition = "FROM \(table) WHERE \(scope) IN (\(ids.map(String.init).joined(separator: ",")))"
        var pairs: [(client: Int64, scope: Int64)] = []
        try transaction.forEachRow("SELECT \(client), \(scope) \(condition)", []) { row in
            let member = try row.int64(0)
            if clientRowIds?.contains(member) == false { return }
            pairs.append((member, try row.int64(1)))
        }
        return ("SELECT \(client) \(condition)", pairs)
    }

    /// Each policy with its scope's name, and the environment's display position for precedence.
    static func rotationPolicies(_ transaction: StoreTransaction) throws
        -> [(listing: RotationPolicyListing, position: Int?)]
    {
        let d = transaction.dialect
        let names = RotationPolicy.columns.count
        return try transaction.fetchAll(
            """
            SELECT \(RotationPolicy.selection(as: "p")), e.name, e.position, i.name
            FROM rotationPolicy p LEFT JOIN environment e ON e.id = p.environmentId
            LEFT JOIN identityProvider i ON i.id = p.identityProviderId
            ORDER BY p.environmentId IS NULL, e.position, \(d.caseInsensitive("e.name")), \(d.caseInsensitive("i.name")), p.id
            """
        ) { row in
            let policy = try RotationPolicy(row: row)
            let scope: RotationPolicyScope = policy.environmentId != nil
                ? .environment(try row.string(names)) : .identityProvider(try row.string(names + 2))
            return (RotationPolicyListing(policy: policy, scope: scope), try row.optionalInt(names + 1))
        }
    }

    static func rotationPolicy(_ transaction: StoreTransaction, _ scope: RotationPolicyScope) throws
        -> RotationPolicyListing
    {
        let policy: RotationPolicy?
        switch scope {
        case .environment(let name):
            let environment = try Self.environment(transaction, named: name)
            policy = try transaction.record(RotationPolicy.self, "WHERE environmentId = ?", [.integer(environment.id!)])
        case .identityProvider(let name):
            let idp = try Self.policyIdentityProvider(transaction, named: name)
            policy = try transaction.record(RotationPolicy.self, "WHERE identityProviderId = ?", [.integer(idp.id!)])
        }
        guard let policy else {
            throw ClienteleError.notFound("no rotation policy for \(scope); see `clientele rotation-policy list`")
        }
        return try Self.rotationPolicies(transaction).first { $0.listing.policy.id == policy.id }!.listing
    }
}
