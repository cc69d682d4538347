/// Where the fixed parts of every screen go: header, tab line, content, status line, footer.
public enum Layout {
    public static let minimum = Size(width: 60, height: 15)

    public static func isTooSmall(_ size: Size) -> Bool {
        size.width < minimum.width || size.height < minimum.height
    }

    /// Rows between the tab line and the status line.
    public static func content(_ size: Size) -> Rect {
        Rect(x: 0, y: 2, width: size.width, height: size.height - 4)
    }

    /// Rows a table can show below its column headings.
    public static func tableRows(_ size: Size) -> Int { max(1, content(size).height - 1) }
}
