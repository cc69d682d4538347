import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// What one `notify` run did.
public struct NoticeRun: Sendable {
    /// Sent (or, in a dry run, due to be sent), per webhook.
    public var delivered: [(webhook: NotifyWebhook, notice: Notice)] = []
    /// One line per webhook that failed, naming its team and host; its notices wait for the next run.
    public var failures: [String] = []
}

/// Posts each pending notice to its webhook, once: a notice is remembered (`noticeSent`) only after the webhook
/// accepted it, so a failing webhook is retried on the next run and a working one never hears a thing twice.
public struct NoticeSender: Sendable {
    let registry: Registry
    let thresholds: ExpiryThresholds
    /// Attempts per notice for a 5xx answer or a failed connection, waiting `backoff`, then twice that.
    let attempts: Int
    let backoff: TimeInterval
    let timeout: TimeAmount

    public init(registry: Registry, thresholds: ExpiryThresholds, attempts: Int = 3, backoff: TimeInterval = 0.5,
                timeout: TimeAmount = .seconds(10))
    {
        self.registry = registry
        self.thresholds = thresholds
        self.attempts = attempts
        self.backoff = backoff
        self.timeout = timeout
    }

    public func run(dryRun: Bool, actor: String) async throws -> NoticeRun {
        var run = NoticeRun()
        for (webhook, notices) in try registry.pendingNotices(thresholds: thresholds) {
            if dryRun {
                run.delivered += notices.map { (webhook, $0) }
                continue
            }
            let http = PeerHTTPClient(
                peer: .webhook(webhook.label), maxAttempts: 2, longestRetryAfter: 10, timeout: timeout,
                // Nothing logged: a request line would carry the webhook's URL, which is its credential.
                logger: Logger(label: "clientele.notify", factory: { _ in SwiftLogNoOpLogHandler() }))
            for (index, notice) in notices.enumerated() {
                if let failure = await post(notice, to: webhook, with: http) {
                    let waiting = notices.count - index
                    run.failures.append(
                        "\(webhook.label): \(failure); \(waiting) notice\(waiting == 1 ? "" : "s") wait\(waiting == 1 ? "s" : "") for the next run")
                    break
                }
                try registry.recordNoticeSent(notice, webhook: webhook, actor: actor)
                run.delivered.append((webhook, notice))
            }
        }
        return run
    }

    /// Nil once the webhook accepted the notice, else why not, in words that never quote its URL.
    private func post(_ notice: Notice, to webhook: NotifyWebhook, with http: PeerHTTPClient) async -> String? {
        let request: PeerRequest
        do {
            request = PeerRequest(
                method: .POST, url: webhook.url, headers: ["Content-Type": "application/json"],
                body: try NoticePayload.body(notice, format: webhook.format), purpose: "posting notice '\(notice.subject)'",
                maxResponseBytes: 64 * 1024)
        } catch {
            return "cannot build the notice '\(notice.subject)'"
        }
        var last = ""
        for attempt in 1...attempts {
            if attempt > 1 { try? await Task.sleep(for: .seconds(backoff * pow(2, Double(attempt - 2)))) }
            do {
                let response = try await http.send(request)
                if (200..<300).contains(response.status) { return nil }
                last = "HTTP \(response.status)"
                // A 4xx says the webhook refuses this request (gone, revoked, malformed): asking again will not help.
                if response.status < 500 { return "\(last) for notice '\(notice.subject)' (not retried: the webhook refuses it)" }
            } catch {
                last = scrub((error as? ClienteleError)?.description ?? String(describing: error), webhook)
                    .replacingOccurrences(of: "webhook of \(webhook.label): ", with: "")
            }
        }
        return "\(last) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
    }

    /// Removes the webhook's URL and path from a message, leaving its host.
    private func scrub(_ message: String, _ webhook: NotifyWebhook) -> String {
        var text = message.replacingOccurrences(of: webhook.url, with: webhook.host)
        if let path = URL(string: webhook.url)?.path, path.count > 1 { text = text.replacingOccurrences(of: path, with: "/…") }
        return text
    }
}
