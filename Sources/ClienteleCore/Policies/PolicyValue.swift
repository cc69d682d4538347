import Foundation

/// One validated configuration value. Stored as plain JSON (numbers, booleans, strings, arrays of strings) so the
/// registry stays readable with the sqlite3 shell.
public enum PolicyValue: Codable, Sendable, Hashable, CustomStringConvertible {
    case integer(Int)
    case boolean(Bool)
    case text(String)
    case list([String])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode([String].self) {
            self = .list(value)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        }
    }

    /// The value as an operator would type it after `key=`.
    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .boolean(let value): return value ? "true" : "false"
        case .text(let value): return value
        case .list(let value): return value.joined(separator: ",")
        }
    }
}

/// A policy's validated configuration: every key known to the policy's schema, with defaults filled in.
public struct PolicyConfiguration: Codable, Sendable, Hashable {
    public var values: [String: PolicyValue]

    public init(_ values: [String: PolicyValue] = [:]) { self.values = values }

    public subscript(key: String) -> PolicyValue? { values[key] }

    public init(from decoder: Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: PolicyValue].self)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    /// `key=value` pairs in schema order, the form the CLI accepts back.
    public func pairs(orderedBy schema: PolicySchema) -> [(String, String)] {
        schema.fields.compactMap { field in values[field.key].map { (field.key, $0.description) } }
    }
}
