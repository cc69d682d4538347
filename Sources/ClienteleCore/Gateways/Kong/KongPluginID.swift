import Crypto
import Foundation

/// The id Clientele gives the plugin it creates for an element: a UUID derived from the service and the plugin name
/// (name-based, like RFC 9562's version 5 but over SHA-256), so every attempt at the same create names the same
/// plugin. decK also PUTs by client-made ids; deriving ours means a create resumed after a crash (plugin written,
/// step not yet recorded as done) replaces its own plugin instead of adding a second one.
enum KongPluginID {
    static func derived(serviceId: String, plugin: String) -> String {
        var bytes = Array(SHA256.hash(data: Data("clientele/kong/plugin/\(serviceId.lowercased())/\(plugin)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
                     hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
