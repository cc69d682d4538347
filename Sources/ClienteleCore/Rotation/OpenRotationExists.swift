/// Planning found the client's open rotation, planned by another process since the caller looked: the caller
/// goes on with that one (or reports who holds it) rather than start a second.
struct OpenRotationExists: StoreFinding {
    let rotation: Rotation
}
