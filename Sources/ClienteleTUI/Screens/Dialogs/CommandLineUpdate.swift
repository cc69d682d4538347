import ClienteleCore

/// `:` commands, k9s style: `:clients`, `:env prod`, `:client billing-api`, `:expiring`, `:policies`,
/// `:rotations`, `:audit`, `:help`, `:q`. Tab completes.
enum CommandLineUpdate {
    static let words = ["clients", "client", "env", "expiring", "policies", "rotations", "audit", "drift", "help", "quit"]

    static func handleKey(_ state: inout AppState, _ command: inout CommandLineState, _ key: KeyEvent) -> [Effect] {
        switch state.keymap.dialogCommand(for: key, in: .command) {
        case .close?:
            state.modal = nil
            return []
        case .complete?:
            let options = completions(command.field.text, state: state)
            if let completed = commonPrefix(options), completed.count > command.field.text.count {
                command.field = TextField(completed)
            }
            command.completions = completions(command.field.text, state: state)
            state.modal = .command(command)
            return []
        case .submit?:
            return execute(&state, &command)
        default:
            command.field.handle(key)
            command.error = nil
            command.completions = completions(command.field.text, state: state)
            state.modal = .command(command)
            return []
        }
    }

    static func completions(_ text: String, state: AppState) -> [String] {
        let lowered = text.lowercased()
        let parts = lowered.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2, parts[0] == "env" || parts[0] == "environment" {
            return state.header.environments.filter { $0.lowercased().hasPrefix(parts[1]) }.map { "env \($0)" }
        }
        if parts.count == 2, parts[0] == "client", let index = state.clients.index {
            let prefix = ClientIndex.queryBytes(parts[1])
            let (matches, _) = index.matches(prefix, in: Array(index.nameOrder.prefix(50_000)))
            return matches.prefix(5).map { "client \(index.rows[Int($0)].displayName)" }
        }
        return words.filter { $0.hasPrefix(lowered) }.map { ["env", "client"].contains($0) ? "\($0) " : $0 }
    }

    static func commonPrefix(_ options: [String]) -> String? {
        guard var prefix = options.first else { return nil }
        for option in options.dropFirst() {
            while !option.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
        }
        return prefix
    }

    static func execute(_ state: inout AppState, _ command: inout CommandLineState) -> [Effect] {
        let text = command.field.text.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        let verb = parts.first?.lowercased() ?? ""
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        state.modal = nil
        if let number = Int(verb), let screen = ScreenID(rawValue: number) {
            return ConsoleUpdate.navigate(&state, to: screen)
        }
        switch verb {
        case "", "clients", "cl":
            if state.clients.environment != nil {
                state.clients.environment = nil
                state.clients.rebuild(page: Layout.tableRows(state.size))
            }
            return ConsoleUpdate.navigate(&state, to: .clients)
        case "env", "environment":
            guard let match = state.header.environments.first(where: { $0.caseInsensitiveCompare(argument) == .orderedSame })
            else {
                command.error = "no environment '\(argument)'; known: \(state.header.environments.joined(separator: ", "))"
                state.modal = .command(command)
                return []
            }
            state.clients.environment = match
            state.clients.cursor = ListCursor()
            state.clients.rebuild(page: Layout.tableRows(state.size))
            return ConsoleUpdate.navigate(&state, to: .clients)
        case "client":
            guard let index = state.clients.index,
                let row = index.rows.first(where: { $0.displayName.caseInsensitiveCompare(argument) == .orderedSame })
                    ?? index.rows.first(where: { $0.clientId == argument })
            else {
                command.error = "no client '\(argument)'"
                state.modal = .command(command)
                return []
            }
            return ConsoleUpdate.openDetail(&state, row.id)
        case "expiring", "exp": return ConsoleUpdate.navigate(&state, to: .expiring)
        case "policies", "matrix", "pol": return ConsoleUpdate.navigate(&state, to: .matrix)
        case "rotations", "rot": return ConsoleUpdate.navigate(&state, to: .rotations)
        case "audit": return ConsoleUpdate.navigate(&state, to: .audit)
        case "drift": return ConsoleUpdate.navigate(&state, to: .drift)
        case "help":
            state.modal = .help(scroll: 0)
            return []
        case "q", "quit", "q!":
            state.quitting = true
            return []
        default:
            command.error = "unknown command '\(verb)'; try \(words.joined(separator: ", "))"
            state.modal = .command(command)
            return []
        }
    }
}
