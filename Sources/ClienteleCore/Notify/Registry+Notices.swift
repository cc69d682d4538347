import Foundation
import GRDB

extension Registry {
    /// For each webhook, the notices it has not been told yet, oldest concern first.
    ///
    /// - A secret in service gets one notice per threshold, and only for the nearest one it has crossed: a secret
    ///   first seen 5 days from expiry is told "critical" once, not "notice", "warning" and "critical" at once.
    /// - A held rotation (`rotation.heldKeyId`) is told once per held key.
    /// - A failed rotation is told once, if it failed after the webhook was added (a new webhook does not replay
    ///   history).
    public func pendingNotices(thresholds: ExpiryThresholds) throws -> [(NotifyWebhook, [Notice])] {
        let now = clock.now
        return try sqliteRead { db in
            let webhooks = try NotifyWebhook.order(Column("id")).fetchAll(db)
            guard !webhooks.isEmpty else { return [] }
            let teamFilter = "EXISTS (SELECT 1 FROM notifyWebhook w WHERE w.team = c.ownerTeam)"
            var notices: [Notice] = []
            let secrets = try Row.fetchCursor(
                db,
                sql: """
                    SELECT s.id, s.keyId, s.expiresAt, c.id, c.displayName, c.clientId, c.ownerTeam, i.name
                    FROM secret s JOIN client c ON c.id = s.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    WHERE s.state IN ('active', 'pending') AND s.expiresAt <= ? AND \(teamFilter)
                    ORDER BY s.expiresAt, s.id
                    """,
                arguments: [now + thresholds.notice.timeInterval])
            while let row = try secrets.next() {
                let expiresAt: Date = row[2]
                let threshold = thresholds.classify(expiresAt, now: now)
                guard threshold != .ok else { continue }
                let days = daysLeft(until: expiresAt, from: now)
                let client: String = row[4]
                let keyId: String = row[1]
                let text = threshold == .expired
                    ? "The secret \(keyId.prefix(8)) of \(client) expired on \(Timestamp.iso8601(expiresAt))."
                    : "The secret \(keyId.prefix(8)) of \(client) expires in \(days) day\(days == 1 ? "" : "s") (\(Timestamp.iso8601(expiresAt))): \(threshold.rawValue)."
                notices.append(
                    Notice(kind: .secretExpiry, subject: "secret \(row[0] as Int64) \(threshold.rawValue)", team: row[6],
                           clientRowId: row[3], client: client, clientId: row[5], identityProvider: row[7], keyId: keyId,
                           threshold: threshold, expiresAt: expiresAt, daysLeft: days, text: text))
            }
            let rotations = try Row.fetchCursor(
                db,
                sql: """
                    SELECT r.id, r.step, r.heldKeyId, r.heldLastUsedAt, r.graceUntil, r.failureReason, r.updatedAt,
                           c.id, c.displayName, c.clientId, c.ownerTeam, i.name
                    FROM rotation r JOIN client c ON c.id = r.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    WHERE ((r.heldKeyId IS NOT NULL AND r.step NOT IN ('done', 'failed')) OR r.step = 'failed')
                      AND \(teamFilter)
                    ORDER BY r.id
                    """)
            while let row = try rotations.next() {
                let id: Int64 = row[0]
                let client: String = row[8]
                var notice = Notice(
                    kind: .rotationFailed, subject: "rotation \(id) failed", team: row[10], clientRowId: row[7],
                    client: client, clientId: row[9], identityProvider: row[11], rotationId: id, text: "")
                if (row[1] as String) == RotationStep.failed.rawValue {
                    notice.failureReason = row[5]
                    notice.text = "Rotation #\(id) of \(client) failed" + (notice.failureReason.map { ": \($0)" } ?? ".")
                    notice.failedAt = row[6]
                } else {
                    let keyId: String = row[2]
                    notice.kind = .rotationHeld
                    notice.subject = "rotation \(id) held \(keyId)"
                    notice.keyId = keyId
                    notice.lastUsedAt = row[3]
                    notice.holdingUntil = row[4]
                    let used = notice.lastUsedAt.map { " (last used \(Timestamp.iso8601($0)))" } ?? ""
                    let until = notice.holdingUntil.map { " until \(Timestamp.iso8601($0))" } ?? ""
                    notice.text = "Rotation #\(id) of \(client) is held: a caller still uses the old secret \(keyId.prefix(8))\(used); holding\(until). Switch callers to the new secret."
                }
                notices.append(notice)
            }
            var sent: Set<String> = []
            for row in try Row.fetchAll(db, sql: "SELECT webhookId, subject FROM noticeSent") {
                sent.insert("\(row[0] as Int64) \(row[1] as String)")
            }
            return webhooks.compactMap { webhook in
                let team = webhook.team.lowercased()
                let pending = notices.filter { notice in
                    guard notice.team.lowercased() == team, !sent.contains("\(webhook.id!) \(notice.subject)") else { return false }
                    if notice.kind == .rotationFailed, let failedAt = notice.failedAt { return failedAt >= webhook.createdAt }
                    return true
                }
                return pending.isEmpty ? nil : (webhook, pending)
            }
        }
    }
}
