import Foundation
import GRDB

extension Registry {
    public func notifyWebhooks() throws -> [NotifyWebhook] {
        try sqliteRead { db in try NotifyWebhook.order(Column("team").collating(.nocase), Column("id")).fetchAll(db) }
    }

    /// Adds a webhook for `team`. The audit trail names its host and format, never its URL.
    @discardableResult
    public func addNotifyWebhook(team: String, url: String, format: NoticeFormat, actor: String) throws -> NotifyWebhook {
        let team = team.trimmingCharacters(in: .whitespaces)
        guard !team.isEmpty, !team.contains(where: { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true }) else {
            throw ClienteleError.invalidInput("--team must be one line of printable text")
        }
        // Only the scheme and host are named: the rest of the URL is the credential.
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = parsed.host, !host.isEmpty
        else {
            throw ClienteleError.invalidInput("--url must be an http or https URL with a host")
        }
        let now = clock.now
        return try sqliteWrite { db in
            if let existing = try NotifyWebhook.filter(Column("team") == team && Column("url") == url).fetchOne(db) {
                throw ClienteleError.conflict("\(existing.label) already has this webhook")
            }
            var webhook = NotifyWebhook(team: team, url: url, format: format, createdAt: now)
            try webhook.insert(db)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "notify.webhook-added", subject: "team \(team)",
                details: ["webhook": String(webhook.id!), "host": host, "format": format.rawValue])
            return webhook
        }
    }

    public func removeNotifyWebhook(id: Int64, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            guard let webhook = try NotifyWebhook.fetchOne(db, key: id) else {
                throw ClienteleError.notFound("no webhook #\(id); see `clientele notify webhook list`")
            }
            _ = try webhook.delete(db)
            try AuditTrail.append(
                db, at: now, actor: actor, action: "notify.webhook-removed", subject: "team \(webhook.team)",
                details: ["webhook": String(id), "host": webhook.host])
        }
    }

    /// Remembers that `webhook` was told `notice`, with an audit event, so no later run tells it again.
    public func recordNoticeSent(_ notice: Notice, webhook: NotifyWebhook, actor: String) throws {
        let now = clock.now
        try sqliteWrite { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO noticeSent (webhookId, subject, sentAt) VALUES (?, ?, ?)",
                arguments: [webhook.id!, notice.subject, now])
            try AuditTrail.append(
                db, at: now, actor: actor, action: "notify.sent", subject: "client \(notice.client)",
                clientRowId: notice.clientRowId,
                details: ["webhook": String(webhook.id!), "host": webhook.host, "team": webhook.team,
                          "notice": notice.subject])
        }
    }
}
