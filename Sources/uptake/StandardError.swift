import Foundation

/// Writes one line to standard error (diagnostics never go to stdout, where results are).
func printError(_ line: String) {
    var text = line
    if !text.hasSuffix("\n") { text += "\n" }
    FileHandle.standardError.write(Data(text.utf8))
}
