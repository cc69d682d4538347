import ClienteleCore
import Foundation

/// Draws a whole frame from the state. Pure: the same state always gives the same cells.
public enum ConsoleRender {
    public static func render(_ state: AppState) -> CellBuffer {
        var buffer = CellBuffer(size: state.size)
        if Layout.isTooSmall(state.size) {
            drawTooSmall(&buffer)
            return buffer
        }
        drawHeader(&buffer, state)
        drawBreadcrumbs(&buffer, state)
        let content = Layout.content(state.size)
        switch state.screen {
        case .clients: ClientsRender.draw(&buffer, state, in: content)
        case .detail: DetailRender.draw(&buffer, state, in: content)
        case .expiring: ExpiringRender.draw(&buffer, state, in: content)
        case .matrix: MatrixRender.draw(&buffer, state, in: content)
        case .rotations: RotationsRender.draw(&buffer, state, in: content)
        case .audit: AuditRender.draw(&buffer, state, in: content)
        case .drift: DriftRender.draw(&buffer, state, in: content)
        }
        drawStatus(&buffer, state)
        drawFooter(&buffer, state)
        if let modal = state.modal { DialogRender.draw(&buffer, modal, state) }
        return buffer
    }

    static func drawTooSmall(_ buffer: inout CellBuffer) {
        let size = buffer.size
        guard size.width > 0, size.height > 0 else { return }
        let message = "Terminal too small: \(size.width)×\(size.height), need \(Layout.minimum.width)×\(Layout.minimum.height)"
        // Wrapped rather than cut, so the numbers stay readable in a very narrow terminal.
        var lines: [(String, StyleRole)] = []
        var remaining = Substring(message)
        while !remaining.isEmpty {
            lines.append((String(remaining.prefix(size.width)), .warning))
            remaining = remaining.dropFirst(size.width)
        }
        lines.append(("q quits", .dim))
        let top = max(0, (size.height - lines.count) / 2)
        for (offset, (line, role)) in lines.enumerated() where top + offset < size.height {
            buffer.put(line, x: max(0, (size.width - line.count) / 2), y: top + offset, role: role)
        }
    }

    static func drawHeader(_ buffer: inout CellBuffer, _ state: AppState) {
        let width = state.size.width
        buffer.fill(Rect(x: 0, y: 0, width: width, height: 1), role: .footer)
        var x = buffer.put(" Clientele ", x: 0, y: 0, role: .footerKey)
        let header = state.header
        let registry = abbreviateHome(header.registryPath, home: state.homeDirectory)
        var parts = ["\(header.clients) clients", "\(header.secretsInService) secrets"]
        if header.openRotations > 0 { parts.append("\(header.openRotations) rotating") }
        let idps = header.identityProviders.isEmpty ? "" : "IdPs: " + header.identityProviders.joined(separator: ", ")
        let right = state.readonly ? " READ-ONLY " : ""
        let available = width - x - DisplayWidth.of(right)
        let counts = parts.joined(separator: " · ")
        let file = (registry as NSString).lastPathComponent
        // The most that fits, from everything down to the counts alone.
        let candidates = [[registry, idps, counts], [idps, counts, file], [counts, idps], [counts, file], [counts]]
            .map { $0.filter { !$0.isEmpty }.joined(separator: "  │  ") }
        let text = candidates.first { DisplayWidth.of($0) + 1 <= available } ?? counts
        x += buffer.put(" " + TextFit.fit(text, width: max(0, available - 1)), x: x, y: 0, role: .footer,
                        maxWidth: available)
        if !right.isEmpty { buffer.put(right, x: width - DisplayWidth.of(right), y: 0, role: .danger) }
    }

    static func abbreviateHome(_ path: String, home: String?) -> String {
        guard let home, home.count > 1, path.hasPrefix(home + "/") else {
            return path
        }
        return "~" + path.dropFirst(home.count)
    }

