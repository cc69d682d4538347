import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The Expiring screen's Policy column: shown only where a rotation policy exists, saying which policy rotates a
/// secret and when.
@Suite(.serialized) struct ExpiringPolicyTests {
    @Test(arguments: SnapshotTests.sizes) func policyColumn(size: Size) async throws {
        let driver = try await SnapshotTests.driver(size)
        await driver.press(.character("3"))
        let registry = try await SharedDemo.fixture().registry
        let holders = Set(try registry.identityProviders().filter { $0.kind == .gateway }.map(\.name))
        let secrets = try registry.expiringSecrets(within: driver.state.thresholds.notice).enumerated().map { index, secret in
            var secret = secret
            if holders.contains(secret.identityProvider) { secret.keyId = "9a7e" + String(1000 + index) }
            return secret
        }
        await driver.send(.expiringLoaded(secrets, gatewayHolders: holders))
        #expect(!Snapshot.text(of: driver.frame).contains("Policy"))
        var clients: [Int64] = []
        for id in secrets.compactMap(\.clientRowId) where !clients.contains(id) { clients.append(id) }
        let now = driver.state.now
        func forecast(_ scope: RotationPolicyScope, dueInDays: Double, open: Int64? = nil) -> PolicyForecast {
            let policy = RotationPolicy(id: 1, rotateBeforeSeconds: 30 * 86_400, secretCommand: "deliver", createdAt: now,
                                        updatedAt: now)
            return PolicyForecast(policy: RotationPolicyListing(policy: policy, scope: scope),
                                  dueAt: now + dueInDays * 86_400, reason: .expires(keyId: "k", at: now), openRotationId: open)
        }
        await driver.send(.expiringPoliciesLoaded([
            clients[0]: forecast(.environment("Prod"), dueInDays: -1),
            clients[1]: forecast(.identityProvider("entra-sandbox"), dueInDays: 12),
            clients[2]: forecast(.environment("Prod"), dueInDays: -3, open: 42),
        ]))
        let text = Snapshot.text(of: driver.frame)
        #expect(text.contains("Policy"))
        #expect(text.contains(size.width >= 80 ? "Prod: next run" : "next run"))
        Snapshot.assertMatches(driver.frame, "Expiring/policies")
    }
}
