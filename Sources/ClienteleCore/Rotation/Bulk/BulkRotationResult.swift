import Foundation

/// How one client of a bulk rotation ended, and the tally of all of them.
public struct BulkRotationResult: Sendable {
    public enum Status: Sendable, Equatable {
        /// The new secret is verified: the rotation is done or in its grace period.
        case rotated(RotationOutcome.Status)
        /// Stopped but resumable (`rotations advance` or the same command again).
        case waiting(String)
        case failed(String)

        public var word: String {
            switch self {
            case .rotated: return "rotated"
            case .waiting: return "waiting"
            case .failed: return "failed"
            }
        }
    }

    public var client: Client
    public var rotationId: Int64?
    public var status: Status

    /// The result a run of `RotationService.rotate` stands for.
    static func of(_ outcome: RotationOutcome) -> BulkRotationResult {
        let status: Status
        switch outcome.status {
        // Held: the new secret is in place; an old one waits for its callers.
        case .completed, .inGrace, .held: status = .rotated(outcome.status)
        case .waiting(let reason): status = .waiting(reason)
        case .failed(let reason): status = .failed(reason)
        }
        return BulkRotationResult(client: outcome.client, rotationId: outcome.rotation.id, status: status)
    }
}

public struct BulkRotationReport: Sendable {
    /// In the order the clients were selected.
    public var results: [BulkRotationResult]
    /// Clients never started because the run was cancelled.
    public var notStarted: Int = 0

    public var rotated: Int { results.filter { if case .rotated = $0.status { true } else { false } }.count }
    public var waiting: Int { results.filter { if case .waiting = $0.status { true } else { false } }.count }
    public var failed: Int { results.filter { if case .failed = $0.status { true } else { false } }.count }
    public var allRotated: Bool { rotated == results.count && notStarted == 0 }

    /// "200 clients: 198 rotated, 1 waiting, 1 failed"
    public var tally: String {
        let total = results.count + notStarted
        return "\(total) client\(total == 1 ? "" : "s"): \(rotated) rotated, \(waiting) waiting, \(failed) failed"
            + (notStarted > 0 ? ", \(notStarted) not started (stopped)" : "")
    }
}

/// Where a bulk run stands, after each client.
public struct BulkRotationProgress: Sendable {
    public var finished: Int
    public var total: Int
    public var latest: BulkRotationResult
}
