extension Environment {
    /// The ORDER BY terms environments are listed in: their chosen position, then name (the unique id breaks ties
    /// on engines whose name order differs).
    static func displayOrder(_ dialect: StoreDialect, table: String? = nil) -> String {
        let prefix = table.map { "\($0)." } ?? ""
        return "\(prefix)position, \(dialect.caseInsensitive("\(prefix)name")), \(prefix)id"
    }
}
