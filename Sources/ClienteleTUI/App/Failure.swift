/// An effect that failed: the core's one-line error and where it came from. The origin decides where the operator
/// reads it, so a background poll's failure never lands in the rotate dialog that happens to be open.
public struct Failure: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        /// Loads and polls: the status line, whatever dialog is open.
        case background
        /// The rotate dialog's preview, for that client's dialog only.
        case rotationPreview(clientRowId: Int64)
        /// Asking what removing a secret means, before its confirmation opens.
        case removalPreview
        /// Writing a new secret to a file from the show-once dialog.
        case secretFile
        /// The policy form's plan.
        case policyPlan
        /// Reading a gateway for an apply's plan, under its progress dialog.
        case gatewayPlan
        /// A change the operator confirmed (rotate, remove, apply, advance, end grace), running under a progress
        /// dialog.
        case change
    }

    public var origin: Origin
    public var message: String

    public init(_ origin: Origin, _ message: String) {
        self.origin = origin
        self.message = message
    }
}
