import Foundation

/// SplitMix64: a tiny, well-studied generator, so `demo --seed S` builds the same registry everywhere.
/// Only for demo data: secrets come from `SystemRandomNumberGenerator`.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uuid() -> String {
        // Hex by hand: String(format:) costs more than the rest of the demo build at 100k clients.
        var bytes = [UInt8](repeating: 0, count: 36)
        let digits = Array("0123456789abcdef".utf8)
        var bits = (next(), next())
        var index = 0
        for position in 0..<36 {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                bytes[position] = UInt8(ascii: "-")
                continue
            }
            var nibble: UInt8
            if index < 16 {
                nibble = UInt8(bits.0 & 0xF)
                bits.0 >>= 4
            } else {
                nibble = UInt8(bits.1 & 0xF)
                bits.1 >>= 4
            }
            index += 1
            // Version 4 and the RFC 4122 variant, so the ids look like the ones Entra issues.
            if position == 14 { nibble = 4 }
            if position == 19 { nibble = 8 | (nibble & 3) }
            bytes[position] = digits[Int(nibble)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
