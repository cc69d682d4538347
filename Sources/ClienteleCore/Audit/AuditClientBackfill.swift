import Foundation
import GRDB

/// Gives the events a v1 registry wrote (which named their client only as `client <display name>`) the row id of
/// that client, where the event itself shows which client it was, so client pages keep their history.
///
/// Display names are not unique (one name at two IdPs), so a name alone links an event only when one client of
/// that name existed at the time. Otherwise the event's details narrow it down: its rotation (whose row names the
/// client), its client id, its IdP, the key id of the secret it was about. An event that still fits no client or
/// several keeps no row id: it stays in the trail (`audit list`, the audit screen) but shows on no client page,
/// since a wrong page is worse than none. A rotation whose row is gone belonged to a deleted client (its rotations
/// went with it), so its events link to no one.
enum AuditClientBackfill {
    struct Outcome: Equatable {
        var linked = 0
        var unresolved = 0
    }

    private struct Candidate {
        let id: Int64
        let identityProviderId: Int64
        let clientId: String
        let createdAt: Date
    }

    private static let subjectPrefix = "client "

    @discardableResult
    static func run(_ db: Database) throws -> Outcome {
        let idpIds = try Dictionary(
            Row.fetchAll(db, sql: "SELECT lower(name), id FROM identityProvider").map { ($0[0] as String, $0[1] as Int64) },
            uniquingKeysWith: { first, _ in first })
        var candidatesByName: [String: [Candidate]] = [:]
        func candidates(named name: String) throws -> [Candidate] {
            if let known = candidatesByName[name] { return known }
            let found = try Row.fetchAll(
                db, sql: "SELECT id, identityProviderId, clientId, createdAt FROM client WHERE displayName = ?",
                arguments: [name]
            ).map { Candidate(id: $0[0], identityProviderId: $0[1], clientId: $0[2], createdAt: $0[3]) }
            candidatesByName[name] = found
            return found
        }

        var outcome = Outcome()
        let update = try db.makeStatement(sql: "UPDATE auditEvent SET clientRowId = ? WHERE id = ?")
        let events = try Row.fetchAll(
            db, sql: "SELECT id, at, subject, details FROM auditEvent WHERE subject LIKE 'client %' AND clientRowId IS NULL")
        for event in events {
            let subject: String = event[2]
            // LIKE ignores case; the subject was written as exactly "client " + the name.
            guard subject.hasPrefix(subjectPrefix) else { continue }
            let name = String(subject.dropFirst(subjectPrefix.count))
            let at: Date = event[1]
            let detailText: String = event[3]
            let details = (try? JSONDecoder().decode([String: String].self, from: Data(detailText.utf8))) ?? [:]
            // A client recorded after the event cannot be its subject (a later client that reused a deleted one's
            // name). Audit times are whole seconds, so the creation time is compared in whole seconds too.
            var fitting = try candidates(named: name).filter { $0.createdAt.wholeSeconds <= at }
            if let rotation = details["rotation"].flatMap(Int64.init) {
                let owner = try Int64.fetchOne(db, sql: "SELECT clientRowId FROM rotation WHERE id = ?", arguments: [rotation])
                fitting = fitting.filter { $0.id == owner }
            }
            if let clientId = details["clientId"] { fitting = fitting.filter { $0.clientId == clientId } }
            if let idp = details["idp"] { fitting = fitting.filter { $0.identityProviderId == idpIds[idp.lowercased()] } }
            if let keyId = details["keyId"], fitting.count > 1 {
                fitting = try fitting.filter {
                    try Bool.fetchOne(
                        db, sql: "SELECT EXISTS (SELECT 1 FROM secret WHERE clientRowId = ? AND keyId = ?)",
                        arguments: [$0.id, keyId]) ?? false
                }
            }
            guard fitting.count == 1 else {
                outcome.unresolved += 1
                continue
            }
            try update.execute(arguments: [fitting[0].id, event[0] as Int64])
            outcome.linked += 1
        }
        return outcome
    }
}
