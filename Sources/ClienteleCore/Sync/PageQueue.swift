import Synchronization

/// The pages an IdP's listing has sent and the sync has not yet taken. The listing runs in its own task, so the
/// next pages are fetched and decoded while the sync records the ones in hand; each time it is free to record, the
/// sync takes every page that arrived meanwhile.
final class PageQueue: Sendable {
    private let waiting = Mutex<[[RemoteClient]]>([])

    /// One element each time a page arrives (take them with `drain`; an element may find them already taken), then
    /// the listing's end or its error. Ending the sequence early (an error recording) stops the listing.
    func pages(of adapter: any IdentityProviderAdapter) -> AsyncThrowingStream<Void, Error> {
        AsyncThrowingStream { continuation in
            let listing = Task {
                do {
                    try await adapter.discoverClients { page in
                        self.waiting.withLock { $0.append(page) }
                        continuation.yield()
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in listing.cancel() }
        }
    }

    /// The pages that arrived since the last call, oldest first.
    func drain() -> [[RemoteClient]] {
        waiting.withLock { pages in
            defer { pages = [] }
            return pages
        }
    }
}
