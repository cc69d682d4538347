import ClienteleCore
import Foundation

/// Writes an array of flat JSON objects (strings, integers, dates, nulls, arrays of strings) one object per line.
/// JSONEncoder's generic machinery costs more than the query itself for a 60k-row expiry report or a 100k-client
/// list, and so did appending to a String piece by piece: the text is built as UTF-8 bytes, each value copied in
/// one run between the characters it must escape.
struct FlatJSONWriter {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "[")]
    private var objects = 0
    private var fields = 0

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() {
        if objects > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(UInt8(ascii: "{"))
        objects += 1
        fields = 0
    }

    mutating func endObject() { bytes.append(UInt8(ascii: "}")) }

    mutating func field(_ key: StaticString, _ value: String?) {
        separate(key)
        guard let value else { return appendNull() }
        Self.appendQuoted(value, to: &bytes)
    }

    mutating func field(_ key: StaticString, _ value: Int) {
        separate(key)
        Self.appendDecimal(value, to: &bytes)
    }

    /// A date as ISO 8601 in UTC, as `Timestamp.iso8601` writes it; null when absent.
    mutating func field(_ key: StaticString, _ value: Date?) {
        separate(key)
        guard let value else { return appendNull() }
        bytes.append(UInt8(ascii: "\""))
        Timestamp.appendISO8601(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// UTF-8 text as lent by the registry (`ClientListRow`); null when absent.
    mutating func field(_ key: StaticString, utf8 value: UnsafeRawBufferPointer?) {
        separate(key)
        guard let value else { return appendNull() }
        Self.appendQuoted(value, to: &bytes)
    }

    /// An array of strings written one element at a time by `body`, through the `element` it is given.
    mutating func field(_ key: StaticString, elements body: ((UnsafeRawBufferPointer) -> Void) -> Void) {
        separate(key)
        bytes.append(UInt8(ascii: "["))
        var count = 0
        body { value in
            if count > 0 { bytes.append(UInt8(ascii: ",")) }
            count += 1
            Self.appendQuoted(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func field(_ key: StaticString, _ values: [String]) {
        separate(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendQuoted(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Closes the array and writes the document to standard output.
    mutating func finish() {
        if objects > 0 { bytes.append(UInt8(ascii: "\n")) }
        bytes.append(UInt8(ascii: "]"))
        bytes.append(UInt8(ascii: "\n"))
        // Lent, not copied: the document can be tens of megabytes, and `bytes` outlives the write.
        bytes.withUnsafeMutableBytes { buffer in
            FileHandle.standardOutput.write(Data(bytesNoCopy: buffer.baseAddress!, count: buffer.count, deallocator: .none))
        }
    }

    private mutating func appendNull() {
        ("null" as StaticString).withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func separate(_ key: StaticString) {
        if fields > 0 { bytes.append(UInt8(ascii: ",")) }
        fields += 1
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var start = buffer.count
            repeat {
                start -= 1
                buffer[start] = UInt8(48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: buffer[start...])
        }
    }

    /// RFC 8259 §7: quote, backslash and control characters are escaped; everything else is copied as is.
    static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0), to: &bytes) }
    }

    static func appendQuoted(_ utf8: UnsafeRawBufferPointer, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: utf8[runStart...]))
        bytes.append(UInt8(ascii: "\""))
    }
}
