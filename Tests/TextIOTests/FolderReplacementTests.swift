import Foundation
import TextIO
import XCTest

/// What recover() clears after a killed run, and what it leaves: only Uptake's own leftovers
/// (`.<name>.tmp-<pid>-<n>`, `.<name>.old-<pid>-<n>`, AtomicFile's `.<file>.<pid>-<n>.tmp`),
/// never another hidden file that merely ends in `.tmp`; a folder moved aside goes back unless a
/// complete folder (with run.json) arrived in its place.
final class FolderReplacementTests: XCTestCase {
    func testRecoverClearsOnlyUptakesLeftoversAndPutsBackAnOldFolder() throws {
        let root = NSTemporaryDirectory() + "uptake-recover-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let files = FileManager.default
        for folder in [".x.tmp-12-3", ".user.tmp", ".a.old-9-1", "a", ".b.old-9-2", "b"] {
            try files.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try "old".write(toFile: root + "/.a.old-9-1/run.json", atomically: true, encoding: .utf8)
        try "partial".write(toFile: root + "/a/forecast.csv", atomically: true, encoding: .utf8)
        try "new".write(toFile: root + "/b/run.json", atomically: true, encoding: .utf8)
        try "x".write(toFile: root + "/.summary.csv.12-4.tmp", atomically: true, encoding: .utf8)
        try "keep".write(toFile: root + "/.notes.tmp", atomically: true, encoding: .utf8)

        try FolderReplacement.recover(in: root)
        XCTAssertEqual(try files.contentsOfDirectory(atPath: root).sorted(), [".notes.tmp", ".user.tmp", "a", "b"])
        // a: the partial folder gave way to the complete old one; b: the new one stays.
        XCTAssertEqual(try String(contentsOfFile: root + "/a/run.json", encoding: .utf8), "old")
        XCTAssertFalse(files.fileExists(atPath: root + "/a/forecast.csv"))
        XCTAssertEqual(try String(contentsOfFile: root + "/b/run.json", encoding: .utf8), "new")
    }

    func testReplaceSwapsAFolderInWhole() throws {
        let root = NSTemporaryDirectory() + "uptake-replace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/s", withIntermediateDirectories: true)
        try "old".write(toFile: root + "/s/stale.csv", atomically: true, encoding: .utf8)
        let temporary = try FolderReplacement.makeTemporary(for: "s", in: root)
        try "new".write(toFile: temporary + "/run.json", atomically: true, encoding: .utf8)
        try FolderReplacement.replace(root + "/s", with: temporary)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/s"), ["run.json"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), ["s"])
    }
}
