import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Who is at the other end of a request, as an operator names it: an identity provider or a gateway.
public enum HTTPPeer: Sendable, Hashable, CustomStringConvertible {
    case identityProvider(String)
    case gateway(String)
    /// A notice webhook, named "team payments at hooks.slack.com": never by its URL, which is a credential.
    case webhook(String)

    public var name: String {
        switch self {
        case .identityProvider(let name), .gateway(let name), .webhook(let name): return name
        }
    }

    /// "IdP entra-prod", "gateway kong-prod": the start of every error line about this peer.
    public var description: String {
        switch self {
        case .identityProvider(let name): return "IdP \(name)"
        case .gateway(let name): return "gateway \(name)"
        case .webhook(let name): return "webhook of \(name)"
        }
    }

    /// An error line about this peer, of the kind the CLI reports for it.
    public func failure(_ message: String) -> ClienteleError {
        switch self {
        case .identityProvider: return .identityProvider("\(self): \(message)")
        case .gateway: return .gateway("\(self): \(message)")
        case .webhook: return .delivery("\(self): \(message)")
        }
    }
}

/// The one way adapters (identity providers and gateways alike) talk HTTP: every request carries a fresh
/// `client-request-id`; 429 and 503 are retried after `Retry-After`; transport failures (refused, TLS, timeout)
/// and exhausted retries become one line that names the peer and the request id. Bodies are never logged: they
/// can hold secrets.
///
/// Every request passes the peer's `ThrottleGate`: a `Retry-After` pauses all requests to that peer and lowers
/// how many are in flight, so parallel work slows down together. A throttle a retry gets past is only logged.
public struct PeerHTTPClient: Sendable {
    public let peer: HTTPPeer
    let client: HTTPClient
    let maxAttempts: Int
    /// A server asking for a longer wait than this is treated as down rather than slept on.
    let longestRetryAfter: TimeInterval
    let timeout: TimeAmount
    let logger: Logger
    /// Test hook: how waits happen (the tests shorten them).
    let sleep: @Sendable (TimeInterval) async throws -> Void
    /// When set, a 429 with `Retry-After` is retried, whatever the attempt count, until this request has waited
    /// this long in all; `maxAttempts` still bounds everything else.
    let throttleBound: TimeInterval?
    let gate: ThrottleGate

    /// How long one request may be held back by a peer's throttling before the operator hears of it: a little
    /// over one of Entra's write windows (3,000 writes per 150 s per app and tenant). Waiting out our own share of
    /// the limit takes at most one window; still throttled after that, someone else is using the limit up (or
    /// the peer is down in all but name), and the operator should know.
    public static let standardThrottleBound: TimeInterval = 180

    /// A gate of its own unless `gate` is given, which limits requests in flight but keeps each pause to the
    /// request that was told it: tests with a shortened `sleep` must not wait out wall-clock pauses. The adapters
    /// pass the peer's shared gate (`standard(peer:)`).
    public init(
        peer: HTTPPeer, client: HTTPClient = PeerHTTPClient.processClient, maxAttempts: Int = 4, longestRetryAfter: TimeInterval = 60,
        timeout: TimeAmount = .seconds(30), logger: Logger = Logger(label: "clientele.http"),
        throttleBound: TimeInterval? = nil, gate: ThrottleGate? = nil,
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        self.peer = peer
        self.client = client
        self.maxAttempts = maxAttempts
        self.longestRetryAfter = longestRetryAfter
        self.timeout = timeout
        self.logger = logger
        self.sleep = sleep
        self.throttleBound = throttleBound
        self.gate = gate ?? ThrottleGate(sharesPauses: false)
    }

    /// The client adapters use: the peer's shared gate and the standard throttle bound.
    public static func standard(peer: HTTPPeer) -> PeerHTTPClient {
        PeerHTTPClient(peer: peer, longestRetryAfter: standardThrottleBound, throttleBound: standardThrottleBound,
                       gate: .shared(for: peer))
    }

