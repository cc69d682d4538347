import Foundation

/// Hearing of other processes' changes as they commit, beside the revision the console polls.
extension Registry {
    /// Calls `onChange` with each revision another process (or this one) commits, or with nil when the revision
    /// should be read again: on PostgreSQL after a lost listening session is back (notifications sent meanwhile
    /// are lost), on SQLite after each write to the file (which carries no revision). Nil where nothing can be
    /// watched (an in-memory registry, a platform without inotify): polling the revision is then all there is.
    public func watchChanges(_ onChange: @escaping @Sendable (Int64?) -> Void) -> RegistryWatch? {
        switch engine {
        case .postgres(let connection):
            return RegistryWatch(.postgres(
                PostgresChangeListener(location: connection.location, logger: logger, onChange: onChange)))
        case .sqlite:
            guard path != ":memory:", let watcher = SQLiteChangeWatcher(path: path, onChange: onChange) else {
                return nil
            }
            return RegistryWatch(.sqlite(watcher))
        }
    }
}

/// A watch on the registry's changes; stopped when the watcher is done.
public struct RegistryWatch: Sendable {
    enum Source: Sendable {
        case postgres(PostgresChangeListener)
        case sqlite(SQLiteChangeWatcher)
    }

    private let source: Source

    init(_ source: Source) { self.source = source }

    public func stop() {
        switch source {
        case .postgres(let listener): listener.stop()
        case .sqlite(let watcher): watcher.stop()
        }
    }
}
