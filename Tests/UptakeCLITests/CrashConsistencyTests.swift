import Foundation
import XCTest

/// Issue 14's crash-consistent results, through the built executable: a batch killed with
/// SIGKILL at 30 random moments while it writes over a previous run leaves every scenario
/// folder entirely old or entirely new; the next run leaves no temporary file and a
/// summary.csv that matches the folders; a second run into the same folder while one is
/// writing fails with exit 2 naming the holder; links planted inside --out are replaced, never
/// written through.
final class CrashConsistencyTests: XCTestCase {
    private var directory: URL!
    private static let ids = (1...6).map { "s\($0)" }

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("in"), withIntermediateDirectories: true)
        let bundled = try String(contentsOf: RunCommandTests.packageRoot.appendingPathComponent("Scenarios/vung-tau-market-qr.yaml"),
                                 encoding: .utf8)
        for id in Self.ids {
            try bundled.replacingOccurrences(of: "id: vung-tau-market-qr", with: "id: \(id)")
                .write(to: directory.appendingPathComponent("in/\(id).yaml"), atomically: true, encoding: .utf8)
        }
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func path(_ relative: String) -> String { directory.appendingPathComponent(relative).path }

    private func runArguments(seed: Int, out: String, paths: Int = 2500) -> [String] {
        ["run", path("in"), "--paths", String(paths), "--seed", String(seed), "--jobs", "2", "--out", path(out)]
    }

    private func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = ExecutableRunner.executableURL("uptake")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A folder's files (name → bytes), run.json without its timings.
    private func snapshot(_ folder: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            var data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            if name == "run.json", let text = String(data: data, encoding: .utf8), let cut = text.range(of: "\"timings\"") {
                data = Data(text[..<cut.lowerBound].utf8)
            }
            files[name] = data
        }
        return files
    }

    func testKillsLeaveEachFolderWhollyOldOrWhollyNew() throws {
        // The two complete states: seed 1 (the previous run) and seed 2 (the run being killed).
        for (seed, out) in [(1, "old"), (2, "new")] {
            let result = try ExecutableRunner.run("uptake", runArguments(seed: seed, out: out), timeout: 300)
            XCTAssertEqual(result.exitCode, 0, result.stderr)
        }
        let old = try Dictionary(uniqueKeysWithValues: Self.ids.map { ($0, try snapshot(path("old/\($0)"))) })
        let new = try Dictionary(uniqueKeysWithValues: Self.ids.map { ($0, try snapshot(path("new/\($0)"))) })
        XCTAssertNotEqual(old["s1"], new["s1"])
        // How long a run takes here, to spread the kills over it.
        try FileManager.default.copyItem(atPath: path("old"), toPath: path("out"))
        let clock = ContinuousClock()
        let started = clock.now
        _ = try ExecutableRunner.run("uptake", runArguments(seed: 1, out: "timing"), timeout: 300)
        let duration = Double((clock.now - started).components.attoseconds) * 1e-18 + Double((clock.now - started).components.seconds)
        var generator = SplitMix(seed: 2026)
        var outcomes: [String: Int] = ["old": 0, "new": 0]
        for _ in 0..<30 {
            let process = try start(runArguments(seed: 2, out: "out"))
            usleep(UInt32(generator.unit() * duration * 1.1 * 1e6))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            for id in Self.ids {
                let now = try snapshot(path("out/\(id)"))
                if now == old[id] { outcomes["old"]! += 1 } else if now == new[id] { outcomes["new"]! += 1 } else {
                    XCTFail("out/\(id) mixes two runs after a kill: \(now.keys.sorted())")
                }
            }
        }
        // Both states were seen: the kills landed before, during and after the writes.
        XCTAssertGreaterThan(outcomes["old"]!, 0, "\(outcomes)")
        XCTAssertGreaterThan(outcomes["new"]!, 0, "\(outcomes)")
        // The next run cleans up and its summary matches the folders.
        let final = try ExecutableRunner.run("uptake", runArguments(seed: 2, out: "out"), timeout: 300)
        XCTAssertEqual(final.exitCode, 0, final.stderr)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: path("out")).filter {
            ($0 as NSString).lastPathComponent.hasPrefix(".") && ($0 as NSString).lastPathComponent != ".uptake.lock"
        }
        XCTAssertEqual(leftovers, [])
        var rows: [String] = []
        for id in Self.ids {
            XCTAssertEqual(try snapshot(path("out/\(id)")), new[id])
            rows += try String(contentsOfFile: path("out/\(id)/feasibility.csv"), encoding: .utf8)
                .split(separator: "\n").dropFirst().map(String.init)
        }
        let summary = try String(contentsOfFile: path("out/summary.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(summary.map(String.init), rows)
    }

    func testASecondRunIntoTheSameFolderFailsNamingTheHolder() throws {
        let first = try start(runArguments(seed: 1, out: "out", paths: 200_000))
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        let lock = path("out/.uptake.lock")
        let deadline = Date().addingTimeInterval(60)
        while ((try? String(contentsOfFile: lock, encoding: .utf8)) ?? "").isEmpty && Date() < deadline { usleep(10_000) }
        let second = try ExecutableRunner.run("uptake", runArguments(seed: 1, out: "out"), timeout: 60)
        XCTAssertTrue(first.isRunning, "the first run ended before the second started; give it more paths")
        XCTAssertEqual(second.exitCode, 2)
        XCTAssertEqual(second.stderr.split(separator: "\n").count, 1, second.stderr)
        XCTAssertTrue(second.stderr.contains("another uptake (pid \(first.processIdentifier) on "), second.stderr)
        XCTAssertTrue(second.stderr.contains("is writing to this folder"), second.stderr)
    }

    func testLinksPlantedInsideOutAreReplacedNotFollowed() throws {
        let elsewhere = path("elsewhere")
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try "keep".write(toFile: elsewhere + "/keep.txt", atomically: true, encoding: .utf8)
        try "outside".write(toFile: path("target.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: path("out/s2"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path("out/s1"), withDestinationPath: elsewhere)
        try FileManager.default.createSymbolicLink(atPath: path("out/s2/forecast.csv"), withDestinationPath: path("target.txt"))
        let result = try ExecutableRunner.run("uptake", ["run", path("in/s1.yaml"), path("in/s2.yaml"), "--paths", "300",
                                                         "--out", path("out")], timeout: 120)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), ["keep.txt"])
        XCTAssertEqual(try String(contentsOfFile: path("target.txt"), encoding: .utf8), "outside")
        for id in ["s1", "s2"] {
            let type = try FileManager.default.attributesOfItem(atPath: path("out/\(id)"))[.type] as? FileAttributeType
            XCTAssertEqual(type, .typeDirectory)
            let file = try FileManager.default.attributesOfItem(atPath: path("out/\(id)/forecast.csv"))[.type] as? FileAttributeType
            XCTAssertEqual(file, .typeRegular)
        }
    }
}

/// SplitMix64, for reproducible kill times.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func unit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
}
