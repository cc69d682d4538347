import Foundation

/// Graph's error body, `{"error":{"code","message","innerError":{…}}}` (contract:
/// graph-error-and-token-shapes.json, `graph_error_body`). Only what an error line needs is decoded.
struct GraphErrorBody: Decodable, Sendable {
    struct Detail: Decodable, Sendable {
        var code: String?
        var message: String?
    }

    var error: Detail

    /// The body's code and message, or nil when the body is not Graph's error shape (an HTML page from a proxy,
    /// a body cut short).
    static func parse(_ data: Data) -> Detail? {
        try? JSONDecoder().decode(GraphErrorBody.self, from: data).error
    }
}
