import Foundation
import Synchronization
import XCTest
@testable import TextIO

/// AtomicFile: the whole new content or the old file, never a part, and no temporary left
/// behind whether the write succeeds or fails.
final class AtomicFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func listing(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    func testWritesBytesCreatesFoldersAndLeavesNoTemporary() throws {
        let path = directory.appendingPathComponent("a/b/forecast.csv").path
        var text = TextBuffer()
        text.append("scenario,value\nx,")
        text.append(number: 0.1)
        text.append("\n")
        try AtomicFile.write(text, to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(text.bytes))
        XCTAssertEqual(try listing(directory.appendingPathComponent("a/b").path), ["forecast.csv"])
        // A large document arrives whole.
        var large = TextBuffer()
        for i in 0..<400_000 { large.append(integer: i); large.append(byte: 0x0A) }
        try AtomicFile.write(large, to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data(large.bytes))
        XCTAssertEqual(try listing(directory.appendingPathComponent("a/b").path), ["forecast.csv"])
        // A relative path (no folder part) is written in the current directory.
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFile.write("plain\n", to: "here.csv")
        XCTAssertEqual(try String(contentsOfFile: directory.appendingPathComponent("here.csv").path, encoding: .utf8), "plain\n")
    }

    /// The file gets the permissions of an ordinary new file (0666 less the umask), like the
    /// files Foundation creates.
    func testPermissionsAreThoseOfAnOrdinaryFile() throws {
        let path = directory.appendingPathComponent("fit.csv").path
        try AtomicFile.write("a\n", to: path)
        let reference = directory.appendingPathComponent("reference").path
        XCTAssertTrue(FileManager.default.createFile(atPath: reference, contents: Data("a\n".utf8)))
        let mode = { (path: String) in (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1 }
        XCTAssertEqual(try mode(path), try mode(reference))
    }

    /// rename(2) fails (the target is a folder): the error names the file, the temporary is
    /// removed, the folder is untouched.
    func testAFailedRenameLeavesNoTemporary() throws {
        let target = directory.appendingPathComponent("fan.svg")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: target.appendingPathComponent("inside"))
        XCTAssertThrowsError(try AtomicFile.write("<svg/>\n", to: target.path)) { error in
            XCTAssertTrue(error.localizedDescription.contains("fan.svg"), error.localizedDescription)
        }
        XCTAssertEqual(try listing(directory.path), ["fan.svg"])
        XCTAssertEqual(try listing(target.path), ["inside"])
    }

    /// The folder cannot hold files (it is a file): nothing is created, the file is untouched.
    func testAnUnusableFolderFailsWithoutLeavingAnything() throws {
        let blocker = directory.appendingPathComponent("scenario")
        try Data("not a folder\n".utf8).write(to: blocker)
        XCTAssertThrowsError(try AtomicFile.write("x\n", to: blocker.appendingPathComponent("fit.csv").path)) { error in
            XCTAssertTrue(error.localizedDescription.contains("Not a directory"), error.localizedDescription)
        }
        XCTAssertEqual(try listing(directory.path), ["scenario"])
        XCTAssertEqual(try String(contentsOf: blocker, encoding: .utf8), "not a folder\n")
    }

    /// Unwritable folder (unless running as root, who may write anyway): the old file survives.
    func testAnUnwritableFolderKeepsTheOldFile() throws {
        let folder = directory.appendingPathComponent("locked")
        let path = folder.appendingPathComponent("feasibility.csv").path
        try AtomicFile.write("old\n", to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
        do {
            try AtomicFile.write("new\n", to: path)
            XCTAssertEqual(getuid(), 0, "only root can write into a read-only folder")
        } catch {
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n")
        }
        XCTAssertEqual(try listing(folder.path), ["feasibility.csv"])
    }

    /// Threads writing the same file: every read sees one whole version, and no temporary
    /// survives.
    func testConcurrentWritersNeverLeaveAPartialFile() throws {
        let path = directory.appendingPathComponent("summary.csv").path
        let versions = (0..<8).map { w in String(repeating: "writer \(w)\n", count: 2_000 + 500 * w) }
        try AtomicFile.write(versions[0], to: path)
        let writes = Atomic<Int>(0), reads = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { w in
            for _ in 0..<25 {
                if (try? AtomicFile.write(versions[w], to: path)) != nil { writes.add(1, ordering: .relaxed) }
                if let read = try? String(contentsOfFile: path, encoding: .utf8) {
                    XCTAssertTrue(versions.contains(read), "a partial file was visible")
                    reads.add(1, ordering: .relaxed)
                }
            }
        }
        // Not vacuous: every write succeeded and every read found a file.
        XCTAssertEqual(writes.load(ordering: .relaxed), 200)
        XCTAssertEqual(reads.load(ordering: .relaxed), 200)
        XCTAssertTrue(versions.contains(try String(contentsOfFile: path, encoding: .utf8)))
        XCTAssertEqual(try listing(directory.path), ["summary.csv"])
    }
}
