import Foundation
import GRDB

/// A schedule for rotating secrets, for every client in one environment or at one IdP: a secret in service is
/// rotated once it expires within `rotateBeforeSeconds`, or once it is older than `maxAgeSeconds`. In the spirit of
/// Vault's `rotation_window`/`rotation_period`, but carried out by `rotations advance` against any IdP.
public struct RotationPolicy: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var environmentId: Int64?
    public var identityProviderId: Int64?
    public var rotateBeforeSeconds: Int64
    public var maxAgeSeconds: Int64?
    /// Nil takes the configuration's `rotation.grace` when the rotation starts.
    public var graceSeconds: Int64?
    /// Where each new secret goes: a schedule has nobody at a terminal, so it is always a command.
    public var secretCommand: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64? = nil, environmentId: Int64? = nil, identityProviderId: Int64? = nil, rotateBeforeSeconds: Int64,
                maxAgeSeconds: Int64? = nil, graceSeconds: Int64? = nil, secretCommand: String, createdAt: Date,
                updatedAt: Date)
    {
        self.id = id
        self.environmentId = environmentId
        self.identityProviderId = identityProviderId
        self.rotateBeforeSeconds = rotateBeforeSeconds
        self.maxAgeSeconds = maxAgeSeconds
        self.graceSeconds = graceSeconds
        self.secretCommand = secretCommand
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

extension RotationPolicy: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rotationPolicy"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// What a policy covers, as an operator names it: `--env prod` or `--idp entra-prod`.
public enum RotationPolicyScope: Sendable, Hashable, CustomStringConvertible {
    case environment(String)
    case identityProvider(String)

    /// "env prod", "idp entra-prod": how lists, audit events and `secrets expiring` name a policy.
    public var description: String {
        switch self {
        case .environment(let name): return "env \(name)"
        case .identityProvider(let name): return "idp \(name)"
        }
    }
}

/// A policy with the name of what it covers, for display.
public struct RotationPolicyListing: Sendable, Hashable {
    public var policy: RotationPolicy
    public var scope: RotationPolicyScope

    public init(policy: RotationPolicy, scope: RotationPolicyScope) {
        self.policy = policy
        self.scope = scope
    }

    /// The actor a policy's rotations are recorded under.
    public var actor: String { "rotation-policy \(scope)" }

    /// Only the program's name: the rest of a command line may carry tokens.
    public var commandName: String { ShellCommand.name(policy.secretCommand) }
}

extension RotationPolicy: StoredRecord {
    static let table = "rotationPolicy"
    static let columns = ["id", "environmentId", "identityProviderId", "rotateBeforeSeconds", "maxAgeSeconds",
                          "graceSeconds", "secretCommand", "createdAt", "updatedAt"]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), environmentId: try row.optionalInt64(1), identityProviderId: try row.optionalInt64(2),
            rotateBeforeSeconds: try row.int64(3), maxAgeSeconds: try row.optionalInt64(4),
            graceSeconds: try row.optionalInt64(5), secretCommand: try row.string(6), createdAt: try row.date(7),
            updatedAt: try row.date(8))
    }

    var storedValues: [StoreValue] {
        [environmentId.storeValue, identityProviderId.storeValue, .integer(rotateBeforeSeconds),
         maxAgeSeconds.storeValue, graceSeconds.storeValue, .text(secretCommand), .date(createdAt), .date(updatedAt)]
    }
}
