import ClienteleCore

/// The form for a policy's configuration, built from the catalog's schema: one field per key, validated as the
/// operator types.
public struct PolicyFormState: Sendable {
    public var policy: PolicyKind
    public var environment: String
    public var values: [TextField]
    /// The field with focus; `values.count` and `values.count + 1` are the Preview and Cancel buttons.
    public var focus = 0
    public var error: String?
    public var isReconfiguring: Bool

    public init(policy: PolicyKind, environment: String, existing: PolicyConfiguration?) {
        self.policy = policy
        self.environment = environment
        self.isReconfiguring = existing != nil
        let schema = PolicyCatalog.schema(for: policy)
        values = schema.fields.map { field in
            TextField(existing?[field.key]?.description ?? field.defaultValue?.description ?? "")
        }
        error = validate()
    }

    public var schema: PolicySchema { PolicyCatalog.schema(for: policy) }
    public var previewButton: Int { values.count }
    public var cancelButton: Int { values.count + 1 }

    /// The `key=value` pairs the core validates; empty optional fields are left out.
    public var pairs: [String] {
        zip(schema.fields, values).compactMap { field, value in
            let text = value.text.trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : "\(field.key)=\(text)"
        }
    }

    /// The core's own validation, so the form accepts exactly what the CLI accepts.
    public func validate() -> String? {
        do {
            _ = try schema.validate(pairs: pairs)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    /// The key the current error is about, to mark its field.
    public var errorKey: String? {
        guard let error else { return nil }
        return schema.fields.map(\.key).sorted { $0.count > $1.count }.first { error.contains(" \($0) ") || error.contains(": \($0)") }
    }

    public var request: PolicyChangeRequest {
        PolicyChangeRequest(policy: policy, environment: environment, intent: .assign(pairs: pairs, position: nil))
    }
}
