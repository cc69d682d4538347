extension StoreDialect {
    /// The date `minutes` (an integer expression) before `date` (a stored date or a bound one), computed by the
    /// engine, so one UPDATE can spread dates over many rows.
    func date(_ date: String, minusMinutes minutes: String) -> String {
        switch self {
        // The text form GRDB stores dates in, so the result orders and reads like any other stored date.
        case .sqlite: return "strftime('%Y-%m-%d %H:%M:%f', \(date), '-' || (\(minutes)) || ' minutes')"
        case .postgres: return "(CAST(\(date) AS TIMESTAMPTZ) - (\(minutes)) * INTERVAL '1 minute')"
        }
    }
}
