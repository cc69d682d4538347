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
    /// The operator's settings, from the same file the CLI reads: expiry thresholds, default grace and lifetime.
    public var configuration: ClienteleConfiguration
    /// For showing the registry's path as `~/…`; passed in so `render` never reads the environment.
    public var homeDirectory: String?

    public var clients = ClientsState()
    public var detail = DetailState()
    public var expiring = ExpiringState()
    public var matrix = MatrixState()
    public var rotations = RotationsState()
    public var audit = AuditState()
    public var drift = DriftState()

    public var modal: Modal?
    public var status: StatusLine?
    /// Set once the operator asked to quit; the loop ends after drawing nothing more.
    public var quitting = false

    public init(size: Size, now: Date, readonly: Bool, registryPath: String,
                configuration: ClienteleConfiguration = ClienteleConfiguration(), homeDirectory: String? = nil)
    {
        self.size = size
        self.configuration = configuration
        self.homeDirectory = homeDirectory
        self.now = now
        self.readonly = readonly
        self.keymap = Keymap(readonly: readonly)
        self.header = HeaderInfo(registryPath: registryPath)
    }
}

extension AppState {
    public var thresholds: ExpiryThresholds { configuration.expiry }
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
