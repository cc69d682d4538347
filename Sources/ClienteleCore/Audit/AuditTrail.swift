import Crypto
import Foundation
import GRDB

/// Appends to and checks the audit trail. Appending happens inside the caller's transaction, so an event exists
/// exactly when its change does.
public enum AuditTrail {
    static let genesisHash = String(repeating: "0", count: 64)
    static let headKey = "auditHead"
    /// The first event whose hash covers its client row id. Events before it were written by a v1 registry, whose
    /// hashes cover only the fields it had; their row ids were filled in later and the chain cannot vouch for them.
    static let clientRowIdsHashedFromKey = "auditClientRowIdsHashedFrom"

    /// Appends one event about a client: the subject names it for people, the row id ties it to this one client
    /// (display names are not unique).
    @discardableResult
    static func append(
        _ transaction: StoreTransaction, at: Date, actor: String, action: String, client: Client,
        details: [String: String] = [:]
    ) throws -> AuditEvent {
        try append(transaction, at: at, actor: actor, action: action, subject: "client \(client.displayName)",
                   clientRowId: client.id, details: details)
    }

    static let insertSQL: String = {
        let columns = AuditEvent.columns.dropFirst().joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: AuditEvent.columns.count).joined(separator: ", ")
        return "INSERT INTO auditEvent(id, \(columns)) VALUES (\(placeholders))"
    }()

    /// Appends one event to the chain, inside the caller's write transaction.
    @discardableResult
    static func append(
        _ transaction: StoreTransaction, at: Date, actor: String, action: String, subject: String,
        clientRowId: Int64? = nil, details: [String: String] = [:]
    ) throws -> AuditEvent {
        let head = try RegistryInfo.value(transaction, key: headKey).flatMap(AuditHead.init(text:))
        let id = (head?.id ?? 0) + 1
        let previousHash = head?.hash ?? genesisHash
        let detailText = canonicalJSON(details)
        let at = at.wholeSeconds
        let sessionUser = transaction.sessionUser
        let event = AuditEvent(
            id: id, at: at, actor: actor, action: action, subject: subject, details: detailText,
            previousHash: previousHash,
            hash: hash(id: id, at: at, actor: actor, action: action, subject: subject, details: detailText,
                       previousHash: previousHash, clientRowId: clientRowId, sessionUser: sessionUser),
            clientRowId: clientRowId, sessionUser: sessionUser)
        // The id is Clientele's, not the engine's: a sequence leaves gaps on rollback, which `verify` would
        // report as removed events.
        try transaction.execute(insertSQL, [.integer(id)] + event.storedValues)
        // The head lets `verify` notice events cut from the end, which the chain alone cannot show.
        try RegistryInfo.set(transaction, key: headKey, value: AuditHead(id: id, hash: event.hash).text)
        return event
    }

    /// For the operations still written against GRDB's handle; goes once they all take a `StoreTransaction`.
    @discardableResult
    static func append(
        _ db: Database, at: Date, actor: String, action: String, client: Client, details: [String: String] = [:]
    ) throws -> AuditEvent {
        try append(SQLiteTransaction(db), at: at, actor: actor, action: action, client: client, details: details)
    }

    @discardableResult
    static func append(
        _ db: Database, at: Date, actor: String, action: String, subject: String, clientRowId: Int64? = nil,
        details: [String: String] = [:]
    ) throws -> AuditEvent {
        try append(SQLiteTransaction(db), at: at, actor: actor, action: action, subject: subject,
                   clientRowId: clientRowId, details: details)
    }

    /// `coversClient` is false only for events from before the client row id existed (see
    /// `clientRowIdsHashedFromKey`): their hashes must stay what they were for the chain to verify.
    static func hash(
        id: Int64, at: Date, actor: String, action: String, subject: String, details: String, previousHash: String,
        clientRowId: Int64? = nil, coversClient: Bool = true, sessionUser: String? = nil
    ) -> String {
        var fields = [previousHash, String(id), Timestamp.iso8601(at), actor, action, subject, details]
        // "-" for none, so pointing an event that names no client at one breaks the chain as surely as repointing.
        if coversClient { fields.append(clientRowId.map(String.init) ?? "-") }
        // Only when there is one, so events without a login (every SQLite event, and PostgreSQL's before v8) keep
        // the hash they were written with; adding a login to such an event, or removing one, still breaks it. The
        // prefix keeps a login from passing for a client row id on events whose hash leaves the latter out.
        if let sessionUser { fields.append("session_user=" + sessionUser) }
        // Unit separators keep `a|b` + `c` distinct from `a` + `b|c`.
        let digest = SHA256.hash(data: Data(fields.joined(separator: "\u{1F}").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    static func canonicalJSON(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// From here on every event's hash covers its client row id: called once, by the migration that added it.
    static func startHashingClientRowIds(_ db: Database) throws {
        let transaction = SQLiteTransaction(db)
        let head = try RegistryInfo.value(transaction, key: headKey).flatMap(AuditHead.init(text:))?.id ?? 0
        let last = try transaction.int64("SELECT max(id) FROM auditEvent") ?? 0
        try RegistryInfo.set(transaction, key: clientRowIdsHashedFromKey, value: String(max(head, last) + 1))
    }

    /// Walks the chain from the first event and reports the first one that was altered or removed.
    static func verify(_ transaction: StoreTransaction) throws -> AuditVerification {
        // Missing, the mark makes every event's hash look as if it left the row id out, which no new event's does.
        let hashedFrom = try RegistryInfo.value(transaction, key: clientRowIdsHashedFromKey).flatMap { Int64($0) } ?? .max
        var expectedPrevious = genesisHash
        var expectedId: Int64 = 1
        var count = 0
        var broken: AuditVerification?
        try transaction.scanRows("SELECT \(AuditEvent.selection()) FROM auditEvent ORDER BY id", []) { row in
            let event = try AuditEvent(row: row)
            guard let id = event.id else { return true }
            if id != expectedId || event.previousHash != expectedPrevious {
                broken = .broken(
                    eventId: id, checked: count,
                    reason: id != expectedId
                        ? "audit event #\(expectedId)\(id - expectedId > 1 ? "–#\(id - 1)" : "") was removed (the trail jumps to #\(id))"
                        : "audit event #\(id) does not follow #\(id - 1): an event before it was altered or removed")
                return false
            }
            let recomputed = hash(
                id: id, at: event.at, actor: event.actor, action: event.action, subject: event.subject,
                details: event.details, previousHash: event.previousHash, clientRowId: event.clientRowId,
                coversClient: id >= hashedFrom, sessionUser: event.sessionUser)
            if recomputed != event.hash {
                broken = .broken(eventId: id, checked: count, reason: "audit event #\(id) was altered (its hash does not match its contents)")
                return false
            }
            expectedPrevious = event.hash
            expectedId = id + 1
            count += 1
            return true
        }
        if let broken { return broken }
        let head = try RegistryInfo.value(transaction, key: headKey).flatMap(AuditHead.init(text:))
        if let head, head.id != expectedId - 1 || head.hash != expectedPrevious {
            return .broken(
                eventId: expectedId, checked: count,
                reason: head.id >= expectedId
                    ? "audit events #\(expectedId)–#\(head.id) were removed from the end of the trail"
                    : "the audit trail's head record was altered")
        }
        return .intact(events: count)
    }
}

public enum AuditVerification: Sendable, Equatable {
    case intact(events: Int)
    /// `eventId` is the first event at which the chain no longer holds.
    case broken(eventId: Int64, checked: Int, reason: String)

    public var isIntact: Bool { if case .intact = self { return true } else { return false } }
}

struct AuditHead {
    let id: Int64
    let hash: String

    init(id: Int64, hash: String) {
        self.id = id
        self.hash = hash
    }

    init?(text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let id = Int64(parts[0]) else { return nil }
        self.init(id: id, hash: String(parts[1]))
    }

    var text: String { "\(id) \(hash)" }
}

extension Date {
    /// Audit times are whole seconds: a fraction would not survive the round trip through SQLite's text dates
    /// bit for bit, and the hash covers the time.
    var wholeSeconds: Date {
        Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down))
    }
}
