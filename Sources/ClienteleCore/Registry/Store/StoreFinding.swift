/// What a store operation found that makes it write nothing, thrown on purpose for its caller to act on (another
/// process's open rotation, say). It rolls the transaction back like any error, but reaches the caller as it is,
/// not as a registry fault.
protocol StoreFinding: Error, Sendable {}
