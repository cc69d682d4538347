@testable import ClienteleTUI

/// The words inside a dialog's box, row after row, so a sentence wrapped over two rows reads as one.
enum BoxText {
    static func words(in frame: CellBuffer, titled title: String) -> String {
        let lines = frame.textLines.map { Array($0) }
        guard let top = lines.firstIndex(where: { String($0).contains("┌─ \(title)") }),
            let left = lines[top].firstIndex(of: "┌"), let right = lines[top].lastIndex(of: "┐")
        else { return "" }
        var rows: [String] = []
        for line in lines[(top + 1)...] {
            if line[left] == "└" { break }
            rows.append(String(line[(left + 1)..<right]))
        }
        return rows.joined(separator: " ").split(separator: " ").joined(separator: " ")
    }
}
