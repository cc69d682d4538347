/// Writes an array of flat JSON objects (strings, integers, nulls, arrays of strings) one object per line.
/// JSONEncoder's generic machinery costs more than the query itself for a 60k-row expiry report or a 100k-client
/// list, and `secrets expiring --json` has a budget of twice the sqlite3 shell's time.
struct FlatJSONWriter {
    private(set) var text = "["
    private var objects = 0
    private var fields = 0

    init(capacity: Int) { text.reserveCapacity(capacity) }

    mutating func beginObject() {
        text += objects == 0 ? "\n{" : ",\n{"
        objects += 1
        fields = 0
    }

    mutating func endObject() { text += "}" }

    mutating func field(_ key: StaticString, _ value: String?) {
        separate(key)
        guard let value else {
            text += "null"
            return
        }
        Self.appendQuoted(value, to: &text)
    }

    mutating func field(_ key: StaticString, _ value: Int) {
        separate(key)
        text += String(value)
    }

    mutating func field(_ key: StaticString, _ values: [String]) {
        separate(key)
        text += "["
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            Self.appendQuoted(value, to: &text)
        }
        text += "]"
    }

    mutating func finish() -> String {
        text += objects == 0 ? "]\n" : "\n]\n"
        return text
    }

    private mutating func separate(_ key: StaticString) {
        if fields > 0 { text += "," }
        fields += 1
        text += "\""
        text += key.description
        text += "\":"
    }

    /// RFC 8259 §7: quote, backslash and control characters are escaped; everything else is written as is.
    static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            text += value
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
        }
        text += "\""
    }
}
