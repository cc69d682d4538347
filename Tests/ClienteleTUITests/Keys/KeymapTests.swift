import ClienteleCore
import Testing
@testable import ClienteleTUI

struct KeymapTests {
    @Test func readonlyRemovesEveryBindingThatChangesState() {
        let keymap = Keymap(readonly: true)
        #expect(keymap.bindings.allSatisfy { !$0.changesState })
        #expect(keymap.command(for: .character("r"), on: .clients) == nil)
        #expect(keymap.command(for: .character("E"), on: .rotations) == nil)
        #expect(keymap.command(for: .enter, on: .matrix) == nil)
        #expect(keymap.command(for: .character("j"), on: .clients) == .down)
        #expect(!keymap.footerHints(for: .clients).contains { $0.key == "r" })
    }

    @Test func gatewayKeysAreInHelpAndGoneUnderReadonly() {
        for screen in [ScreenID.matrix, .drift] {
            var state = AppState(size: Size(width: 120, height: 60), now: DemoClock.now, readonly: false,
                                 registryPath: "r")
            state.screen = screen
            state.modal = .help(scroll: 0)
            let text = BoxText.words(in: ConsoleRender.render(state), titled: "Help")
            for binding in Keymap.standard where binding.screens?.contains(screen) == true {
                #expect(text.contains(binding.help), "help on \(screen) lacks \(binding.help)")
            }
        }
        let keymap = Keymap(readonly: false)
        #expect(keymap.command(for: .character("a"), on: .matrix) == .applyGateway)
        #expect(keymap.command(for: .character("p"), on: .drift) == .pushDifference)
        #expect(keymap.command(for: .character("t"), on: .drift) == .adoptDifference)
        let readonly = Keymap(readonly: true)
        #expect(readonly.command(for: .character("a"), on: .matrix) == nil)
        #expect(readonly.command(for: .character("p"), on: .drift) == nil)
        #expect(readonly.command(for: .character("t"), on: .drift) == nil)
        // The Drift screen itself is a read: it stays.
        #expect(readonly.command(for: .character("7"), on: .clients) == .screen(.drift))
        #expect(readonly.command(for: .enter, on: .drift) == .open)
    }

    @Test func destructiveBindingsAlsoCountAsChanges() {
        #expect(Keymap.standard.filter { $0.destructive }.allSatisfy { $0.changesState })
        #expect(Keymap.standard.contains { $0.command == .endGrace && $0.destructive })
    }

    @Test func footerIsGeneratedFromBindingsScreenFirst() {
        let hints = Keymap(readonly: false).footerHints(for: .clients)
        #expect(hints.first?.key == "enter")
        #expect(hints.map(\.key).contains("r"))
        #expect(hints.last?.key == "q")
        #expect(!Keymap(readonly: false).footerHints(for: .matrix).contains { $0.key == "s" })
    }

    @Test func noTwoBindingsOnOneScreenShareAKey() {
        for screen in ScreenID.allCases {
            var seen: [KeyEvent: KeyCommand] = [:]
            for binding in Keymap.standard where binding.applies(to: screen) {
                for key in binding.keys {
                    if let other = seen[key] {
                        Issue.record("\(key.label) on \(screen) is bound to \(other) and \(binding.command)")
                    }
                    seen[key] = binding.command
                }
            }
        }
    }

    @Test func helpOverlayListsTheBindingsOfTheScreen() {
        var state = AppState(size: Size(width: 100, height: 40), now: DemoClock.now, readonly: false,
                             registryPath: "r")
        state.screen = .rotations
        state.modal = .help(scroll: 0)
        let text = ConsoleRender.render(state).textLines.joined(separator: "\n")
        for binding in Keymap.standard where binding.screens?.contains(.rotations) == true {
            #expect(text.contains(binding.help), "help lacks \(binding.help)")
        }
        #expect(text.contains("(asks first)"))
    }

    /// `x` used to read "remove the selected secret at the IdP (asks first)  (asks first)".
    @Test func helpMarksADestructiveKeyOnce() {
        var state = AppState(size: Size(width: 100, height: 40), now: DemoClock.now, readonly: false, registryPath: "r")
        state.screen = .detail
        state.modal = .help(scroll: 0)
        let lines = ConsoleRender.render(state).textLines.filter { $0.contains("remove the selected secret") }
        #expect(lines.count == 1)
        #expect(lines.first.map { $0.components(separatedBy: "(asks first)").count - 1 } == 1)
    }

