import Foundation

/// Progress of a batch on stderr. On a terminal: one bar redrawn in place
/// (`[#######·····] 5/9 vung-tau-market-qr`), ended by a newline. Otherwise (a log file, a
/// pipe, the tests): one line per item, which greps and diffs well. What the batch found is
/// printed after it, on stdout (`BatchSummary`): the bar does not stay.
struct BatchProgress {
    private let interactive = isatty(STDERR_FILENO) == 1
    private let width = 24
    /// The bar's line stays within an 80-column terminal: a longer line would wrap, and the
    /// carriage return would redraw only its last row.
    private let columns = 79

    /// Reports that item `index` of `total` is done, with a short status.
    func advance(_ index: Int, of total: Int, _ label: String, status: String) {
        guard interactive else {
            printError("uptake: [\(index)/\(total)] \(label): \(status)")
            return
        }
        let filled = total > 0 ? width * index / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled)
        var line = "[\(bar)] \(index)/\(total) \(label)"
        if line.count > columns { line = String(line.prefix(columns - 1)) + "…" }
        // "\e[K" clears what a longer earlier line left to the right.
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
    }

    /// Ends the bar's line on a terminal (after the last item, or when the batch stops early).
    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
