import ClienteleCore
import Foundation

/// The clients list as the console searches it: the rows, plus one flat buffer of lowercased search text (name,
/// client id, owner) so a keystroke scans contiguous bytes instead of 100k separate strings. Built off the UI path.
///
/// Each row also has two 64-bit masks of the characters it holds (whole text, name alone). A row whose mask lacks
/// one of the query's characters can match neither way, so most rows are dismissed with one AND; and a one-letter
/// query is answered by the masks alone.
public struct ClientIndex: Sendable {
    public private(set) var rows: [ConsoleClientRow]
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
    private let textMasks: [UInt64]
    private let nameMasks: [UInt64]

    public init(rows: [ConsoleClientRow], identityProviders: [IdentityProvider], environments: [Environment],
                complete: Bool)
    {
        self.init(
            rows: rows,
            identityProviderNames: Dictionary(
                identityProviders.compactMap { idp in idp.id.map { ($0, idp.name) } }, uniquingKeysWith: { a, _ in a }),
            environmentNames: Dictionary(
                environments.compactMap { env in env.id.map { ($0, env.name) } }, uniquingKeysWith: { a, _ in a }),
            complete: complete, nameOrder: { packed in packed.sortedByName() })
    }

    private init(rows: [ConsoleClientRow], identityProviderNames: [Int64: String], environmentNames: [Int64: String],
                 complete: Bool, nameOrder: (PackedText) -> [Int32])
    {
        self.rows = rows
        self.complete = complete
        self.identityProviderNames = identityProviderNames
        self.environmentNames = environmentNames
        let packed = PackedText(rows)
        bytes = packed.bytes
        starts = packed.starts
        nameEnds = packed.nameEnds
        textMasks = packed.textMasks
        nameMasks = packed.nameMasks
        self.nameOrder = nameOrder(packed)
    }

    /// This index with other processes' changes applied: `changed` rows replace the rows of the same client (or
    /// join the list), `removed` clients leave it. The name order is patched rather than sorted again, so a
    /// one-row change at 100k clients costs a copy of the rows and their text, not a sort.
    public func applying(changed: [ConsoleClientRow], removed: [Int64]) -> ClientIndex {
        var replacement = Dictionary(changed.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        let gone = Set(removed)
        var newRows: [ConsoleClientRow] = []
        newRows.reserveCapacity(rows.count + replacement.count)
        // Old row index → new row index, or -1 for a row that left the list or must find its place again.
        var moved = [Int32](repeating: -1, count: rows.count)
        var placed: [Int32] = []
        for (position, row) in rows.enumerated() {
            if gone.contains(row.id) { continue }
            if let updated = replacement.removeValue(forKey: row.id) {
                if updated.displayName != row.displayName { placed.append(Int32(newRows.count)) } else {
                    moved[position] = Int32(newRows.count)
                }
                newRows.append(updated)
            } else {
                moved[position] = Int32(newRows.count)
                newRows.append(row)
            }
        }
        for row in changed where replacement.removeValue(forKey: row.id) != nil {
            placed.append(Int32(newRows.count))
            newRows.append(row)
        }
        let previousOrder = nameOrder
        return ClientIndex(
            rows: newRows, identityProviderNames: identityProviderNames, environmentNames: environmentNames,
            complete: complete
        ) { packed in
            // Many rows to place: a sort is quicker than as many insertions into a 100k-row array.
            guard placed.count <= 64 else { return packed.sortedByName() }
            var order: [Int32] = []
            order.reserveCapacity(newRows.count)
            for old in previousOrder where moved[Int(old)] >= 0 { order.append(moved[Int(old)]) }
            for row in placed {
                var low = 0, high = order.count
                while low < high {
                    let middle = (low + high) / 2
                    if packed.nameOrdered(order[middle], before: row) { low = middle + 1 } else { high = middle }
                }
                order.insert(row, at: low)
            }
            return order
        }
    }

    /// Swaps in changed rows whose search text, and so place by name, stays as it was: the common change (a
    /// secret rotated, an environment joined, an expiry moved). The packed text and name order are kept, so on an
    /// index nothing else holds the change costs a pass over the ids and nothing more. False, and nothing changed,
    /// when a row is new or its text changed.
    public mutating func replaceInPlace(_ changed: [ConsoleClientRow]) -> Bool {
        var wanted = Dictionary(changed.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        var found: [(position: Int, row: ConsoleClientRow)] = []
        for (position, row) in rows.enumerated() {
            if wanted.isEmpty { break }
            guard let updated = wanted.removeValue(forKey: row.id) else { continue }
            guard updated.displayName == row.displayName, updated.clientId == row.clientId,
                updated.ownerTeam == row.ownerTeam
            else { return false }
            found.append((position, updated))
        }
        guard wanted.isEmpty else { return false }
        for (position, row) in found { rows[position] = row }
        return true
    }

    public var count: Int { rows.count }

    static func appendLowercased(_ text: String, to bytes: inout [UInt8]) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 { bytes.append(byte >= 65 && byte <= 90 ? byte + 32 : byte) }
        } else {
            bytes.append(contentsOf: text.lowercased().utf8)
        }
    }

