import Foundation

/// An OAuth error answer (RFC 6749 §5.2, RFC 7591 §3.2.2): `error` and an optional `error_description`.
/// glewlwyd often answers with an empty body instead; then only the status is known.
struct OIDCErrorBody: Decodable {
    let error: String
    let errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
    }

    /// "HTTP 400 invalid_redirect_uri: redirect_uris is mandatory…" on one line, the server's text cut short:
    /// it is the server's wording, shown to help, not trusted to be brief.
    static func summary(_ response: PeerResponse) -> String {
        guard let body = try? JSONDecoder().decode(OIDCErrorBody.self, from: response.body) else {
            return "HTTP \(response.status)"
        }
        var text = "HTTP \(response.status) \(oneLine(body.error, limit: 60))"
        if let description = body.errorDescription, !description.isEmpty {
            text += ": \(oneLine(description, limit: 160))"
        }
        return text
    }

    static func oneLine(_ text: String, limit: Int) -> String {
        let flat = text.map { $0.isNewline || $0 == "\t" ? " " : $0 }
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : String(flat)
    }
}
