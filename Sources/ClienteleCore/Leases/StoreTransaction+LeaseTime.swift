import Foundation

extension StoreTransaction {
    /// The time leases are measured by, read inside the transaction that claims, renews or judges one: every
    /// process sharing the registry must read the same clock, or a host whose clock runs ahead takes over a live
    /// holder's lease. On SQLite every process is on the one machine and reads its clock. On PostgreSQL hosts may
    /// disagree, so the database's clock serves, as HashiCorp Vault's PostgreSQL HA lock does ("using central
    /// postgres clock"). `clock_timestamp()`, not `now()`: `now()` is when the transaction began, and a write may
    /// have queued for the writers' lock since.
    func leaseTime() throws -> Date {
        switch dialect {
        case .sqlite: return Date()
        case .postgres:
            guard let time = try fetchOne("SELECT clock_timestamp()", [], { try $0.date(0) }) else {
                throw StoreRowError.null(column: 0)
            }
            return time
        }
    }
}
