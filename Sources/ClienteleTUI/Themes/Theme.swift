/// How one role looks.
public struct ThemeStyle: Equatable, Sendable {
    public var foreground: ThemeColor = .terminalDefault
    public var background: ThemeColor = .terminalDefault
    public var bold = false
    public var dim = false
    public var underline = false
    public var reverse = false
    public var italic = false

    public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false,
                italic: Bool = false)
    {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
        self.italic = italic
    }

    /// The same emphasis without colour, for monochrome terminals and NO_COLOR.
    public var withoutColor: ThemeStyle {
        ThemeStyle(bold: bold, dim: dim, underline: underline, reverse: reverse, italic: italic)
    }
}

/// A named set of styles, one per role.
public struct Theme: Equatable, Sendable {
    public var name: String
    public var styles: [StyleRole: ThemeStyle]
    /// Whether colours are off entirely (the monochrome theme, NO_COLOR, a terminal without colours).
    public var monochrome: Bool

    public init(name: String, styles: [StyleRole: ThemeStyle], monochrome: Bool = false) {
        self.name = name
        self.styles = styles
        self.monochrome = monochrome
    }

    public func style(_ role: StyleRole) -> ThemeStyle {
        let style = styles[role] ?? Theme.builtInDefault.styles[role] ?? ThemeStyle()
        return monochrome ? style.withoutColor : style
    }

    /// The same theme drawn without colour.
    public var monochromed: Theme {
        var copy = self
        copy.monochrome = true
        // Monochrome keeps emphasis; roles that only differed by colour get an attribute so they stay distinct.
        for (role, style) in Theme.monochromeEmphasis where copy.styles[role]?.withoutColor == ThemeStyle() {
            copy.styles[role] = style
        }
        return copy
    }

    static let monochromeEmphasis: [StyleRole: ThemeStyle] = [
        .selected: ThemeStyle(reverse: true), .expired: ThemeStyle(bold: true, reverse: true),
        .critical: ThemeStyle(bold: true, underline: true), .warning: ThemeStyle(bold: true),
        .notice: ThemeStyle(underline: true), .danger: ThemeStyle(bold: true), .title: ThemeStyle(bold: true),
        .footerKey: ThemeStyle(bold: true), .buttonFocused: ThemeStyle(reverse: true),
        .inputFocused: ThemeStyle(underline: true), .marker: ThemeStyle(bold: true, reverse: true),
        .error: ThemeStyle(bold: true), .header: ThemeStyle(bold: true), .dim: ThemeStyle(dim: true),
    ]

    /// The theme compiled in, used when no theme file is found and as the fallback for a bad one. It matches
    /// themes/dark.yaml.
    public static let builtInDefault: Theme = {
        func c(_ index: Int) -> ThemeColor { .indexed(index) }
        return Theme(name: "dark", styles: [
            .normal: ThemeStyle(),
            .dim: ThemeStyle(foreground: c(245)),
            .title: ThemeStyle(foreground: c(81), bold: true),
            .header: ThemeStyle(foreground: c(252), bold: true, underline: true),
            .border: ThemeStyle(foreground: c(240)),
            .selected: ThemeStyle(foreground: c(231), background: c(24), bold: true),
            .footer: ThemeStyle(foreground: c(250), background: c(236)),
            .footerKey: ThemeStyle(foreground: c(81), background: c(236), bold: true),
            .accent: ThemeStyle(foreground: c(81)),
            .expired: ThemeStyle(foreground: c(231), background: c(160), bold: true),
            .critical: ThemeStyle(foreground: c(203), bold: true),
            .warning: ThemeStyle(foreground: c(214)),
            .notice: ThemeStyle(foreground: c(186)),
            .ok: ThemeStyle(foreground: c(114)),
            .danger: ThemeStyle(foreground: c(203), bold: true),
            .success: ThemeStyle(foreground: c(114), bold: true),
            .input: ThemeStyle(foreground: c(252), background: c(237)),
            .inputFocused: ThemeStyle(foreground: c(231), background: c(24), underline: true),
            .button: ThemeStyle(foreground: c(252), background: c(238)),
            .buttonFocused: ThemeStyle(foreground: c(16), background: c(81), bold: true),
            .marker: ThemeStyle(foreground: c(231), background: c(160), bold: true),
            .mask: ThemeStyle(foreground: c(245)),
            .error: ThemeStyle(foreground: c(203), bold: true),
        ])
    }()
}