    /// A bit of its own for each letter, digit and `-_. `, where names and ids spend nearly all their characters;
    /// everything else shares bits, so for those a set bit says only "maybe".
    static func characterBit(_ byte: UInt8) -> UInt64 {
        switch byte {
        case 97...122: return 1 << UInt64(byte - 97)        // a–z: bits 0–25
        case 48...57: return 1 << UInt64(byte - 48 + 26)    // 0–9: bits 26–35
        case 45: return 1 << 36                             // -
        case 95: return 1 << 37                             // _
        case 46: return 1 << 38                             // .
        case 32: return 1 << 39                             // space
        case 0: return 0                                    // the field separator
        case 0x80...: return 1 << UInt64(40 + byte % 16)    // UTF-8 bytes: bits 40–55
        default: return 1 << UInt64(56 + byte % 8)          // other ASCII: bits 56–63
        }
    }

    /// Whether the mask bit of this byte stands for it alone: bits 0–39 are each one character's.
    static func hasOwnBit(_ byte: UInt8) -> Bool { characterBit(byte) & (1 << 40 - 1) != 0 }

    /// Lowercased query bytes, the way the index stores its text.
    public static func queryBytes(_ query: String) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLowercased(query, to: &bytes)
        return bytes
    }


    /// Splits `candidates` (in their order) into rows whose text contains `query` and rows whose name contains
    /// its characters in order (fuzzy), skipping the rest.
    public func matches(_ query: [UInt8], in candidates: [Int32]) -> (substring: [Int32], fuzzy: [Int32]) {
        guard !query.isEmpty else { return (candidates, []) }
        // Candidates come in display order, which is not the order of the bytes: visiting them in that order makes
        // every row a cache miss (10 ms at 100k rows). So mark them in a bitmap, classify them in storage order,
        // then read the verdicts back in display order.
        var marked = [UInt64](repeating: 0, count: (rows.count + 63) / 64)
        for row in candidates { marked[Int(row) >> 6] |= 1 << UInt64(row & 63) }
        var verdicts = [MatchKind](repeating: .none, count: rows.count)
        classify(query, marked: marked, into: &verdicts)
        var substring: [Int32] = []
        var fuzzy: [Int32] = []
        substring.reserveCapacity(candidates.count)
        for row in candidates {
            switch verdicts[Int(row)] {
            case .substring: substring.append(row)
            case .fuzzy: fuzzy.append(row)
            case .none: break
            }
        }
        return (substring, fuzzy)
    }

    private enum MatchKind: UInt8 { case none, substring, fuzzy }

    /// Decides, for each marked row in storage order, whether its text contains `query` or its name contains the
    /// query's characters in order.
    private func classify(_ query: [UInt8], marked: [UInt64], into verdicts: inout [MatchKind]) {
        // A one-character query that is not in the text cannot be in the name either: skip the fuzzy pass.
        let tryFuzzy = query.count > 1
        let wanted = query.reduce(UInt64(0)) { $0 | Self.characterBit($1) }
        // One character with a bit of its own: the mask is the whole answer.
        let maskDecides = query.count == 1 && Self.hasOwnBit(query[0])
        bytes.withUnsafeBufferPointer { buffer in
            query.withUnsafeBufferPointer { needle in
                starts.withUnsafeBufferPointer { starts in
                    nameEnds.withUnsafeBufferPointer { nameEnds in
                        textMasks.withUnsafeBufferPointer { textMasks in
                            nameMasks.withUnsafeBufferPointer { nameMasks in
                                verdicts.withUnsafeMutableBufferPointer { verdicts in
                                    for (word, bits) in marked.enumerated() where bits != 0 {
                                        var remaining = bits
                                        while remaining != 0 {
                                            let index = word << 6 | remaining.trailingZeroBitCount
                                            remaining &= remaining - 1
                                            guard textMasks[index] & wanted == wanted else { continue }
                                            let start = Int(starts[index])
                                            if maskDecides || Self.contains(buffer, start, Int(starts[index + 1]), needle) {
                                                verdicts[index] = .substring
                                            } else if tryFuzzy && nameMasks[index] & wanted == wanted
                                                && Self.isSubsequence(buffer, start, Int(nameEnds[index]), needle)
                                            {
                                                verdicts[index] = .fuzzy
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static func contains(_ hay: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                 _ needle: UnsafeBufferPointer<UInt8>) -> Bool
    {
        let n = needle.count
        guard end - start >= n, let base = hay.baseAddress, let pattern = needle.baseAddress else { return false }
        // A plain loop: rows are a few dozen bytes, where calling memchr and memcmp per candidate costs more than
        // the comparisons themselves.
        let first = pattern[0]
        var position = start
        let last = end - n
        while position <= last {
            if base[position] == first {
                var matched = 1
                while matched < n && base[position + matched] == pattern[matched] { matched += 1 }
                if matched == n { return true }
            }
            position += 1
        }
        return false
    }

    private static func isSubsequence(_ hay: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int,
                                      _ needle: UnsafeBufferPointer<UInt8>) -> Bool
    {
        guard let base = hay.baseAddress, let pattern = needle.baseAddress else { return false }
        var j = 0
        var i = start
        let n = needle.count
        while i < end && j < n {
            if base[i] == pattern[j] { j += 1 }
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
