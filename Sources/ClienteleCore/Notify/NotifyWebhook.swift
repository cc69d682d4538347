import Foundation
import GRDB

/// Where an owner team hears about its clients' secrets: a Slack or Teams incoming webhook, or any endpoint that
/// takes Clientele's own JSON.
public struct NotifyWebhook: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    /// Matched against clients' owner team, case-insensitively.
    public var team: String
    /// A credential in itself (anyone holding a Slack or Teams webhook URL may post): stored, never shown, logged
    /// or put in an error; `host` names it instead.
    public var url: String
    public var format: NoticeFormat
    public var createdAt: Date

    /// The webhook's host, how every line names it.
    public var host: String { URL(string: url)?.host ?? "?" }

    /// "team payments at hooks.slack.com (#3)".
    public var label: String { "team \(team) at \(host) (#\(id ?? 0))" }
}

public enum NoticeFormat: String, Codable, Sendable, CaseIterable {
    case slack, teams, json
}

extension NotifyWebhook: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "notifyWebhook"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension NotifyWebhook: StoredRecord {
    static let table = "notifyWebhook"
    static let columns = ["id", "team", "url", "format", "createdAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), team: try row.string(1), url: try row.string(2),
            format: try row.value(3, as: NoticeFormat.self), createdAt: try row.date(4))
    }

    var storedValues: [StoreValue] { [.text(team), .text(url), .text(format.rawValue), .date(createdAt)] }
}
