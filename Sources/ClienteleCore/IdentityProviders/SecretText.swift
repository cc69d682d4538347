import Foundation

/// A secret's text, held only in memory between the IdP and its delivery. It is deliberately not Codable and
/// prints as `<redacted>` through every formatting path (interpolation, `print`, `dump`, `String(reflecting:)`),
/// so it cannot reach the registry, a log line, the audit trail or an error message by accident.
public struct SecretText: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The text itself, for the one place that hands it on: delivery, or an IdP request.
    public func reveal() -> String { value }

    public var hint: String { String(value.prefix(3)) }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    /// Constant-time comparison, for the sandbox's verification.
    public func matches(_ other: SecretText) -> Bool {
        let lhs = Array(value.utf8)
        let rhs = Array(other.value.utf8)
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Makes secret texts the way Entra does: 40 characters from a URL-safe alphabet, from the system's CSPRNG.
public enum SecretGenerator {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789~._-")

    public static func make(length: Int = 40) -> SecretText {
        var generator = SystemRandomNumberGenerator()
        return SecretText(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
    }
}
