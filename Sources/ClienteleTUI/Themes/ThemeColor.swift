/// A colour as a theme file names it: `default` (the terminal's own), one of the 16 ANSI names, a 256-colour index,
/// or `#rrggbb` (mapped to the nearest of the 256).
public enum ThemeColor: Equatable, Sendable {
    case terminalDefault
    case indexed(Int)

    static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
        "bright-white",
    ]

    /// Parses a theme value, or nil with the caller naming the key.
    public init?(parsing text: String) {
        let value = text.trimmingCharacters(in: .whitespaces).lowercased()
        if value == "default" || value.isEmpty {
            self = .terminalDefault
        } else if let index = Self.names.firstIndex(of: value.replacingOccurrences(of: "_", with: "-")) {
            self = .indexed(index)
        } else if let index = Int(value), (0...255).contains(index) {
            self = .indexed(index)
        } else if value.hasPrefix("#"), value.count == 7, let rgb = Int(value.dropFirst(), radix: 16) {
            self = .indexed(Self.nearest256(red: (rgb >> 16) & 0xFF, green: (rgb >> 8) & 0xFF, blue: rgb & 0xFF))
        } else {
            return nil
        }
    }

    /// The xterm 6×6×6 cube or grey ramp entry closest to an RGB colour.
    static func nearest256(red: Int, green: Int, blue: Int) -> Int {
        func level(_ c: Int) -> Int { c < 48 ? 0 : c < 115 ? 1 : (c - 35) / 40 }
        let levels = [0, 95, 135, 175, 215, 255]
        let (r, g, b) = (level(red), level(green), level(blue))
        let cube = 16 + 36 * r + 6 * g + b
        let cubeDistance = sq(levels[r] - red) + sq(levels[g] - green) + sq(levels[b] - blue)
        let grey = max(0, min(23, ((red + green + blue) / 3 - 8) / 10))
        let greyValue = 8 + grey * 10
        let greyDistance = sq(greyValue - red) + sq(greyValue - green) + sq(greyValue - blue)
        return greyDistance < cubeDistance ? 232 + grey : cube
    }

    private static func sq(_ x: Int) -> Int { x * x }

    /// The colour on a terminal with only `available` colours: 256-colour indices fall back to the nearest of the 8
    /// (or 16) basic ones, so a rich theme stays legible on a plain xterm.
    public func downgraded(toColors available: Int) -> ThemeColor {
        guard case .indexed(let index) = self, index >= available else { return self }
        if index < 16 { return .indexed(index % 8) }
        var (r, g, b): (Int, Int, Int)
        if index >= 232 {
            let grey = 8 + (index - 232) * 10
            (r, g, b) = (grey, grey, grey)
        } else {
            let levels = [0, 95, 135, 175, 215, 255]
            let cube = index - 16
            (r, g, b) = (levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
        }
        let bright = (r + g + b) / 3 > 160
        let basic = (r > 127 ? 1 : 0) | (g > 127 ? 2 : 0) | (b > 127 ? 4 : 0)
        if available >= 16 && bright && basic != 0 { return .indexed(basic + 8) }
        return .indexed(basic)
    }
}
