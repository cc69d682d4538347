import Foundation

/// The token endpoint's 200 (contract: graph-error-and-token-shapes.json, `success_200_example`).
struct EntraTokenResponse: Decodable, Sendable {
    var accessToken: String
    var expiresIn: Double?
    var tokenType: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case tokenType = "token_type"
    }
}

/// The token endpoint's error (contract: `error_400_example`): an OAuth `error` (RFC 6749 §5.2) plus Entra's
/// `error_description` starting `AADSTSnnnn:` and `error_codes`.
struct EntraTokenErrorBody: Decodable, Sendable {
    var error: String?
    var errorDescription: String?
    var errorCodes: [Int]?

    enum CodingKeys: String, CodingKey {
        case error
        case errorDescription = "error_description"
        case errorCodes = "error_codes"
    }

    static func parse(_ data: Data) -> EntraTokenErrorBody? {
        try? JSONDecoder().decode(EntraTokenErrorBody.self, from: data)
    }

    /// The AADSTS number: from `error_codes`, else read off the description's `AADSTSnnnn:` prefix.
    var aadsts: Int? {
        if let code = errorCodes?.first { return code }
        guard let description = errorDescription, description.hasPrefix("AADSTS") else { return nil }
        return Int(description.dropFirst(6).prefix(while: \.isNumber))
    }

    /// The description's first line without the `AADSTSnnnn: ` prefix; the lines after it are trace and
    /// correlation ids and a timestamp, which the client-request-id already stands for.
    var summary: String {
        let firstLine = (errorDescription ?? error ?? "no description")
            .split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        guard firstLine.hasPrefix("AADSTS"), let colon = firstLine.firstIndex(of: ":") else { return firstLine }
        return firstLine[firstLine.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
