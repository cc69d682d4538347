import Foundation

/// Aligned columns for terminal output. Widths count characters, which is right for the ASCII that names,
/// ids and dates mostly are.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }
    init(_ headers: [String]) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }
    mutating func add(_ cells: [String]) { rows.append(cells) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                text += cell
                // Foundation's padding(toLength:) is slow enough on Linux to dominate a 40k-row table.
                if index < cells.count - 1 {
                    text += String(repeating: " ", count: max(0, widths[index] - cell.count) + 2)
                }
            }
            return text
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    func print() { Swift.print(render()) }
}

/// A name as it may safely go to a terminal: control characters shown as escapes, so a hostile display name cannot
/// move the cursor or change colours.
func printable(_ text: String) -> String {
    // Plain printable ASCII, nearly every name and id, skips the Unicode property lookups.
    if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
    if !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.value == 0x7F }) {
        return text
    }
    var result = ""
    for scalar in text.unicodeScalars {
        if scalar.properties.generalCategory == .control || scalar.value == 0x7F {
            result += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}
