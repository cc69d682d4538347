import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The Drift screen's client-app rows, from the values the core gives: the demo's recorded findings (Anypoint's
/// stale copy, orphan and extra contract) and made-up reports for a read that failed or could not ask the IdP.
struct ClientAppDriftTests {
    static func recorded() async throws -> [GatewayAppDifference] {
        try await SharedDemo.fixture().registry.recordedGatewayAppDifferences()
    }

    static func difference(environment: String = "Sandbox", gateway: String = "anypoint-sandbox",
                           kind: GatewayAppFindingKind, clientRowId: Int64? = 7) throws -> GatewayAppDifference
    {
        let client = clientRowId.map { #", "client": "Mailer", "clientRowId": \#($0)"# } ?? ""
        let json = #"""
            {"environment": "\#(environment)", "gateway": "\#(gateway)", "app": "application Mailer"\#(client),
             "clientId": "c-1", "finding": {"kind": "\#(kind.rawValue)", "detail": "why it is so"}}
            """#
        return try JSONDecoder().decode(GatewayAppDifference.self, from: Data(json.utf8))
    }

    static func driftScreen(_ size: Size = Size(width: 100, height: 30), readonly: Bool = false) -> AppState {
        var state = UpdateTests.state(size, readonly: readonly)
        _ = ConsoleUpdate.update(&state, .key(.character("7")))
        return state
    }

    static func text(_ state: AppState) -> String { ConsoleRender.render(state).textLines.joined(separator: "\n") }

    @Test func recordedFindingsShowAtOnceUnderTheirEnvironmentBeforeAnyRead() async throws {
        var state = Self.driftScreen()
        #expect(state.drift.reading && state.drift.readingApps)
        let recorded = try await Self.recorded()
        #expect(recorded.contains { $0.finding.kind == .staleSecretCopy })
        _ = ConsoleUpdate.update(&state, .clientAppDriftRecorded(recorded))
        #expect(state.drift.items.count == recorded.count)
        let text = Self.text(state)
        #expect(text.contains("Reading every bound environment's gateway…"), "\(text)")
        #expect(text.contains("Sandbox on anypoint-sandbox · \(recorded.filter { $0.environment == "Sandbox" }.count) client-app differences"), "\(text)")
        #expect(text.contains("Client apps (as last recorded; reading…)"), "\(text)")
        #expect(text.contains("stale secret copy: application Invoice Mailer / client Invoice Mailer"), "\(text)")
        #expect(text.contains("orphaned: application Retired Kiosk"), "\(text)")
    }

    @Test func policyRowsComeFirstThenTheEnvironmentsClientAppsInListOrder() throws {
        var state = Self.driftScreen()
        let sandbox = try Self.difference(kind: .orphanedAtGateway)
        let elsewhere = try Self.difference(environment: "Dev", gateway: "kong-sandbox", kind: .contractNotInRegistry)
        _ = ConsoleUpdate.update(&state, .clientAppDriftRecorded([elsewhere, sandbox]))
        _ = ConsoleUpdate.update(&state, .driftLoaded([GatewayDriftReport(
            environment: "Sandbox", gateway: "anypoint-sandbox", inspection: nil, error: "gateway down")]))
        // Sandbox (a policy report) first, with its app; then Dev, which only the client side mentions.
        #expect(state.drift.items == [.app(1), .app(0)])
        let lines = ConsoleRender.render(state).textLines
        let sandboxLine = try #require(lines.firstIndex { $0.contains("Sandbox on anypoint-sandbox · not read · 1 client-app difference") })
        let devLine = try #require(lines.firstIndex { $0.contains("Dev on kong-sandbox · 1 client-app difference") })
        #expect(sandboxLine < devLine)
        #expect(lines.contains { $0.contains("✗ gateway down") })
    }

    @Test func theReadReplacesTheRecordAndAFailedGatewayKeepsItsRecordedRowsBesideTheError() throws {
        var state = Self.driftScreen()
        let anypoint = try Self.difference(kind: .staleSecretCopy)
        let kong = try Self.difference(environment: "Dev", gateway: "kong-sandbox", kind: .orphanedAtGateway)
        _ = ConsoleUpdate.update(&state, .clientAppDriftRecorded([anypoint, kong]))
        _ = ConsoleUpdate.update(&state, .clientAppDriftRead([
            GatewayAppReport(gateway: "anypoint-sandbox", apps: 3, differences: []),
            GatewayAppReport(gateway: "kong-sandbox", error: "connection refused"),
        ]))
        #expect(!state.drift.readingApps && state.drift.appsRead)
        #expect(state.drift.apps == [kong])
        let text = Self.text(state)
        #expect(text.contains("Client apps (as last recorded: this read failed)"), "\(text)")
        #expect(text.contains("✗ connection refused"), "\(text)")
        // A recorded answer that comes after a read (a second ctrl-r's) does not replace what was read.
        _ = ConsoleUpdate.update(&state, .clientAppDriftRecorded([anypoint]))
        #expect(state.drift.apps == [kong])
    }

    @Test func theSelectedAppRowShowsItsDetailAndWhatToDoInsteadOfPushOrAdopt() throws {
        var state = Self.driftScreen()
        _ = ConsoleUpdate.update(&state, .clientAppDriftRecorded([try Self.difference(kind: .staleSecretCopy)]))
        _ = ConsoleUpdate.update(&state, .clientAppDriftRead([
            GatewayAppReport(gateway: "anypoint-sandbox", differences: [try Self.difference(kind: .staleSecretCopy)])]))
        _ = ConsoleUpdate.update(&state, .driftLoaded([]))
        let lines = ConsoleRender.render(state).textLines
        let detail = try #require(lines.firstIndex { $0.hasPrefix(" why it is so") }, "\(lines)")
        #expect(lines[detail + 1].hasPrefix(" enter detail · 2 its client · rotate the client, give the app the new secret"), "\(lines)")
        #expect(!lines[detail + 1].contains("push") && !lines[detail + 1].contains("adopt"))

        for key in ["p", "t"] {
            let effects = ConsoleUpdate.update(&state, .key(.character(Character(key))))
            #expect(effects.isEmpty && state.modal == nil)
            #expect(state.status?.text.hasPrefix("push and adopt are for policy differences; for this client app: rotate the client") == true)
        }
        _ = ConsoleUpdate.update(&state, .key(.enter))
        guard case .message(let message) = state.modal else { Issue.record("no detail"); return }
        #expect(message.title == "Sandbox · anypoint-sandbox · application Mailer")
        #expect(message.lines.first == "stale secret copy: why it is so")
        #expect(message.lines.contains("client: Mailer (c-1)"))
        #expect(message.lines.contains("2 opens the client's page"))
        _ = ConsoleUpdate.update(&state, .key(.escape))
        // 2 goes to the app's client, not to whichever client the list had selected.
        let effects = ConsoleUpdate.update(&state, .key(.character("2")))
        #expect(state.screen == .detail && state.detail.clientRowId == 7)
        #expect(effects.contains { if case .loadDetail(7) = $0 { true } else { false } })
    }

    @Test(arguments: GatewayAppFindingKind.allCases) func everyKindSaysWhatResolvesIt(kind: GatewayAppFindingKind) throws {
        let difference = try Self.difference(kind: kind)
        let remedy = ClientAppDifferenceText.remedy(difference)
        #expect(!remedy.isEmpty)
        #expect(!remedy.contains("p push") && !remedy.contains("t adopt"))
        // What follows "enter detail · 2 its client · " on the key line fits 80 columns.
        #expect(DisplayWidth.of(ClientAppDifferenceText.shortRemedy(difference)) <= 80 - 31)
        #expect(ClientAppDifferenceText.role(difference) == (kind.isDrift ? .warning : .notice))
    }

    @Test func anAppWithNoRegistryClientOffersNoClientPage() throws {
        var state = Self.driftScreen()
        _ = ConsoleUpdate.update(&state, .clientAppDriftRecorded([try Self.difference(kind: .orphanedAtGateway, clientRowId: nil)]))
        _ = ConsoleUpdate.update(&state, .driftLoaded([]))
        #expect(!Self.text(state).contains("2 its client"))
        _ = ConsoleUpdate.update(&state, .key(.enter))
        guard case .message(let message) = state.modal else { Issue.record("no detail"); return }
        #expect(message.lines.contains("client id: c-1 (no client in the registry)"))
        #expect(!message.lines.contains("2 opens the client's page"))
    }

    /// Every size down to below the minimum, with recorded rows, read rows and an error: nothing crashes.
    @Test func noSizeBreaksTheClientAppRows() async throws {
        var full = Self.driftScreen()
        _ = ConsoleUpdate.update(&full, .clientAppDriftRecorded(try await Self.recorded()))
        _ = ConsoleUpdate.update(&full, .clientAppDriftRead([GatewayAppReport(gateway: "kong-sandbox", error: "down")]))
        for size in [Size(width: 60, height: 15), Size(width: 61, height: 16), Size(width: 200, height: 60),
                     Size(width: 59, height: 14), Size(width: 1, height: 1)] {
            var state = full
            _ = ConsoleUpdate.update(&state, .resized(size))
            for key: KeyEvent in [.down, .end, .enter, .escape, .character("p"), .character("2")] {
                _ = ConsoleUpdate.update(&state, .key(key))
                _ = ConsoleRender.render(state)
            }
        }
    }
}
