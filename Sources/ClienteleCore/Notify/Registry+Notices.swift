import Foundation

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
        return try read { transaction in
            let webhooks = try transaction.records(NotifyWebhook.self, "ORDER BY id")
            guard !webhooks.isEmpty else { return [] }
            let d = transaction.dialect
            // Teams match without regard to case, as the webhook's team column's collation has it.
            let teamFilter = "EXISTS (SELECT 1 FROM notifyWebhook w WHERE \(d.caseInsensitive("w.team")) = \(d.caseInsensitive("c.ownerTeam")))"
            var notices: [Notice] = []
            try transaction.forEachRow(
                """
                    SELECT s.id, s.keyId, s.expiresAt, c.id, c.displayName, c.clientId, c.ownerTeam, i.name
                    FROM secret s JOIN client c ON c.id = s.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    WHERE s.state IN ('active', 'pending') AND s.expiresAt <= ? AND \(teamFilter)
                    ORDER BY s.expiresAt, s.id
                    """,
                [.date(now + thresholds.notice.timeInterval)]
            ) { row in
                let expiresAt = try row.date(2)
                let threshold = thresholds.classify(expiresAt, now: now)
                guard threshold != .ok else { return }
                let days = daysLeft(until: expiresAt, from: now)
                let client = try row.string(4)
                let keyId = try row.string(1)
                let text = threshold == .expired
                    ? "The secret \(keyId.prefix(8)) of \(client) expired on \(Timestamp.iso8601(expiresAt))."
                    : "The secret \(keyId.prefix(8)) of \(client) expires in \(days) day\(days == 1 ? "" : "s") (\(Timestamp.iso8601(expiresAt))): \(threshold.rawValue)."
                notices.append(
                    Notice(kind: .secretExpiry, subject: "secret \(try row.int64(0)) \(threshold.rawValue)",
                           team: try row.string(6), clientRowId: try row.int64(3), client: client,
                           clientId: try row.string(5), identityProvider: try row.string(7), keyId: keyId,
                           threshold: threshold, expiresAt: expiresAt, daysLeft: days, text: text))
            }
            try transaction.forEachRow(
                """
                    SELECT r.id, r.step, r.heldKeyId, r.heldLastUsedAt, r.graceUntil, r.failureReason, r.updatedAt,
                           c.id, c.displayName, c.clientId, c.ownerTeam, i.name
                    FROM rotation r JOIN client c ON c.id = r.clientRowId JOIN identityProvider i ON i.id = c.identityProviderId
                    WHERE ((r.heldKeyId IS NOT NULL AND r.\(Self.openRotationCondition)) OR r.step = 'failed')
                      AND \(teamFilter)
                    ORDER BY r.id
                    """, []
            ) { row in
                let id = try row.int64(0)
                let client = try row.string(8)
                var notice = Notice(
                    kind: .rotationFailed, subject: "rotation \(id) failed", team: try row.string(10),
                    clientRowId: try row.int64(7), client: client, clientId: try row.string(9),
                    identityProvider: try row.string(11), rotationId: id, text: "")
                if try row.string(1) == RotationStep.failed.rawValue {
                    notice.failureReason = try row.optionalString(5)
                    notice.text = "Rotation #\(id) of \(client) failed" + (notice.failureReason.map { ": \($0)" } ?? ".")
                    notice.failedAt = try row.date(6)
                } else {
                    let keyId = try row.string(2)
                    notice.kind = .rotationHeld
                    notice.subject = "rotation \(id) held \(keyId)"
                    notice.keyId = keyId
                    notice.lastUsedAt = try row.optionalDate(3)
                    notice.holdingUntil = try row.optionalDate(4)
                    let used = notice.lastUsedAt.map { " (last used \(Timestamp.iso8601($0)))" } ?? ""
                    let until = notice.holdingUntil.map { " until \(Timestamp.iso8601($0))" } ?? ""
                    notice.text = "Rotation #\(id) of \(client) is held: a caller still uses the old secret \(keyId.prefix(8))\(used); holding\(until). Switch callers to the new secret."
                }
                notices.append(notice)
            }
            var sent: Set<String> = []
            try transaction.forEachRow("SELECT webhookId, subject FROM noticeSent", []) { row in
                sent.insert("\(try row.int64(0)) \(try row.string(1))")
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
