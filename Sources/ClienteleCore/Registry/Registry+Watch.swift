import Foundation

/// Hearing of other processes' changes as they commit, beside the revision the console polls.
extension Registry {
    /// Calls `onChange` with each revision another process (or this one) commits, or with nil when notifications
    /// may have been missed (the listening session was lost and is back) and the revision should be read again.
    /// Nil on SQLite, which has no notifications: polling the revision is all there is, and a file on one machine
    /// makes it cheap.
    public func watchChanges(_ onChange: @escaping @Sendable (Int64?) -> Void) -> RegistryWatch? {
        guard case .postgres(let connection) = engine else { return nil }
        return RegistryWatch(PostgresChangeListener(location: connection.location, logger: logger, onChange: onChange))
    }
}

/// A watch on the registry's changes; stopped when the watcher is done.
public struct RegistryWatch: Sendable {
    private let listener: PostgresChangeListener

    init(_ listener: PostgresChangeListener) { self.listener = listener }

    public func stop() { listener.stop() }
}
