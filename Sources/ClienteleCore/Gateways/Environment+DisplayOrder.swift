extension Environment {
    /// The ORDER BY terms environments are listed in, as `orderedForDisplay()` orders them for GRDB: their chosen
    /// position, then name regardless of case, then id so both engines agree on every tie.
    static func displayOrder(_ dialect: StoreDialect, table: String? = nil) -> String {
        let prefix = table.map { "\($0)." } ?? ""
        return "\(prefix)position, \(dialect.caseInsensitive("\(prefix)name")), \(prefix)id"
    }
}
