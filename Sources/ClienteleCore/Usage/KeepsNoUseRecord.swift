import Foundation

/// A holder with no record of when its secrets were last used, saying so in its own words so that every page
/// showing "last use unknown" can say why.
public protocol KeepsNoUseRecord: IdentityProviderAdapter {
    var noUseRecordReason: String { get }
}

extension KeepsNoUseRecord {
    public func secretUsage(of clients: [RemoteClientReference]?) async throws -> SecretUsageReport {
        .unavailable(noUseRecordReason)
    }

    public func checkUsageAccess() async -> SecretUsageAccess {
        SecretUsageAccess(readable: false, detail: noUseRecordReason)
    }
}

extension OIDCIdentityProvider: KeepsNoUseRecord {
    public var noUseRecordReason: String {
        "OIDC has no standard source for when a client secret was last used (neither discovery nor registration reports it)"
    }
}

extension KongCredentialHolder: KeepsNoUseRecord {
    public var noUseRecordReason: String { "Kong's Admin API keeps no record of when a credential was last used" }
}

extension TykCredentialHolder: KeepsNoUseRecord {
    var noUseRecordReason: String { "Tyk's Gateway API keeps no record of when a key was last used" }
}

extension AnypointCredentialHolder: KeepsNoUseRecord {
    public var noUseRecordReason: String {
        "Anypoint's API Manager keeps no record of when a client application's secret was last used"
    }
}

extension SandboxCredentialHolder: KeepsNoUseRecord {
    var noUseRecordReason: String { "the sandbox gateway keeps no record of when a credential was last used" }
}
