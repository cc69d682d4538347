import Foundation

/// What a policy's configuration may hold: its fields, their types, defaults and rules. The CLI's `--config
/// key=value`, the console's form and validation all read this one description.
public struct PolicySchema: Sendable {
    public let kind: PolicyKind
    public let summary: String
    public let fields: [PolicyField]
    /// Rules that span several fields (CORS forbids `*` with credentials).
    let crossCheck: @Sendable ([String: PolicyValue]) -> String?

    public func field(_ key: String) -> PolicyField? { fields.first { $0.key == key } }

    /// Validates raw `key=value` text into a configuration, or throws one line naming the policy and key.
    public func validate(_ raw: [String: String]) throws -> PolicyConfiguration {
        var values: [String: PolicyValue] = [:]
        for key in raw.keys.sorted() where field(key) == nil {
            throw ClienteleError.invalidInput(
                "\(kind.rawValue): unknown key '\(key)' (known: \(fields.map(\.key).joined(separator: ", ")))")
        }
        for field in fields {
            if let text = raw[field.key] {
                switch field.type.parse(text.trimmingCharacters(in: .whitespaces)) {
                case .success(let value): values[field.key] = value
                case .failure(let problem): throw ClienteleError.invalidInput("\(kind.rawValue): \(field.key) \(problem.text)")
                }
            } else if let defaultValue = field.defaultValue {
                values[field.key] = defaultValue
            } else if field.isRequired {
                throw ClienteleError.invalidInput(
                    "\(kind.rawValue): \(field.key) is required (\(field.help)); pass --config \(field.key)=…")
            }
        }
        if let problem = crossCheck(values) {
            throw ClienteleError.invalidInput("\(kind.rawValue): \(problem)")
        }
        return PolicyConfiguration(values)
    }

    /// Parses `["requests=100", "window=1m"]` and validates it.
    public func validate(pairs: [String]) throws -> PolicyConfiguration {
        var raw: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ClienteleError.invalidInput("\(kind.rawValue): '\(pair)' is not key=value")
            }
            let key = String(pair[..<equals]).trimmingCharacters(in: .whitespaces).lowercased()
            if raw[key] != nil { throw ClienteleError.invalidInput("\(kind.rawValue): \(key) is given twice") }
            raw[key] = String(pair[pair.index(after: equals)...])
        }
        return try validate(raw)
    }
}

public struct PolicyField: Sendable {
    public let key: String
    public let type: PolicyFieldType
    public let isRequired: Bool
    public let defaultValue: PolicyValue?
    public let help: String

    init(_ key: String, _ type: PolicyFieldType, required: Bool = false, default defaultValue: PolicyValue? = nil,
         help: String)
    {
        self.key = key
        self.type = type
        self.isRequired = required
        self.defaultValue = defaultValue
        self.help = help
    }
}

struct ValueProblem: Error { let text: String }

/// The type of one field, and how text becomes a value of it.
public enum PolicyFieldType: Sendable {
    case positiveInteger
    case nonNegativeInteger
    case boolean
    /// A duration within the closed range, in seconds.
    case duration(minimum: Int64, maximum: Int64)
    case choice([String])
    case url
    case text
    /// Comma-separated items, each checked by `item`; `nonEmpty` forbids an empty list.
    case list(item: PolicyListItem, nonEmpty: Bool)

    public var label: String {
        switch self {
        case .positiveInteger: return "integer > 0"
        case .nonNegativeInteger: return "integer ≥ 0"
        case .boolean: return "true|false"
        case .duration: return "duration (30s, 5m, 1h)"
        case .choice(let options): return options.joined(separator: "|")
        case .url: return "URL"
        case .text: return "text"
        case .list(let item, _): return "comma-separated \(item.label)s"
        }
    }

    func parse(_ text: String) -> Result<PolicyValue, ValueProblem> {
        switch self {
        case .positiveInteger, .nonNegativeInteger:
            guard let number = Int(text) else { return .failure(ValueProblem(text: "must be a whole number, not '\(text)'")) }
            if case .positiveInteger = self, number <= 0 { return .failure(ValueProblem(text: "must be > 0")) }
            if number < 0 { return .failure(ValueProblem(text: "must be ≥ 0")) }
            return .success(.integer(number))
        case .boolean:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .success(.boolean(true))
            case "false", "no", "off", "0": return .success(.boolean(false))
            default: return .failure(ValueProblem(text: "must be true or false, not '\(text)'"))
            }
        case .duration(let minimum, let maximum):
            guard let duration = DurationText(parsing: text) else {
                return .failure(ValueProblem(text: "'\(text)' is not \(DurationText.formatHint)"))
            }
            guard duration.seconds >= minimum, duration.seconds <= maximum else {
                return .failure(
                    ValueProblem(
                        text: "must be between \(DurationText(seconds: minimum)) and \(DurationText(seconds: maximum))"))
            }
            return .success(.text(duration.description))
        case .choice(let options):
            guard options.contains(text.lowercased()) else {
                return .failure(ValueProblem(text: "must be one of \(options.joined(separator: ", ")), not '\(text)'"))
            }
            return .success(.text(text.lowercased()))
        case .url:
            guard PolicyListItem.isHTTPURL(text) else {
                return .failure(ValueProblem(text: "must be an http(s) URL, not '\(text)'"))
            }
            return .success(.text(text))
        case .text:
            guard !text.isEmpty else { return .failure(ValueProblem(text: "must not be empty")) }
            guard !text.contains(where: { $0.isNewline }) else { return .failure(ValueProblem(text: "must be one line")) }
            return .success(.text(text))
        case .list(let item, let nonEmpty):
            let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if nonEmpty && items.isEmpty { return .failure(ValueProblem(text: "needs at least one \(item.label)")) }
            for entry in items {
                if let problem = item.problem(with: entry) {
                    return .failure(ValueProblem(text: "has \(problem)"))
                }
            }
            return .success(.list(items))
        }
    }
}
