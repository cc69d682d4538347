import Foundation
import Testing
@testable import ClienteleCore

/// Due-ness and precedence of rotation policies, without a registry.
@Suite struct PolicyPrecedenceTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let day: TimeInterval = 86_400

    static func secret(_ keyId: String, createdDaysAgo: Double, expiresInDays: Double?) -> SecretMetadata {
        SecretMetadata(
            clientRowId: 1, keyId: keyId, hint: "abc", displayName: keyId, createdAt: now - createdDaysAgo * day,
            expiresAt: expiresInDays.map { now + $0 * day }, state: .active, origin: .rotated)
    }

    static func candidate(_ scope: RotationPolicyScope, rotateBeforeDays: Int64, maxAgeDays: Int64? = nil,
                          position: Int? = nil, id: Int64 = 1) -> PolicyCandidate
    {
        let policy = RotationPolicy(
            id: id, environmentId: position == nil ? nil : id, identityProviderId: position == nil ? id : nil,
            rotateBeforeSeconds: rotateBeforeDays * 86_400, maxAgeSeconds: maxAgeDays.map { $0 * 86_400 },
            graceSeconds: nil, secretCommand: "cat", createdAt: now, updatedAt: now)
        return PolicyCandidate(listing: RotationPolicyListing(policy: policy, scope: scope), environmentPosition: position)
    }

    @Test(arguments: [
        // (expires in days, created days ago, rotate-before, max-age, due now)
        (29.0, 10.0, Int64(30), Int64?.none, true),  // inside the window
        (31.0, 10.0, Int64(30), Int64?.none, false),  // a day outside it
        (-1.0, 10.0, Int64(30), Int64?.none, true),  // already expired: still due
        (300.0, 181.0, Int64(30), Int64?(180), true),  // older than max age, far from expiry
        (300.0, 179.0, Int64(30), Int64?(180), false),  // young enough, far from expiry
    ])
    func dueness(expiresIn: Double, createdAgo: Double, rotateBefore: Int64, maxAge: Int64?, due: Bool) throws {
        let forecast = try #require(PolicyPrecedence.forecast(
            secrets: [Self.secret("k1", createdDaysAgo: createdAgo, expiresInDays: expiresIn)], environmentPolicies: [],
            identityProviderPolicy: Self.candidate(.identityProvider("entra"), rotateBeforeDays: rotateBefore, maxAgeDays: maxAge)))
        #expect(forecast.isDue(at: Self.now) == due)
    }

    @Test func theDueDateIsTheEarliestOverEverySecretAndBothRules() throws {
        let secrets = [Self.secret("late", createdDaysAgo: 1, expiresInDays: 100),
                       Self.secret("soon", createdDaysAgo: 1, expiresInDays: 50),
                       Self.secret("never", createdDaysAgo: 170, expiresInDays: nil)]
        let forecast = try #require(PolicyPrecedence.forecast(
            secrets: secrets, environmentPolicies: [],
            identityProviderPolicy: Self.candidate(.identityProvider("entra"), rotateBeforeDays: 30, maxAgeDays: 180)))
        // "never" turns 180 days old in 10 days; "soon" enters the 30-day window in 20.
        #expect(forecast.dueAt == Self.now + 10 * Self.day)
        #expect(forecast.reason == .olderThan(keyId: "never", maxAgeSeconds: 180 * 86_400))
        #expect(!forecast.isDue(at: Self.now))
        #expect(forecast.isDue(at: Self.now + 10 * Self.day))
    }

    @Test func aSecretThatNeverExpiresIsNotDueWithoutMaxAge() {
        #expect(PolicyPrecedence.forecast(
            secrets: [Self.secret("k", createdDaysAgo: 900, expiresInDays: nil)], environmentPolicies: [],
            identityProviderPolicy: Self.candidate(.identityProvider("entra"), rotateBeforeDays: 30)) == nil)
    }

    @Test func anOpenRotationKeepsAPolicyFromStartingAnother() throws {
        let forecast = try #require(PolicyPrecedence.forecast(
            secrets: [Self.secret("k", createdDaysAgo: 1, expiresInDays: 5)], environmentPolicies: [],
            identityProviderPolicy: Self.candidate(.identityProvider("entra"), rotateBeforeDays: 30), openRotationId: 7))
        #expect(!forecast.isDue(at: Self.now))
        #expect(forecast.openRotationId == 7)
    }

    @Test func anEnvironmentPolicyBeatsTheIdPPolicyEvenWhenTheIdPsIsStricter() throws {
        let secrets = [Self.secret("k", createdDaysAgo: 1, expiresInDays: 40)]
        let forecast = try #require(PolicyPrecedence.forecast(
            secrets: secrets,
            environmentPolicies: [Self.candidate(.environment("Dev"), rotateBeforeDays: 10, position: 1, id: 2)],
            identityProviderPolicy: Self.candidate(.identityProvider("entra"), rotateBeforeDays: 60)))
        #expect(forecast.policy.scope == .environment("Dev"))
        #expect(!forecast.isDue(at: Self.now))
    }

    @Test func amongEnvironmentsTheOneDueFirstGoverns() throws {
        let secrets = [Self.secret("k", createdDaysAgo: 1, expiresInDays: 40)]
        let forecast = try #require(PolicyPrecedence.forecast(
            secrets: secrets,
            environmentPolicies: [Self.candidate(.environment("Prod"), rotateBeforeDays: 20, position: 4, id: 4),
                                  Self.candidate(.environment("Dev"), rotateBeforeDays: 45, position: 1, id: 2)],
            identityProviderPolicy: nil))
        #expect(forecast.policy.scope == .environment("Dev"))
        #expect(forecast.isDue(at: Self.now))
    }

    @Test func aTieBetweenEnvironmentsGoesToTheOneListedLater() throws {
        let secrets = [Self.secret("k", createdDaysAgo: 1, expiresInDays: 40)]
        for order in [[1, 4], [4, 1]] {
            let candidates = order.map {
                Self.candidate(.environment($0 == 4 ? "Prod" : "Dev"), rotateBeforeDays: 30, position: $0, id: Int64($0))
            }
            let forecast = try #require(PolicyPrecedence.forecast(
                secrets: secrets, environmentPolicies: candidates, identityProviderPolicy: nil))
            #expect(forecast.policy.scope == .environment("Prod"))
        }
    }
}
