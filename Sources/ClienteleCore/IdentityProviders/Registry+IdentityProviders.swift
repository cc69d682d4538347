import Foundation
import GRDB

extension Registry {
    public func identityProviders() throws -> [IdentityProvider] {
        try read { db in try IdentityProvider.order(Column("name").collating(.nocase)).fetchAll(db) }
    }

    public func identityProvider(id: Int64) throws -> IdentityProvider {
        guard let idp = try read({ db in try IdentityProvider.fetchOne(db, key: id) }) else {
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
        return try write { db in
            if try IdentityProvider.filter(Column("name").collating(.nocase) == idp.name).fetchCount(db) > 0 {
                throw ClienteleError.conflict("an identity provider named '\(idp.name)' already exists")
            }
            var record = idp
            try record.insert(db)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "idp.added", subject: "idp \(idp.name)",
                details: ["kind": idp.kind.rawValue, "credential": idp.credentialSource.description])
            return record
        }
    }
}
