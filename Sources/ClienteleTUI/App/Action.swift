import ClienteleCore
import Foundation

/// Everything that can happen to the console: keys, time, a resize, and the results of effects coming back.
public enum Action: Sendable {
    case key(KeyEvent)
    case resized(Size)
    case tick(Date)
    case revision(Int64)
    case headerLoaded(HeaderInfo)
    case clientsLoaded(ClientIndex)
    case clientsChanged(ConsoleClientChanges)
    case clientsLoading(done: Int, total: Int)
    case detailLoaded(ClientDetail)
    /// Expiring credentials, with the names of the holders that are gateways (their own secrets), not IdPs.
    case expiringLoaded([ExpiringSecret], gatewayHolders: Set<String>)
    /// Which rotation policy will rotate each client's secrets, by client row id (empty without policies).
    case expiringPoliciesLoaded([Int64: PolicyForecast])
    case matrixLoaded(PolicyMatrix)
    case rotationsLoaded([RotationListing])
    case auditLoaded([AuditEvent], query: String)
    case auditVerified(AuditVerification)
    case rotationPreviewed(RotationPreview, grace: DurationText)
    /// A rotation's new secret, to be shown once. It lives only in the dialog's state until the dialog closes.
    case secretReady(SecretText, clientName: String)
    case rotationFinished(RotationOutcome)
    case bulkRotationFinished(BulkRotationReport)
    case secretRemovalPreviewed(SecretRemoval.Preview)
    case secretRemoved(SecretRemoval.Preview)
    case secretFileWritten(path: String)
    case policyPlanned(PolicyPlan, PolicyChangeRequest)
    case policyApplied(PolicyPlan)
    case gatewayInspected(GatewayInspection)
    case driftLoaded([GatewayDriftReport])
    /// The client side of drift as the registry last recorded it: shown while the gateways are read.
    case clientAppDriftRecorded([GatewayAppDifference])
    /// The client side of drift as the gateways and IdPs answer now.
    case clientAppDriftRead([GatewayAppReport])
    case progress(done: Int, total: Int, note: String)
    case longWorkFinished(title: String, lines: [String])
    /// An effect failed: the core's one-line error, and which kind of effect it was, so it reaches the right place.
    case failed(Failure)
}
