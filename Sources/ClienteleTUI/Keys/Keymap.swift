/// The console's one keymap. Key handling, the footer and the help overlay all read it.
public struct Keymap: Sendable {
    public let bindings: [KeyBinding]
    /// Keys inside dialogs. None changes state by itself: a dialog that leads to a change is opened by a binding
    /// that does, and `--readonly` has already removed that one.
    public let dialogBindings: [DialogKeyBinding]
    public let readonly: Bool

    /// The single place `--readonly` takes effect on keys: bindings that change state are removed, so they neither
    /// work nor appear in the footer or help. (The effect runner refuses writes too, as a second line.)
    public init(readonly: Bool, bindings: [KeyBinding] = Keymap.standard,
                dialogBindings: [DialogKeyBinding] = Keymap.dialogStandard)
    {
        self.readonly = readonly
        self.dialogBindings = dialogBindings
        self.bindings = readonly ? bindings.filter { !$0.changesState } : bindings
    }

    public func command(for key: KeyEvent, on screen: ScreenID) -> KeyCommand? {
        bindings.first { $0.applies(to: screen) && $0.keys.contains(key) }?.command
    }

    public func bindings(for screen: ScreenID) -> [KeyBinding] { bindings.filter { $0.applies(to: screen) } }

    public func dialogCommand(for key: KeyEvent, in dialog: DialogContext) -> DialogCommand? {
        dialogBindings.first { $0.dialogs.contains(dialog) && $0.keys.contains(key) }?.command
    }

    public func dialogBindings(for dialog: DialogContext) -> [DialogKeyBinding] {
        dialogBindings.filter { $0.dialogs.contains(dialog) }
    }

    /// A dialog's own hint line, from the same bindings (`tab next · enter rotate · esc cancel`); with `all`, every
    /// binding, as `?` help lists them.
    public func dialogHints(for dialog: DialogContext, all: Bool = false) -> String {
        dialogBindings(for: dialog).filter { all || $0.inHint }.map { "\($0.label) \($0.help)" }
            .joined(separator: " · ")
    }

    /// `key label` pairs for the footer, screen-specific ones first.
    public func footerHints(for screen: ScreenID) -> [(key: String, help: String)] {
        let shown = bindings(for: screen).filter(\.inFooter)
        let specific = shown.filter { $0.screens != nil }
        let global = shown.filter { $0.screens == nil }
        return (specific + global).map { ($0.label, $0.hint) }
    }


    public static let standard: [KeyBinding] = [
        KeyBinding(.up, [.up, .character("k")], label: "↑/k", help: "move up"),
        KeyBinding(.down, [.down, .character("j")], label: "↓/j", help: "move down"),
        KeyBinding(.left, [.left, .character("h")], label: "←/h", help: "previous policy column", screens: [.matrix]),
        KeyBinding(.right, [.right, .character("l")], label: "→/l", help: "next policy column", screens: [.matrix]),
        KeyBinding(.top, [.character("g"), .home], label: "g", help: "go to the top"),
        KeyBinding(.bottom, [.character("G"), .end], label: "G", help: "go to the bottom"),
        KeyBinding(.pageUp, [.pageUp, .control("b")], label: "pgup", help: "page up"),
        KeyBinding(.pageDown, [.pageDown, .control("f")], label: "pgdn", help: "page down"),
        KeyBinding(.open, [.enter], label: "enter", help: "open the selected client", hint: "open",
                   screens: [.clients, .expiring, .rotations], inFooter: true),
        KeyBinding(.filter, [.character("/")], label: "/", help: "filter (substring, then fuzzy)", hint: "filter",
                   screens: [.clients, .audit], inFooter: true),
        KeyBinding(.sort, [.character("s")], label: "s", help: "sort by the next column", hint: "sort", screens: [.clients],
                   inFooter: true),
        KeyBinding(.reverseSort, [.character("S")], label: "S", help: "reverse the sort order", screens: [.clients]),
        KeyBinding(.rotate, [.character("r")], label: "r", help: "rotate the selected client's secret (at its IdP or gateway)", hint: "rotate",
                   screens: [.clients, .detail, .expiring], changesState: true, inFooter: true),
        KeyBinding(.mark, [.character(" ")], label: "space", help: "mark or unmark the client (r rotates the marked set)",
                   hint: "mark", screens: [.clients]),
        KeyBinding(.removeSecret, [.character("x")], label: "x", help: "remove the selected secret at the IdP",
                   hint: "remove", screens: [.detail, .expiring], destructive: true, inFooter: true),
        KeyBinding(.toggle, [.enter, .character(" ")], label: "enter", help: "assign or unassign the policy", hint: "toggle",
                   screens: [.matrix], changesState: true, inFooter: true),
        KeyBinding(.edit, [.character("e")], label: "e", help: "edit the policy's configuration", hint: "edit", screens: [.matrix],
                   changesState: true, inFooter: true),
        KeyBinding(.advance, [.character("a")], label: "a", help: "advance the selected rotation", hint: "advance",
                   screens: [.rotations], changesState: true, inFooter: true),
        KeyBinding(.advanceAll, [.character("A")], label: "A", help: "advance all open rotations", hint: "advance all",
                   screens: [.rotations], changesState: true, inFooter: true),
        KeyBinding(.endGrace, [.character("E")], label: "E", help: "end the grace period now (removes old secret)",
                   screens: [.rotations], destructive: true),
        KeyBinding(.applyGateway, [.character("a")], label: "a", help: "apply the environment's plan at its gateway",
                   hint: "apply", screens: [.matrix], destructive: true, inFooter: true),
        KeyBinding(.open, [.enter], label: "enter", help: "both sides of a policy difference; a client app's findings",
                   hint: "open", screens: [.drift], inFooter: true),
        KeyBinding(.pushDifference, [.character("p")], label: "p",
                   help: "push the registry's view (applies the environment; not for client apps)", hint: "push",
                   screens: [.drift], destructive: true, inFooter: true),
        KeyBinding(.adoptDifference, [.character("t")], label: "t",
                   help: "adopt: take the gateway's side into the registry (not for client apps)", hint: "adopt",
                   screens: [.drift], destructive: true, inFooter: true),
        KeyBinding(.verify, [.character("v")], label: "v", help: "verify the hash chain", hint: "verify", screens: [.audit],
                   inFooter: true),
        KeyBinding(.reload, [.control("r")], label: "ctrl-r", help: "reload from the registry (Drift: read the gateways again)"),
        KeyBinding(.back, [.escape], label: "esc", help: "back", inFooter: true),
        KeyBinding(.commandMode, [.character(":")], label: ":", help: "command (:clients, :env prod…)", hint: "command",
                   inFooter: true),
        KeyBinding(.screen(.clients), [.character("1")], label: "1", help: "clients"),
        KeyBinding(.screen(.detail), [.character("2")], label: "2", help: "selected client (Drift: a client app's client)"),
        KeyBinding(.screen(.expiring), [.character("3")], label: "3", help: "expiring secrets"),
        KeyBinding(.screen(.matrix), [.character("4")], label: "4", help: "environments × policies"),
        KeyBinding(.screen(.rotations), [.character("5")], label: "5", help: "rotations"),
        KeyBinding(.screen(.audit), [.character("6")], label: "6", help: "audit trail"),
        KeyBinding(.screen(.drift), [.character("7")], label: "7", help: "gateway drift (policies and client apps)"),
        KeyBinding(.help, [.character("?")], label: "?", help: "help", inFooter: true),
        KeyBinding(.quit, [.character("q"), .control("c")], label: "q", help: "quit", inFooter: true),
    ]
}
