/// Cutting and padding text to a number of columns, counting wide characters as two.
public enum TextFit {
    /// `text` cut to `width` columns, ending in `…` when cut.
    public static func fit(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        if text.utf8.count <= width, text.utf8.allSatisfy({ $0 < 0x80 }) { return text }
        if DisplayWidth.of(text) <= width { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = DisplayWidth.of(character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// `text` fitted and padded with spaces to exactly `width` columns.
    public static func pad(_ text: String, width: Int, alignRight: Bool = false) -> String {
        let fitted = fit(text, width: width)
        let gap = String(repeating: " ", count: max(0, width - DisplayWidth.of(fitted)))
        return alignRight ? gap + fitted : fitted + gap
    }
}