    /// Where Esc goes back to, then the screen tabs when they fit.
    static func drawBreadcrumbs(_ buffer: inout CellBuffer, _ state: AppState) {
        let width = state.size.width
        var crumbs = state.history.suffix(3).map(\.title) + [state.screen.title]
        if state.screen == .detail, let name = state.detail.detail?.client.displayName {
            crumbs[crumbs.count - 1] = name
        }
        if state.screen == .clients, let environment = state.clients.environment {
            crumbs[crumbs.count - 1] = "Clients in \(environment)"
        }
        let trail = " " + crumbs.joined(separator: " › ")
        let tabs = ScreenID.allCases.map { "\($0.rawValue) \($0.title)" }
        let tabsWidth = tabs.reduce(0) { $0 + DisplayWidth.of($1) + 2 }
        let trailWidth = DisplayWidth.of(trail)
        buffer.put(trail, x: 0, y: 1, role: .title, maxWidth: width)
        if trailWidth + tabsWidth + 2 <= width {
            var x = width - tabsWidth
            for (index, tab) in tabs.enumerated() {
                let current = ScreenID.allCases[index] == state.screen
                x += buffer.put(" " + tab + " ", x: x, y: 1, role: current ? .selected : .dim)
            }
        } else if case let compact = ScreenID.allCases.count * 2 + 1, trailWidth + compact + 1 <= width {
            var x = width - compact
            for screen in ScreenID.allCases {
                x += buffer.put(" \(screen.rawValue)", x: x, y: 1, role: screen == state.screen ? .selected : .dim)
            }
        }
    }

    static func drawStatus(_ buffer: inout CellBuffer, _ state: AppState) {
        let y = state.size.height - 2
        let width = state.size.width
        if state.screen == .clients && (state.clients.filterEditing || !state.clients.filter.text.isEmpty) {
            let label = " / "
            let x = buffer.put(label, x: 0, y: y, role: .accent)
            let count = "\(state.clients.visible.count) of \(state.clients.base.count) "
            let fieldWidth = max(1, width - x - DisplayWidth.of(count) - 1)
            state.clients.filter.draw(into: &buffer, x: x, y: y, width: fieldWidth, focused: state.clients.filterEditing)
            buffer.put(count, x: width - DisplayWidth.of(count), y: y, role: .dim)
            return
        }
        if state.screen == .audit && (state.audit.filterEditing || !state.audit.filter.text.isEmpty) {
            let x = buffer.put(" / ", x: 0, y: y, role: .accent)
            state.audit.filter.draw(into: &buffer, x: x, y: y, width: max(1, width - x - 1),
                                    focused: state.audit.filterEditing)
            return
        }
        if let status = state.status {
            let role: StyleRole = status.kind == .error ? .error : status.kind == .success ? .success : .normal
            buffer.put(" " + TextFit.fit(status.text, width: width - 2), x: 0, y: y, role: role)
            return
        }
        if state.screen == .clients, !state.clients.marked.isEmpty {
            let count = state.clients.marked.count
            buffer.put(" \(count) marked · r rotates \(count == 1 ? "it" : "them") · space unmarks", x: 0, y: y, role: .accent,
                       maxWidth: width / 2)
        }
        if let position = positionText(state) {
            buffer.put(position, x: width - DisplayWidth.of(position), y: y, role: .dim)
        }
    }

    static func positionText(_ state: AppState) -> String? {
        switch state.screen {
        case .clients:
            guard let index = state.clients.index else { return " loading clients… " }
            let loading = index.complete ? ""
                : state.clients.loadStopped ? " (first \(index.count) only: ctrl-r loads all)"
                : " (loading\(state.clients.loadProgress.map { " \(Int($0 * 100))%" } ?? "")… esc stops)"
            let sort = "sorted by \(state.clients.sort.label)\(state.clients.descending ? " ↓" : "")"
            let count = state.clients.visible.count
            return " \(sort)  \(count == 0 ? 0 : state.clients.cursor.selected + 1)/\(count)\(loading) "
        case .audit:
            return " \(state.audit.events.count) events (newest first) "
        default:
            return nil
        }
    }

    static func drawFooter(_ buffer: inout CellBuffer, _ state: AppState) {
        let y = state.size.height - 1
        let width = state.size.width
        buffer.fill(Rect(x: 0, y: y, width: width, height: 1), role: .footer)
        let badge = state.readonly ? " READ-ONLY " : ""
        let limit = width - DisplayWidth.of(badge)
        var x = 1
        for hint in state.keymap.footerHints(for: state.screen) {
            let needed = DisplayWidth.of(hint.key) + DisplayWidth.of(hint.help) + 3
            guard x + needed <= limit else { break }
            x += buffer.put(hint.key, x: x, y: y, role: .footerKey)
            x += buffer.put(" " + hint.help + "  ", x: x, y: y, role: .footer)
        }
        if !badge.isEmpty { buffer.put(badge, x: limit, y: y, role: .danger) }
    }
}
