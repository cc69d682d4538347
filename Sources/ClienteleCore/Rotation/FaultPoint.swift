import Foundation

/// Test-only crash points between rotation steps. When `CLIENTELE_TEST_FAULT` names a point, the process kills
/// itself there with SIGKILL: no cleanup, no flush, exactly like a power cut, so tests can prove that a re-run
/// resumes. Unset, each check is one dictionary lookup.
public enum FaultPoint: String, CaseIterable, Sendable {
    /// The IdP created the new secret; the registry has not recorded it.
    case afterIdPCreate = "after-idp-create"
    case afterCreated = "after-created"
    /// The secret reached its channel; the registry has not recorded the delivery.
    case afterDeliver = "after-deliver"
    case afterDelivered = "after-delivered"
    case afterVerified = "after-verified"
    case afterGraceStarted = "after-grace-started"
    /// Old secrets are gone at the IdP; the registry still lists them.
    case afterIdPRemove = "after-idp-remove"
    /// A policy apply step reached the gateway; the registry has not recorded it done. `after-gateway-step#N`
    /// kills at the Nth step of the run.
    case afterGatewayStep = "after-gateway-step"
    /// A policy apply step is recorded done; the next one has not started.
    case afterGatewayStepRecorded = "after-gateway-step-recorded"

    public static let variable = "CLIENTELE_TEST_FAULT"
    /// `point:PATH` waits at the point instead of dying: it creates `PATH.reached` and goes on once `PATH.go`
    /// exists, so a test can act on the world in between (restart the database server) and watch what follows.
    public static let pauseVariable = "CLIENTELE_TEST_PAUSE"

    static func hit(_ point: FaultPoint) {
        let environment = ProcessInfo.processInfo.environment
        if let pause = environment[pauseVariable], pause.hasPrefix(point.rawValue + ":") {
            wait(at: String(pause.dropFirst(point.rawValue.count + 1)))
        }
        guard environment[variable] == point.rawValue else { return }
        kill(getpid(), SIGKILL)
    }

    /// Up to two minutes, so a test that forgets to let it go fails rather than hangs.
    private static func wait(at path: String) {
        FileManager.default.createFile(atPath: path + ".reached", contents: nil)
        let deadline = Date() + 120
        while !FileManager.default.fileExists(atPath: path + ".go"), Date() < deadline {
            usleep(20_000)
        }
    }

    /// Kills at `point` when the variable names it bare, or as `point#occurrence`.
    static func hit(_ point: FaultPoint, occurrence: Int) {
        guard let value = ProcessInfo.processInfo.environment[variable] else { return }
        guard value == point.rawValue || value == "\(point.rawValue)#\(occurrence)" else { return }
        kill(getpid(), SIGKILL)
    }
}
