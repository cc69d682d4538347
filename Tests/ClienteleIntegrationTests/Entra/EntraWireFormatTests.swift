import Foundation
import Testing

@testable import ClienteleCore

/// The hand-rolled readers the adapter relies on: Graph's dates and the admin certificate's thumbprint and expiry.
@Suite struct EntraWireFormatTests {
    @Test func readsGraphDatesWithSevenFractionalDigitsOffsetsOrNone() throws {
        // 2027-01-07T19:21:35Z is 1,799,349,695 s after the epoch.
        let whole = try #require(GraphDate.parse("2027-01-07T19:21:35Z"))
        #expect(whole.timeIntervalSince1970 == 1_799_349_695)
        let fraction = try #require(GraphDate.parse("2027-01-07T19:21:35.8491453Z"))
        #expect(abs(fraction.timeIntervalSince1970 - 1_799_349_695.8491453) < 0.000_01)
        let offset = try #require(GraphDate.parse("2027-01-07T20:21:35+01:00"))
        #expect(offset == whole)
        #expect(GraphDate.parse("2024-02-29T00:00:00Z")?.timeIntervalSince1970 == 1_709_164_800)
        for broken in ["", "2027-01-07", "2027-13-01T00:00:00Z", "2027-01-07T19:21:35", "2027-01-07T19:21:35.Z",
                       "2027-01-07T19:21:35Zjunk"] {
            #expect(GraphDate.parse(broken) == nil, "\(broken)")
        }
    }

    /// The next link guessed from a page's bytes (to send the next request while the page decodes): the member's
    /// value wherever it stands, never text inside another string, and no guess where it would have to unescape.
    @Test func peeksTheNextLinkFromAPagesBytes() {
        func peek(_ text: String) -> String? { GraphNextLink.peek(Data(text.utf8)) }
        let link = "https://graph.example/v1.0/applications?$top=999&$skiptoken=abc"
        let escaped = link.replacingOccurrences(of: "/", with: #"\/"#)
        #expect(peek(#"{"@odata.nextLink": "\#(link)","value":[]}"#) == link)
        #expect(peek(#"{"value":[{"displayName":"x"}],"@odata.nextLink":"\#(escaped)"}"#) == link)
        #expect(peek(#"{"value":[{"displayName":"a \"@odata.nextLink\":\"https://evil.example/\""}]}"#) == nil)
        #expect(peek(#"{"value":[],"@odata.nextLink":"https://graph.example/\u0041"}"#) == nil)
        #expect(peek(#"{"value":[]}"#) == nil)
        #expect(peek(#"{"value":[],"@odata.nextLink":"https://graph.example/cut"#) == nil)
    }

    @Test func readsTheCertificateThumbprintAndNotAfter() throws {
        // A self-signed certificate made with `openssl req -x509 -days 1 -subj /CN=x` (valid until
        // 2026-11-24T20:12:20Z); x5t from `openssl x509 -outform DER | openssl dgst -sha1 -binary`, base64url.
        let certificate = try AdminCertificate(pem: Self.pem)
        #expect(certificate.notAfter == GraphDate.parse(Self.notAfter))
        #expect(certificate.x5t == Self.x5t)
        #expect(!certificate.x5t.contains("=") && !certificate.x5t.contains("+") && !certificate.x5t.contains("/"))
        #expect(throws: AdminCertificateProblem.self) { try AdminCertificate(pem: "not a certificate") }
    }

    static let pem = """
        -----BEGIN CERTIFICATE-----
        MIIC+TCCAeGgAwIBAgIUVub5XdfWlYMAcmLQSA5EknEdlrYwDQYJKoZIhvcNAQEL
        BQAwDDEKMAgGA1UEAwwBeDAeFw0yNjExMjMyMDEyMjBaFw0yNjExMjQyMDEyMjBa
        MAwxCjAIBgNVBAMMAXgwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQCY
        BIoXdO/RQhvFIyxTTJ2vNAPZFiZrYDk69zSc3tWyQJ4seV9xXOJwBpIKpnllwjAI
        DS9FxvOQpa01+BMM5GsI7OCHcOc4jhjfvus+a+scSgA3MMEzYC6UnBoR/65bJLuD
        gtL91ZQ+pGaO84Jon58Z62rM9wgqtgjot+VKys12EH2SgU4N+7CwG+vDpiPq0nCO
        Q9xxNHYlvLi95zbwOCoUKvqxhNhEFRkC7/hBVmkFlsoy3nBPZx6588zX1B2sV2RP
        W6f7lYiDDlubt1rWWGfDmw6AibaubsoxPOcfZwIwvF7VHGijX+AoGhEWn9UbfyV5
        ZTLKEQbeN2uGoGwMLskvAgMBAAGjUzBRMB0GA1UdDgQWBBTT7HD9+vgsG69zvj0R
        lCdl+ATd7DAfBgNVHSMEGDAWgBTT7HD9+vgsG69zvj0RlCdl+ATd7DAPBgNVHRMB
        Af8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCVmoMWh3RxtH7x0sJILvx4uICE
        D8ApEriFWoHQD7ZokZx7F0riNmR4/7QtYPp5+vbzYriQfGEii6wVzHJ+iUw7Pw9C
        9dX9zfaeDcKc567QkOZwe35b7gid1A1NbZRvNpBXq0nu8YV17Dgg36u6XGLJJQbv
        KL+gxlRVY7eZ9kSvpkTcJMjeGS9gzujw2uwBQ+pXVGTTi7XnMECjCJhXb5Z/IB4f
        ETiF+X39jMnbf/M3EphNTfGaX6MbsJodE0NxoJzAdYrCB+3DOrMdzVdpyncmZOGX
        oGfX2u3odxD6NXcUYbUKHCwBh+8g6JZitj+gggoA7pa7EokL+t7ecX6lVpQ2
        -----END CERTIFICATE-----
        """
    static let notAfter = "2026-11-24T20:12:20Z"
    static let x5t = "jXy4Q2l9rS-xH28H55yFX7n_SDo"
}
