import ClienteleCore
import Foundation

/// Draws the open dialog over the screen.
enum DialogRender {
    static func draw(_ buffer: inout CellBuffer, _ modal: Modal, _ state: AppState) {
        switch modal {
        case .help(let scroll): drawHelp(&buffer, state, scroll: scroll)
        case .command(let command): drawCommand(&buffer, command, state)
        case .rotate(let dialog): drawRotate(&buffer, dialog, state)
        case .confirm(let confirm):
            drawChoice(&buffer, title: confirm.title, lines: confirm.lines, confirmLabel: confirm.confirmLabel,
                       focus: confirm.focus, danger: true)
        case .plan(let plan):
            drawChoice(&buffer, title: plan.title, lines: plan.lines, confirmLabel: plan.destructive ? "Unassign" : "Apply",
                       focus: plan.focus, danger: plan.destructive)
        case .policyForm(let form): drawForm(&buffer, form, state.keymap)
        case .secret(let reveal): drawSecret(&buffer, reveal, state.keymap)
        case .progress(let progress): drawProgress(&buffer, progress, state.keymap)
        case .message(let message):
            let wrapped = wrap(message.lines, width: min(70, buffer.size.width - 2) - 4)
            let rect = frame(&buffer, title: message.title, width: 70, height: wrapped.count + 4,
                             role: message.isError ? .danger : .border)
            var y = rect.y + 1
            for line in wrapped where y < rect.maxY - 2 {
                buffer.put(line, x: rect.x + 2, y: y, role: message.isError ? .error : .normal, maxWidth: rect.width - 4)
                y += 1
            }
            buffer.put(state.keymap.dialogHints(for: .message), x: rect.x + 2, y: rect.maxY - 2, role: .dim,
                       maxWidth: rect.width - 4)
        }
    }

    /// A cleared, bordered box centred on the screen.
    static func frame(_ buffer: inout CellBuffer, title: String, width: Int, height: Int, role: StyleRole = .border)
        -> Rect
    {
        let area = Rect(x: 0, y: 1, width: buffer.size.width, height: buffer.size.height - 2)
        let rect = area.centered(width: min(width, area.width - 2), height: min(height, area.height))
        buffer.fill(rect)
        buffer.box(rect, title: title, role: role)
        return rect
    }

