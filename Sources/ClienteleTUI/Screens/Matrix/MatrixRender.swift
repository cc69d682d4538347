import ClienteleCore
import Foundation

enum MatrixRender {
    static func draw(_ buffer: inout CellBuffer, _ state: AppState, in rect: Rect) {
        let matrix = state.matrix
        guard matrix.loaded else {
            buffer.put("Loading environments and policies…", x: rect.x + 2, y: rect.y + 1, role: .dim)
            return
        }
        guard !matrix.environments.isEmpty else {
            buffer.put("No environments yet: `clientele env add NAME`.", x: rect.x + 2, y: rect.y + 1, role: .dim)
            return
        }
        let policies = MatrixState.policies
        let nameWidth = min(18, max(12, (matrix.environments.map { DisplayWidth.of($0.name) }.max() ?? 8) + 2))
        let cellWidth = max(5, min(14, (rect.width - nameWidth - 2) / policies.count))
        var y = rect.y
        // Labels that do not fit one line split at their hyphen over two heading lines.
        let split = policies.contains { $0.shortLabel.count > cellWidth - 1 }
        let headingRows = split ? 2 : 1
        buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: headingRows), role: .header)
        buffer.putPadded(" Environment", x: rect.x, y: y + headingRows - 1, width: nameWidth + 1, role: .header)
        for (index, policy) in policies.enumerated() {
            let x = rect.x + nameWidth + 1 + index * cellWidth
            let role: StyleRole = index == matrix.column ? .accent : .header
            let parts = policy.shortLabel.split(separator: "-", maxSplits: 1).map(String.init)
            if split && parts.count == 2 {
                buffer.putPadded(parts[0], x: x, y: y, width: cellWidth - 1, role: role)
                buffer.putPadded(parts[1], x: x, y: y + 1, width: cellWidth - 1, role: role)
            } else {
                buffer.putPadded(policy.shortLabel, x: x, y: y + headingRows - 1, width: cellWidth - 1, role: role)
            }
        }
        y += headingRows
        for (rowIndex, environment) in matrix.environments.enumerated() where y < rect.maxY - 5 {
            buffer.putPadded(" " + environment.name, x: rect.x, y: y, width: nameWidth + 1,
                             role: rowIndex == matrix.row ? .accent : .normal)
            for (index, policy) in policies.enumerated() {
                let x = rect.x + nameWidth + 1 + index * cellWidth
                let assignment = matrix.assignment(environment: environment, policy: policy)
                let cellState = matrix.state(environment: environment, policy: policy)
                let selected = rowIndex == matrix.row && index == matrix.column
                let role: StyleRole = selected ? .selected
                    : assignment != nil && cellState == .none ? .ok : cellState.role
                buffer.putPadded(cellText(assignment, cellState, width: cellWidth - 1), x: x, y: y,
                                 width: cellWidth - 1, role: role)
            }
            y += 1
        }
        drawLegend(&buffer, x: rect.x, y: y, width: rect.width)
        y += 1
        guard let environment = matrix.selectedEnvironment, y < rect.maxY else { return }
        let policy = matrix.selectedPolicy
        let cellState = matrix.state(environment: environment, policy: policy)
        let assignment = matrix.assignment(environment: environment, policy: policy)
        var details: [(String, StyleRole)] = [(" \(policy.rawValue) in \(environment.name)", .title)]
        if assignment != nil || cellState != .none {
            // An environment that names a gateway kind but is bound to no gateway cannot have been read.
            let meaning = cellState == .unknown && matrix.gatewayName(of: environment) == nil
                ? "not read: no \(environment.gateway.rawValue) gateway is bound to \(environment.name) yet"
                : cellState.meaning
            details.append(("   \(cellState.mark) \(meaning)", cellState.role))
        }
        if let assignment {
            let pairs = assignment.configuration.pairs(orderedBy: PolicyCatalog.schema(for: policy))
                .map { "\($0)=\($1)" }.joined(separator: "  ")
            details.append(("   assigned at position \(assignment.position): \(pairs)", .ok))
        } else {
            details.append(("   not assigned" + (state.readonly ? "" : ": enter assigns it"), .dim))
        }
        details.append(gatewayLine(matrix, environment, now: state.now))
        details.append(("   " + policy.summary, .dim))
        for (text, role) in details where y < rect.maxY {
            buffer.put(text, x: rect.x, y: y, role: role, maxWidth: rect.width)
            y += 1
        }
    }

    /// `● 2 ✓` where it fits, `●2✓` in narrow columns; a cell without an assignment shows only its gateway state.
    static func cellText(_ assignment: PolicyAssignment?, _ cellState: PolicyCellState, width: Int) -> String {
        guard let assignment else { return cellState.mark }
        if cellState == .none { return "● \(assignment.position)" }
        let wide = "● \(assignment.position) \(cellState.mark)"
        return DisplayWidth.of(wide) <= width ? wide : "●\(assignment.position)\(cellState.mark)"
    }

    /// Every state's symbol and word, as much of it as the width allows: words shorten before any state is dropped.
    static func drawLegend(_ buffer: inout CellBuffer, x: Int, y: Int, width: Int) {
        let states = PolicyCellState.legendOrder
        let variants: [(labels: [String], gap: Int)] = [
            (states.map(\.label), 2), (states.map(\.label), 1), (states.map(\.shortLabel), 1),
            (states.map { _ in "" }, 1),
        ]
        func length(_ variant: (labels: [String], gap: Int)) -> Int {
            zip(states, variant.labels).reduce(0) { sum, pair in
                sum + DisplayWidth.of(pair.0.mark) + (pair.1.isEmpty ? 0 : 1 + DisplayWidth.of(pair.1)) + variant.gap
            }
        }
        let chosen = variants.first { length($0) + 1 <= width } ?? variants[variants.count - 1]
        var column = x + 1
        for (state, label) in zip(states, chosen.labels) where column < x + width {
            column += buffer.put(state.mark, x: column, y: y, role: state.role)
            if !label.isEmpty { column += buffer.put(" " + label, x: column, y: y, role: .dim, maxWidth: x + width - column) }
            column += chosen.gap
        }
    }

    /// The environment's gateway and when it was last read, or why there is none to read.
    static func gatewayLine(_ matrix: MatrixState, _ environment: Environment, now: Date) -> (String, StyleRole) {
        guard let gateway = matrix.gatewayName(of: environment) else {
            return ("   no gateway: `clientele env set \(environment.name) --gateway NAME` binds one", .dim)
        }
        if let error = matrix.readError(of: environment) {
            return ("   gateway \(gateway): last read failed: \(error)", .error)
        }
        guard let read = matrix.lastRead(of: environment) else {
            return ("   gateway \(gateway): never read (the Drift screen, 7, reads it)", .dim)
        }
        return ("   gateway \(gateway), last read \(ExpiryText.minute(read)) (\(ExpiryText.remaining(now.timeIntervalSince(read))) ago)",
                .dim)
    }
}
