import Foundation

/// Changes to a whole classic API definition: Tyk's PUT replaces the definition, so Clientele reads it, changes
/// only the fields of the group it writes (and its own `config_data.clientele.owns` entry) and sends the rest back
/// as it came.
struct TykDefinitionEdit {
    var definition: GatewayValue

    mutating func set(_ value: GatewayValue, at path: String) {
        definition = Self.setting(value, in: definition, at: GatewayFieldPath.segments(path)[...])
    }

    mutating func remove(_ path: String) {
        definition = Self.setting(nil, in: definition, at: GatewayFieldPath.segments(path)[...])
    }

    /// Records in the definition whether Clientele owns the group, so another Clientele process knows it wrote it.
    mutating func own(_ element: TykElement, _ owned: Bool) {
        var owns = Set(Self.owned(in: definition))
        if owned { owns.insert(element.rawValue) } else { owns.remove(element.rawValue) }
        set(.strings(owns.sorted()), at: TykNaming.ownsPath)
    }

    static func owned(in definition: GatewayValue) -> [String] {
        definition[path: TykNaming.ownsPath]?.stringsValue ?? []
    }

    /// Sets (or, with nil, removes) the value at a key path, making objects on the way; a null or missing object
    /// on the way becomes an object, as Go's nil maps are written back.
    private static func setting(
        _ value: GatewayValue?, in current: GatewayValue?, at path: ArraySlice<GatewayFieldPath.Segment>
    ) -> GatewayValue {
        guard let first = path.first else { return value ?? .null }
        guard case .key(let key) = first else { return current ?? .null }
        var object = current?.objectValue ?? [:]
        if path.count == 1, value == nil {
            object[key] = nil
        } else {
            object[key] = setting(value, in: object[key], at: path.dropFirst())
        }
        return .object(object)
    }
}
