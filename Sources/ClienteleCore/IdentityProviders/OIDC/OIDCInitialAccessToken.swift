import Foundation

/// An initial access token (RFC 7591 §3) is opaque to the client in general, but many providers (glewlwyd among
/// them) issue JWTs; their `exp` claim is when Clientele loses the right to register, which the expiry report
/// should show. Read without verifying the signature: it only informs a date, it grants nothing.
enum OIDCInitialAccessToken {
    static func expiresAt(_ token: SecretText) -> Date? {
        let parts = token.reveal().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
        guard let data = Data(base64Encoded: payload),
            let claims = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let exp = claims["exp"] as? NSNumber
        else { return nil }
        return Date(timeIntervalSince1970: exp.doubleValue)
    }
}
