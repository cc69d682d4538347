import ArgumentParser
import ClienteleCore
import Foundation

/// Turns any error into one line on standard error and an exit status: 0 for help and version, the command's own
/// code for `ExitCode`, 2 for everything else (bad input, unknown names, registry and IdP failures).
enum ErrorReport {
    static func report(_ error: Error) -> Int32 {
        if let exitCode = error as? ExitCode { return exitCode.rawValue }
        if let clientele = error as? ClienteleError {
            printError(clientele.description)
            return 2
        }
        let code = ClienteleCommand.exitCode(for: error)
        if code == .success {
            // Help and version output belong on standard output, in full.
            ClienteleCommand.exit(withError: error)
        }
        let message = ClienteleCommand.message(for: error)
        let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
        printError(firstLine.replacingOccurrences(of: "Error: ", with: ""))
        return 2
    }

    static func printError(_ message: String) {
        // Names in messages come from IdPs and files: escaped, a hostile one can neither break the one line nor
        // send terminal controls.
        FileHandle.standardError.write(Data("clientele: \(printable(message))\n".utf8))
    }
}
