#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Writes files so that a reader never sees half of one: the bytes go to a new temporary file
/// in the same directory (`.<name>.<pid>-<n>.tmp`, created with `O_EXCL`), which is then
/// renamed over the target — rename(2) is atomic within a file system. On any error the
/// temporary file is removed and the target is untouched.
///
/// ```swift
/// var text = TextBuffer()
/// text.append("a,b\n")
/// try AtomicFile.write(text, to: "Results/x/fit.csv")   // creates Results/x/ if needed
/// ```
///
/// Plain POSIX calls, no Foundation `Data`/`URL` round trip. The bytes reach write(2) by
/// Swift's array-to-pointer argument conversion, so no unsafe pointer is spelled out here.
/// The file is not fsync'ed: the guarantee is against readers and failed writes, not power loss.
public enum AtomicFile {
    public static func write(_ text: TextBuffer, to path: String) throws {
        try write(bytes: text.bytes, to: path)
    }

    public static func write(_ text: String, to path: String) throws {
        try write(bytes: Array(text.utf8), to: path)
    }

    public static func write(bytes: [UInt8], to path: String) throws {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        try createDirectory(directory.isEmpty ? "/" : directory)
        let (descriptor, temporary) = try createTemporary(in: directory.isEmpty ? "" : directory, for: name)
        do {
            try writeAll(bytes, to: descriptor, path: temporary)
        } catch {
            _ = close(descriptor)
            _ = unlink(temporary)
            throw error
        }
        if close(descriptor) != 0 {
            let error = FileError(operation: "close", path: temporary, code: errno)
            _ = unlink(temporary)
            throw error
        }
        if rename(temporary, path) != 0 {
            let error = FileError(operation: "rename to \(path)", path: temporary, code: errno)
            _ = unlink(temporary)
            throw error
        }
    }

    /// A new file beside the target that no other writer (thread or process) can have opened:
    /// process id, a per-process counter, and `O_EXCL` in case a stale file has the name.
    private static func createTemporary(in directory: String, for name: String) throws -> (Int32, String) {
        let pid = getpid()
        while true {
            let temporary = "\(directory)/.\(name).\(pid)-\(nextSerial()).tmp"
            // 0666 before the umask, as open(2) and Foundation create ordinary files.
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if descriptor >= 0 { return (descriptor, temporary) }
            let code = errno
            if code == EEXIST { continue }
            if code == EINTR { continue }
            throw FileError(operation: "create", path: temporary, code: code)
        }
    }

    /// write(2) until every byte is written (a regular file may take fewer bytes per call).
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
        var rest = bytes
        while !rest.isEmpty {
            let written = systemWrite(descriptor, rest)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError(operation: "write", path: path, code: errno)
            }
            if written == rest.count { return }
            rest.removeFirst(written)
        }
    }

    /// mkdir -p: the directory and any missing parents.
    private static func createDirectory(_ directory: String) throws {
        if mkdir(directory, 0o777) == 0 { return }
        var code = errno
        if code == EEXIST { return }
        if code == ENOENT, let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
            try createDirectory(String(directory[..<slash]))
            if mkdir(directory, 0o777) == 0 { return }
            code = errno
            if code == EEXIST { return }
        }
        throw FileError(operation: "create directory", path: directory, code: code)
    }

    /// A counter shared by the writing threads.
    private static let serial = Atomic<Int>(0)

    private static func nextSerial() -> Int { serial.wrappingAdd(1, ordering: .relaxed).newValue }
}

/// write(2) of a whole array; the array is passed by Swift's array-to-pointer conversion.
private func systemWrite(_ descriptor: Int32, _ bytes: [UInt8]) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, bytes.count)
    #else
    Darwin.write(descriptor, bytes, bytes.count)
    #endif
}

/// A failed file operation, with the system's reason ("cannot write …: open …: Permission denied").
public struct FileError: Error, LocalizedError, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let code: Int32

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(code)))"
    }

    public var errorDescription: String? { description }
}
