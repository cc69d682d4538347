import ClienteleCore
import Foundation

/// Everything the console shows, as one value. `update` makes the next one; `render` draws it.
public struct AppState: Sendable {
    public var size: Size
    public var now: Date
    public var readonly: Bool
    public var keymap: Keymap
    public var screen: ScreenID = .clients
    /// Screens to return to with Esc, oldest first; shown as breadcrumbs.
    public var history: [ScreenID] = []
    public var header: HeaderInfo
    public var revision: Int64?
    public var thresholds = ExpiryThresholds.standard

    public var clients = ClientsState()
    public var detail = DetailState()
    public var expiring = ExpiringState()
    public var matrix = MatrixState()
    public var rotations = RotationsState()
    public var audit = AuditState()

    public var modal: Modal?
    public var status: StatusLine?
    /// Set once the operator asked to quit; the loop ends after drawing nothing more.
    public var quitting = false

    public init(size: Size, now: Date, readonly: Bool, registryPath: String) {
        self.size = size
        self.now = now
        self.readonly = readonly
        self.keymap = Keymap(readonly: readonly)
        self.header = HeaderInfo(registryPath: registryPath)
    }
}

/// A one-line message above the footer.
public struct StatusLine: Equatable, Sendable {
    public enum Kind: Sendable { case info, success, error }
    public var text: String
    public var kind: Kind

    public init(_ text: String, kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }
}
