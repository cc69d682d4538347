/// Makes text from the registry or an IdP safe to draw: control characters (C0, DEL, C1, and the bidi overrides
/// that could reorder a line) are shown escaped as `\x1b`, `\u{202e}`, so a client name can never move the cursor,
/// change colours or hide text.
public enum SafeText {
    public static func escaped(_ text: String) -> String {
        // The common case, plain printable ASCII, returns without allocating.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                result += scalar.value < 0x100
                    ? "\\x" + hex(scalar.value, digits: 2) : "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7F...0x9F).contains(value) || (0x202A...0x202E).contains(value)
            || (0x2066...0x2069).contains(value) || value == 0x200E || value == 0x200F || value == 0xFEFF
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
