import Foundation

/// Reads many things from one organization a few at a time: enough to hide latency, few enough not to be
/// throttled. Results come back in the order of the inputs, whatever order the answers arrive in.
enum AnypointConcurrentReads {
    static let width = 8

    static func map<Input: Sendable, Output: Sendable>(
        _ inputs: [Input], _ read: @escaping @Sendable (Input) async throws -> Output
    ) async throws -> [Output] {
        var results: [Output] = []
        results.reserveCapacity(inputs.count)
        for start in stride(from: 0, to: inputs.count, by: width) {
            let batch = Array(inputs[start..<min(start + width, inputs.count)])
            try await withThrowingTaskGroup(of: (Int, Output).self) { group in
                for (index, input) in batch.enumerated() {
                    group.addTask { (index, try await read(input)) }
                }
                var ordered = [Output?](repeating: nil, count: batch.count)
                for try await (index, output) in group { ordered[index] = output }
                results += ordered.compactMap { $0 }
            }
        }
        return results
    }
}