    static func wrap(_ lines: [String], width: Int) -> [String] {
        guard width > 4 else { return lines }
        var result: [String] = []
        for line in lines {
            var current = ""
            for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                if !current.isEmpty && DisplayWidth.of(current) + 1 + DisplayWidth.of(String(word)) > width {
                    result.append(current)
                    current = "  " + word
                } else {
                    current += (current.isEmpty ? "" : " ") + word
                }
            }
            result.append(current)
        }
        return result
    }

    static func drawButtons(_ buffer: inout CellBuffer, _ labels: [(String, Bool, StyleRole)], x: Int, y: Int) {
        var x = x
        for (label, focused, role) in labels {
            x += buffer.put("[ \(label) ]", x: x, y: y, role: focused ? (role == .danger ? .marker : .buttonFocused) : .button)
            x += 2
        }
    }

    static func drawHelp(_ buffer: inout CellBuffer, _ state: AppState, scroll: Int) {
        var lines: [(String, StyleRole)] = [("Keys on \(state.screen.title)", .header)]
        let bindings = state.keymap.bindings(for: state.screen)
        for binding in bindings.filter({ $0.screens != nil }) {
            lines.append(("  \(TextFit.pad(binding.label, width: 10)) \(binding.help)\(binding.destructive ? "  (asks first)" : "")",
                          binding.destructive ? .danger : .normal))
        }
        lines.append(("", .normal))
        lines.append(("Everywhere", .header))
        var listedScreens = false
        for binding in bindings.filter({ $0.screens == nil }) {
            if case .screen = binding.command {
                // The screen keys read better as one line.
                if !listedScreens {
                    let names = ScreenID.allCases.map { $0.title.lowercased() }.joined(separator: ", ")
                    lines.append(("  \(TextFit.pad("1–\(ScreenID.allCases.count)", width: 10)) \(names)", .normal))
                    listedScreens = true
                }
                continue
            }
            lines.append(("  \(TextFit.pad(binding.label, width: 10)) \(binding.help)", .normal))
        }
        lines.append(("", .normal))
        lines.append(("In dialogs", .header))
        for dialog in DialogContext.allCases {
            lines.append(("  \(TextFit.pad(dialog.title, width: 24)) \(state.keymap.dialogHints(for: dialog, all: true))",
                          .normal))
        }
        lines.append(("", .normal))
        lines.append(("In lists: j/k move, enter opens, esc goes back along the breadcrumbs.", .dim))
        lines.append((":clients :client NAME :env NAME :expiring :policies :rotations :audit :drift :q", .dim))
        if state.readonly { lines.append(("Read-only: keys that change anything are switched off.", .danger)) }
        // Long lines (a dialog's keys) wrap rather than stop at the edge; help scrolls.
        let inner = min(76, buffer.size.width - 2) - 4
        lines = lines.flatMap { line in
            DisplayWidth.of(line.0) <= inner ? [line] : wrap([line.0], width: inner - 2).map { ("  " + $0, line.1) }
        }
        let rect = frame(&buffer, title: "Help", width: 76, height: lines.count + 3)
        let visible = rect.height - 3
        let start = min(scroll, max(0, lines.count - visible))
        for (offset, line) in lines.dropFirst(start).prefix(visible).enumerated() {
            buffer.put(line.0, x: rect.x + 2, y: rect.y + 1 + offset, role: line.1, maxWidth: rect.width - 4)
        }
        buffer.put(state.keymap.dialogHints(for: .help), x: rect.x + 2, y: rect.maxY - 2, role: .dim,
                   maxWidth: rect.width - 4)
    }

    static func drawCommand(_ buffer: inout CellBuffer, _ command: CommandLineState, _ state: AppState) {
        let y = state.size.height - 2
        let width = state.size.width
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1))
        let x = buffer.put(" :", x: 0, y: y, role: .accent)
        command.field.draw(into: &buffer, x: x, y: y, width: max(1, width - x - 1), focused: true)
        let hints = command.error.map { [($0, StyleRole.error)] }
            ?? command.completions.prefix(8).map { ($0, StyleRole.dim) }
        guard !hints.isEmpty, y - 1 > 1 else { return }
        buffer.fill(Rect(x: 0, y: y - 1, width: width, height: 1), role: .footer)
        var hx = 2
        for (hint, role) in hints {
            hx += buffer.put(hint + "   ", x: hx, y: y - 1, role: role == .dim ? .footer : role, maxWidth: width - hx)
        }
    }

    /// One row of the rotate dialog: text (already wrapped to the dialog), a field, or a spacer that goes first
    /// when the terminal is short.
    enum RotateRow {
        case text(String, StyleRole)
        case grace, delivery, target
        case spacer
    }

    static func rotateRows(_ dialog: RotateDialogState, inner: Int) -> [RotateRow] {
        var rows: [RotateRow] = []
        func add(_ text: String, _ role: StyleRole) {
            rows += wrap([text], width: inner).map { .text($0, role) }
        }
        if dialog.isSet {
            add("\(dialog.clientRowIds.count) marked clients, each an ordinary rotation of its own.", .dim)
        } else if let preview = dialog.preview {
            let retiring = preview.retiring.map { "\(String($0.keyId.prefix(8))) (\($0.hint)…)" }
            add(HolderText.of(preview.identityProvider) + ": " + (preview.overlap ? "old and new secrets overlap"
                : "one secret at a time (no overlap)"), preview.overlap ? .dim : .warning)
            add("Retires: " + (retiring.isEmpty ? "nothing" : retiring.joined(separator: ", ")), .dim)
            add("New secret expires \(ExpiryText.day(preview.newSecretExpiresAt))"
                + (preview.resuming.map { "; resumes open rotation #\($0.id ?? 0)" } ?? ""), .dim)
            for note in preview.notes { add("! " + note, .warning) }
        } else {
            add("Reading the client's secrets…", .dim)
        }
        rows.append(.spacer)
        if dialog.offersGrace {
            rows.append(.grace)
        } else {
            add("No grace period: the old secret stops working when the new one is issued.", .warning)
        }
        rows += [.spacer, .delivery, .spacer]
        if dialog.delivery != .showOnce {
            rows.append(.target)
            if dialog.isSet, dialog.delivery == .file { add("Each secret goes to a new 0600 file <client>.secret there.", .dim) }
            if dialog.isSet, dialog.delivery == .command { add("Runs once per client, named in CLIENTELE_CLIENT.", .dim) }
        } else if dialog.isSet {
            add("Show-once serves one client: choose a folder or a command.", .warning)
        } else {
            add("The secret is shown once, masked until you reveal it.", .dim)
        }
        if let error = dialog.error {
            rows.append(.spacer)
            add(error, .error)
        } else if dialog.offersGrace, let reason = dialog.noOverlapReason {
            rows.append(.spacer)
            add("! " + reason, .danger)
        }
        return rows
    }

    static func drawRotate(_ buffer: inout CellBuffer, _ dialog: RotateDialogState, _ state: AppState) {
        let width = min(72, buffer.size.width - 4)
        let inner = width - 4
        var rows = rotateRows(dialog, inner: inner)
        // Border, a blank line before the buttons and the buttons' row take four.
        let available = buffer.size.height - 2 - 4
        while rows.count > available, let spacer = rows.lastIndex(where: { if case .spacer = $0 { true } else { false } }) {
            rows.remove(at: spacer)
        }
        let rect = frame(&buffer, title: "Rotate \(dialog.clientName)", width: 72, height: rows.count + 4)
        let x = rect.x + 2
        let labelWidth = 10
        for (offset, row) in rows.enumerated() {
            let y = rect.y + 1 + offset
            guard y < rect.maxY - 2 else { break }
            switch row {
            case .text(let text, let role):
                buffer.put(text, x: x, y: y, role: role, maxWidth: inner)
            case .grace:
                buffer.put("Grace", x: x, y: y, role: dialog.focus == .grace ? .accent : .normal)
                dialog.grace.draw(into: &buffer, x: x + labelWidth, y: y, width: 12, focused: dialog.focus == .grace)
                buffer.put("old secret stays valid this long (0s = none)", x: x + labelWidth + 14, y: y, role: .dim,
                           maxWidth: inner - labelWidth - 14)
            case .delivery:
                buffer.put("Delivery", x: x, y: y, role: dialog.focus == .delivery ? .accent : .normal)
                var dx = x + labelWidth
                for option in RotateDialogState.Delivery.allCases {
                    let chosen = option == dialog.delivery
                    let role: StyleRole = chosen ? (dialog.focus == .delivery ? .buttonFocused : .selected) : .dim
                    dx += buffer.put((chosen ? "(•) " : "( ) ") + option.label, x: dx, y: y, role: role,
                                     maxWidth: rect.maxX - dx - 1)
                    dx += 2
                }
            case .target:
                buffer.put(dialog.delivery == .file ? (dialog.isSet ? "Folder" : "File") : "Command", x: x, y: y,
                           role: dialog.focus == .target ? .accent : .normal)
                dialog.target.draw(into: &buffer, x: x + labelWidth, y: y, width: inner - labelWidth,
                                   focused: dialog.focus == .target)
            case .spacer:
                break
            }
        }
        drawButtons(&buffer, [("Rotate", dialog.focus == .rotate, dialog.noOverlapReason == nil ? .button : .danger),
                              ("Cancel", dialog.focus == .cancel, .button)], x: x, y: rect.maxY - 2)
        buffer.put(state.keymap.dialogHints(for: .rotate), x: x + 26, y: rect.maxY - 2, role: .dim,
                   maxWidth: rect.maxX - x - 27)
    }

    static func drawChoice(_ buffer: inout CellBuffer, title: String, lines: [String], confirmLabel: String,
                           focus: DialogButton, danger: Bool)
    {
        let wrapped = wrap(lines, width: 64)
        let rect = frame(&buffer, title: title, width: 70, height: wrapped.count + 5, role: danger ? .danger : .border)
        for (offset, line) in wrapped.enumerated() where rect.y + 1 + offset < rect.maxY - 2 {
            buffer.put(line, x: rect.x + 2, y: rect.y + 1 + offset, maxWidth: rect.width - 4)
        }
        // Cancel comes first and, for destructive steps, holds the focus.
        drawButtons(&buffer, [("Cancel", focus == .cancel, .button),
                              (confirmLabel, focus == .confirm, danger ? .danger : .button)],
                    x: rect.x + 2, y: rect.maxY - 2)
    }

    static func drawForm(_ buffer: inout CellBuffer, _ form: PolicyFormState, _ keymap: Keymap) {
        let schema = form.schema
        let title = (form.isReconfiguring ? "Reconfigure " : "Assign ") + "\(form.policy.rawValue) in \(form.environment)"
        let rect = frame(&buffer, title: title, width: 76, height: schema.fields.count * 2 + 8)
        let x = rect.x + 2
        let inner = rect.width - 4
        buffer.put(schema.summary, x: x, y: rect.y + 1, role: .dim, maxWidth: inner)
        let labelWidth = min(22, (schema.fields.map { $0.key.count }.max() ?? 8) + 3)
        var y = rect.y + 3
        let errorKey = form.errorKey
        for (index, field) in schema.fields.enumerated() where y < rect.maxY - 3 {
            let focused = form.focus == index
            let label = field.key + (field.isRequired ? "*" : "")
            buffer.put(label, x: x, y: y, role: errorKey == field.key ? .error : focused ? .accent : .normal,
                       maxWidth: labelWidth - 1)
            form.values[index].draw(into: &buffer, x: x + labelWidth, y: y, width: inner - labelWidth, focused: focused)
            if focused, y + 1 < rect.maxY - 3 {
                buffer.put("\(field.type.label) · \(field.help)", x: x + labelWidth, y: y + 1, role: .dim,
                           maxWidth: inner - labelWidth)
            }
            y += 2
        }
        if let error = form.error {
            buffer.put("✗ " + error, x: x, y: rect.maxY - 3, role: .error, maxWidth: inner)
        } else {
            buffer.put("✓ valid", x: x, y: rect.maxY - 3, role: .success)
        }
        drawButtons(&buffer, [("Preview", form.focus == form.previewButton, .button),
                              ("Cancel", form.focus == form.cancelButton, .button)], x: x, y: rect.maxY - 2)
        buffer.put(keymap.dialogHints(for: .policyForm), x: x + 27, y: rect.maxY - 2, role: .dim,
                   maxWidth: inner - 27)
    }

    static func drawSecret(_ buffer: inout CellBuffer, _ reveal: SecretRevealState, _ keymap: Keymap) {
        let rect = frame(&buffer, title: "New secret for \(reveal.clientName)", width: 72, height: 11, role: .warning)
        let x = rect.x + 2
        let inner = rect.width - 4
        for (offset, line) in wrap(["Shown once: copy it now. Clientele never stores it and will not show it again."],
                                   width: inner).prefix(2).enumerated()
        {
            buffer.put(line, x: x, y: rect.y + 1 + offset, role: .warning, maxWidth: inner)
        }
        let text = reveal.revealed ? reveal.secret.reveal() : String(repeating: "•", count: 24)
        buffer.fill(Rect(x: x, y: rect.y + 4, width: inner, height: 1), role: reveal.revealed ? .input : .mask)
        buffer.put(" " + text, x: x, y: rect.y + 4, role: reveal.revealed ? .input : .mask, maxWidth: inner)
        if let path = reveal.path {
            buffer.put("File:", x: x, y: rect.y + 6, role: .accent)
            path.draw(into: &buffer, x: x + 6, y: rect.y + 6, width: inner - 6, focused: true)
        } else if let written = reveal.writtenTo {
            buffer.put("Written to \(written) (mode 0600)", x: x, y: rect.y + 6, role: .success, maxWidth: inner)
        }
        if let error = reveal.error { buffer.put(error, x: x, y: rect.y + 7, role: .error, maxWidth: inner) }
        let keys = keymap.dialogHints(for: reveal.path != nil ? .secretPath : .secret)
        buffer.put(keys, x: x, y: rect.maxY - 2, role: .dim, maxWidth: inner)
    }

    static func drawProgress(_ buffer: inout CellBuffer, _ progress: ProgressState, _ keymap: Keymap) {
        let rect = frame(&buffer, title: progress.title, width: 60, height: 7)
        let x = rect.x + 2
        let inner = rect.width - 4
        if progress.total > 0 {
            let filled = max(0, min(inner - 10, Int(Double(inner - 10) * Double(progress.done) / Double(max(1, progress.total)))))
            buffer.put(String(repeating: "█", count: filled) + String(repeating: "░", count: max(0, inner - 10 - filled)),
                       x: x, y: rect.y + 2, role: .accent)
            buffer.put(" \(progress.done)/\(progress.total)", x: x + inner - 10, y: rect.y + 2, role: .dim)
        } else {
            buffer.put("working…", x: x, y: rect.y + 2, role: .accent)
        }
        buffer.put(progress.note, x: x, y: rect.y + 3, role: .dim, maxWidth: inner)
        let hint = progress.cancelling ? "cancelling…"
            : progress.cancellable ? keymap.dialogHints(for: .progress) : "recorded step by step: an interrupted apply resumes"
        buffer.put(hint, x: x, y: rect.maxY - 2, role: .dim, maxWidth: inner)
    }
}
