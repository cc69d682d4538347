extension StoreDialect {
    /// `column` equal to one bound name, ignoring ASCII case, as the registry compares the names people type
    /// (an IdP, an environment, a client's display name).
    func matchingName(_ column: String) -> String {
        "\(caseInsensitive(column)) = \(caseInsensitive("?"))"
    }
}
