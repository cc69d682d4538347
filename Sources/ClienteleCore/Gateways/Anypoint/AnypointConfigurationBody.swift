import Foundation

/// Flattened fields back into the `configurationData` object API Manager takes. The `.null` sentinels that mark
/// owned, empty places (see `AnypointConfigurationFields.objects`) are dropped, with the entries they leave empty,
/// so the gateway never receives a half-built `{"key": null}` header or rate limit.
enum AnypointConfigurationBody {
    static func make(_ fields: [String: GatewayValue]) -> GatewayValue {
        pruned(GatewayValue.nested(fields)) ?? .object([:])
    }

    /// An update replaces the whole `configurationData`, so what the gateway filled in by default (and Clientele
    /// does not set) is kept: ours over theirs. A redacted secret is never written back as its placeholder.
    static func merged(ours: [String: GatewayValue], theirs: [String: GatewayValue]) -> GatewayValue {
        // Entries of theirs at or past one of our sentinels (a header or rate limit added at the gateway) go.
        let sentinels = ours.compactMap { path, value in value == .null ? sentinel(path) : nil }
        var fields = theirs.filter { path, value in
            value != GatewayPolicy.redacted && !sentinels.contains { list, end in
                guard path.hasPrefix(list + "["), let close = path.dropFirst(list.count + 1).firstIndex(of: "]"),
                    let index = Int(path[path.index(path.startIndex, offsetBy: list.count + 1)..<close])
                else { return false }
                return index >= end
            }
        }
        fields.merge(ours) { $1 }
        return make(fields)
    }

    /// `("inboundHeaders", 2)` for the sentinel `inboundHeaders[2].key`.
    private static func sentinel(_ path: String) -> (String, Int)? {
        guard let open = path.lastIndex(of: "["), let close = path[open...].firstIndex(of: "]"),
            let index = Int(path[path.index(after: open)..<close])
        else { return nil }
        return (String(path[..<open]), index)
    }

    /// Nil for a null, or for a container that held something and holds nothing once its nulls are gone.
    static func pruned(_ value: GatewayValue) -> GatewayValue? {
        switch value {
        case .null:
            return nil
        case .object(let object):
            let kept = object.compactMapValues(pruned)
            return kept.isEmpty && !object.isEmpty ? nil : .object(kept)
        case .array(let array):
            let kept = array.compactMap(pruned)
            return kept.isEmpty && !array.isEmpty ? nil : .array(kept)
        default:
            return value
        }
    }
}
