import ClienteleCore
import Foundation

/// The rotate dialog: grace period and delivery, with what the rotation will do.
public struct RotateDialogState: Sendable {
    public enum Delivery: Int, CaseIterable, Sendable {
        case showOnce, file, command

        public var label: String {
            switch self {
            case .showOnce: return "show once"
            case .file: return "0600 file"
            case .command: return "pipe to command"
            }
        }
    }

    public enum Focus: Int, CaseIterable, Sendable {
        case grace, delivery, target, rotate, cancel
    }

    public var clientRowId: Int64
    public var clientName: String
    /// Set when the dialog rotates a marked set (more than one client): then there is no per-client preview, the
    /// file delivery is a folder (`DIR/<client>.secret`), and show-once is refused.
    public var clientRowIds: [Int64] = []
    public var preview: RotationPreview?
    public var grace: TextField
    public var delivery: Delivery = .showOnce
    /// The file path or command, depending on `delivery`.
    public var target = TextField()
    public var focus: Focus = .grace
    public var error: String?
    /// The new secret's lifetime from the configuration; nil takes the core's default.
    public var lifetime: DurationText?

    public init(clientRowId: Int64, clientName: String, grace: DurationText, lifetime: DurationText? = nil) {
        self.clientRowId = clientRowId
        self.clientName = clientName
        self.grace = TextField(grace.description)
        self.lifetime = lifetime
    }

    /// Rotates a set of clients rather than one.
    public var isSet: Bool { clientRowIds.count > 1 }

    /// A dialog for a marked set; `clientName` reads "5 clients".
    public init(clientRowIds: [Int64], grace: DurationText, lifetime: DurationText? = nil) {
        self.init(clientRowId: clientRowIds.first ?? 0, clientName: "\(clientRowIds.count) clients", grace: grace,
                  lifetime: lifetime)
        self.clientRowIds = clientRowIds
        self.delivery = .file
    }

    /// The request for a set, or the one problem that stops it.
    public func setRequest() -> Result<BulkRotationRequest, ValidationMessage> {
        guard let grace = parsedGrace else {
            return .failure(ValidationMessage("grace '\(self.grace.text)' is not \(DurationText.formatHint)"))
        }
        let target = self.target.text.trimmingCharacters(in: .whitespaces)
        let delivery: BulkRotation.Delivery
        switch self.delivery {
        case .showOnce:
            return .failure(ValidationMessage(
                "show-once cannot serve \(clientRowIds.count) clients: deliver to a folder or a command"))
        case .file:
            guard !target.isEmpty else { return .failure(ValidationMessage("enter the folder for the secret files")) }
            delivery = .directory(AbsolutePath.of(target))
        case .command:
            guard !target.isEmpty else { return .failure(ValidationMessage("enter the command that receives each secret")) }
            delivery = .command(target)
        }
        // The set was confirmed in a dialog of its own before this request is sent.
        return .success(BulkRotationRequest(clientRowIds: clientRowIds, delivery: delivery, grace: grace,
                                            lifetime: lifetime, confirmed: true))
    }

    /// Whether there is a grace period to set: not where the holder (IdP or gateway) keeps one secret, because the old one stops
    /// working the moment the new one is issued. Offered until the preview says otherwise.
    public var offersGrace: Bool {
        guard let preview else { return true }
        return preview.overlap && preview.capabilities.allowsOverlap
    }

    /// The grace the request carries: none where the IdP keeps one secret, whatever the field held.
    public var parsedGrace: DurationText? { offersGrace ? DurationText(parsing: grace.text) : DurationText(seconds: 0) }

    /// Why this rotation leaves callers without overlap, if it does: then it needs a confirmation.
    public var noOverlapReason: String? {
        guard let preview else { return nil }
        if !offersGrace {
            return "\(preview.identityProvider.holderLabel) cannot keep two secrets: the old secret stops working the moment the new one is issued"
        }
        if parsedGrace?.seconds == 0 && !preview.retiring.isEmpty {
            return "a grace period of 0 removes the old secret as soon as the new one is verified"
        }
        return nil
    }

    /// Fields in focus order; the target field only exists for file and command delivery.
    var focusOrder: [Focus] {
        Focus.allCases.filter { ($0 != .grace || offersGrace) && ($0 != .target || delivery != .showOnce) }
    }

    mutating func moveFocus(_ step: Int) {
        let order = focusOrder
        let index = order.firstIndex(of: focus) ?? 0
        focus = order[(index + step + order.count) % order.count]
    }

    /// The request the dialog describes, or the one problem that stops it.
    public func request(confirmed: Bool) -> Result<RotationRequest, ValidationMessage> {
        guard let grace = parsedGrace else {
            return .failure(ValidationMessage("grace '\(self.grace.text)' is not \(DurationText.formatHint)"))
        }
        let target = self.target.text.trimmingCharacters(in: .whitespaces)
        let delivery: SecretDelivery
        switch self.delivery {
        case .showOnce:
            delivery = .terminal
        case .file:
            guard !target.isEmpty else { return .failure(ValidationMessage("enter the path of a new file for the secret")) }
            delivery = .file(path: AbsolutePath.of(target))
        case .command:
            guard !target.isEmpty else { return .failure(ValidationMessage("enter the command that receives the secret")) }
            delivery = .command(target)
        }
        return .success(RotationRequest(client: "#\(clientRowId)", grace: grace, lifetime: lifetime, delivery: delivery,
                                        confirmed: confirmed))
    }
}

/// A validation problem to show inline.
public struct ValidationMessage: Error, Equatable, Sendable {
    public var text: String
    public init(_ text: String) { self.text = text }
}
