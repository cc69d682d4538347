import Crypto
import Foundation
import GRDB

/// Appends to and checks the audit trail. Appending happens inside the caller's transaction, so an event exists
/// exactly when its change does.
public enum AuditTrail {
    static let genesisHash = String(repeating: "0", count: 64)
    static let headKey = "auditHead"

    /// Appends one event to the chain, inside the caller's write transaction.
    @discardableResult
    public static func append(
        _ db: Database, at: Date, actor: String, action: String, subject: String, details: [String: String] = [:]
    ) throws -> AuditEvent {
        let head = try RegistryInfo.value(db, key: headKey).flatMap(AuditHead.init(text:))
        let id = (head?.id ?? 0) + 1
        let previousHash = head?.hash ?? genesisHash
        let detailText = canonicalJSON(details)
        let at = at.wholeSeconds
        var event = AuditEvent(
            id: id, at: at, actor: actor, action: action, subject: subject, details: detailText,
            previousHash: previousHash,
            hash: hash(id: id, at: at, actor: actor, action: action, subject: subject, details: detailText,
                       previousHash: previousHash))
        try event.insert(db)
        // The head lets `verify` notice events cut from the end, which the chain alone cannot show.
        try RegistryInfo.set(db, key: headKey, value: AuditHead(id: id, hash: event.hash).text)
        return event
    }

    static func hash(
        id: Int64, at: Date, actor: String, action: String, subject: String, details: String, previousHash: String
    ) -> String {
        let fields = [previousHash, String(id), Timestamp.iso8601(at), actor, action, subject, details]
        // Unit separators keep `a|b` + `c` distinct from `a` + `b|c`.
        let digest = SHA256.hash(data: Data(fields.joined(separator: "\u{1F}").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    static func canonicalJSON(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(details)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Walks the chain from the first event and reports the first one that was altered or removed.
    public static func verify(_ db: Database) throws -> AuditVerification {
        var expectedPrevious = genesisHash
        var expectedId: Int64 = 1
        var count = 0
        let cursor = try AuditEvent.order(Column("id")).fetchCursor(db)
        while let event = try cursor.next() {
            guard let id = event.id else { continue }
            if id != expectedId || event.previousHash != expectedPrevious {
                return .broken(
                    eventId: id, checked: count,
                    reason: id != expectedId
                        ? "audit event #\(expectedId)\(id - expectedId > 1 ? "–#\(id - 1)" : "") was removed (the trail jumps to #\(id))"
                        : "audit event #\(id) does not follow #\(id - 1): an event before it was altered or removed")
            }
            let recomputed = hash(
                id: id, at: event.at, actor: event.actor, action: event.action, subject: event.subject,
                details: event.details, previousHash: event.previousHash)
            if recomputed != event.hash {
                return .broken(eventId: id, checked: count, reason: "audit event #\(id) was altered (its hash does not match its contents)")
            }
            expectedPrevious = event.hash
            expectedId = id + 1
            count += 1
        }
        let head = try RegistryInfo.value(db, key: headKey).flatMap(AuditHead.init(text:))
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
