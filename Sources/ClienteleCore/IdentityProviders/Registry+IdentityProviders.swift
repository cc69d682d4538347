import Foundation

extension Registry {
    public func identityProviders() throws -> [IdentityProvider] {
        try read { transaction in
            try transaction.records(IdentityProvider.self, "ORDER BY \(transaction.dialect.caseInsensitive("name")), id")
        }
    }

    public func identityProvider(id: Int64) throws -> IdentityProvider {
        guard let idp = try read({ transaction in try transaction.record(IdentityProvider.self, id: id) }) else {
            throw ClienteleError.notFound("no identity provider with id \(id)")
        }
        return idp
    }

    public func identityProvider(named name: String) throws -> IdentityProvider {
        let all = try identityProviders()
        if let match = all.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) { return match }
        throw ClienteleError.notFound(
            "no identity provider '\(name)'; known: \(all.isEmpty ? "none (add one with `clientele idp add`)" : all.map(\.name).joined(separator: ", "))")
    }

    @discardableResult
    public func addIdentityProvider(_ idp: IdentityProvider, actor: String) throws -> IdentityProvider {
        let now = clock.now
        return try write { transaction in
            let named = try transaction.count(
                IdentityProvider.table, "WHERE \(transaction.dialect.matchingName("name"))", [.text(idp.name)])
            if named > 0 {
                throw ClienteleError.conflict("an identity provider named '\(idp.name)' already exists")
            }
            var record = idp
            try transaction.insert(&record)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "idp.added", subject: "idp \(idp.name)",
                details: ["kind": idp.kind.rawValue, "credential": idp.credentialSource.description])
            return record
        }
    }
}

extension Registry {
    /// Removes an IdP. One that still has clients, or registration access tokens (an OIDC IdP's), needs `force`,
    /// which removes them (and their secret metadata and rotations) from the registry too; nothing changes at the
    /// IdP itself, but without its token Clientele can no longer manage a client it registered there.
    public func removeIdentityProvider(named name: String, force: Bool, actor: String) throws {
        let idp = try identityProvider(named: name)
        if idp.kind == .gateway {
            throw ClienteleError.invalidInput(
                "'\(idp.name)' lists the secrets gateway \(idp.name) holds itself; it goes with the gateway (`clientele gateway remove \(idp.name)`)")
        }
        let now = clock.now
        try write { transaction in
            let clients = try transaction.count(Client.table, "WHERE identityProviderId = ?", [.integer(idp.id!)])
            let tokens = try transaction.count("registrationCredential", "WHERE identityProviderId = ?", [.integer(idp.id!)])
            if (clients > 0 || tokens > 0) && !force {
                let tokenNote = tokens > 0
                    ? " and \(tokens) registration access tokens (without them its clients cannot be managed again)" : ""
                throw ClienteleError.confirmationRequired(
                    "IdP '\(idp.name)' has \(clients) clients in the registry\(tokenNote); pass --force to forget them too (nothing changes at the IdP)")
            }
            try transaction.execute("DELETE FROM client WHERE identityProviderId = ?", idp.id!)
            try transaction.delete(IdentityProvider.self, id: idp.id!)
            try AuditTrail.append(transaction, at: now, actor: actor, action: "idp.removed", subject: "idp \(idp.name)",
                                  details: tokens > 0
                                      ? ["clients": String(clients), "registrationTokens": String(tokens)]
                                      : ["clients": String(clients)])
        }
    }

    /// Records when Clientele's own credential at an IdP expires, as `idp check` found it.
    public func recordAdminCredentialExpiry(idpName: String, expiresAt: Date?, actor: String) throws {
        let idp = try identityProvider(named: idpName)
        guard idp.adminCredentialExpiresAt != expiresAt else { return }
        let now = clock.now
        try write { transaction in
            try transaction.execute("UPDATE identityProvider SET adminCredentialExpiresAt = ? WHERE id = ?",
                                    expiresAt, idp.id!)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "idp.admin-credential-checked", subject: "idp \(idp.name)",
                details: ["expires": expiresAt.map(Timestamp.iso8601) ?? "never"])
        }
    }

    /// Records which RFC 7591/7592 operations an IdP supports, as `idp check` probed them.
    public func recordClientManagement(idpName: String, support: ClientManagementSupport, actor: String) throws {
        var changed = try identityProvider(named: idpName)
        changed.settings.clientManagement = support
        let idp = changed
        let now = clock.now
        try write { transaction in
            try transaction.update(idp)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "idp.client-management-checked", subject: "idp \(idp.name)",
                details: Dictionary(uniqueKeysWithValues: support.operations.map {
                    ($0.name, $0.finding.supported.map { $0 ? "supported" : "unsupported" } ?? "unknown")
                }))
        }
    }
}
