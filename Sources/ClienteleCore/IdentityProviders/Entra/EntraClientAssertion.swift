import Foundation
import JWTKit

/// A signed client assertion for the certificate flow (Microsoft identity platform "certificate credentials";
/// RFC 7523 §3): an RS256 JWT whose header names the certificate by `x5t`, with `aud` = the token endpoint,
/// `iss` = `sub` = the client id, a fresh `jti`, and a ten-minute `nbf`…`exp` window.
enum EntraClientAssertion {
    /// How long an assertion is good for: Microsoft's samples use 10 minutes; it is used at once.
    static let lifetime: TimeInterval = 600

    struct Claims: JWTPayload {
        var aud: AudienceClaim
        var iss: IssuerClaim
        var sub: SubjectClaim
        var jti: IDClaim
        var nbf: NotBeforeClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    /// Signs an assertion. `now` is the wall clock, not Clientele's clock: the token endpoint checks `nbf`/`exp`
    /// against real time, whatever instant a test has moved Clientele to.
    static func make(
        clientId: String, tokenEndpoint: String, certificate: AdminCertificate, privateKeyPEM: SecretText,
        now: Date = Date()
    ) async throws(AdminCertificateProblem) -> String {
        let key: Insecure.RSA.PrivateKey
        do {
            key = try Insecure.RSA.PrivateKey(pem: privateKeyPEM.reveal())
        } catch {
            // The underlying error can quote key material; say only what kind of problem it is.
            throw AdminCertificateProblem("the private key is not an RSA key of 2048 bits or more in PEM")
        }
        let keys = JWTKeyCollection()
        await keys.add(rsa: key, digestAlgorithm: .sha256)
        // Whole seconds: NumericDate (RFC 7519 §2) may be fractional, but integers are what every verifier expects.
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = Claims(
            aud: AudienceClaim(value: [tokenEndpoint]), iss: IssuerClaim(value: clientId),
            sub: SubjectClaim(value: clientId), jti: IDClaim(value: UUID().uuidString.lowercased()),
            nbf: NotBeforeClaim(value: issued), iat: IssuedAtClaim(value: issued),
            exp: ExpirationClaim(value: issued + lifetime))
        var header = JWTHeader()
        header.x5t = certificate.x5t
        do {
            return try await keys.sign(claims, header: header)
        } catch {
            throw AdminCertificateProblem("signing the client assertion failed (\(type(of: error)))")
        }
    }
}
