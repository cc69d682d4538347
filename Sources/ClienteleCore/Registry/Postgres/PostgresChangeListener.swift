import Foundation
import Logging
import PostgresNIO

/// Listens on its own session for the revisions other processes commit (`NOTIFY`, sent by every write that bumps
/// the revision; PostgreSQL delivers a notification only once its transaction commits). Notifications sent while
/// the session is down are lost, so each time it starts listening (the first time too: a commit may land between
/// the watcher's first read of the revision and this session's LISTEN) it says "look again" (nil) and the watcher
/// re-reads the revision it polls anyway.
final class PostgresChangeListener: Sendable {
    static let channel = "clientele_revision"

    private let task: Task<Void, Never>

    init(location: PostgresLocation, logger: Logger, onChange: @escaping @Sendable (Int64?) -> Void) {
        task = Task.detached {
            var pause = 0.1
            while !Task.isCancelled {
                var connection: PostgresConnection?
                do {
                    let opened = try await PostgresConnection.connect(
                        on: MultiThreadedEventLoopGroup.singleton.next(),
                        configuration: try PostgresRegistryConnection.configuration(location), id: 2, logger: logger)
                    connection = opened
                    try await opened.listen(on: Self.channel) { notifications in
                        onChange(nil)
                        pause = 0.1
                        for try await notification in notifications {
                            onChange(Int64(notification.payload))
                        }
                    }
                } catch {
                    logger.debug("registry change listener: \(PostgresErrorText.describe(error))")
                }
                try? await connection?.close()
                // Backs off to a second, so a server that is down is not hammered and one that is back is soon seen.
                try? await Task.sleep(nanoseconds: UInt64(pause * 1e9))
                pause = min(pause * 2, 1)
            }
        }
    }

    func stop() {
        task.cancel()
    }
}
