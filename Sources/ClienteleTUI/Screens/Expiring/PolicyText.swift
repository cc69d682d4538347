import ClienteleCore
import Foundation

/// The Expiring screen's policy cell: which policy rotates a secret and when, in a few characters.
enum PolicyText {
    /// "prod: next run", "entra: 2026-12-01", "prod: #4 open".
    static func short(_ forecast: PolicyForecast, now: Date) -> String {
        let scope: String
        switch forecast.policy.scope {
        case .environment(let name), .identityProvider(let name): scope = name
        }
        if let open = forecast.openRotationId { return "\(scope): #\(open) open" }
        return "\(scope): " + (forecast.isDue(at: now) ? "next run" : ExpiryText.day(forecast.dueAt))
    }
}
