import ClienteleCore

/// Every difference between the registry and what each bound environment's gateway runs (policies) and holds
/// (client apps), grouped by environment, with the difference under the cursor.
public struct DriftState: Sendable {
    /// One selectable row, in the order the screen lists them.
    public enum Item: Equatable, Sendable {
        /// A policy difference of one environment's report.
        case policy(report: Int, difference: Int)
        /// A client-app difference, by its index in `apps`.
        case app(Int)
    }

    /// One environment's block on the screen: its policy report (when the gateways were read) and its client-app
    /// differences.
    struct Section: Equatable {
        var environment: String
        var gateway: String
        var report: Int?
        var apps: [Int]
    }

    /// Nil until the gateways were read once.
    public var reports: [GatewayDriftReport]?
    /// A read is under way (the reports shown, if any, are the previous read's).
    public var reading = false
    /// The client side: as last recorded until the gateways' answer comes, then as read.
    public var apps: [GatewayAppDifference] = []
    /// Whether `apps` come from a read of the gateways (else from the registry's record of the last one).
    public var appsRead = false
    /// The client side is being read.
    public var readingApps = false
    /// Gateways whose client side could not be read, with why (their recorded differences stay shown).
    public var appErrors: [String: String] = [:]
    public var items: [Item] = []
    public var cursor = ListCursor()

    public init() {}

    mutating func show(_ reports: [GatewayDriftReport], page: Int) {
        self.reports = reports
        reading = false
        rebuild(page: page)
    }

    /// The registry's record of the last read: shown at once, unless a read's answer is already on screen.
    mutating func showRecorded(_ differences: [GatewayAppDifference], page: Int) {
        guard !appsRead else { return }
        apps = differences
        rebuild(page: page)
    }

    /// The gateways' answer. A gateway that could not be read keeps what was shown for it, beside its error.
    mutating func showRead(_ reports: [GatewayAppReport], page: Int) {
        let failed = Set(reports.filter { $0.error != nil }.map(\.gateway))
        apps = reports.flatMap(\.differences) + apps.filter { failed.contains($0.gateway) }
        appErrors = Dictionary(reports.compactMap { report in report.error.map { (report.gateway, $0) } },
                               uniquingKeysWith: { first, _ in first })
        appsRead = true
        readingApps = false
        rebuild(page: page)
    }

    /// Environments in the policy reports' order, each with its client-app rows after its policy rows; then the
    /// environments only client apps mention (a gateway not read for policies yet, or one bound elsewhere).
    var sections: [Section] {
        var sections: [Section] = (reports ?? []).enumerated().map { index, report in
            Section(environment: report.environment, gateway: report.gateway, report: index, apps: [])
        }
        for (index, app) in apps.enumerated() {
            if let at = sections.firstIndex(where: { $0.environment == app.environment }) {
                sections[at].apps.append(index)
            } else {
                sections.append(Section(environment: app.environment, gateway: app.gateway, report: nil, apps: [index]))
            }
        }
        return sections
    }

    mutating func rebuild(page: Int) {
        items = sections.flatMap { section -> [Item] in
            let policies = section.report.map { report in
                (reports?[report].differences.indices ?? 0..<0).map { Item.policy(report: report, difference: $0) }
            } ?? []
            return policies + section.apps.map { .app($0) }
        }
        cursor.clamp(count: items.count, page: page)
    }

    var selectedItem: Item? { cursor.selected < items.count ? items[cursor.selected] : nil }

    /// The policy difference under the cursor (nil on a client-app row).
    public var selected: (report: GatewayDriftReport, difference: GatewayDifference)? {
        guard let reports, case .policy(let report, let difference)? = selectedItem else { return nil }
        return (reports[report], reports[report].differences[difference])
    }

    /// The client-app difference under the cursor (nil on a policy row).
    public var selectedApp: GatewayAppDifference? {
        guard case .app(let index)? = selectedItem, apps.indices.contains(index) else { return nil }
        return apps[index]
    }
}

extension GatewayDifference {
    /// Why `policy apply` will not push this difference, when it will not.
    var whyNotPushable: String? {
        isPushable ? nil : "not pushable: apply never deletes what Clientele does not manage"
    }

    /// The same, short enough for the Drift screen's key line.
    var pushKey: String { isPushable ? "p push" : "no push: not Clientele's to delete" }
    var adoptKey: String { isAdoptable ? "t adopt" : "no adopt: not loaded yet" }

    /// Why the gateway's side cannot be taken for this difference, when it cannot.
    var whyNotAdoptable: String? {
        isAdoptable ? nil : "not adoptable: written, not loaded by the gateway yet (the next apply's reload loads it)"
    }
}
