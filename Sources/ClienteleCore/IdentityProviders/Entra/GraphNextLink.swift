import Foundation

/// Finds a page's `@odata.nextLink` in its raw bytes, before the page is decoded, so the next request can be on the
/// wire while this page is decoded (decoding 999 applications costs about as much as the round trip). Only a
/// guess: the caller follows it only to the configured Graph, and keeps its answer only when the decoded page
/// names the very same link.
enum GraphNextLink {
    private static let key = Array("\"@odata.nextLink\"".utf8)

    static func peek(_ body: Data) -> String? {
        body.withUnsafeBytes { raw -> String? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count > key.count else { return nil }
            var index = 0
            while index + key.count <= bytes.count {
                // A key starts a member: not inside a string, where its quote would be escaped.
                if bytes[index] == key[0], index == 0 || bytes[index - 1] != UInt8(ascii: "\\"),
                    bytes[index..<(index + key.count)].elementsEqual(key)
                {
                    return value(bytes, from: index + key.count)
                }
                index += 1
            }
            return nil
        }
    }

    /// The string after `:` at `start`, with Graph's one escape in URLs (`\/`) undone; any other escape: nil.
    private static func value(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> String? {
        var index = start
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return String(bytes: text, encoding: .utf8) }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") else { return nil }
                text.append(UInt8(ascii: "/"))
                index += 2
                continue
            }
            text.append(byte)
            index += 1
        }
        return nil
    }
}
