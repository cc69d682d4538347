/// What differs between the two engines' SQL, kept to the few forms the registry needs. Store statements are
/// written once, with `?` placeholders and SQL both engines accept (`ON CONFLICT … DO UPDATE`, `RETURNING`,
/// `IS NOT DISTINCT FROM`, `TRUE`/`FALSE`); where the engines differ they ask the dialect.
enum StoreDialect: Sendable {
    case sqlite
    case postgres

    /// Case-insensitive pattern match: SQLite's LIKE already ignores ASCII case, PostgreSQL's does not.
    var caseInsensitiveLike: String {
        switch self {
        case .sqlite: return "LIKE"
        case .postgres: return "ILIKE"
        }
    }

    /// `expression` compared and ordered without regard to ASCII case, as the registry's names are:
    /// `\(d.caseInsensitive("name")) = \(d.caseInsensitive("?"))`, or in an ORDER BY.
    func caseInsensitive(_ expression: String) -> String {
        switch self {
        case .sqlite: return "\(expression) COLLATE NOCASE"
        case .postgres: return "lower(\(expression))"
        }
    }

    /// A stored date as seconds since 1970 (a Double), computed by the engine: far cheaper than decoding 100k
    /// dates in Swift when only their order or distance matters.
    func epochSeconds(_ expression: String) -> String {
        switch self {
        case .sqlite: return "((julianday(\(expression)) - 2440587.5) * 86400.0)"
        case .postgres: return "CAST(EXTRACT(EPOCH FROM \(expression)) AS DOUBLE PRECISION)"
        }
    }

    /// Ends a SELECT that claims the rows it answers: PostgreSQL locks them and passes over rows another
    /// transaction has locked this instant, rather than queueing behind it. SQLite has one writer at a time, so
    /// no row is ever locked by another and nothing is needed.
    var lockingRowsSkippingLocked: String {
        switch self {
        case .sqlite: return ""
        case .postgres: return "FOR UPDATE SKIP LOCKED"
        }
    }

    /// The values of `expression` over a group, joined by `separator` (a literal without quotes).
    func groupConcat(_ expression: String, separator: String) -> String {
        switch self {
        case .sqlite: return "group_concat(\(expression), '\(separator)')"
        case .postgres: return "string_agg(CAST(\(expression) AS TEXT), '\(separator)')"
        }
    }

    /// The statement as the engine takes it: PostgreSQL numbers its placeholders (`$1`), SQLite takes `?`.
    func prepared(_ sql: String) -> String {
        switch self {
        case .sqlite: return sql
        case .postgres: return Self.numberingPlaceholders(sql)
        }
    }

    /// Rewrites each `?` outside quotes and comments as `$1`, `$2`, …
    static func numberingPlaceholders(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character? = nil
        var previous: Character? = nil
        var inLineComment = false
        for character in sql {
            if inLineComment {
                if character == "\n" { inLineComment = false }
            } else if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "-" && previous == "-" {
                inLineComment = true
            } else if character == "?" {
                number += 1
                result += "$\(number)"
                previous = character
                continue
            }
            result.append(character)
            previous = character
        }
        return result
    }
}
