import Foundation

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

extension PolicyApply: StoredRecord {
    static let table = "policyApply"
    static let columns = ["id", "environmentId", "gatewayId", "state", "actor", "lastError", "appliedElements",
                          "leaseOwner", "leaseUntil", "leaseHolder", "createdAt", "updatedAt"]

    /// Its steps live in `policyApplyStep` and are loaded by the queries that need them.
    init(row: StoreRow) throws {
        self.init(
            id: try row.int64(0), environmentId: try row.int64(1), gatewayId: try row.int64(2),
            state: try row.value(3, as: State.self), actor: try row.string(4), lastError: try row.optionalString(5),
            appliedElements: try row.optionalJSON(6, as: [GatewayPolicy].self), leaseOwner: try row.optionalString(7),
            leaseUntil: try row.optionalDate(8), leaseHolder: try row.optionalJSON(9, as: LeaseHolder.self),
            createdAt: try row.date(10), updatedAt: try row.date(11))
    }

    var storedValues: [StoreValue] {
        get throws {
            [.integer(environmentId), .integer(gatewayId), .text(state.rawValue), .text(actor), lastError.storeValue,
             try StoredJSON.value(appliedElements), leaseOwner.storeValue, leaseUntil.storeValue,
             try StoredJSON.value(leaseHolder), .date(createdAt), .date(updatedAt)]
        }
    }
}
