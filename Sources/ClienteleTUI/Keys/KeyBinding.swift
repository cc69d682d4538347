/// One binding as data: the keys, what they do, the words for help, and whether it changes anything. The footer
/// and the `?` overlay are generated from these, so help cannot drift from the keys.
public struct KeyBinding: Sendable {
    public var command: KeyCommand
    public var keys: [KeyEvent]
    /// How the footer and help name the keys (`j/k`, `1–6`).
    public var label: String
    public var help: String
    /// The one or two words the footer shows.
    public var hint: String
    /// Screens it applies to; nil means everywhere.
    public var screens: Set<ScreenID>?
    /// Changes the registry or an IdP: `--readonly` removes it.
    public var changesState: Bool
    /// Needs a confirmation whose default is Cancel; help marks it with `!`.
    public var destructive: Bool
    /// Shown in the one-line footer (the rest are in `?`).
    public var inFooter: Bool

    public init(_ command: KeyCommand, _ keys: [KeyEvent], label: String? = nil, help: String, hint: String? = nil,
                screens: Set<ScreenID>? = nil, changesState: Bool = false, destructive: Bool = false,
                inFooter: Bool = false)
    {
        self.command = command
        self.keys = keys
        self.label = label ?? keys.map(\.label).joined(separator: "/")
        self.help = help
        self.hint = hint ?? help
        self.screens = screens
        self.changesState = changesState || destructive
        self.destructive = destructive
        self.inFooter = inFooter
    }

    public func applies(to screen: ScreenID) -> Bool { screens?.contains(screen) ?? true }
}
