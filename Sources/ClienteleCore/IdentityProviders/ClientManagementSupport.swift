import Foundation

/// Which of RFC 7591 registration and RFC 7592 read / update / delete an IdP supports, as Clientele found out by
/// trying each on a throwaway client (`clientele idp check`). Recorded in the IdP's settings: rotation needs to
/// know that the provider can update a client before it touches one, and RFC 7592 lets a provider implement any
/// subset (many answer PUT with 400, 405 or 501).
public struct ClientManagementSupport: Codable, Sendable, Hashable {
    public var register: Finding
    public var read: Finding
    public var update: Finding
    public var delete: Finding
    public var checkedAt: Date

    public init(register: Finding, read: Finding, update: Finding, delete: Finding, checkedAt: Date) {
        self.register = register
        self.read = read
        self.update = update
        self.delete = delete
        self.checkedAt = checkedAt
    }

    /// One operation's answer: supported or not, and what the IdP said ("HTTP 405", "not tried: …").
    public struct Finding: Codable, Sendable, Hashable {
        /// nil when the operation could not be tried (an earlier step failed).
        public var supported: Bool?
        public var detail: String

        public init(supported: Bool?, detail: String) {
            self.supported = supported
            self.detail = detail
        }

        public static func untried(_ why: String) -> Finding { Finding(supported: nil, detail: "not tried: \(why)") }
    }

    public var operations: [(name: String, finding: Finding)] {
        [("register", register), ("read", read), ("update", update), ("delete", delete)]
    }
}
