import ClienteleCore
import Testing
@testable import ClienteleTUI

/// Patching the clients index with other processes' changes leaves it as a fresh build of the same rows would be:
/// the same name order, the same matches, the same sorts.
@Suite struct ClientIndexChangesTests {
    static func row(_ id: Int64, _ name: String, expiry: Double? = nil) -> ConsoleClientRow {
        ClientIndexTests.row(id, name, expiry: expiry)
    }

    static func expectSame(_ patched: ClientIndex, as rows: [ConsoleClientRow], sourceLocation: SourceLocation = #_sourceLocation) {
        let fresh = ClientIndex(rows: rows, identityProviders: [], environments: [], complete: true)
        func ids(_ index: ClientIndex, _ order: [Int32]) -> [Int64] { order.map { index.rows[Int($0)].id } }
        #expect(Set(patched.rows) == Set(fresh.rows), sourceLocation: sourceLocation)
        #expect(ids(patched, patched.nameOrder) == ids(fresh, fresh.nameOrder), sourceLocation: sourceLocation)
        for sort in ClientSort.allCases {
            #expect(ids(patched, patched.order(by: sort, descending: false))
                    == ids(fresh, fresh.order(by: sort, descending: false)), sourceLocation: sourceLocation)
        }
        for query in ["pa", "zz", "cid-7", "ppl", "e"] {
            let bytes = ClientIndex.queryBytes(query)
            let a = patched.matches(bytes, in: patched.nameOrder), b = fresh.matches(bytes, in: fresh.nameOrder)
            #expect(ids(patched, a.substring) == ids(fresh, b.substring), sourceLocation: sourceLocation)
            #expect(ids(patched, a.fuzzy) == ids(fresh, b.fuzzy), sourceLocation: sourceLocation)
        }
    }

    @Test func aNewARenamedAChangedAndARemovedClientEachLandWhereAFreshBuildPutsThem() {
        let start = ClientIndexTests.index
        var rows = start.rows
        // New, sorting between two others; renamed, moving to the end; expiry changed in place; one removed.
        let added = Self.row(7, "Pearl-api", expiry: 50)
        let renamed = Self.row(2, "zz-orders", expiry: 100)
        let soon = Self.row(3, "paypal-sync", expiry: 10)
        let patched = start.applying(changed: [added, renamed, soon], removed: [4])
        rows.removeAll { $0.id == 4 }
        rows = rows.map { $0.id == 2 ? renamed : $0.id == 3 ? soon : $0 } + [added]
        Self.expectSame(patched, as: rows)

        // A name shared with another row keeps the tie-break a fresh build gives.
        let twin = Self.row(8, "paypal-sync")
        Self.expectSame(patched.applying(changed: [twin], removed: []), as: rows + [twin])
        // Gone and back again, and a removal of what was never there.
        Self.expectSame(patched.applying(changed: [], removed: [7, 99]), as: rows.filter { $0.id != 7 })
    }

    @Test func changesThatKeepEveryRowsTextAreSwappedInPlaceAndStillSortAndMatchAsAFreshBuild() {
        let start = ClientIndexTests.index
        // Expiries moved and nothing renamed: the rows change, the packed text and name order are kept.
        let soon = Self.row(3, "paypal-sync", expiry: 1)
        let later = Self.row(1, start.rows.first { $0.id == 1 }!.displayName, expiry: 9_999)
        let patched = start.applying(changed: [soon, later], removed: [])
        #expect(patched.nameOrder == start.nameOrder)
        Self.expectSame(patched, as: start.rows.map { $0.id == 3 ? soon : $0.id == 1 ? later : $0 })
        // The same id twice in one batch: the last one stands, as when the feed is applied row by row.
        let again = Self.row(3, "paypal-sync", expiry: 2)
        Self.expectSame(patched.applying(changed: [soon, again], removed: []),
                        as: patched.rows.map { $0.id == 3 ? again : $0 })
    }

    @Test func manyChangesAtOnceAreSortedRatherThanInserted() {
        let start = ClientIndexTests.index
        let many = (100..<300).map { Self.row(Int64($0), "bulk-\($0 * 7919 % 1000)") }
        Self.expectSame(start.applying(changed: many, removed: [1]), as: start.rows.filter { $0.id != 1 } + many)
    }

    @Test func theListPatchedInPlaceKeepsItsOrderOrSortsAgainWhenTheSortSeesTheChange() {
        var clients = ClientsState()
        clients.load(ClientIndexTests.index, page: 10)
        func shown(_ clients: ClientsState) -> [Int64] { clients.visible.map { clients.index!.rows[Int($0)].id } }
        let byName = shown(clients)
        // By name, an expiry moving changes no place.
        let movedExpiry = clients.replaceInPlace([Self.row(2, "orders-service", expiry: 1)], page: 10)
        #expect(movedExpiry)
        #expect(shown(clients) == byName)
        #expect(clients.index?.rows.first { $0.id == 2 }?.nextExpiry == 1)

        // By expiry, it does: the list is sorted again, as a fresh load would be.
        clients.sort = .expiry
        clients.rebuild(page: 10)
        let movedFirst = clients.replaceInPlace([Self.row(3, "paypal-sync", expiry: 0.5)], page: 10)
        #expect(movedFirst)
        var fresh = ClientsState()
        fresh.sort = .expiry
        fresh.load(clients.index!.applying(changed: [], removed: []), page: 10)
        #expect(shown(clients) == shown(fresh))
        #expect(shown(clients).first == 3)

        // A rename is not patched in place: it must find its place by name again.
        let renamed = clients.replaceInPlace([Self.row(3, "aardvark")], page: 10)
        #expect(!renamed)
        #expect(clients.index?.rows.first { $0.id == 3 }?.displayName == "paypal-sync")
    }
}
