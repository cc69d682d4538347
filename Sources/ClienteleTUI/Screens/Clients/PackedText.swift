import ClienteleCore
import Foundation

/// The clients' search text, packed: one flat buffer of lowercased bytes (name, client id, owner) and two
/// character masks per row, so a keystroke scans contiguous bytes instead of 100k separate strings.
struct PackedText {
    var bytes: [UInt8] = []
    /// Row i's text is bytes[starts[i]..<starts[i + 1]]; its name part ends at nameEnds[i].
    var starts: [Int32] = []
    var nameEnds: [Int32] = []
    var textMasks: [UInt64]
    var nameMasks: [UInt64]

    init(_ rows: [ConsoleClientRow]) {
        bytes.reserveCapacity(rows.count * 48)
        starts.reserveCapacity(rows.count + 1)
        nameEnds.reserveCapacity(rows.count)
        for row in rows {
            starts.append(Int32(bytes.count))
            ClientIndex.appendLowercased(row.displayName, to: &bytes)
            nameEnds.append(Int32(bytes.count))
            // A separator no query can contain (fields reject control characters), so no match spans two fields.
            bytes.append(0)
            ClientIndex.appendLowercased(row.clientId, to: &bytes)
            if let owner = row.ownerTeam {
                bytes.append(0)
                ClientIndex.appendLowercased(owner, to: &bytes)
            }
        }
        starts.append(Int32(bytes.count))
        textMasks = [UInt64](repeating: 0, count: rows.count)
        nameMasks = [UInt64](repeating: 0, count: rows.count)
        for row in 0..<rows.count {
            let start = Int(starts[row]), nameEnd = Int(nameEnds[row]), end = Int(starts[row + 1])
            var mask: UInt64 = 0
            for position in start..<nameEnd { mask |= ClientIndex.characterBit(bytes[position]) }
            nameMasks[row] = mask
            for position in nameEnd..<end { mask |= ClientIndex.characterBit(bytes[position]) }
            textMasks[row] = mask
        }
    }

    /// Row indices ordered by lowercased name, then by row.
    func sortedByName() -> [Int32] {
        var order = (0..<Int32(nameEnds.count)).map { $0 }
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            order.sort { a, b in Self.nameOrdered(base, starts, nameEnds, a, before: b) }
        }
        return order
    }

    /// The order `sortedByName` sorts by.
    func nameOrdered(_ a: Int32, before b: Int32) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in Self.nameOrdered(buffer.baseAddress!, starts, nameEnds, a, before: b) }
    }

    private static func nameOrdered(
        _ base: UnsafePointer<UInt8>, _ starts: [Int32], _ nameEnds: [Int32], _ a: Int32, before b: Int32
    ) -> Bool {
        let la = Int(nameEnds[Int(a)] - starts[Int(a)]), lb = Int(nameEnds[Int(b)] - starts[Int(b)])
        let result = memcmp(base + Int(starts[Int(a)]), base + Int(starts[Int(b)]), min(la, lb))
        if result != 0 { return result < 0 }
        return la != lb ? la < lb : a < b
    }
}
