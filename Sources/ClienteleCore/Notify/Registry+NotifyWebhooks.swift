import Foundation

extension Registry {
    public func notifyWebhooks() throws -> [NotifyWebhook] {
        try read { transaction in
            try transaction.records(NotifyWebhook.self, "ORDER BY \(transaction.dialect.caseInsensitive("team")), id")
        }
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
        return try write { transaction in
            let d = transaction.dialect
            // Teams match without regard to case, as the column's collation has it.
            if let existing = try transaction.record(
                NotifyWebhook.self, "WHERE \(d.caseInsensitive("team")) = \(d.caseInsensitive("?")) AND url = ?",
                [.text(team), .text(url)])
            {
                throw ClienteleError.conflict("\(existing.label) already has this webhook")
            }
            var webhook = NotifyWebhook(team: team, url: url, format: format, createdAt: now)
            try transaction.insert(&webhook)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "notify.webhook-added", subject: "team \(team)",
                details: ["webhook": String(webhook.id!), "host": host, "format": format.rawValue])
            return webhook
        }
    }

    public func removeNotifyWebhook(id: Int64, actor: String) throws {
        let now = clock.now
        try write { transaction in
            guard let webhook = try transaction.record(NotifyWebhook.self, id: id) else {
                throw ClienteleError.notFound("no webhook #\(id); see `clientele notify webhook list`")
            }
            try transaction.delete(NotifyWebhook.self, id: id)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "notify.webhook-removed", subject: "team \(webhook.team)",
                details: ["webhook": String(id), "host": webhook.host])
        }
    }

    /// Remembers that `webhook` was told `notice`, with an audit event, so no later run tells it again.
    public func recordNoticeSent(_ notice: Notice, webhook: NotifyWebhook, actor: String) throws {
        let now = clock.now
        try write { transaction in
            try transaction.execute(
                "INSERT INTO noticeSent (webhookId, subject, sentAt) VALUES (?, ?, ?) ON CONFLICT(webhookId, subject) DO NOTHING",
                webhook.id!, notice.subject, now)
            try AuditTrail.append(
                transaction, at: now, actor: actor, action: "notify.sent", subject: "client \(notice.client)",
                clientRowId: notice.clientRowId,
                details: ["webhook": String(webhook.id!), "host": webhook.host, "team": webhook.team,
                          "notice": notice.subject])
        }
    }
}
