import Foundation
import Synchronization
import Testing
@testable import ClienteleCore

/// The console's client list query: whole, paged, with progress, and stoppable.
@Suite struct ConsoleClientRowsTests {
    static func demo(clients: Int) async throws -> (Registry, String) {
        let directory = NSTemporaryDirectory() + "clientele-rows-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/registry.sqlite"
        let clock = ClienteleClock.fixed(Timestamp.parse("2026-11-23T12:00:00Z")!)
        _ = try await DemoBuilder(registryPath: path, clients: clients, seed: 3, clock: clock).build()
        return (try Registry.open(at: path, clock: clock), directory)
    }

    @Test func reportsProgressUpToTheTotalAndMatchesThePagedQuery() async throws {
        let (registry, directory) = try await Self.demo(clients: 9_000)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let reports = Mutex<[(Int, Int)]>([])
        let rows = try registry.consoleClientRows { done, total in reports.withLock { $0.append((done, total)) } }
        // The demo's clients, and those its gateways' client apps add.
        #expect(rows.count == (try registry.clientCount()) && rows.count >= 9_000)
        let seen = reports.withLock { $0 }
        #expect(seen.count >= 3)
        #expect(seen.map(\.0) == seen.map(\.0).sorted())
        #expect(seen.last.map { $0.0 == $0.1 } == true)
        let page = try registry.consoleClientRows(limit: 50)
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        #expect(page.count == 50)
        #expect(page.allSatisfy { byId[$0.id] == $0 })
    }

    @Test func aCancelledTaskStopsTheLoad() async throws {
        let (registry, directory) = try await Self.demo(clients: 9_000)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let task = Task.detached {
            // Wait for the cancellation, so the load always starts cancelled.
            while !Task.isCancelled { await Task.yield() }
            return try registry.consoleClientRows()
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
