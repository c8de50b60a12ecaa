/// Plain-text tables for the terminal.
public enum AlignedColumns {
    /// Columns padded to their widest cell, two spaces apart, without trailing spaces.
    public static func render(_ lines: [[String]]) -> String {
        let widths = (0..<lines[0].count).map { c in lines.map { $0[c].count }.max() ?? 0 }
        return lines.map { line in
            var text = zip(line, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }.joined(separator: "\n") + "\n"
    }
}
