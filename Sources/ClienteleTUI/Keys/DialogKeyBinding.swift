/// Where a dialog key applies. A dialog's text field takes every key its dialog does not bind.
public enum DialogContext: String, CaseIterable, Hashable, Sendable {
    case help, message, progress, confirm, command, rotate, policyForm, secret, secretPath
    /// A row of options or buttons: the rotate dialog's delivery and buttons, the policy form's buttons.
    case choice

    /// How `?` help names it.
    public var title: String {
        switch self {
        case .help: return "Help"
        case .message: return "Messages"
        case .progress: return "Long work"
        case .confirm: return "Confirmations and plans"
        case .command: return ": command"
        case .rotate: return "Rotate dialog"
        case .policyForm: return "Policy form"
        case .secret: return "New secret"
        case .secretPath: return "New secret's file path"
        case .choice: return "Options and buttons"
        }
    }
}

/// What a key asks of an open dialog.
public enum DialogCommand: Hashable, Sendable {
    case close, submit, nextField, previousField, switchButton, nextChoice, previousChoice
    case scrollUp, scrollDown, pageUp, pageDown, cancelWork, complete, reveal, writeFile
}

/// A dialog's key as data, like a screen's: its keys, the words for help and for the dialog's own hint line.
public struct DialogKeyBinding: Sendable {
    public var command: DialogCommand
    public var keys: [KeyEvent]
    public var label: String
    public var help: String
    public var dialogs: Set<DialogContext>
    /// Shown on the dialog's own hint line (every binding is in `?` help).
    public var inHint: Bool

    public init(_ command: DialogCommand, _ keys: [KeyEvent], label: String? = nil, help: String,
                in dialogs: Set<DialogContext>, inHint: Bool = true)
    {
        self.command = command
        self.keys = keys
        self.label = label ?? keys.map(\.label).joined(separator: "/")
        self.help = help
        self.dialogs = dialogs
        self.inHint = inHint
    }
}

extension Keymap {
    public static let dialogStandard: [DialogKeyBinding] = [
        DialogKeyBinding(.nextField, [.tab, .down], label: "tab", help: "next", in: [.rotate, .policyForm]),
        DialogKeyBinding(.previousField, [.backTab, .up], label: "shift-tab", help: "previous",
                         in: [.rotate, .policyForm], inHint: false),
        DialogKeyBinding(.nextChoice, [.right, .character("l"), .character(" ")], label: "→", help: "next",
                         in: [.choice]),
        DialogKeyBinding(.previousChoice, [.left, .character("h")], label: "←", help: "previous", in: [.choice]),
        DialogKeyBinding(.switchButton, [.left, .right, .tab, .backTab, .character("h"), .character("l")], label: "←→",
                         help: "switch", in: [.confirm]),
        DialogKeyBinding(.scrollDown, [.down, .character("j")], label: "↓", help: "scroll", in: [.help]),
        DialogKeyBinding(.scrollUp, [.up, .character("k")], label: "↑", help: "scroll back", in: [.help],
                         inHint: false),
        DialogKeyBinding(.pageDown, [.pageDown], label: "pgdn", help: "page down", in: [.help], inHint: false),
        DialogKeyBinding(.pageUp, [.pageUp], label: "pgup", help: "page up", in: [.help], inHint: false),
        DialogKeyBinding(.complete, [.tab], label: "tab", help: "complete", in: [.command]),
        DialogKeyBinding(.reveal, [.character("v"), .character(" ")], label: "v", help: "reveal or hide", in: [.secret]),
        DialogKeyBinding(.writeFile, [.character("w")], label: "w", help: "write to a new file", in: [.secret]),
        DialogKeyBinding(.submit, [.enter], label: "enter", help: "choose", in: [.confirm]),
        DialogKeyBinding(.submit, [.enter], label: "enter", help: "preview", in: [.policyForm]),
        DialogKeyBinding(.submit, [.enter], label: "enter", help: "rotate", in: [.rotate]),
        DialogKeyBinding(.submit, [.enter], label: "enter", help: "run", in: [.command]),
        DialogKeyBinding(.submit, [.enter], label: "enter", help: "write", in: [.secretPath]),
        DialogKeyBinding(.close, [.enter, .escape, .character("q")], label: "enter", help: "done", in: [.secret]),
        DialogKeyBinding(.close, [.escape, .enter, .character("q"), .character(" ")], label: "enter", help: "close",
                         in: [.message]),
        DialogKeyBinding(.close, [.escape, .character("?"), .character("q"), .enter], label: "esc", help: "close",
                         in: [.help]),
        DialogKeyBinding(.close, [.escape, .character("n"), .character("q")], label: "esc", help: "cancel", in: [.confirm]),
        DialogKeyBinding(.close, [.escape], label: "esc", help: "cancel", in: [.rotate, .policyForm, .command]),
        DialogKeyBinding(.close, [.escape], label: "esc", help: "back", in: [.secretPath]),
        DialogKeyBinding(.cancelWork, [.escape], label: "esc", help: "cancel", in: [.progress]),
    ]
}
