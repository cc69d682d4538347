import Foundation

/// A JSON value as a gateway holds it (a Kong plugin's `config`, an Anypoint `configurationData`, a Tyk API
/// definition's fields). Gateways speak JSON, and comparing what they run with what Clientele wants is comparing
/// JSON, so this is the one representation the mappings, the differ and the recorded apply steps share.
public indirect enum GatewayValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// JSON numbers; whole numbers print without a fraction (`100`, not `100.0`).
    case number(Double)
    case string(String)
    case array([GatewayValue])
    case object([String: GatewayValue])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([GatewayValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: GatewayValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value == value.rounded(), abs(value) < 9e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public static func int(_ value: Int) -> GatewayValue { .number(Double(value)) }
    public static func strings(_ values: [String]) -> GatewayValue { .array(values.map(GatewayValue.string)) }

    /// Compact JSON, keys sorted: how a field's value is shown in plans and drift (`100`, `["GET","POST"]`).
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    public var stringValue: String? { if case .string(let value) = self { return value } else { return nil } }
    public var numberValue: Double? { if case .number(let value) = self { return value } else { return nil } }
    public var intValue: Int? { numberValue.flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil } }
    public var boolValue: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    public var arrayValue: [GatewayValue]? { if case .array(let value) = self { return value } else { return nil } }
    public var objectValue: [String: GatewayValue]? { if case .object(let value) = self { return value } else { return nil } }
    public var stringsValue: [String]? { arrayValue?.compactMap(\.stringValue) }

    /// The value at a dotted path (`config.minute`, `rateLimits[0].maximumRequests`), or nil where there is none.
    public subscript(path path: String) -> GatewayValue? {
        var current: GatewayValue? = self
        for segment in GatewayFieldPath.segments(path) {
            switch (segment, current) {
            case (.key(let key), .object(let object)?): current = object[key]
            case (.index(let index), .array(let array)?): current = array.indices.contains(index) ? array[index] : nil
            default: return nil
            }
        }
        return current
    }
}

/// Dotted paths into a JSON value: `config.minute`, `rateLimits[0].maximumRequests`. Plans and drift name fields
/// this way, in the gateway's own terms.
enum GatewayFieldPath {
    enum Segment: Equatable { case key(String), index(Int) }

    static func segments(_ path: String) -> [Segment] {
        var segments: [Segment] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var text = Substring(part)
            if let bracket = text.firstIndex(of: "[") {
                if bracket != text.startIndex { segments.append(.key(String(text[..<bracket]))) }
                text = text[bracket...]
                while text.hasPrefix("["), let close = text.firstIndex(of: "]"),
                    let index = Int(text[text.index(after: text.startIndex)..<close])
                {
                    segments.append(.index(index))
                    text = text[text.index(after: close)...]
                }
            } else {
                segments.append(.key(String(text)))
            }
        }
        return segments
    }
}
