import Testing
@testable import ClienteleCore

@Suite struct StoreDialectTests {
    @Test func postgresNumbersPlaceholdersOutsideQuotesAndComments() {
        let sql = "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = ? AND b IN (?, ?)"
        #expect(StoreDialect.postgres.prepared(sql)
            == "SELECT '?', \"a?\" FROM t -- why?\nWHERE a = $1 AND b IN ($2, $3)")
        #expect(StoreDialect.sqlite.prepared(sql) == sql)
    }

    @Test func anEscapedQuoteInsideALiteralKeepsItOpen() {
        #expect(StoreDialect.numberingPlaceholders("SELECT 'it''s ?' WHERE x = ?") == "SELECT 'it''s ?' WHERE x = $1")
    }
}
