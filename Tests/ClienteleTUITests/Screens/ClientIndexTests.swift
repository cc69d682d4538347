import ClienteleCore
import Testing
@testable import ClienteleTUI

struct ClientIndexTests {
    static func row(_ id: Int64, _ name: String, expiry: Double? = nil, secrets: Int = 1) -> ConsoleClientRow {
        ConsoleClientRow(id: id, displayName: name, clientId: "cid-\(id)", ownerTeam: nil, identityProviderId: 1,
                         environmentIds: [], activeSecrets: secrets, nextExpiry: expiry)
    }

    static let index = ClientIndex(
        rows: [row(1, "Payments-API", expiry: 300), row(2, "orders-service", expiry: 100), row(3, "paypal-sync"),
               row(4, "people-app", expiry: 200, secrets: 3), row(5, "支付-gateway")],
        identityProviders: [], environments: [], complete: true)

    @Test func ordersByNameCaseInsensitively() {
        #expect(Self.index.nameOrder.map { Self.index.rows[Int($0)].id } == [2, 1, 3, 4, 5])
    }

    @Test func substringMatchesComeBeforeFuzzyOnes() {
        let (substring, fuzzy) = Self.index.matches(ClientIndex.queryBytes("PAY"), in: Self.index.nameOrder)
        #expect(substring.map { Self.index.rows[Int($0)].id } == [1, 3])
        #expect(fuzzy.isEmpty)
        let (_, fuzzyPeople) = Self.index.matches(ClientIndex.queryBytes("ppp"), in: Self.index.nameOrder)
        #expect(fuzzyPeople.map { Self.index.rows[Int($0)].id } == [4])
        let (cjk, _) = Self.index.matches(ClientIndex.queryBytes("支付"), in: Self.index.nameOrder)
        #expect(cjk.map { Self.index.rows[Int($0)].id } == [5])
        let (byClientId, _) = Self.index.matches(ClientIndex.queryBytes("cid-4"), in: Self.index.nameOrder)
        #expect(byClientId.map { Self.index.rows[Int($0)].id } == [4])
    }

    @Test func narrowingAsYouTypeMatchesFilteringFromScratch() {
        var typed = ClientsState()
        typed.index = Self.index
        typed.rebuild(page: 10)
        for character in "pa" {
            typed.filter.handle(.character(character))
            typed.refilter(page: 10)
        }
        var fresh = ClientsState()
        fresh.index = Self.index
        fresh.filter = TextField("pa")
        fresh.rebuild(page: 10)
        #expect(typed.visible == fresh.visible)
        // Backspace restores the shorter query's result exactly.
        typed.filter.handle(.backspace)
        typed.refilter(page: 10)
        var freshP = ClientsState()
        freshP.index = Self.index
        freshP.filter = TextField("p")
        freshP.rebuild(page: 10)
        #expect(typed.visible == freshP.visible)
        typed.filter.handle(.character("e"))
        typed.refilter(page: 10)
        var freshPe = ClientsState()
        freshPe.index = Self.index
        freshPe.filter = TextField("pe")
        freshPe.rebuild(page: 10)
        #expect(typed.visible == freshPe.visible)
    }

    /// The masks and the hand-written scan against the plain definition, on names full of characters that share
    /// mask bits (accents, CJK, punctuation) as well as ones with bits of their own.
    @Test func matchesAgreeWithThePlainDefinitionOnRandomText() {
        // `@` and `(` share a mask bit, as do the UTF-8 bytes of `é` and `支` with others.
        let alphabet = Array("abcxyz019-_. é支@(#:/AB")
        var random = SystemRandomNumberGenerator()
        func text(_ length: Int) -> String {
            String((0..<length).map { _ in alphabet.randomElement(using: &random)! })
        }
        let rows = (0..<400).map { id in
            ConsoleClientRow(id: Int64(id), displayName: text(Int.random(in: 1...14, using: &random)),
                             clientId: text(6), ownerTeam: id % 3 == 0 ? text(4) : nil, identityProviderId: 1,
                             environmentIds: [], activeSecrets: 1, nextExpiry: nil)
        }
        let index = ClientIndex(rows: rows, identityProviders: [], environments: [], complete: true)
        func isSubsequence(_ needle: [UInt8], _ hay: [UInt8]) -> Bool {
            var iterator = needle.makeIterator()
            var next = iterator.next()
            for byte in hay where byte == next { next = iterator.next() }
            return next == nil
        }
        func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
            guard hay.count >= needle.count else { return false }
            return (0...(hay.count - needle.count)).contains { Array(hay[$0..<$0 + needle.count]) == needle }
        }
        for _ in 0..<300 {
            let query = ClientIndex.queryBytes(text(Int.random(in: 1...3, using: &random)))
            let (substring, fuzzy) = index.matches(query, in: index.nameOrder)
            var expectedSubstring: [Int32] = []
            var expectedFuzzy: [Int32] = []
            for row in index.nameOrder {
                let client = index.rows[Int(row)]
                let fields = [client.displayName, client.clientId] + (client.ownerTeam.map { [$0] } ?? [])
                let texts = fields.map { ClientIndex.queryBytes($0) }
                if texts.contains(where: { contains($0, query) }) {
                    expectedSubstring.append(row)
                } else if query.count > 1 && isSubsequence(query, texts[0]) {
                    expectedFuzzy.append(row)
                }
            }
            #expect(substring == expectedSubstring, "query \(String(decoding: query, as: UTF8.self))")
            #expect(fuzzy == expectedFuzzy, "query \(String(decoding: query, as: UTF8.self))")
        }
    }

    @Test func sortsByExpiryWithNeverLast() {
        let order = Self.index.order(by: .expiry, descending: false).map { Self.index.rows[Int($0)].id }
        #expect(order == [2, 4, 1, 3, 5])
        let secrets = Self.index.order(by: .secrets, descending: false).map { Self.index.rows[Int($0)].id }
        #expect(secrets.first == 4)
    }
}