    /// Dialog keys are bindings too: `?` help lists them, and a dialog obeys the keymap rather than its own cases.
    @Test func dialogKeysAreInTheKeymapAndInHelp() {
        var state = AppState(size: Size(width: 120, height: 60), now: DemoClock.now, readonly: false, registryPath: "r")
        state.modal = .help(scroll: 0)
        let text = BoxText.words(in: ConsoleRender.render(state), titled: "Help")
        #expect(text.contains("In dialogs"))
        for dialog in DialogContext.allCases {
            #expect(text.contains(dialog.title + " " + state.keymap.dialogHints(for: dialog, all: true)),
                    "help lacks \(dialog.title)'s keys: \(text)")
        }
        // A keymap without dialog bindings leaves Esc doing nothing in a dialog: the keys come from the keymap.
        var bare = AppState(size: Size(width: 80, height: 24), now: DemoClock.now, readonly: false, registryPath: "r")
        bare.keymap = Keymap(readonly: false, dialogBindings: [])
        bare.modal = .message(MessageState(title: "t", lines: ["l"]))
        _ = ConsoleUpdate.update(&bare, .key(.escape))
        #expect(bare.modal?.name == "message")
        state.modal = .message(MessageState(title: "t", lines: ["l"]))
        _ = ConsoleUpdate.update(&state, .key(.escape))
        #expect(state.modal == nil)
    }

    @Test func noTwoDialogBindingsShareAKeyInOneDialog() {
        for dialog in DialogContext.allCases {
            var seen: [KeyEvent: DialogCommand] = [:]
            for binding in Keymap.dialogStandard where binding.dialogs.contains(dialog) {
                for key in binding.keys {
                    if let other = seen[key], other != binding.command {
                        Issue.record("\(key.label) in \(dialog) is bound to \(other) and \(binding.command)")
                    }
                    seen[key] = binding.command
                }
            }
        }
    }

    /// What each state-changing binding may lead to, directly or after its dialog. A binding that changes state
    /// must be listed, every effect listed must count as a change (so `--readonly` refuses it), and no other
    /// binding may produce a change.
    static let changes: [KeyCommand: [Effect]] = [
        .rotate: [.rotate(RotationRequest(client: "#1", grace: .days(7), delivery: .terminal))],
        .removeSecret: [.removeSecret(clientRowId: 1, keyId: "k")],
        .toggle: [.applyPolicy(PolicyChangeRequest(policy: .cors, environment: "Prod", intent: .unassign))],
        .edit: [.applyPolicy(PolicyChangeRequest(policy: .cors, environment: "Prod", intent: .unassign))],
        .advance: [.advanceRotation(1)],
        .advanceAll: [.advanceAll],
        .endGrace: [.endGrace(1)],
        .applyGateway: [.applyGateway(environment: "Prod", plan: ["+ create"])],
        .pushDifference: [.applyGateway(environment: "Prod", plan: ["+ create"])],
        .adoptDifference: [.adoptDifference(environment: "Prod", GatewayDifference(
            kind: .configured, apiId: "a", apiName: "orders", element: "rate-limiting", policy: .rateLimiting, ours: nil,
            theirs: nil))],
    ]

    @Test func everyStateChangingBindingIsTiedToEffectsThatChangeState() {
        let changing = Set(Keymap.standard.filter(\.changesState).map(\.command))
        #expect(changing == Set(Self.changes.keys))
        for (command, effects) in Self.changes {
            for effect in effects { #expect(effect.changesState, "\(command) leads to \(effect), not counted as a change") }
        }
    }

    /// Every other binding, pressed on every screen with data loaded, produces no effect that changes state.
    @Test func noOtherBindingProducesAChange() {
        for binding in Keymap.standard where !binding.changesState {
            for screen in ScreenID.allCases where binding.applies(to: screen) {
                for key in binding.keys {
                    var state = UpdateTests.state()
                    state.screen = screen
                    let effects = ConsoleUpdate.update(&state, .key(key))
                    #expect(!effects.contains { $0.changesState }, "\(key.label) on \(screen) gave \(effects)")
                }
            }
        }
    }
}

enum DemoClock {
    static let now = DemoFixture.now
}
