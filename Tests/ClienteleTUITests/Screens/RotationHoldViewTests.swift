import ClienteleCore
import Foundation
import Testing
@testable import ClienteleTUI

/// The Rotations screen says plainly why an old secret is kept, and ending its grace shows the last use first.
struct RotationHoldViewTests {
    static let keyId = "0ccd1b1b-5b0e-4a51-9d6e-3f0b1d2c4e5f"

    /// A rotation in grace, held (or not) for its old secret's use two hours before the screen's clock.
    static func listing(held: Bool, until: Date?) throws -> RotationListing {
        let now = DemoFixture.now
        var fields: [String: Any] = [
            "id": 4, "clientRowId": 7, "step": "grace", "retiringKeyIds": [keyId], "newKeyId": "n-1",
            "newSecretDisplayName": "clientele rotation #4", "overlap": true, "graceSeconds": 7 * 86_400,
            "delivery": ["terminal": [String: String]()], "actor": "alice",
            "createdAt": (now - 8 * 86_400).timeIntervalSinceReferenceDate,
            "updatedAt": now.timeIntervalSinceReferenceDate, "deliveredAt": (now - 8 * 86_400).timeIntervalSinceReferenceDate,
            "graceExtendedSeconds": held ? 86_400 : 0, "graceEndedByOperator": false,
        ]
        if let until { fields["graceUntil"] = until.timeIntervalSinceReferenceDate }
        if held {
            fields["heldKeyId"] = keyId
            fields["heldLastUsedAt"] = (now - 7_200).timeIntervalSinceReferenceDate
        }
        let rotation = try JSONDecoder().decode(Rotation.self, from: JSONSerialization.data(withJSONObject: fields))
        return RotationListing(rotation: rotation, clientName: "billing-api", identityProvider: "entra",
                               retiringUse: SecretUse(keyId: keyId, at: now - 7_200))
    }

    static func rotationsScreen(_ listings: [RotationListing]) -> AppState {
        var state = UpdateTests.state(Size(width: 100, height: 24))
        state.screen = .rotations
        _ = RotationsUpdate.loaded(&state, listings)
        return state
    }

    @Test func aHeldRotationSaysWhichSecretIsStillUsedAndForHowLong() throws {
        let state = Self.rotationsScreen([try Self.listing(held: true, until: DemoFixture.now + 22 * 3_600)])
        let text = ConsoleRender.render(state).textLines.joined(separator: "\n")
        #expect(text.contains("held 22h 0m: used 2 h ago"), "\(text)")
    }

    @Test func aRotationHeldForAnOperatorSaysWhichKeyEndsIt() throws {
        let state = Self.rotationsScreen([try Self.listing(held: true, until: nil)])
        let text = ConsoleRender.render(state).textLines.joined(separator: "\n")
        #expect(text.contains("held: used 2 h ago; E ends it"), "\(text)")
    }

    @Test func endingTheGraceShowsTheLastUseBeforeAnythingHappens() throws {
        var state = Self.rotationsScreen([try Self.listing(held: true, until: nil)])
        let effects = RotationsUpdate.endGrace(&state)
        #expect(effects.isEmpty)
        guard case .confirm(let confirm)? = state.modal else { Issue.record("no confirmation"); return }
        #expect(confirm.lines.contains("Old secret 0ccd1b1b was last used 2 h ago,"))
        #expect(confirm.onConfirm.count == 1)
    }
}
