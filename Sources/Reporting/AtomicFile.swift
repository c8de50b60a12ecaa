import Foundation

/// Writes files so that a reader never sees half of one: the content goes to a temporary
/// file in the same directory, which is then renamed over the target (rename(2) is atomic
/// within a file system).
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Data.write(options: .atomic) writes a temporary file beside the target and renames it.
        try Data(text.utf8).write(to: url, options: .atomic)
    }
}
