import ClienteleCore
import Foundation

/// The clients list as the console searches it: the rows, plus one flat buffer of lowercased search text (name,
/// client id, owner) so a keystroke scans contiguous bytes instead of 100k separate strings. Built off the UI path.
public struct ClientIndex: Sendable {
    public let rows: [ConsoleClientRow]
    /// Row indices ordered by name, the default order.
    public let nameOrder: [Int32]
    public let identityProviderNames: [Int64: String]
    public let environmentNames: [Int64: String]
    /// Whether every client is loaded (false for the first page shown while the rest loads).
    public let complete: Bool
    private let bytes: [UInt8]
    /// Row i's text is bytes[starts[i]..<starts[i + 1]]; its name part ends at nameEnds[i].
    private let starts: [Int32]
    private let nameEnds: [Int32]

    public init(rows: [ConsoleClientRow], identityProviders: [IdentityProvider], environments: [Environment],
                complete: Bool)
    {
        self.rows = rows
        self.complete = complete
        identityProviderNames = Dictionary(
            identityProviders.compactMap { idp in idp.id.map { ($0, idp.name) } }, uniquingKeysWith: { a, _ in a })
        environmentNames = Dictionary(
            environments.compactMap { env in env.id.map { ($0, env.name) } }, uniquingKeysWith: { a, _ in a })
        var bytes: [UInt8] = []
        bytes.reserveCapacity(rows.count * 48)
        var starts: [Int32] = []
        starts.reserveCapacity(rows.count + 1)
        var nameEnds: [Int32] = []
        nameEnds.reserveCapacity(rows.count)
        for row in rows {
            starts.append(Int32(bytes.count))
            Self.appendLowercased(row.displayName, to: &bytes)
            nameEnds.append(Int32(bytes.count))
            // A separator no query can contain (fields reject control characters), so no match spans two fields.
            bytes.append(0)
            Self.appendLowercased(row.clientId, to: &bytes)
            if let owner = row.ownerTeam {
                bytes.append(0)
                Self.appendLowercased(owner, to: &bytes)
            }
        }
        starts.append(Int32(bytes.count))
        self.bytes = bytes
        self.starts = starts
        self.nameEnds = nameEnds
        nameOrder = Self.sortedByName(count: rows.count, bytes: bytes, starts: starts, nameEnds: nameEnds)
    }

    public var count: Int { rows.count }

    static func appendLowercased(_ text: String, to bytes: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 { bytes.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
        } else {
            bytes.append(contentsOf: text.lowercased().utf8)
        }
    }

