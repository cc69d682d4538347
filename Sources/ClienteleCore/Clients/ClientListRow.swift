import Foundation

/// One row of a client list as the store's own bytes, lent for the length of one call of the body given to
/// `Registry.forEachClientListRow`: at 100k clients, making a String of every column, an array of every
/// environments list and a `ClientSummary` of every row cost a third of `client list --json`, when a JSON writer
/// only copies bytes. Text is UTF-8 as the registry stores it; never keep a buffer past the call.
public struct ClientListRow {
    let row: StoreRow

    // The id and the count are never NULL (a primary key, a count(*)).
    public var id: Int64 { (try? row.int64(0)) ?? 0 }
    public var displayName: UnsafeRawBufferPointer { row.lentUTF8(1) ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    public var clientId: UnsafeRawBufferPointer { row.lentUTF8(2) ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    public var ownerTeam: UnsafeRawBufferPointer? { row.lentUTF8(3) }
    public var identityProvider: UnsafeRawBufferPointer { row.lentUTF8(4) ?? UnsafeRawBufferPointer(start: nil, count: 0) }
    public var activeSecrets: Int { (try? row.int(6)) ?? 0 }

    /// The client's environment names, in display order, each handed to `body` in turn.
    public func forEachEnvironment(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard let joined = row.lentUTF8(5) else { return }
        var start = 0
        // Empty pieces skipped, as `split(separator:)` in `clients(matching:)` skips them.
        for index in 0...joined.count where index == joined.count || joined[index] == Registry.environmentSeparator {
            if index > start { try body(UnsafeRawBufferPointer(rebasing: joined[start..<index])) }
            start = index + 1
        }
    }

    /// The soonest expiry among secrets in service; nil when none expires (or the stored text is no date, as
    /// `clients(matching:)` would refuse it).
    public var nextExpiry: Date? { (try? row.optionalDate(7)) ?? nil }
}
