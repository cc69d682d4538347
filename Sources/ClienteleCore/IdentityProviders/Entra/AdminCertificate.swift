import Crypto
import Foundation

/// Clientele's admin certificate, as far as the client-assertion flow needs it: the DER bytes, their SHA-1
/// thumbprint for the assertion's `x5t` header (RFC 7515 §4.1.7: base64url of the SHA-1 of the DER), and when the
/// certificate stops being valid (Entra refuses assertions signed with an expired certificate's key).
struct AdminCertificate: Sendable {
    let der: Data
    let x5t: String
    let notAfter: Date

    /// Reads the first `CERTIFICATE` block of a PEM text. Fails with a reason (never the PEM itself).
    init(pem: String) throws(AdminCertificateProblem) {
        guard let begin = pem.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = pem.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<pem.endIndex)
        else { throw AdminCertificateProblem("it holds no PEM CERTIFICATE block") }
        let base64 = pem[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
        guard let der = Data(base64Encoded: String(base64)) else {
            throw AdminCertificateProblem("its CERTIFICATE block is not base64")
        }
        guard let notAfter = Self.notAfter(der: der) else {
            throw AdminCertificateProblem("its CERTIFICATE block is not an X.509 certificate")
        }
        self.der = der
        self.notAfter = notAfter
        self.x5t = Self.base64URL(Data(Insecure.SHA1.hash(data: der)))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// `tbsCertificate.validity.notAfter` (RFC 5280 §4.1): Certificate ::= SEQUENCE { tbsCertificate SEQUENCE {
    /// [0] version OPTIONAL, serialNumber INTEGER, signature SEQUENCE, issuer SEQUENCE, validity SEQUENCE {
    /// notBefore Time, notAfter Time }, … } … }. Only this path is walked, so no ASN.1 library is needed.
    static func notAfter(der: Data) -> Date? {
        let bytes = [UInt8](der)
        guard let certificate = DERElement.read(bytes, at: 0), certificate.tag == 0x30,
            let tbs = DERElement.read(bytes, at: certificate.contentStart), tbs.tag == 0x30
        else { return nil }
        var cursor = tbs.contentStart
        guard var element = DERElement.read(bytes, at: cursor) else { return nil }
        if element.tag == 0xA0 {  // explicit [0] version
            cursor = element.end
            guard let next = DERElement.read(bytes, at: cursor) else { return nil }
            element = next
        }
        // serialNumber, signature, issuer, then validity.
        for expected: UInt8 in [0x02, 0x30, 0x30] {
            guard element.tag == expected, let next = DERElement.read(bytes, at: element.end) else { return nil }
            element = next
        }
        guard element.tag == 0x30, let notBefore = DERElement.read(bytes, at: element.contentStart),
            let notAfter = DERElement.read(bytes, at: notBefore.end)
        else { return nil }
        return time(notAfter, in: bytes)
    }

    /// UTCTime `YYMMDDHHMMSSZ` (years 50–99 are 19xx, RFC 5280 §4.1.2.5.1) or GeneralizedTime `YYYYMMDDHHMMSSZ`.
    private static func time(_ element: DERElement, in bytes: [UInt8]) -> Date? {
        let text = String(decoding: bytes[element.contentStart..<element.end], as: UTF8.self)
        let digits: String
        switch element.tag {
        case 0x17:
            guard text.count == 13, let yy = Int(text.prefix(2)) else { return nil }
            digits = (yy >= 50 ? "19" : "20") + text
        case 0x18:
            guard text.count == 15 else { return nil }
            digits = text
        default:
            return nil
        }
        let d = Array(digits)
        guard d.last == "Z" else { return nil }
        func field(_ from: Int, _ length: Int) -> String { String(d[from..<from + length]) }
        return GraphDate.parse(
            "\(field(0, 4))-\(field(4, 2))-\(field(6, 2))T\(field(8, 2)):\(field(10, 2)):\(field(12, 2))Z")
    }
}

/// Why the admin certificate could not be used, in words for an error line.
struct AdminCertificateProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// One DER tag-length-value (X.690 §8.1): where its content starts and where the element ends.
struct DERElement {
    let tag: UInt8
    let contentStart: Int
    let end: Int

    static func read(_ bytes: [UInt8], at offset: Int) -> DERElement? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        var cursor = offset + 1
        let first = bytes[cursor]
        cursor += 1
        var length = 0
        if first & 0x80 == 0 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count > 0, count <= 4, cursor + count <= bytes.count else { return nil }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[cursor])
                cursor += 1
            }
        }
        guard cursor + length <= bytes.count else { return nil }
        return DERElement(tag: tag, contentStart: cursor, end: cursor + length)
    }
}
