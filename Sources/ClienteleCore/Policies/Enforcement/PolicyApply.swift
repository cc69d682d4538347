import Foundation
import GRDB

/// An apply of an environment's policies at its gateway, recorded step by step so a process killed halfway
/// resumes where it stopped: each step is marked running before it is sent and done (with its audit event) after.
public struct PolicyApply: Codable, Sendable, Hashable, Identifiable {
    public enum State: String, Codable, Sendable {
        case running, done, failed
    }

    public var id: Int64?
    public var environmentId: Int64
    public var gatewayId: Int64
    /// Loaded from `policyApplyStep` by the registry's queries that say so; each step is stored in a row of its own.
    public var steps: [RecordedStep] = []
    public var state: State
    public var actor: String
    public var lastError: String?
    /// Set when it finishes: what the registry wanted at the gateway then.
    public var appliedElements: [GatewayPolicy]?
    public var leaseOwner: String?
    public var leaseUntil: Date?
    public var leaseHolder: LeaseHolder?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, environmentId, gatewayId, state, actor, lastError, appliedElements, leaseOwner, leaseUntil,
            leaseHolder, createdAt, updatedAt
    }

    public var isOpen: Bool { state == .running }

    /// The first step not yet done.
    public var nextStepIndex: Int? { steps.firstIndex { $0.state != .done } }
}

/// One step of an apply and how far it got.
public struct RecordedStep: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable {
        case pending
        /// Sent, or about to be: on resume, the gateway is read to learn whether it took effect.
        case running
        case done
    }

    public var step: GatewayStep
    public var state: State
    /// The gateway's id for what the step created, once known.
    public var remoteId: String?

    public init(step: GatewayStep, state: State = .pending, remoteId: String? = nil) {
        self.step = step
        self.state = state
        self.remoteId = remoteId
    }
}

extension PolicyApply: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "policyApply"

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One step's row.
struct PolicyApplyStepRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "policyApplyStep"
    var applyId: Int64
    var position: Int
    var step: GatewayStep
    var state: RecordedStep.State
    var remoteId: String?

    var recorded: RecordedStep { RecordedStep(step: step, state: state, remoteId: remoteId) }
}
