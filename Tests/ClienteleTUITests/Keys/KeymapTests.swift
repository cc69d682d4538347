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
}

enum DemoClock {
    static let now = DemoFixture.now
}
