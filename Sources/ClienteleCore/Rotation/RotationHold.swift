import Foundation

/// Retirement that waits for the callers. When a grace period ends, the IdP's record of use decides: an old secret
/// used after the new one was delivered (and, once held, used again since the last look) still has a caller, so
/// the rotation holds and its grace is pushed out by `step`, up to `max` in all. Past that, the rotation waits for
/// an operator (`rotations advance N --end-grace`); it never removes a secret in use on its own.
///
/// "Used since the last look" rather than "used after delivery": a last use only moves forward, so a caller that
/// switched late would otherwise hold the rotation for ever.
struct RotationHold: Sendable {
    let step: DurationText
    let max: DurationText

    enum Decision: Equatable {
        /// Nobody used an old secret since the new one was delivered (or since the last hold): retire them.
        case retire
        /// Push the grace out to `until`.
        case extend(keyId: String, lastUsedAt: Date, until: Date)
        /// The hold-max is spent: wait for an operator.
        case awaitOperator(keyId: String, lastUsedAt: Date)
    }

    /// Decides from the IdP's report; a report that cannot say retires as before (nobody can tell).
    func decide(_ rotation: Rotation, report: SecretUsageReport, now: Date) -> Decision {
        guard case .available(let lastUsed) = report else { return .retire }
        let since = Swift.max(rotation.heldLastUsedAt ?? .distantPast, rotation.callersHadNewSecretAt)
        let inUse = rotation.retiringKeyIds
            .compactMap { keyId in lastUsed[keyId].map { (keyId: keyId, at: $0) } }
            // Newer by more than the registry keeps: Graph's report sends more digits than the stored milliseconds,
            // and a stored time reads back as a binary fraction a hair below its millisecond (….123 as ….12299…), so
            // the same sign-in read again must not look newer than the one recorded at the last hold.
            .filter { $0.at.timeIntervalSince(since) >= Self.registryResolution }
            .max { $0.at < $1.at }
        guard let inUse else { return .retire }
        if rotation.graceExtendedSeconds + step.seconds <= max.seconds {
            return .extend(keyId: inUse.keyId, lastUsedAt: inUse.at, until: now + step.timeInterval)
        }
        return .awaitOperator(keyId: inUse.keyId, lastUsedAt: inUse.at)
    }


    /// What the registry keeps of a time on either engine: milliseconds.
    static let registryResolution: TimeInterval = 0.001

    /// "old secret 0ccd1b1b used 2 h ago: holding until …", for `rotations list`, summaries and the console.
    static func text(keyId: String, lastUsedAt: Date, until: Date?, rotationId: Int64, now: Date) -> String {
        let head = "old secret \(keyId.prefix(8)) used \(ElapsedText.since(lastUsedAt, now: now))"
        guard let until else {
            return "\(head): held for an operator (the hold-max is spent); `clientele rotations advance \(rotationId) --end-grace --yes` removes it anyway"
        }
        return "\(head): holding until \(Timestamp.local(until)) (a caller has not switched to the new secret)"
    }
}

extension Rotation {
    /// When callers could first have used the new secret: its delivery, or for a rotation recorded before
    /// deliveries were timed, the start of its grace (delivery came before it).
    var callersHadNewSecretAt: Date {
        deliveredAt ?? (graceUntil ?? updatedAt) - TimeInterval(graceSeconds + graceExtendedSeconds)
    }
}

extension RotationListing {
    /// What holds the old secret back, for lists: "old secret 0ccd1b1b used 2 h ago: holding until …" once the
    /// rotation is held, or the use seen since delivery while its grace still runs.
    public func holdText(now: Date) -> String? {
        guard rotation.step == .grace, let use = retiringUse else { return nil }
        guard rotation.heldKeyId != nil else {
            return "old secret \(use.keyId.prefix(8)) used \(ElapsedText.since(use.at, now: now)), after the new secret was delivered"
        }
        return RotationHold.text(keyId: use.keyId, lastUsedAt: use.at, until: rotation.graceUntil,
                                 rotationId: rotation.id ?? 0, now: now)
    }
}
