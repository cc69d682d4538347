import ClienteleCore

/// How the matrix marks a cell's gateway state: a symbol for every state, so no state is told by colour alone (the
/// monochrome and colour-blind themes keep the symbol), and a role the theme colours.
extension PolicyCellState {
    var mark: String {
        switch self {
        case .applied: return "✓"
        case .pending: return "~"
        case .drifted: return "≠"
        case .notExpressible: return "✗"
        case .unknown: return "?"
        case .recordOnly: return "□"
        case .none: return "·"
        }
    }

    var role: StyleRole {
        switch self {
        case .applied: return .ok
        case .pending: return .notice
        case .drifted: return .warning
        case .notExpressible: return .error
        case .unknown, .none: return .dim
        case .recordOnly: return .normal
        }
    }

    /// The detail line's words for it.
    var meaning: String {
        switch self {
        case .applied: return "applied: the gateway runs it as assigned"
        case .pending: return "pending: assigned, not applied at the gateway yet (a applies)"
        case .drifted: return "drifted: the gateway runs something else (see Drift, 7)"
        case .notExpressible: return "not expressible: this gateway cannot run this kind"
        case .unknown: return "not read: the gateway was not read yet, or its last read failed"
        case .recordOnly: return "record only: the environment has no gateway"
        case .none: return "not assigned, and nothing of its kind at the gateway"
        }
    }

    /// Every state the legend names, in the order it names them.
    static let legendOrder: [PolicyCellState] = [.applied, .pending, .drifted, .notExpressible, .unknown, .recordOnly]

    /// The legend's short word, for narrow terminals.
    var shortLabel: String {
        switch self {
        case .notExpressible: return "n/a"
        case .unknown: return "unread"
        case .recordOnly: return "record"
        default: return label
        }
    }
}
