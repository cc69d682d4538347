import Foundation
import GRDB
import Testing
@testable import ClienteleCore

@Suite struct RegistryTests {
    @Test func createsOwnerOnlyFileAndFolder() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let path = base.appendingPathComponent("nested/registry.sqlite").path
        _ = try Registry.open(at: path, create: true)
        let fileMode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        #expect(folderMode == 0o700)
        let journal = try DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }

    /// Batch commands get the mapping, the page cache and the in-memory temporary storage their bulk reads and
    /// writes rely on; the console keeps SQLite's defaults.
    @Test func batchOpensWithRoomAndTheConsoleWithDefaults() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let path = base.appendingPathComponent("registry.sqlite").path
        func settings(_ mapping: Registry.ReadMapping) throws -> [Int] {
            try #require(try Registry.open(at: path, create: true, mapping: mapping).sqliteQueue).read { db in
                try ["mmap_size", "cache_size", "temp_store"].map { try Int.fetchOne(db, sql: "PRAGMA \($0)") ?? -1 }
            }
        }
        #expect(try settings(.batch) == [256 << 20, -(128 << 10), 2])
        #expect(try settings(.none) == [0, -2000, 0])
    }

    @Test func missingRegistrySaysWhatToRun() {
        #expect(throws: ClienteleError.registry("no registry at /nonexistent/r.sqlite: run `clientele init` (or `clientele demo`), or pass --registry PATH")) {
            _ = try Registry.open(at: "/nonexistent/r.sqlite")
        }
    }

    @Test func locationFollowsFlagThenEnvironmentThenXDG() {
        #expect(RegistryLocation.resolve(explicit: "/a.sqlite", environment: ["CLIENTELE_REGISTRY": "/b.sqlite"]) == "/a.sqlite")
        #expect(RegistryLocation.resolve(explicit: nil, environment: ["CLIENTELE_REGISTRY": "/b.sqlite"]) == "/b.sqlite")
        #expect(RegistryLocation.resolve(explicit: nil, environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]) == "/x/clientele/registry.sqlite")
        #expect(RegistryLocation.resolve(explicit: nil, environment: ["HOME": "/h"]) == "/h/.local/share/clientele/registry.sqlite")
    }

    @Test func resolvesClientsByIdClientIdAndName() async throws {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        let (billing, _) = try await test.registerClient("billing-api", at: idp, sandbox: sandbox)
        let (_, _) = try await test.registerClient("orders-api", at: idp, sandbox: sandbox)
        let (_, _) = try await test.registerClient("orders-api", at: idp, sandbox: sandbox)
        #expect(try test.registry.resolveClient("billing-api").id == billing.id)
        #expect(try test.registry.resolveClient("BILLING-API").id == billing.id)
        #expect(try test.registry.resolveClient("#\(billing.id!)").id == billing.id)
        #expect(try test.registry.resolveClient(billing.clientId).id == billing.id)
        do {
            _ = try test.registry.resolveClient("orders-api")
            Issue.record("an ambiguous name resolved")
        } catch let error as ClienteleError {
            #expect(error.description.contains("matches 2 clients"))
        }
        do {
            _ = try test.registry.resolveClient("billing-apx")
            Issue.record("an unknown name resolved")
        } catch let error as ClienteleError {
            #expect(error.description == "no client 'billing-apx'; did you mean billing-api?")
        }
    }

    @Test func revisionGrowsWithEveryChange() throws {
        let test = try TestRegistry()
        let before = try test.registry.revision()
        _ = try test.registry.addEnvironment(name: "Prod", businessGroup: nil, gateway: .kong, actor: "t")
        #expect(try test.registry.revision() == before + 1)
    }

    @Test func expiringSecretsIncludeAdminCredentialsAndSkipRetiredOnes() async throws {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        _ = try await test.registerClient("soon-api", at: idp, sandbox: sandbox)
        var adminIdP = idp
        adminIdP.name = "tenant"
        adminIdP.id = nil
        adminIdP.adminCredentialExpiresAt = test.clock.now + 10 * 86_400
        _ = try test.registry.addIdentityProvider(adminIdP, actor: "t")
        let within200 = try test.registry.expiringSecrets(within: .days(200))
        #expect(within200.map(\.kind) == [.adminCredential, .clientSecret])
        #expect(try test.registry.expiringSecrets(within: .days(5)).isEmpty)
        let thresholds = ExpiryThresholds.standard
        #expect(thresholds.classify(test.clock.now - 1, now: test.clock.now) == .expired)
        #expect(thresholds.classify(test.clock.now + 3 * 86_400, now: test.clock.now) == .critical)
        #expect(thresholds.classify(test.clock.now + 20 * 86_400, now: test.clock.now) == .warning)
        #expect(thresholds.classify(test.clock.now + 60 * 86_400, now: test.clock.now) == .notice)
        #expect(thresholds.classify(nil, now: test.clock.now) == .ok)
    }

    @Test func policyPositionsStayDense() throws {
        let test = try TestRegistry()
        _ = try test.registry.addEnvironment(name: "Prod", businessGroup: nil, gateway: .kong, actor: "t")
        for (kind, pairs) in [(PolicyKind.clientIdEnforcement, [String]()), (.rateLimiting, ["requests=5"]),
                              (.ipAllowlist, ["cidrs=10.0.0.0/8"])] {
            try test.registry.applyPolicyChange(
                PolicyChangeRequest(policy: kind, environment: "prod", intent: .assign(pairs: pairs, position: nil)),
                actor: "t")
        }
        try test.registry.applyPolicyChange(
            PolicyChangeRequest(policy: .ipAllowlist, environment: "Prod", intent: .move(to: 1)), actor: "t")
        #expect(try test.registry.assignments(in: "Prod").map(\.policy) == [.ipAllowlist, .clientIdEnforcement, .rateLimiting])
        try test.registry.applyPolicyChange(
            PolicyChangeRequest(policy: .clientIdEnforcement, environment: "Prod", intent: .unassign), actor: "t")
        let remaining = try test.registry.assignments(in: "Prod")
        #expect(remaining.map(\.position) == [1, 2])
        #expect(remaining.map(\.policy) == [.ipAllowlist, .rateLimiting])
    }
}

@Suite struct ConfigurationTests {
    @Test func readsThresholdsAndGrace() throws {
        let configuration = try ClienteleConfiguration.parse(
            "expiry:\n  notice: 60d\n  warning: 14d\n  critical: 3d\nrotation:\n  grace: 2d\n", source: "c.yaml")
        #expect(configuration.expiry.warning == .days(14))
        #expect(configuration.defaultGrace == .days(2))
    }

    @Test(arguments: [
        ("expiry:\n  warnng: 14d\n", "config file c.yaml: unknown key 'expiry.warnng'"),
        ("expiry:\n  warning: soon\n", "config file c.yaml: key 'expiry.warning': 'soon' is not"),
        ("colours: {}\n", "config file c.yaml: unknown key 'colours'"),
        ("expiry:\n  critical: 40d\n", "critical (40d) ≤ warning (30d)"),
        ("rotation:\n  lifetime: 0\n", "config file c.yaml: key 'rotation.lifetime': a new secret's lifetime must be longer than 0"),
    ])
    func rejectsNamingFileAndKey(yaml: String, expected: String) {
        do {
            _ = try ClienteleConfiguration.parse(yaml, source: "c.yaml")
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(String(describing: error).contains(expected))
        }
    }
}
