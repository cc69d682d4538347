import ClienteleCore
import Foundation

/// The Expiring screen's policy cell: which policy rotates a secret and when, in a few characters.
enum PolicyText {
    /// "Prod: next run", "entra: 2026-12-01", "Prod: #4 open", "Prod: by hand" (an IdP that keeps one secret);
    /// `narrow` leaves the policy's name out.
    static func short(_ forecast: PolicyForecast, now: Date, narrow: Bool = false) -> String {
        let when: String
        if forecast.leftToOperator {
            when = "by hand"
        } else if let open = forecast.openRotationId {
            when = "#\(open) open"
        } else {
            when = forecast.isDue(at: now) ? "next run" : ExpiryText.day(forecast.dueAt)
        }
        guard !narrow else { return when }
        switch forecast.policy.scope {
        case .environment(let name), .identityProvider(let name): return "\(name): \(when)"
        }
    }
}
