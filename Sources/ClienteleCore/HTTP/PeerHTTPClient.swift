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
/// `client-request-id`; 429 and 503 are retried after `Retry-After` a bounded number of times; transport failures
/// (refused, TLS, timeout) and exhausted retries become one line that names the peer and the request id. Bodies are
/// never logged: they can hold secrets.
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

    public init(
        peer: HTTPPeer, client: HTTPClient = PeerHTTPClient.processClient, maxAttempts: Int = 4, longestRetryAfter: TimeInterval = 60,
        timeout: TimeAmount = .seconds(30), logger: Logger = Logger(label: "clientele.http"),
        sleep: @escaping @Sendable (TimeInterval) async throws -> Void = { try await Task.sleep(for: .seconds($0)) }
    ) {
        self.peer = peer
        self.client = client
        self.maxAttempts = maxAttempts
        self.longestRetryAfter = longestRetryAfter
        self.timeout = timeout
        self.logger = logger
        self.sleep = sleep
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
        while true {
            attempt += 1
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
                throw peer.failure(
                    "\(request.purpose) failed: \(Self.describeTransport(error, url: request.url)) (client-request-id \(requestId))")
            }
            let status = Int(response.status.code)
            logger.debug(
                "\(request.method.rawValue) \(request.redactedURL) → \(status) in \(Int(Date().timeIntervalSince(started) * 1000)) ms",
                metadata: ["client-request-id": "\(requestId)", "peer": "\(peer)"])
            if status == 429 || status == 503 {
                let wait = Self.retryAfter(response.headers) ?? min(pow(2, Double(attempt - 1)), 8)
                guard attempt < maxAttempts, wait <= longestRetryAfter else {
                    throw peer.failure(
                        "\(request.purpose) was \(status == 429 ? "throttled" : "unavailable") (HTTP \(status)) "
                            + "after \(attempt) attempt\(attempt == 1 ? "" : "s"); try again later (client-request-id \(requestId))")
                }
                logger.info("\(peer) answered \(status); retrying in \(wait) s", metadata: ["client-request-id": "\(requestId)"])
                try await sleep(wait)
                continue
            }
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