    /// Lowercased query bytes, the way the index stores its text.
    public static func queryBytes(_ query: String) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLowercased(query, to: &bytes)
        return bytes
    }

    private static func sortedByName(count: Int, bytes: [UInt8], starts: [Int32], nameEnds: [Int32]) -> [Int32] {
        var order = (0..<Int32(count)).map { $0 }
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            order.sort { a, b in
                let la = Int(nameEnds[Int(a)] - starts[Int(a)]), lb = Int(nameEnds[Int(b)] - starts[Int(b)])
                let result = memcmp(base + Int(starts[Int(a)]), base + Int(starts[Int(b)]), min(la, lb))
                if result != 0 { return result < 0 }
                return la != lb ? la < lb : a < b
            }
        }
        return order
    }

    /// Splits `candidates` (in their order) into rows whose text contains `query` and rows whose name contains
    /// its characters in order (fuzzy), skipping the rest.
    public func matches(_ query: [UInt8], in candidates: [Int32]) -> (substring: [Int32], fuzzy: [Int32]) {
        guard !query.isEmpty else { return (candidates, []) }
        var substring: [Int32] = []
        var fuzzy: [Int32] = []
        substring.reserveCapacity(candidates.count)
        // A one-character query that is not in the text cannot be in the name either: skip the fuzzy pass.
        let tryFuzzy = query.count > 1
        bytes.withUnsafeBufferPointer { buffer in
            query.withUnsafeBufferPointer { needle in
                starts.withUnsafeBufferPointer { starts in
                    nameEnds.withUnsafeBufferPointer { nameEnds in
                        for row in candidates {
                            let index = Int(row)
                            let start = Int(starts[index]), end = Int(starts[index + 1])
                            if Self.contains(buffer, start, end, needle) {
                                substring.append(row)
                            } else if tryFuzzy && Self.isSubsequence(buffer, start, Int(nameEnds[index]), needle) {
                                fuzzy.append(row)
                            }
                        }
                    }
                }
            }
        }
        return (substring, fuzzy)
    }

    private static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                 _ needle: UnsafeBufferPointer<UInt8>) -> Bool
    {
        let n = needle.count
        guard end - start >= n, let base = hay.baseAddress, let pattern = needle.baseAddress else { return false }
        let first = Int32(needle[0])
        var position = base + start
        let last = base + (end - n)
        // memchr finds candidate first bytes with vector instructions; memcmp checks the rest.
        while position <= last {
            guard let found = memchr(position, first, last - position + 1) else { return false }
            let candidate = found.assumingMemoryBound(to: UInt8.self)
            if n == 1 || memcmp(candidate + 1, pattern + 1, n - 1) == 0 { return true }
            position = UnsafePointer(candidate) + 1
        }
        return false
    }

    private static func isSubsequence(_ hay: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                      _ needle: UnsafeBufferPointer<UInt8>) -> Bool
    {
        var j = 0
        var i = start
        let n = needle.count
        while i < end && j < n {
            if hay[i] == needle[j] { j += 1 }
            i += 1
        }
        return j == n
    }

    /// Row indices in `sort` order.
    public func order(by sort: ClientSort, descending: Bool) -> [Int32] {
        var order: [Int32]
        switch sort {
        case .name:
            order = nameOrder
        case .identityProvider:
            var rank = [Int32](repeating: 0, count: rows.count)
            for (position, row) in nameOrder.enumerated() { rank[Int(row)] = Int32(position) }
            order = nameOrder
            order.sort { a, b in
                let ia = identityProviderNames[rows[Int(a)].identityProviderId] ?? ""
                let ib = identityProviderNames[rows[Int(b)].identityProviderId] ?? ""
                return ia != ib ? ia < ib : rank[Int(a)] < rank[Int(b)]
            }
        case .environments:
            order = stableSorted { rows[Int($0)].environmentIds.count > rows[Int($1)].environmentIds.count }
        case .secrets:
            order = stableSorted { rows[Int($0)].activeSecrets > rows[Int($1)].activeSecrets }
        case .expiry:
            order = stableSorted {
                (rows[Int($0)].nextExpiry ?? .infinity) < (rows[Int($1)].nextExpiry ?? .infinity)
            }
        }
        return descending ? order.reversed() : order
    }

    /// Sorts the name order by `before`, keeping name order among equals.
    private func stableSorted(_ before: (Int32, Int32) -> Bool) -> [Int32] {
        var rank = [Int32](repeating: 0, count: rows.count)
        for (position, row) in nameOrder.enumerated() { rank[Int(row)] = Int32(position) }
        return nameOrder.sorted { a, b in
            if before(a, b) { return true }
            if before(b, a) { return false }
            return rank[Int(a)] < rank[Int(b)]
        }
    }

    public func environments(of row: ConsoleClientRow) -> [String] {
        row.environmentIds.compactMap { environmentNames[$0] }
    }
}

/// The columns the clients list sorts by, in the order `s` cycles through them.
public enum ClientSort: Int, CaseIterable, Sendable {
    case name, identityProvider, environments, secrets, expiry

    public var label: String {
        switch self {
        case .name: return "name"
        case .identityProvider: return "IdP"
        case .environments: return "environments"
        case .secrets: return "secrets"
        case .expiry: return "next expiry"
        }
    }

    public var next: ClientSort { ClientSort(rawValue: (rawValue + 1) % ClientSort.allCases.count)! }
}
