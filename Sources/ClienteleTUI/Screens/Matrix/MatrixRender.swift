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
        for (rowIndex, environment) in matrix.environments.enumerated() where y < rect.maxY - 4 {
            buffer.putPadded(" " + environment.name, x: rect.x, y: y, width: nameWidth + 1,
                             role: rowIndex == matrix.row ? .accent : .normal)
            for (index, policy) in policies.enumerated() {
                let x = rect.x + nameWidth + 1 + index * cellWidth
                let assignment = matrix.assignment(environment: environment, policy: policy)
                let text = assignment.map { "● \($0.position)" } ?? "·"
                let selected = rowIndex == matrix.row && index == matrix.column
                buffer.putPadded(text, x: x, y: y, width: cellWidth - 1,
                                 role: selected ? .selected : assignment == nil ? .dim : .ok)
            }
            y += 1
        }
        y += 1
        guard let environment = matrix.selectedEnvironment, y < rect.maxY else { return }
        let policy = matrix.selectedPolicy
        buffer.put(" \(policy.rawValue) in \(environment.name)", x: rect.x, y: y, role: .title, maxWidth: rect.width)
        y += 1
        if y < rect.maxY {
            buffer.put("   " + policy.summary, x: rect.x, y: y, role: .dim, maxWidth: rect.width)
            y += 1
        }
        if y < rect.maxY {
            if let assignment = matrix.assignment(environment: environment, policy: policy) {
                let pairs = assignment.configuration.pairs(orderedBy: PolicyCatalog.schema(for: policy))
                    .map { "\($0)=\($1)" }.joined(separator: "  ")
                buffer.put("   assigned at position \(assignment.position): \(pairs)", x: rect.x, y: y, role: .ok,
                           maxWidth: rect.width)
            } else {
                buffer.put("   not assigned" + (state.readonly ? "" : ": enter assigns it"), x: rect.x, y: y, role: .dim,
                           maxWidth: rect.width)
            }
        }
    }
}
