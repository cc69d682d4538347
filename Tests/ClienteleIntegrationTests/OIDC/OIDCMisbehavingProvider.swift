import Foundation

/// A few lines of Python on loopback that answer like a broken OIDC provider, for the failures glewlwyd cannot be
/// made to produce: a registration that answers 200 without a `client_secret`, and a discovery document cut short.
/// Paths: `/good` (discovery + a registration without secret), `/truncated` (discovery body cut short).
final class OIDCMisbehavingProvider: Sendable {
    let process: Process
    let base: String
    var issuerWithoutSecrets: String { "\(base)/good" }
    var issuerTruncated: String { "\(base)/truncated" }

    static let script = #"""
import http.server, json, sys
deleted = []
class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def base(self): return "http://127.0.0.1:%d" % self.server.server_port
    def do_GET(self):
        if self.path == "/good/.well-known/openid-configuration":
            self.reply(200, json.dumps({"issuer": self.base() + "/good", "registration_endpoint": self.base() + "/good/register", "token_endpoint": self.base() + "/good/token"}))
        elif self.path == "/truncated/.well-known/openid-configuration":
            self.reply(200, '{"issuer": "' + self.base() + '/trunc')
        elif self.path == "/deleted":
            self.reply(200, json.dumps(deleted))
        else:
            self.reply(404, "")
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/good/register":
            self.reply(200, json.dumps({"client_id": "public1", "registration_access_token": "rat-public1", "registration_client_uri": self.base() + "/good/register/public1", "client_secret_expires_at": 0}))
        else:
            self.reply(404, "")
    def do_DELETE(self):
        deleted.append(self.path)
        self.reply(200, "")
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(json.dumps({"base": "http://127.0.0.1:%d" % server.server_port}), flush=True)
server.serve_forever()
"""#

    init() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let ready = try? JSONSerialization.jsonObject(with: line) as? [String: String], let base = ready["base"] else {
            kill(process.processIdentifier, SIGKILL)
            throw LoopbackServerError(message: "the misbehaving provider did not start")
        }
        self.base = base
    }

    /// SIGKILL: the script holds nothing to clean up, and SIGTERM may be blocked in a child of a Swift
    /// concurrency thread (see OIDCTestServer.start).
    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
