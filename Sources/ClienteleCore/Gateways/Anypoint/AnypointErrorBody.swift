import Foundation

/// API Manager's and Access Management's error body, `{"error": "Bad Request", "message": "…"}` (the spec's
/// 400/404 examples).
struct AnypointErrorBody: Decodable {
    let error: String?
    let message: String?

    /// The message, on one line and bounded, or nil where the body has none.
    static func message(in response: PeerResponse) -> String? {
        guard let body = try? JSONDecoder().decode(AnypointErrorBody.self, from: response.body),
            let text = body.message ?? body.error, !text.isEmpty
        else { return nil }
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// The configuration field a rejection names (`configurationData.rateLimits is required` → `rateLimits`).
    static func field(in message: String) -> String? {
        guard let range = message.range(of: "configurationData.") else { return nil }
        let rest = message[range.upperBound...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "[" || $0 == "]" }
        return name.isEmpty ? nil : String(name)
    }
}
