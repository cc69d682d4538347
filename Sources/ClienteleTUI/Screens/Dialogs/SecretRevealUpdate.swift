import ClienteleCore
import Foundation

/// The show-once dialog for a new secret: reveal, write to a new 0600 file, and close (which lets the rotation go
/// on to verify it).
enum SecretRevealUpdate {
    static func ready(_ state: inout AppState, _ secret: SecretText, clientName: String) -> [Effect] {
        state.modal = .secret(SecretRevealState(clientName: clientName, secret: secret))
        return []
    }

    static func written(_ state: inout AppState, path: String) -> [Effect] {
        if case .secret(var reveal) = state.modal {
            reveal.writtenTo = path
            reveal.path = nil
            reveal.error = nil
            state.modal = .secret(reveal)
        }
        return []
    }

    static func handleKey(_ state: inout AppState, _ reveal: inout SecretRevealState, _ key: KeyEvent) -> [Effect] {
        defer { if case .secret = state.modal { state.modal = .secret(reveal) } }
        if var path = reveal.path {
            switch state.keymap.dialogCommand(for: key, in: .secretPath) {
            case .close?:
                reveal.path = nil
            case .submit?:
                let text = path.text.trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else {
                    reveal.error = "enter a path for the new file"
                    return []
                }
                return [.writeSecretFile(reveal.secret, path: AbsolutePath.of(text))]
            default:
                path.handle(key)
                reveal.path = path
            }
            return []
        }
        switch state.keymap.dialogCommand(for: key, in: .secret) {
        case .reveal?:
            reveal.revealed.toggle()
        case .writeFile?:
            reveal.path = TextField()
            reveal.error = nil
        case .close?, .submit?:
            // Closing drops the secret: it is never drawn again. The rotation goes on to verify it.
            state.modal = .progress(ProgressState(title: "Verifying the new secret…"))
            return [.acknowledgeSecret]
        default:
            break
        }
        return []
    }
}
