import Foundation

/// One row of `registrationCredential`: an OIDC client's registration credential, sealed. Only
/// `RegistrationCredentialStore` opens or seals `sealed`; the registry stores it as bytes it cannot read.
struct SealedRegistrationCredential: Sendable {
    let identityProviderId: Int64
    let clientId: String
    let sealed: Data
}

extension Registry {
    /// The sealed credentials of one IdP (by name, as people type it), or only the one for `clientId`; none when
    /// the IdP is not in the registry.
    func sealedRegistrationCredentials(idp: String, clientId: String? = nil) throws -> [SealedRegistrationCredential] {
        try read { transaction in
            var sql = """
                SELECT r.identityProviderId, r.clientId, r.sealed FROM registrationCredential r
                JOIN identityProvider i ON i.id = r.identityProviderId WHERE \(transaction.dialect.matchingName("i.name"))
                """
            var arguments: [StoreValue] = [.text(idp)]
            if let clientId {
                sql += " AND r.clientId = ?"
                arguments.append(.text(clientId))
            }
            // Sorted in Swift, not by ORDER BY: the engines' text collations differ, and callers list client ids.
            return try transaction.fetchAll(sql, arguments) { row in
                SealedRegistrationCredential(
                    identityProviderId: try row.int64(0), clientId: try row.string(1), sealed: try row.data(2))
            }.sorted { $0.clientId < $1.clientId }
        }
    }

    /// Writes one IdP's credential for `clientId` in one write transaction: `seal` gets the IdP's row id (the
    /// sealed box authenticates it) and the row's sealed bytes as they stand, and answers the new bytes, or nil to
    /// leave the row as it is. Concurrent writers take turns on the registry's write lock, so a read-modify-write
    /// here never loses another process's change.
    func writeRegistrationCredential(
        idp: String, clientId: String, _ seal: (_ identityProviderId: Int64, _ current: Data?) throws -> Data?
    ) throws {
        let now = clock.now
        try write(bumpingRevision: false) { transaction in
            let idpId = try Self.identityProviderId(transaction, named: idp)
            let current = try transaction.fetchOne(
                "SELECT sealed FROM registrationCredential WHERE identityProviderId = ? AND clientId = ?",
                [.integer(idpId), .text(clientId)]) { try $0.data(0) }
            guard let sealed = try seal(idpId, current) else { return }
            try Self.upsertRegistrationCredential(transaction, idpId: idpId, clientId: clientId, sealed: sealed, at: now)
        }
    }

    func removeRegistrationCredential(idp: String, clientId: String) throws {
        try write(bumpingRevision: false) { transaction in
            try transaction.execute("""
                DELETE FROM registrationCredential WHERE clientId = ? AND identityProviderId IN
                    (SELECT id FROM identityProvider WHERE \(transaction.dialect.matchingName("name")))
                """, clientId, idp)
        }
    }

    /// Imports a legacy `registry.credentials` file's entries in one transaction, once per file content
    /// (`fingerprint`): `entries` counts each IdP's entries, and `seal` seals one IdP's for its row id. Entries of
    /// IdPs no longer in the registry are left out (the renamed file still holds them). Answers how many were
    /// imported and left out, or nil when another process imported the same file first.
    func importRegistrationCredentials(
        from file: String, fingerprint: String, entries: [String: Int], actor: String,
        seal: (_ idp: String, _ identityProviderId: Int64) throws -> [(clientId: String, sealed: Data)]
    ) throws -> (imported: Int, leftOut: Int)? {
        let now = clock.now
        return try write { transaction in
            if try RegistryInfo.value(transaction, key: Self.credentialsImportedKey) == fingerprint { return nil }
            var imported = 0
            var leftOut = 0
            for (idp, count) in entries.sorted(by: { $0.key < $1.key }) {
                guard let idpId = try Self.idpId(transaction, named: idp) else {
                    leftOut += count
                    continue
                }
                for entry in try seal(idp, idpId) {
                    // A row already in the table was written after the file, by a newer Clientele: it stands.
                    imported += try transaction.execute("""
                        INSERT INTO registrationCredential(identityProviderId, clientId, sealed, updatedAt)
                        VALUES (?, ?, ?, ?) ON CONFLICT(identityProviderId, clientId) DO NOTHING
                        """, idpId, entry.clientId, entry.sealed, now)
                }
            }
            try RegistryInfo.set(transaction, key: Self.credentialsImportedKey, value: fingerprint)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "registration-credentials.imported", subject: "file \(file)",
                details: ["imported": String(imported), "leftOut": String(leftOut)])
            return (imported, leftOut)
        }
    }

    /// The SHA-256 of the legacy credentials file last imported, so two processes that find it at once import it
    /// once, and a different file put back later is imported too.
    static let credentialsImportedKey = "registrationCredentialsImported"

    private static func identityProviderId(_ transaction: StoreTransaction, named name: String) throws -> Int64 {
        guard let id = try idpId(transaction, named: name) else {
            throw ClienteleError.notFound(
                "no identity provider '\(name)' in the registry to keep a registration access token for")
        }
        return id
    }

    private static func idpId(_ transaction: StoreTransaction, named name: String) throws -> Int64? {
        try transaction.fetchOne(
            "SELECT id FROM identityProvider WHERE \(transaction.dialect.matchingName("name"))", [.text(name)]
        ) { try $0.int64(0) }
    }

    private static func upsertRegistrationCredential(
        _ transaction: StoreTransaction, idpId: Int64, clientId: String, sealed: Data, at now: Date
    ) throws {
        try transaction.execute("""
            INSERT INTO registrationCredential(identityProviderId, clientId, sealed, updatedAt) VALUES (?, ?, ?, ?)
            ON CONFLICT(identityProviderId, clientId) DO UPDATE SET sealed = excluded.sealed, updatedAt = excluded.updatedAt
            """, idpId, clientId, sealed, now)
    }
}
