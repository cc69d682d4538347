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

    @Test func sortsByExpiryWithNeverLast() {
        let order = Self.index.order(by: .expiry, descending: false).map { Self.index.rows[Int($0)].id }
        #expect(order == [2, 4, 1, 3, 5])
        let secrets = Self.index.order(by: .secrets, descending: false).map { Self.index.rows[Int($0)].id }
        #expect(secrets.first == 4)
    }
}
