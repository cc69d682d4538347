import ClienteleCore

/// Every difference between the registry and what each bound environment's gateway runs, grouped by
/// environment, with the difference under the cursor.
public struct DriftState: Sendable {
    /// One selectable row: a difference of one environment's report.
    public struct Item: Equatable, Sendable {
        public var report: Int
        public var difference: Int
    }

    /// Nil until the gateways were read once.
    public var reports: [GatewayDriftReport]?
    /// A read is under way (the reports shown, if any, are the previous read's).
    public var reading = false
    public var items: [Item] = []
    public var cursor = ListCursor()

    public init() {}

    mutating func show(_ reports: [GatewayDriftReport], page: Int) {
        self.reports = reports
        reading = false
        items = reports.enumerated().flatMap { index, report in
            report.differences.indices.map { Item(report: index, difference: $0) }
        }
        cursor.clamp(count: items.count, page: page)
    }

    public var selected: (report: GatewayDriftReport, difference: GatewayDifference)? {
        guard let reports, cursor.selected < items.count else { return nil }
        let item = items[cursor.selected]
        return (reports[item.report], reports[item.report].differences[item.difference])
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
