#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CFileSystem
import Foundation
import Synchronization

/// Replaces a folder as a whole, so that a reader — or a process killed at any moment —
/// sees either the old folder or the new one, never a mix (issue 14, "crash-consistent
/// results"). The new folder is built beside the target under a hidden temporary name
/// (``temporaryName(for:)``), then:
///
/// - no target yet: rename(2) moves it in (atomic);
/// - a target: renameat2(RENAME_EXCHANGE) swaps the two names in one step, and the old
///   folder, now under the temporary name, is removed. Where the kernel or file system
///   cannot exchange, the old folder is first renamed aside (`.<name>.old-…`) and the new
///   one renamed in; a process killed between the two renames leaves the old folder aside,
///   and ``recover(in:)`` (run before the next write) puts it back.
///
/// rename(2) never follows a symbolic link in the last component: a link planted at the
/// target is replaced, not written through, and removal deletes links, not what they name.
public enum FolderReplacement {
    /// `.<name>.tmp-<pid>-<n>`: hidden, unique per process and call.
    public static func temporaryName(for name: String) -> String {
        ".\(name).tmp-\(getpid())-\(serial.next())"
    }

    /// Creates a new empty temporary folder for `name` inside `parent` (and `parent` if it is
    /// missing); returns its path.
    public static func makeTemporary(for name: String, in parent: String) throws -> String {
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        while true {
            let path = (parent as NSString).appendingPathComponent(temporaryName(for: name))
            if mkdir(path, 0o777) == 0 { return path }
            if errno == EEXIST { continue }
            throw FileError(operation: "create directory", path: path, code: errno)
        }
    }

    /// Puts the folder at `source` in place of `destination` (see the type's description).
    public static func replace(_ destination: String, with source: String) throws {
        if rename(source, destination) == 0 { return }
        // EEXIST / ENOTEMPTY: a folder is there. (A file or link there is replaced by rename
        // only when the source is a file; for a folder, exchange.)
        if uptake_exchange_paths(source, destination) == 0 {
            // The new folder is in place; the old one is now at `source`. Failing to remove it
            // leaves a hidden leftover that the next recover() clears, not a failed write.
            try? removeTree(source)
            return
        }
        let parent = (destination as NSString).deletingLastPathComponent
        let name = (destination as NSString).lastPathComponent
        let aside = (parent as NSString).appendingPathComponent(".\(name).old-\(getpid())-\(serial.next())")
        guard rename(destination, aside) == 0 else {
            throw FileError(operation: "move aside", path: destination, code: errno)
        }
        guard rename(source, destination) == 0 else {
            let code = errno
            _ = rename(aside, destination)
            throw FileError(operation: "rename to \(destination)", path: source, code: code)
        }
        try? removeTree(aside)
    }

    /// After a killed run: a folder left aside (`.<name>.old-…`) goes back where its new
    /// version never arrived, and every other leftover — temporary folders, old folders,
    /// AtomicFile's `.<file>.<pid>-<n>.tmp` files — is removed. Returns what was removed or
    /// restored (names), for a note.
    @discardableResult
    public static func recover(in parent: String) throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        var handled: [String] = []
        for name in names.sorted() where name.hasPrefix(".") {
            let path = (parent as NSString).appendingPathComponent(name)
            if let range = name.range(of: ".old-", options: .backwards), isLeftover(name, marker: ".old-") {
                let original = (parent as NSString).appendingPathComponent(String(name[name.index(after: name.startIndex)..<range.lowerBound]))
                // Put back unless a complete folder (one with a run.json) arrived in its place;
                // something else there (a partial folder) is moved out of the way first.
                let arrived = exists((original as NSString).appendingPathComponent("run.json"))
                if !arrived {
                    if exists(original) { try removeTree(original) }
                    if rename(path, original) == 0 { handled.append(name); continue }
                }
                try removeTree(path)
                handled.append(name)
            } else if isLeftover(name, marker: ".tmp-") || isAtomicFileTemporary(name) {
                try removeTree(path)
                handled.append(name)
            }
        }
        return handled
    }

    /// AtomicFile's `.<file>.<pid>-<n>.tmp`, exactly.
    private static func isAtomicFileTemporary(_ name: String) -> Bool {
        guard name.hasSuffix(".tmp") else { return false }
        let stem = name.dropLast(4)
        guard let dot = stem.lastIndex(of: "."), dot > stem.startIndex else { return false }
        let tail = stem[stem.index(after: dot)...].split(separator: "-", omittingEmptySubsequences: false)
        return tail.count == 2 && tail.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// `.<name><marker><pid>-<n>`.
    private static func isLeftover(_ name: String, marker: String) -> Bool {
        guard let range = name.range(of: marker, options: .backwards) else { return false }
        let tail = name[range.upperBound...].split(separator: "-")
        return tail.count == 2 && tail.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// lstat: true for anything at the path, a dangling link included.
    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// rm -r without following links (FileManager removes a link itself, not its target).
    private static func removeTree(_ path: String) throws {
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw FileError(operation: "remove", path: path, code: EIO)
        }
    }

    private static let serial = SerialNumbers()
}

/// A process-wide counter for unique temporary names.
final class SerialNumbers: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
