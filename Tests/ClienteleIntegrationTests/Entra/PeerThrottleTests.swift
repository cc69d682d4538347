import ClienteleCore
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// The HTTP client against the Graph test server's injected 429s: throttling with `Retry-After` is bounded by
/// time waited, not by attempts, and one shared gate makes every client of a peer wait out one 429.
@Suite(.serialized, .graphServer("--applications", "1"))
struct PeerThrottleTests {
    static let applications = "^/v1[.]0/applications$"

    func listing(_ server: GraphTestServer) -> PeerRequest {
        // No token: past the faults, the answer is a 401, which is a status the adapter reads, not an error.
        PeerRequest(method: .GET, url: server.graph + "/applications", purpose: "listing applications")
    }

    @Test func aThrottleBoundOutlastsTheAttemptCountAndAReadySuccessSurfacesNothing() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let sleeps = SleepLog()
        let http = PeerHTTPClient(peer: .identityProvider("entra-test"), throttleBound: 10, sleep: { sleeps.record($0) })
        // Five 429s: one more than the four attempts `maxAttempts` allows for anything else.
        try await server.fault(#"{"path_regex":"\#(Self.applications)","status":429,"retry_after":1,"count":5}"#)
        let response = try await http.send(listing(server))
        #expect(response.status == 401)
        #expect(sleeps.recorded == [1, 1, 1, 1, 1])
    }

    @Test func throttlingLongerThanTheBoundIsOneLineNamingThePeer() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let sleeps = SleepLog()
        let http = PeerHTTPClient(peer: .identityProvider("entra-test"), throttleBound: 3, sleep: { sleeps.record($0) })
        try await server.fault(#"{"path_regex":"\#(Self.applications)","status":429,"retry_after":1,"count":10}"#)
        let line = await errorLine { _ = try await http.send(listing(server)) }
        try await server.clearFaults()
        #expect(line.hasPrefix("IdP entra-test: listing applications was throttled (HTTP 429) for 3 s; try again later"),
                "\(line)")
        #expect(sleeps.recorded == [1, 1, 1])
    }

    @Test func oneClientsRetryAfterHoldsBackAnotherClientOfTheSamePeer() async throws {
        let server = try currentServer()
        try await server.clearFaults()
        let peer = HTTPPeer.identityProvider("entra-shared-gate-test")
        let gate = ThrottleGate.shared(for: peer)
        let bystanderWaits = SleepLog()
        let bystander = PeerHTTPClient(peer: peer, throttleBound: 10, gate: gate, sleep: { bystanderWaits.record($0) })
        let bystanderStatus = Mutex<Int?>(nil)
        let request = listing(server)
        // While the throttled client waits out its Retry-After, the bystander, which never got a 429, asks too.
        let throttled = PeerHTTPClient(peer: peer, throttleBound: 10, gate: gate, sleep: { _ in
            let status = try await bystander.send(request).status
            bystanderStatus.withLock { $0 = status }
        })
        try await server.fault(#"{"path_regex":"\#(Self.applications)","status":429,"retry_after":2,"count":1}"#)
        #expect(try await throttled.send(request).status == 401)
        #expect(bystanderStatus.withLock { $0 } == 401)
        // It waited for the same pause, once, before sending anything.
        #expect(bystanderWaits.recorded.count == 1)
        #expect(bystanderWaits.recorded.allSatisfy { $0 > 1 && $0 <= 2 }, "\(bystanderWaits.recorded)")
    }
}
