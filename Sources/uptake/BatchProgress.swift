import Foundation

/// Progress of a batch on stderr. On a terminal: one bar redrawn in place
/// (`[#######·····] 5/9 vung-tau-market-qr`), ended by a newline. Otherwise (a log file, a
/// pipe, the tests): one line per item, which greps and diffs well.
struct BatchProgress {
    private let interactive = isatty(STDERR_FILENO) == 1
    private let width = 24

    /// Reports that item `index` of `total` is done, with a short status.
    func advance(_ index: Int, of total: Int, _ label: String, status: String) {
        guard interactive else {
            printError("uptake: [\(index)/\(total)] \(label): \(status)")
            return
        }
        let filled = total > 0 ? width * index / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: width - filled)
        let line = "\r[\(bar)] \(index)/\(total) \(label)"
        FileHandle.standardError.write(Data((line.padding(toLength: 100, withPad: " ", startingAt: 0)).utf8))
    }

    /// Ends the bar's line on a terminal (after the last item, or when the batch stops early).
    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
