import Foundation

/// Settings of a Clientele policy that no field of the Kong plugin holds, kept on the plugin as tags
/// (`clientele.jwks-url=https:%2F%2Fidp.example%2Fkeys`) so drift, adopt and decK exports still see them. In an
/// element's `fields` they are `clientele.<name>` (a string each). Kong's tag rule (kong/db/schema/typedefs.lua,
/// the tag validator) allows printable ASCII except `,` and `/`, so those, `%` and anything else outside that range
/// are percent-encoded.
enum KongNoteTags {
    static let fieldPrefix = "clientele."
    static let tagPrefix = "clientele."

    static func tags(from fields: [String: GatewayValue]) -> [String] {
        fields.keys.sorted().compactMap { path in
            guard path.hasPrefix(fieldPrefix), let text = fields[path]?.stringValue else { return nil }
            return "\(tagPrefix)\(path.dropFirst(fieldPrefix.count))=\(encode(text))"
        }
    }

    static func fields(from tags: [String]) -> [String: GatewayValue] {
        var fields: [String: GatewayValue] = [:]
        for tag in tags where tag.hasPrefix(tagPrefix) {
            let rest = tag.dropFirst(tagPrefix.count)
            guard let equals = rest.firstIndex(of: "="), equals != rest.startIndex else { continue }
            let value = String(rest[rest.index(after: equals)...])
            fields[fieldPrefix + rest[..<equals]] = .string(value.removingPercentEncoding ?? value)
        }
        return fields
    }

    static func isNote(_ tag: String) -> Bool { tag.hasPrefix(tagPrefix) }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet()
        for scalar in (0x21...0x7E).compactMap(Unicode.Scalar.init) where !",/%".unicodeScalars.contains(scalar) {
            allowed.insert(scalar)
        }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
