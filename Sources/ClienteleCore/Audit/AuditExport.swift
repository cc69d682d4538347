import Foundation

/// Writes the trail as JSON Lines or CSV for a SIEM or a spreadsheet.
public enum AuditExportFormat: String, Sendable, CaseIterable {
    case jsonl, csv
}

public enum AuditExport {
    public static func line(_ event: AuditEvent, format: AuditExportFormat) -> String {
        switch format {
        case .jsonl:
            let record = ExportedEvent(
                id: event.id ?? 0, at: Timestamp.iso8601(event.at), actor: event.actor, action: event.action,
                subject: event.subject, details: event.details, previous_hash: event.previousHash, hash: event.hash,
                session_user: event.sessionUser)
            return String(decoding: (try? encoder.encode(record)) ?? Data(), as: UTF8.self)
        case .csv:
            return [String(event.id ?? 0), Timestamp.iso8601(event.at), event.actor, event.action, event.subject,
                    event.details, event.previousHash, event.hash].map(csvField).joined(separator: ",")
        }
    }

    /// One line of JSON Lines; field names match the CSV header.
    private struct ExportedEvent: Encodable {
        let id: Int64
        let at: String
        let actor: String
        let action: String
        let subject: String
        let details: String
        let previous_hash: String
        let hash: String
        /// Omitted when nil (SQLite), as every JSON output omits nil keys.
        let session_user: String?
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let csvHeader = "id,at,actor,action,subject,details,previous_hash,hash"

    /// RFC 4180 quoting; a leading formula character is defused so a spreadsheet does not execute it.
    static func csvField(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}
