import Foundation
import GRDB

/// One rotation of one client's secret, persisted step by step so that a crash at any point can be resumed.
///
///     planned → created (new secret at the IdP) → delivered → verified → grace (old still valid) → done
///                                                                                     ↘ failed (with reason)
public struct Rotation: Codable, Sendable, Hashable, Identifiable {
    public var id: Int64?
    public var clientRowId: Int64
    /// The last step that completed.
    public var step: RotationStep
    /// The step under way; set before it starts and cleared after it is recorded, so a resumed run knows the step
    /// may have half-happened (a secret created at the IdP but never recorded).
    public var runningStep: RotationStep?
    /// Secrets this rotation retires once the new one is proven.
    public var retiringKeyIds: [String]
    public var newKeyId: String?
    /// The display name the new secret carries at the IdP; unique per rotation so that an unrecorded secret from a
    /// crashed run can be recognised.
    public var newSecretDisplayName: String
    /// Whether old and new secrets overlap; false when the IdP cannot keep two.
    public var overlap: Bool
    public var graceSeconds: Int64
    public var graceUntil: Date?
    public var lifetimeSeconds: Int64?
    public var delivery: SecretDelivery
    /// How the new secret was verified, in words.
    public var verification: String?
    public var actor: String
    public var failureReason: String?
    /// Why the last attempt stopped, while the rotation is still resumable.
    public var lastError: String?
    /// The lease: a random token naming the holder's claim, when it lapses (real time), and the process behind it.
    public var leaseOwner: String?
    public var leaseUntil: Date?
    public var leaseHolder: LeaseHolder?
    public var createdAt: Date
    public var updatedAt: Date
    /// When the new secret reached its callers; an old secret used after this has a caller that has not switched.
    public var deliveredAt: Date? = nil
    /// How far the grace period was pushed out because callers still used an old secret (`rotation.hold-step`,
    /// up to `rotation.hold-max`).
    public var graceExtendedSeconds: Int64 = 0
    /// The old secret that held the rotation, and its last use, while it is held.
    public var heldKeyId: String? = nil
    public var heldLastUsedAt: Date? = nil
    /// The operator ended the grace knowing the last use: the old secrets go without asking the IdP again.
    public var graceEndedByOperator: Bool = false
    /// The rotation policy that started it, if one did.
    public var rotationPolicyId: Int64? = nil

    public var isOpen: Bool { step != .done && step != .failed }

    /// Who is working on the rotation now: the holder of a lease that has not lapsed (real time). For showing
    /// only: judged by this host's clock, which may differ from the registry's by a little; claims never use it.
    public var activeLeaseHolder: LeaseHolder? {
        guard leaseOwner != nil, let leaseUntil, leaseUntil > Date() else { return nil }
        return leaseHolder
    }
}

public enum RotationStep: String, Codable, Sendable, CaseIterable {
    case planned, created, delivered, verified, grace, done, failed

    public var label: String {
        switch self {
        case .planned: return "planned"
        case .created: return "secret created"
        case .delivered: return "delivered"
        case .verified: return "verified"
        case .grace: return "in grace"
        case .done: return "done"
        case .failed: return "failed"
        }
    }
}

/// How a new secret reaches the people or systems that use it. The registry records the channel, never the
/// secret.
public enum SecretDelivery: Codable, Sendable, Hashable, CustomStringConvertible {
    /// Shown once to the operator (CLI terminal or console dialog).
    case terminal
    /// Written to a new file, mode 0600, created with O_EXCL.
    case file(path: String)
    /// Written to the standard input of a shell command.
    case command(String)

    public var description: String {
        switch self {
        case .terminal: return "shown once"
        case .file(let path): return "file \(path)"
        // Only the program's name: the rest of a command line may carry tokens.
        case .command(let command): return "command \(command.split(separator: " ").first.map(String.init) ?? "")"
        }
    }
}

extension Rotation: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rotation"
    public static let client = belongsTo(Client.self, using: ForeignKey(["clientRowId"]))

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension DerivableRequest<Rotation> {
    public func open() -> Self { filter(![RotationStep.done.rawValue, RotationStep.failed.rawValue].contains(Column("step"))) }
}

extension Rotation: StoredRecord {
    static let table = "rotation"
    static let columns = [
        "id", "clientRowId", "step", "runningStep", "retiringKeyIds", "newKeyId", "newSecretDisplayName", "overlap",
        "graceSeconds", "graceUntil", "lifetimeSeconds", "delivery", "verification", "actor", "failureReason",
        "lastError", "leaseOwner", "leaseUntil", "leaseHolder", "createdAt", "updatedAt", "deliveredAt",
        "graceExtendedSeconds", "heldKeyId", "heldLastUsedAt", "graceEndedByOperator", "rotationPolicyId",
    ]

    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), clientRowId: try row.int64(1), step: try row.value(2, as: RotationStep.self),
            runningStep: try row.optionalValue(3, as: RotationStep.self),
            retiringKeyIds: try row.json(4, as: [String].self), newKeyId: try row.optionalString(5),
            newSecretDisplayName: try row.string(6), overlap: try row.bool(7), graceSeconds: try row.int64(8),
            graceUntil: try row.optionalDate(9), lifetimeSeconds: try row.optionalInt64(10),
            delivery: try row.json(11, as: SecretDelivery.self), verification: try row.optionalString(12),
            actor: try row.string(13), failureReason: try row.optionalString(14), lastError: try row.optionalString(15),
            leaseOwner: try row.optionalString(16), leaseUntil: try row.optionalDate(17),
            leaseHolder: try row.optionalJSON(18, as: LeaseHolder.self), createdAt: try row.date(19),
            updatedAt: try row.date(20), deliveredAt: try row.optionalDate(21),
            graceExtendedSeconds: try row.int64(22), heldKeyId: try row.optionalString(23),
            heldLastUsedAt: try row.optionalDate(24), graceEndedByOperator: try row.bool(25),
            rotationPolicyId: try row.optionalInt64(26))
    }

    var storedValues: [StoreValue] {
        get throws {
            [.integer(clientRowId), .text(step.rawValue), runningStep.map { .text($0.rawValue) } ?? .null,
             try StoredJSON.value(retiringKeyIds), newKeyId.storeValue, .text(newSecretDisplayName), .boolean(overlap),
             .integer(graceSeconds), graceUntil.storeValue, lifetimeSeconds.storeValue, try StoredJSON.value(delivery),
             verification.storeValue, .text(actor), failureReason.storeValue, lastError.storeValue,
             leaseOwner.storeValue, leaseUntil.storeValue, try StoredJSON.value(leaseHolder), .date(createdAt),
             .date(updatedAt), deliveredAt.storeValue, .integer(graceExtendedSeconds), heldKeyId.storeValue,
             heldLastUsedAt.storeValue, .boolean(graceEndedByOperator), rotationPolicyId.storeValue]
        }
    }
}
