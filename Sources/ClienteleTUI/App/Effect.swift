import ClienteleCore

/// Work `update` asks for, as values. Only the effect runner carries them out, off the UI path; results come back
/// as actions. Tests assert on these values instead of on a database.
public enum Effect: Sendable {
    case loadHeader
    /// The first rows by name (for a fast first frame), then, with `all`, the whole index.
    case loadClients(firstPage: Int?, all: Bool)
    /// The clients changed since the revision the list was read at, to patch it (`.everything` reloads it).
    case loadClientChanges(since: Int64)
    /// Stops loading the whole index (Esc while a large registry loads); the first page stays.
    case cancelClientLoad
    case loadDetail(Int64)
    /// Every credential expiring within the notice threshold.
    case loadExpiring(within: DurationText)
    case loadMatrix
    case loadRotations
    case loadAudit(query: String)
    case verifyAudit
    case pollRevision
    case previewRotation(clientRowId: Int64, grace: DurationText)
    case rotate(RotationRequest)
    /// A marked set, through `BulkRotation`, with progress as it goes.
    case rotateMany(BulkRotationRequest)
    /// What removing a secret would do, for the confirmation (read-only: it checks, it changes nothing).
    case previewSecretRemoval(clientRowId: Int64, keyId: String)
    case removeSecret(clientRowId: Int64, keyId: String)
    /// The operator closed the show-once dialog: the rotation may go on.
    case acknowledgeSecret
    case writeSecretFile(SecretText, path: String)
    case planPolicy(PolicyChangeRequest)
    case applyPolicy(PolicyChangeRequest)
    case advanceRotation(Int64)
    case advanceAll
    case endGrace(Int64)
    case cancelLongWork
    /// Reads an environment's gateway for the plan `a` shows before an apply (it records what it saw there, as
    /// `gateway drift` does; it changes neither the assignments nor the gateway).
    case inspectGateway(environment: String)
    /// Makes the environment's gateway match the registry. `plan` is the plan the operator confirmed, in the
    /// gateway's terms: if the gateway's own plan is another one by the time it runs, nothing is applied.
    case applyGateway(environment: String, plan: [String])
    /// Every bound environment's differences, read from the gateways: the client side as last recorded first (no
    /// network), then the policies and the client side as the gateways and IdPs answer.
    case loadDrift
    /// Takes the gateway's side of one difference into the registry.
    case adoptDifference(environment: String, GatewayDifference)

    /// Whether it changes the registry or an IdP; refused under `--readonly`. No default: a new effect must be
    /// placed here before it compiles, so it cannot slip past `--readonly` by being forgotten.
    public var changesState: Bool {
        switch self {
        case .rotate, .rotateMany, .removeSecret, .applyPolicy, .advanceRotation, .advanceAll, .endGrace,
            .applyGateway, .adoptDifference:
            return true
        // Reads a gateway; what it records is the registry's copy of what the gateway runs, never an assignment.
        case .inspectGateway, .loadDrift: return false
        // Writes the operator's own new file, not the registry or an IdP, from a dialog only a rotation opens.
        case .writeSecretFile: return false
        case .loadHeader, .loadClients, .loadClientChanges, .cancelClientLoad, .loadDetail, .loadExpiring, .loadMatrix,
            .loadRotations,
            .loadAudit, .verifyAudit, .pollRevision, .previewRotation, .previewSecretRemoval, .acknowledgeSecret,
            .planPolicy, .cancelLongWork:
            return false
        }
    }

    /// Where a failure of this effect belongs, so it reaches the dialog that asked for it and no other.
    public var origin: Failure.Origin {
        switch self {
        case .loadHeader, .loadClients, .loadClientChanges, .cancelClientLoad, .loadDetail, .loadExpiring, .loadMatrix,
            .loadRotations,
            .loadAudit, .verifyAudit, .pollRevision, .acknowledgeSecret, .cancelLongWork, .loadDrift:
            return .background
        case .inspectGateway: return .gatewayPlan
        case .previewRotation(let clientRowId, _): return .rotationPreview(clientRowId: clientRowId)
        case .previewSecretRemoval: return .removalPreview
        case .writeSecretFile: return .secretFile
        case .planPolicy: return .policyPlan
        case .rotate, .rotateMany, .removeSecret, .applyPolicy, .advanceRotation, .advanceAll, .endGrace,
            .applyGateway, .adoptDifference:
            return .change
        }
    }
}
