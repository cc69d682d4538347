import Foundation
import GRDB

/// The file an embedded sandbox (an IdP or a gateway) keeps its state in, beside the registry: created owner-only
/// when asked, opened as a queue in WAL mode like the registry, migrated to its own schema.
enum SandboxStateFile {
    /// Opens `path`, or creates it when `create`; `what` names it in errors ("sandbox IdP state"), and `failure`
    /// makes the error of the right kind.
    static func open(
        _ path: String, create: Bool, label: String, migrator: DatabaseMigrator, what: String,
        failure: (String) -> ClienteleError
    ) throws -> DatabaseQueue {
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists {
            guard create else {
                throw failure("\(what) \(path) is missing: rebuild the demo with `clientele demo --reset`")
            }
            try PrivateFile.makeDirectory((path as NSString).deletingLastPathComponent)
            try PrivateFile.createEmpty(path)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = label
        do {
            // A queue, like the registry's: opening a pool writes to the file even when nothing else does.
            let store = try DatabaseQueue(path: path, configuration: configuration)
            if !exists {
                try store.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            }
            if try store.read({ db in try !migrator.hasCompletedMigrations(db) }) {
                try migrator.migrate(store)
            }
            return store
        } catch {
            throw failure("\(what) \(path): \(Registry.describe(error))")
        }
    }
}
