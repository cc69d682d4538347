import Foundation
import Synchronization
import Testing
@testable import ClienteleCore

/// Another process's commit reaches a watcher as it lands, on either engine: PostgreSQL's NOTIFY, or the SQLite
/// file's writes; nothing is heard while nobody writes.
@Suite struct RegistryWatchTests {
    @Test func anotherConnectionsCommitIsHeardAndQuietIsQuiet() async throws {
        let fixture = try TestRegistry()
        let heard = Mutex<[Int64?]>([])
        let watch = try #require(fixture.registry.watchChanges { revision in heard.withLock { $0.append(revision) } })
        defer { watch.stop() }
        // The PostgreSQL listener connects on its own task: let it start listening before anything is sent.
        try await Task.sleep(nanoseconds: 500_000_000)
        heard.withLock { $0 = [] }
        try await Task.sleep(nanoseconds: 200_000_000)
        #expect(heard.withLock { $0 }.isEmpty, "heard a change while nobody wrote")

        let other = try Registry.open(at: fixture.location, clock: fixture.clock.clock)
        try other.write { transaction in
            try AuditTrail.append(transaction, at: fixture.clock.now, actor: "tests", action: "note", subject: "none")
        }
        let committed = try other.revision()
        let deadline = Date().addingTimeInterval(2)
        while Date() < deadline, heard.withLock({ $0 }).isEmpty { try await Task.sleep(nanoseconds: 5_000_000) }
        let answers = heard.withLock { $0 }
        #expect(!answers.isEmpty, "no change heard within 2 s of another connection's commit")
        // Either the revision itself (NOTIFY) or "read it again", which then finds it.
        let current = try fixture.registry.revision()
        #expect(answers.contains(committed) || (answers.contains(nil) && current == committed))
        // Stopping twice (a console's shutdown, then its runner going away) is stopping once.
        watch.stop()
        watch.stop()
    }
}
