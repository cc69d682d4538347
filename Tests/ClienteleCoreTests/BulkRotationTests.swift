import Foundation
import GRDB
import Testing
@testable import ClienteleCore

/// Bulk rotation against the sandbox IdP and a real registry file: which clients a wave takes, where each new
/// secret goes, and that a second run resumes instead of rotating again.
@Suite struct BulkRotationTests {
    struct Fixture {
        let test: TestRegistry
        let sandbox: SandboxIdentityProvider
        let clients: [String: Client]
        let service: RotationService
        var bulk: BulkRotation { BulkRotation(service: service, registry: test.registry) }
    }

    func fixture() async throws -> Fixture {
        let test = try TestRegistry()
        let (idp, sandbox) = try test.addSandbox()
        _ = try test.registry.addEnvironment(name: "Prod", businessGroup: nil, gateway: .none, actor: "tests")
        var clients: [String: Client] = [:]
        for (name, environments) in [("billing-api", ["Prod"]), ("orders api", []), ("search", [])] {
            clients[name] = try await test.registerClient(name, at: idp, sandbox: sandbox, environments: environments).0
        }
        try test.registry.write { transaction in
            try transaction.execute("UPDATE client SET ownerTeam = 'payments' WHERE displayName = 'search'")
        }
        let service = RotationService(
            registry: test.registry, adapters: StandardAdapters(registry: test.registry))
        return Fixture(test: test, sandbox: sandbox, clients: clients, service: service)
    }

    func names(_ clients: [Client]) -> Set<String> { Set(clients.map(\.displayName)) }

    @Test func theSelectionTakesSecretsInServiceWithinTheWindowNarrowedByEnvironmentIdPAndOwner() async throws {
        let f = try await fixture()
        let registry = f.test.registry
        // The sandbox's secrets live 180 days.
        #expect(try registry.clientsDueForRotation(BulkRotationSelection(within: .days(30))).isEmpty)
        #expect(names(try registry.clientsDueForRotation(BulkRotationSelection(within: .days(200))))
            == ["billing-api", "orders api", "search"])
        #expect(names(try registry.clientsDueForRotation(BulkRotationSelection(within: .days(200), environment: "Prod")))
            == ["billing-api"])
        #expect(names(try registry.clientsDueForRotation(BulkRotationSelection(within: .days(200), ownerTeam: "Payments")))
            == ["search"])
        #expect(try registry.clientsDueForRotation(BulkRotationSelection(within: .days(200), identityProvider: "sandbox")).count == 3)
        for (selection, line) in [
            (BulkRotationSelection(within: .days(200), environment: "Stage"), "Stage"),
            (BulkRotationSelection(within: .days(200), identityProvider: "entra"), "no identity provider 'entra'"),
            (BulkRotationSelection(within: .days(200), ownerTeam: "billing"), "no client is owned by team 'billing'"),
        ] {
            #expect { try registry.clientsDueForRotation(selection) } throws: { "\($0)".contains(line) }
        }
    }

    @Test func aWaveWritesEachSecretToItsOwnFileAndASecondRunResumesInsteadOfRotatingAgain() async throws {
        let f = try await fixture()
        let folder = f.test.tempFile("wave")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o700])
        let due = try f.test.registry.clientsDueForRotation(BulkRotationSelection(within: .days(200)))
        let report = try await f.bulk.run(due, delivery: .directory(folder), grace: .days(7), lifetime: nil,
                                          parallel: 2, confirmed: true, actor: "tests", deliverer: .unattended)
        #expect(report.allRotated && report.results.count == 3, "\(report.results.map(\.status))")
        let orders = try #require(f.clients["orders api"])
        let files = [("billing-api", "billing-api.secret"), ("orders api", "orders_api~\(orders.id!).secret"),
                     ("search", "search.secret")]
        for (name, file) in files {
            let path = folder + "/" + file
            var status = stat()
            #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600, "\(path)")
            let secret = SecretText(try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(try await f.sandbox.verify(secret, for: RemoteClientReference(f.clients[name]!)) == .accepted)
        }
        let again = try await f.bulk.run(due, delivery: .directory(folder), grace: .days(7), lifetime: nil,
                                         parallel: 2, confirmed: true, actor: "tests", deliverer: .unattended)
        #expect(again.allRotated)
        #expect(try f.test.registry.read { transaction in try transaction.count("rotation") } == 3)
    }

    @Test func aSecretCommandRunsOncePerClientWithTheClientNamedInItsEnvironment() async throws {
        let f = try await fixture()
        let folder = f.test.tempFile("seen")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let command = #"cat > /dev/null; printf '%s %s' "$CLIENTELE_CLIENT_ID" "$CLIENTELE_IDP" > "\#(folder)/$CLIENTELE_CLIENT""#
        let due = try f.test.registry.clientsDueForRotation(BulkRotationSelection(within: .days(200)))
        let report = try await f.bulk.run(due, delivery: .command(command), grace: .days(7), lifetime: nil,
                                          parallel: 3, confirmed: true, actor: "tests",
                                          deliverer: SecretDeliverer(showOnce: nil, commandOutputShown: false))
        #expect(report.allRotated)
        for (name, client) in f.clients {
            #expect(try String(contentsOfFile: folder + "/" + name, encoding: .utf8) == "\(client.clientId) sandbox")
        }
    }

    @Test func showOnceIsRefusedForMoreThanOneClientAndAMissingFolderIsOneLine() async throws {
        #expect { try BulkRotation.check(.showOnce, count: 2) } throws: {
            "\($0)".contains("show-once cannot serve 2 clients")
        }
        try BulkRotation.check(.showOnce, count: 1)
        #expect { try BulkRotation.check(.directory("/nonexistent/wave"), count: 2) } throws: {
            "\($0)".contains("--secret-dir /nonexistent/wave is not a folder")
        }
    }

    @Test(arguments: [
        ("billing-api", false, "billing-api.secret"),
        ("billing-api", true, "billing-api~7.secret"),
        ("orders api", false, "orders_api~7.secret"),
        ("../etc/passwd", false, "_._etc_passwd~7.secret"),
        (".hidden", false, "_hidden~7.secret"),
        ("Zahlungsdienst ü", false, "Zahlungsdienst__~7.secret"),
    ])
    func aDisplayNameBecomesASafeUniqueFileName(name: String, shared: Bool, file: String) {
        let client = Client(id: 7, identityProviderId: 1, displayName: name, clientId: "x", createdAt: Date(), updatedAt: Date())
        #expect(SecretFileName.of(client, shared: shared) == file)
    }
}
