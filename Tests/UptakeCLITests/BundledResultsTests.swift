import Foundation
import XCTest

/// The committed Results/ are what the README's run command produces: regenerating them
/// from Scenarios/ with the built `uptake` reproduces every CSV number to 1e-9 relative,
/// every text field (verdicts, dates, labels) exactly, fan.svg byte for byte, and run.json
/// except its `timings` (the one field allowed to differ, DESIGN.md); seek.csv and
/// families.csv exist where the committed ones do, with the same cells.
final class BundledResultsTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testRegeneratingResultsReproducesTheCommittedFiles() throws {
        let committed = repository.appendingPathComponent("Results")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-results-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }

        let result = try ExecutableRunner.run("uptake", ["run", "Scenarios/", "--out", scratch.path, "--jobs", "2"],
                                              timeout: 600, currentDirectory: repository)
        XCTAssertEqual(result.exitCode, 0, result.stderr)

        let scenarioFolders = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            .filter { !$0.hasSuffix(".csv") && !$0.hasSuffix(".html") }.sorted()
        let committedFolders = try FileManager.default.contentsOfDirectory(atPath: committed.path)
            .filter { name in
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: committed.appendingPathComponent(name).path, isDirectory: &isDirectory)
                return isDirectory.boolValue && !name.hasPrefix("fit-")
            }.sorted()
        XCTAssertEqual(scenarioFolders, committedFolders, "one Results folder per bundled scenario")
        XCTAssertFalse(scenarioFolders.isEmpty)

        var compared = 0
        for folder in scenarioFolders {
            for file in ["forecast.csv", "feasibility.csv", "fit.csv"] {
                try assertCSVEqual(committed.appendingPathComponent(folder).appendingPathComponent(file),
                                   scratch.appendingPathComponent(folder).appendingPathComponent(file))
                compared += 1
            }
            // Issue 12: seek.csv (a scenario with seek:) and families.csv (two or more families), where written.
            for file in ["seek.csv", "families.csv"] {
                let a = committed.appendingPathComponent(folder).appendingPathComponent(file)
                let b = scratch.appendingPathComponent(folder).appendingPathComponent(file)
                let exists = (FileManager.default.fileExists(atPath: a.path), FileManager.default.fileExists(atPath: b.path))
                XCTAssertTrue(exists.0 == exists.1, "\(folder)/\(file): committed \(exists.0), regenerated \(exists.1)")
                if exists.0 && exists.1 { try assertCSVEqual(a, b) }
            }
            let svgA = try String(contentsOf: committed.appendingPathComponent(folder).appendingPathComponent("fan.svg"), encoding: .utf8)
            let svgB = try String(contentsOf: scratch.appendingPathComponent(folder).appendingPathComponent("fan.svg"), encoding: .utf8)
            XCTAssertEqual(svgA, svgB, "\(folder)/fan.svg")
            let jsonA = try withoutTimings(committed.appendingPathComponent(folder).appendingPathComponent("run.json"))
            let jsonB = try withoutTimings(scratch.appendingPathComponent(folder).appendingPathComponent("run.json"))
            XCTAssertEqual(jsonA, jsonB, "\(folder)/run.json apart from timings")
        }
        try assertCSVEqual(committed.appendingPathComponent("summary.csv"), scratch.appendingPathComponent("summary.csv"))
        // report.html covers every scenario folder (ReportPageBrowserTests looks at it in a browser).
        let report = try String(contentsOf: scratch.appendingPathComponent("report.html"), encoding: .utf8)
        for folder in scenarioFolders { XCTAssertTrue(report.contains("<section id=\"scenario-\(folder)\""), folder) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: committed.appendingPathComponent("report.html").path))
        XCTAssertEqual(compared, 3 * scenarioFolders.count)
    }

    /// Cell by cell: numbers to 1e-9 relative, everything else exactly.
    private func assertCSVEqual(_ a: URL, _ b: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let textA = try String(contentsOf: a, encoding: .utf8), textB = try String(contentsOf: b, encoding: .utf8)
        let rowsA = try CSV.parse(textA), rowsB = try CSV.parse(textB)
        XCTAssertEqual(rowsA.count, rowsB.count, "\(a.lastPathComponent): row count", file: file, line: line)
        XCTAssertEqual(textA.last, textB.last, "\(a.lastPathComponent): final line end", file: file, line: line)
        for (index, (cellsA, cellsB)) in zip(rowsA, rowsB).enumerated() where cellsA != cellsB {
            let rowA = cellsA.joined(separator: ","), rowB = cellsB.joined(separator: ",")
            guard cellsA.count == cellsB.count else {
                XCTFail("\(a.path) line \(index + 1): \(rowA) ≠ \(rowB)", file: file, line: line)
                continue
            }
            for (x, y) in zip(cellsA, cellsB) where x != y {
                if let u = Double(x), let v = Double(y), u.isFinite, v.isFinite {
                    let relative = abs(u - v) / max(abs(u), abs(v))
                    XCTAssertLessThanOrEqual(relative, 1e-9, "\(a.path) line \(index + 1): \(u) vs \(v)", file: file, line: line)
                } else {
                    XCTFail("\(a.path) line \(index + 1): '\(x)' ≠ '\(y)'", file: file, line: line)
                }
            }
        }
    }

    private func withoutTimings(_ url: URL) throws -> NSDictionary {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var copy = object
        copy.removeValue(forKey: "timings")
        XCTAssertNotNil(object["timings"], "\(url.path) has timings")
        return copy as NSDictionary
    }
}
