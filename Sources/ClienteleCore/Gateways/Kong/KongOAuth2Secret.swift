import Crypto
import CryptoExtras
import Foundation

/// An OAuth2 credential's `client_secret` as Kong stores it: in clear, or with `hash_secret: true` as
/// `$pbkdf2-sha512$i=10000,l=32$<salt>$<hash>` (kong/plugins/oauth2/secret.lua; salt and hash base64 without
/// padding), which the Admin API then answers instead of the text. Checking a secret against the hash is what
/// Kong does on a token request, so Clientele can verify a hashed credential without Kong showing the text.
enum KongOAuth2Secret {
    /// Whether Kong keeps only a hash: `hash_secret` set, or a value in one of secret.lua's hash formats.
    static func isHashed(_ credential: KongCredential) -> Bool {
        if credential.value[path: "hash_secret"]?.boolValue == true { return true }
        guard let stored = credential.value[path: "client_secret"]?.stringValue else { return false }
        return ["$pbkdf2-", "$argon2", "$2a$", "$2b$"].contains { stored.hasPrefix($0) }
    }

    /// The copy the gateway shows: the clear `client_secret`, nil when hashed or absent.
    static func copy(of credential: KongCredential) -> SecretText? {
        guard !isHashed(credential), let stored = credential.value[path: "client_secret"]?.stringValue else {
            return nil
        }
        return SecretText(stored)
    }

    enum Check: Equatable {
        case matches, differs
        /// Stored in a form Clientele cannot check (an argon2 or bcrypt hash); the reason names the form.
        case cannotCheck(String)
    }

    /// As Kong checks a token request (kong/plugins/oauth2/access.lua): against the hash where `hash_secret` is
    /// set, else as text. A hash-looking value without the flag (a decK 1.4.0 sync rewrites a hashed credential
    /// with `hash_secret` false, contract README) is compared as text, as Kong does, so the real secret is
    /// rightly rejected there.
    static func check(_ secret: SecretText, against credential: KongCredential) -> Check {
        guard let stored = credential.value[path: "client_secret"]?.stringValue else { return .differs }
        guard credential.value[path: "hash_secret"]?.boolValue == true else {
            return secret.matches(SecretText(stored)) ? .matches : .differs
        }
        guard stored.hasPrefix("$pbkdf2-") else {
            let scheme = stored.hasPrefix("$argon2") ? "argon2" : stored.hasPrefix("$2") ? "bcrypt" : "an unknown scheme"
            return .cannotCheck("its client_secret is hashed with \(scheme), which Clientele cannot check")
        }
        return pbkdf2(secret, matches: stored)
    }

    /// `$pbkdf2-<digest>$i=<rounds>,l=<length>$<salt>$<hash>`.
    static func pbkdf2(_ secret: SecretText, matches stored: String) -> Check {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: true).map(String.init)
        let unreadable = Check.cannotCheck("its client_secret hash is not in Kong's PBKDF2 format")
        guard parts.count == 4, parts[0].hasPrefix("pbkdf2-") else { return unreadable }
        let hashFunction: KDF.Insecure.PBKDF2.HashFunction
        switch parts[0].dropFirst("pbkdf2-".count) {
        case "sha512": hashFunction = .sha512
        case "sha384": hashFunction = .sha384
        case "sha256": hashFunction = .sha256
        case "sha1": hashFunction = .insecureSHA1
        default: return .cannotCheck("its client_secret is hashed with \(parts[0]), which Clientele cannot check")
        }
        var rounds: Int?
        var length: Int?
        for setting in parts[1].split(separator: ",") {
            let pair = setting.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "i" { rounds = Int(pair[1]) }
            if pair[0] == "l" { length = Int(pair[1]) }
        }
        guard let rounds, let length, rounds > 0, (1...256).contains(length), let salt = unpadded(parts[2]),
            let expected = unpadded(parts[3]), expected.count == length
        else { return unreadable }
        guard let derived = try? KDF.Insecure.PBKDF2.deriveKey(
            from: Data(secret.reveal().utf8), salt: salt, using: hashFunction, outputByteCount: length,
            unsafeUncheckedRounds: rounds)
        else { return unreadable }
        let actual = derived.withUnsafeBytes { Data($0) }
        // Constant time, as `SecretText.matches` is.
        return zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0 ? .matches : .differs
    }

    /// Base64 as ngx.encode_base64(…, true) writes it: the standard alphabet without `=` padding.
    static func unpadded(_ text: String) -> Data? {
        Data(base64Encoded: text + String(repeating: "=", count: (4 - text.count % 4) % 4))
    }
}