    /// One HTTP client for the process. Its connect timeout is short: an IdP that refuses connections should cost an
    /// operator seconds, not the 30 s read timeout (AsyncHTTPClient retries a refused connect until that deadline).
    /// A global that lives as long as the process, so it is never shut down, like AsyncHTTPClient's own `.shared`.
    public static let processClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(30))))

    /// Sends `request`, retrying throttling and unavailability; any other status is returned for the adapter to
    /// interpret (it knows what a 404 or a 403 means at its IdP).
    public func send(_ request: PeerRequest) async throws -> PeerResponse {
        let requestId = UUID().uuidString.lowercased()
        var attempt = 0
        var served: Date?
        var waited: TimeInterval = 0
        while true {
            attempt += 1
            let sentAt = try await gate.enter(served: served, sleep: sleep)
            var outgoing = HTTPClientRequest(url: request.url)
            outgoing.method = request.method
            outgoing.headers = request.headers
            outgoing.headers.replaceOrAdd(name: "client-request-id", value: requestId)
            outgoing.headers.replaceOrAdd(name: "return-client-request-id", value: "true")
            outgoing.headers.replaceOrAdd(name: "User-Agent", value: "clientele/0.1")
            if let body = request.body { outgoing.body = .bytes(ByteBuffer(data: body)) }
            let started = Date()
            let response: HTTPClientResponse
            let body: Data
            do {
                response = try await client.execute(outgoing, timeout: timeout)
                body = Data(buffer: try await response.body.collect(upTo: request.maxResponseBytes))
            } catch {
                await gate.abandoned()
                throw peer.failure(
                    "\(request.purpose) failed: \(Self.describeTransport(error, url: request.url)) (client-request-id \(requestId))")
            }
            let status = Int(response.status.code)
            logger.debug(
                "\(request.method.rawValue) \(request.redactedURL) → \(status) in \(Int(Date().timeIntervalSince(started) * 1000)) ms",
                metadata: ["client-request-id": "\(requestId)", "peer": "\(peer)"])
            if status == 429 || status == 503 {
                let told = Self.retryAfter(response.headers)
                let wait = told ?? min(pow(2, Double(attempt - 1)), 8)
                let paced = status == 429 && told != nil && throttleBound != nil
                let withinBound = paced ? waited + wait <= throttleBound! : attempt < maxAttempts
                guard withinBound, wait <= longestRetryAfter else {
                    await gate.abandoned()
                    let tried = paced
                        ? "for \(Int(waited.rounded())) s" : "after \(attempt) attempt\(attempt == 1 ? "" : "s")"
                    throw peer.failure(
                        "\(request.purpose) was \(status == 429 ? "throttled" : "unavailable") (HTTP \(status)) "
                            + "\(tried); try again later (client-request-id \(requestId))")
                }
                logger.info("\(peer) answered \(status); retrying in \(wait) s", metadata: ["client-request-id": "\(requestId)"])
                if told != nil {
                    // The peer named a time: everyone waits for it, and fewer go at once afterwards.
                    let pause = await gate.throttled(sentAt: sentAt, retryAfter: wait)
                    try await sleep(pause.wait)
                    waited += pause.wait
                    served = pause.until
                } else {
                    await gate.abandoned()
                    try await sleep(wait)
                    waited += wait
                }
                continue
            }
            await gate.succeeded()
            return PeerResponse(peer: peer, status: status, headers: response.headers, body: body, requestId: requestId)
        }
    }

    /// `Retry-After` in seconds, or as an HTTP date (RFC 9110 §10.2.3).
    static func retryAfter(_ headers: HTTPHeaders) -> TimeInterval? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(value) { return max(0, seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }

    static func describeTransport(_ error: Error, url: String) -> String {
        let text = String(describing: error)
        let host = URL(string: url)?.host ?? url
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("readTimeout") {
            return "no answer from \(host) in time"
        }
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("connect(descriptor") {
            return "cannot connect to \(host) (connection refused)"
        }
        if text.contains("NIOSSL") || text.contains("handshake") || text.contains("certificate") || text.contains("TLS") {
            if text.contains("WRONG_VERSION") || text.contains("WRONG_VERS") {
                return "the TLS handshake with \(host) failed: it does not speak TLS there (plain http?)"
            }
            if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("certificate") {
                return "the TLS handshake with \(host) failed: its certificate is not trusted"
            }
            return "the TLS handshake with \(host) failed"
        }
        if text.contains("responseBodyTooLarge") { return "the answer from \(host) was too large" }
        if text.contains("remoteConnectionClosed") || text.contains("unexpected time") || text.contains("truncated") {
            return "the answer from \(host) was cut short"
        }
        return "\(host): \(text.prefix(160))"
    }
}

public struct PeerRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: HTTPHeaders
    public var body: Data?
    /// What the request is for, in an operator's words: "listing applications", "adding a secret to billing-api".
    public var purpose: String
    public var maxResponseBytes: Int

    public init(method: HTTPMethod, url: String, headers: HTTPHeaders = [:], body: Data? = nil, purpose: String,
                maxResponseBytes: Int = 32 * 1024 * 1024)
    {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.purpose = purpose
        self.maxResponseBytes = maxResponseBytes
    }

    /// A JSON request.
    public static func json<Body: Encodable>(_ method: HTTPMethod, _ url: String, body: Body, bearer: String?,
                                             purpose: String) throws -> PeerRequest
    {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
        if let bearer { headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        return PeerRequest(method: method, url: url, headers: headers, body: try JSONEncoder().encode(body),
                                       purpose: purpose)
    }

    /// A form-encoded request (token endpoints).
    public static func form(_ url: String, fields: [(String, String)], headers extra: HTTPHeaders = [:],
                            purpose: String) -> PeerRequest
    {
        var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"]
        headers.add(contentsOf: extra)
        let body = fields.map { "\(formEncode($0))=\(formEncode($1))" }.joined(separator: "&")
        return PeerRequest(method: .POST, url: url, headers: headers, body: Data(body.utf8), purpose: purpose)
    }

    /// application/x-www-form-urlencoded: unreserved characters stay, everything else is percent-encoded.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The URL without its query, for logs: a query can carry tokens.
    var redactedURL: String { url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url }
}

public struct PeerResponse: Sendable {
    public var peer: HTTPPeer
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data
    /// The `client-request-id` sent, for error lines and support tickets.
    public var requestId: String

    /// Decodes a JSON body, or throws one line naming the peer, what was asked and the request id.
    public func decode<T: Decodable>(_ type: T.Type, purpose: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            let kind = body.isEmpty ? "an empty body"
                : (try? JSONSerialization.jsonObject(with: body)) == nil ? "a body that is not JSON (or is cut short)"
                : "JSON without the expected fields"
            throw peer.failure("\(purpose): HTTP \(status) with \(kind) (client-request-id \(requestId))")
        }
    }
}
