#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// An exclusive lock on a folder for the life of the process (flock(2) on `<folder>/.uptake.lock`):
/// two runs writing into the same results folder could leave folders mixing both, so the
/// second fails at once, saying who holds the lock. The kernel releases it when the holder
/// exits, however it exits (kill -9 included), so a stale lock file never blocks a run; a
/// holder that finishes removes the file.
public final class FolderLock: Sendable {
    public static let fileName = ".uptake.lock"

    /// The lock is held by another process: `holder` is what that process wrote in the file.
    public struct Busy: Error, CustomStringConvertible {
        public let folder: String
        public let holder: String
        public var description: String {
            "\(folder): another uptake (\(holder)) is writing to this folder; wait for it to finish or choose another --out"
        }
    }

    private let descriptor: Int32
    private let path: String

    /// Takes the lock on `folder` (created if missing) or throws ``Busy``.
    public init(folder: String, purpose: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = (folder as NSString).appendingPathComponent(Self.fileName)
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o666)
            guard descriptor >= 0 else { throw FileError(operation: "open", path: path, code: errno) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let code = errno
                _ = close(descriptor)
                guard code == EWOULDBLOCK else { throw FileError(operation: "lock", path: path, code: code) }
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                throw Busy(folder: folder, holder: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "another process")
            }
            // The holder removes the file as it finishes (so a results folder holds only
            // results); a lock taken on a file already removed is no lock: take it again.
            var opened = stat(), named = stat()
            guard fstat(descriptor, &opened) == 0, lstat(path, &named) == 0,
                  opened.st_ino == named.st_ino, opened.st_dev == named.st_dev else {
                _ = close(descriptor)
                continue
            }
            self.descriptor = descriptor
            break
        }
        let host = ProcessInfo.processInfo.hostName
        let note = "pid \(getpid()) on \(host), \(purpose), since \(ISO8601DateFormatter().string(from: Date()))\n"
        _ = ftruncate(descriptor, 0)
        let bytes = Array(note.utf8)
        _ = pwrite(descriptor, bytes, bytes.count, 0)
    }

    deinit {
        // Removed while still held, so no other process can lock this file after it is gone;
        // only if it is still ours (someone may have removed it and another run made its own).
        var opened = stat(), named = stat()
        if fstat(descriptor, &opened) == 0, lstat(path, &named) == 0,
           opened.st_ino == named.st_ino, opened.st_dev == named.st_dev {
            _ = unlink(path)
        }
        _ = flock(descriptor, LOCK_UN)
        _ = close(descriptor)
    }
}
