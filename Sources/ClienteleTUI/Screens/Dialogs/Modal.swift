import ClienteleCore

/// What sits above the screen and takes the keys until it closes.
public enum Modal: Sendable {
    case help(scroll: Int)
    case command(CommandLineState)
    case rotate(RotateDialogState)
    case confirm(ConfirmState)
    case policyForm(PolicyFormState)
    case plan(PlanPreviewState)
    case secret(SecretRevealState)
    case progress(ProgressState)
    case message(MessageState)

    /// The name tests and the breadcrumbs use.
    public var name: String {
        switch self {
        case .help: return "help"
        case .command: return "command"
        case .rotate: return "rotate"
        case .confirm: return "confirm"
        case .policyForm: return "policy-form"
        case .plan: return "plan"
        case .secret: return "secret"
        case .progress: return "progress"
        case .message: return "message"
        }
    }
}

/// Two buttons where the safe one comes first and has the focus unless the operator moves it.
public enum DialogButton: Equatable, Sendable {
    case confirm, cancel
}

/// An explicit yes for a destructive step. The default button is Cancel, so Enter alone never destroys anything.
public struct ConfirmState: Sendable {
    public var title: String
    public var lines: [String]
    public var confirmLabel: String
    /// What happens on yes.
    public var onConfirm: [Effect]
    public var focus: DialogButton = .cancel

    public init(title: String, lines: [String], confirmLabel: String, onConfirm: [Effect]) {
        self.title = title
        self.lines = lines
        self.confirmLabel = confirmLabel
        self.onConfirm = onConfirm
    }
}

/// A result or an error the operator should read before going on.
public struct MessageState: Sendable {
    public var title: String
    public var lines: [String]
    public var isError: Bool

    public init(title: String, lines: [String], isError: Bool = false) {
        self.title = title
        self.lines = lines
        self.isError = isError
    }
}

/// Long work under way; Esc cancels it.
public struct ProgressState: Sendable {
    public var title: String
    public var done: Int
    public var total: Int
    public var note: String
    public var cancelling = false
    /// Whether Esc can stop it. An apply cannot stop halfway here: it is recorded and resumable instead.
    public var cancellable: Bool

    public init(title: String, done: Int = 0, total: Int = 0, note: String = "", cancellable: Bool = true) {
        self.title = title
        self.done = done
        self.total = total
        self.note = note
        self.cancellable = cancellable
    }
}

/// `:` command mode.
public struct CommandLineState: Sendable {
    public var field = TextField()
    public var completions: [String] = []
    public var error: String?

    public init() {}
}

/// The new secret, shown once. Masked until the operator reveals it; it can be written to a new 0600 file. Its text
/// exists only in this value: closing the dialog drops it, and nothing else keeps it.
public struct SecretRevealState: Sendable {
    public var clientName: String
    public var secret: SecretText
    public var revealed = false
    /// The path being typed after `w`, or nil.
    public var path: TextField?
    public var writtenTo: String?
    public var error: String?

    public init(clientName: String, secret: SecretText) {
        self.clientName = clientName
        self.secret = secret
    }
}

/// A policy change's plan, shown before it is applied.
public struct PlanPreviewState: Sendable {
    public var title: String
    public var lines: [String]
    public var request: PolicyChangeRequest
    public var destructive: Bool
    public var focus: DialogButton

    public init(title: String, lines: [String], request: PolicyChangeRequest, destructive: Bool) {
        self.title = title
        self.lines = lines
        self.request = request
        self.destructive = destructive
        // Removing a policy is destructive, so its default is Cancel; adding one defaults to Apply.
        self.focus = destructive ? .cancel : .confirm
    }
}
