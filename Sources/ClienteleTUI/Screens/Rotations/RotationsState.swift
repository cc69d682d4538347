import ClienteleCore

/// Open rotations first, then recent finished ones.
public struct RotationsState: Sendable {
    public var listings: [RotationListing] = []
    public var loaded = false
    public var cursor = ListCursor()

    public init() {}

    public var selected: RotationListing? {
        cursor.selected < listings.count ? listings[cursor.selected] : nil
    }
}
