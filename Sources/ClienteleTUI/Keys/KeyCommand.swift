/// What a key asks for, independent of which key it was.
public enum KeyCommand: Hashable, Sendable {
    case quit, help, back, open
    case up, down, top, bottom, pageUp, pageDown, left, right
    case filter, commandMode, screen(ScreenID)
    case sort, reverseSort
    case rotate, removeSecret, mark, toggle, edit, advance, advanceAll, endGrace, verify, reload
    /// Gateways: apply an environment's plan (matrix), push or adopt one difference (Drift).
    case applyGateway, pushDifference, adoptDifference
}

/// The console's screens, numbered as the 1–7 keys reach them.
public enum ScreenID: Int, CaseIterable, Hashable, Sendable {
    case clients = 1, detail, expiring, matrix, rotations, audit, drift

    public var title: String {
        switch self {
        case .clients: return "Clients"
        case .detail: return "Client"
        case .expiring: return "Expiring"
        case .matrix: return "Policies"
        case .rotations: return "Rotations"
        case .audit: return "Audit"
        case .drift: return "Drift"
        }
    }

    /// The word `:` command mode accepts.
    public var command: String {
        switch self {
        case .clients: return "clients"
        case .detail: return "client"
        case .expiring: return "expiring"
        case .matrix: return "policies"
        case .rotations: return "rotations"
        case .audit: return "audit"
        case .drift: return "drift"
        }
    }
}
