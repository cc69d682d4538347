import ClienteleCore
import Foundation

/// A secret as `client show --json` writes it: its recorded fields (with `lastUsedAt`, `usageCheckedAt`) and its
/// last use in words (`lastUse`), with the reason when nobody can tell (`lastUseUnknownBecause`).
struct SecretWithLastUse: Encodable {
    let secret: SecretMetadata
    let lastUse: SecretLastUse
    let now: Date

    private enum Keys: String, CodingKey {
        case lastUse, lastUseUnknownBecause
    }

    func encode(to encoder: any Encoder) throws {
        // The same keyed container twice: the secret's own keys, then the two added beside them.
        try secret.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(lastUse.text(now: now), forKey: .lastUse)
        try container.encodeIfPresent(lastUse.unknownReason, forKey: .lastUseUnknownBecause)
    }
}
