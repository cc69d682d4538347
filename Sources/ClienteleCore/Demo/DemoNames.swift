import Foundation

/// Word lists for believable client names: `orders-api`, `acme-partner-portal`, `payments-batch-prod`.
enum DemoNames {
    static let systems = [
        "orders", "payments", "billing", "inventory", "shipping", "catalog", "customers", "loyalty", "pricing",
        "search", "checkout", "returns", "invoicing", "ledger", "fraud", "kyc", "notifications", "reporting",
        "warehouse", "claims", "policies", "quotes", "accounts", "cards", "transfers", "statements", "onboarding",
        "identity", "documents", "scheduling",
    ]
    static let kinds = ["api", "service", "batch", "portal", "sync", "worker", "gateway", "app", "connector", "job"]
    static let partners = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell", "cyberdyne",
                           "soylent"]
    static let teams = ["team-payments", "team-core", "team-mobile", "team-partners", "team-data", "team-platform",
                        "team-risk", "team-retail"]
    /// A few names that exercise the console's text handling: accents, CJK (double width), an emoji.
    static let unusual = ["café-orders-api", "支付-gateway", "données-sync", "🚚-shipping-bot"]

    static func name(index: Int, random: inout SeededRandom) -> String {
        if index < unusual.count * 15, index % 15 == 7 { return unusual[index / 15] }
        let system = systems[Int(random.next() % UInt64(systems.count))]
        let kind = kinds[Int(random.next() % UInt64(kinds.count))]
        if random.next() % 5 == 0 {
            let partner = partners[Int(random.next() % UInt64(partners.count))]
            return "\(partner)-\(system)-\(kind)"
        }
        return "\(system)-\(kind)"
    }
}
