import Foundation
import XCTest

/// Scenarios/README.md's table "Every seed figure and where it is used" is a promise: each
/// scenario id in its *scenario* column is bundled, and `uptake check Scenarios/` gives each
/// of them a verdict (issue 12: "`uptake check Scenarios/` gives a verdict (or `met`) for every
/// seed figure"). And the other way round: every bundled scenario built from a seed is in the
/// table, so a new scenario cannot skip it.
final class SeedFigureTableTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static let heading = "## Every seed figure and where it is used"

    /// The figures issue 12 (item 6) lists beside the nine scenarios there were, by the
    /// scenario that now uses each.
    static let issue12 = [
        "hai-chau-procedures-fully-online",      // 3,000 of 3,207, 2 July 2024
        "hai-chau-district-digitised-results",   // 2,652 of 2,906 = 91.25 %, 30 June 2024
        "hai-chau-ward-digitised-results",       // 9,478 of 9,597 = 98.76 %, 30 June 2024
        "hoa-thuan-tay-procedures-online",       // 687 of 687 (already met)
        "vinh-phuc-digital-signatures",          // 14,800
        "vinh-phuc-fixed-broadband-households",  // 90 %
        "trung-nhi-online-records",              // > 46 %
        "tra-vinh-electronic-settlement",        // 82.31 %
        "tra-vinh-digitised-procedures",         // 52.41 %
        "vung-tau-online-bill-payments",         // > 50 % of citizens
        "vung-tau-paperless-meetings",           // 100 % by Q3 2022
    ]

    /// Bundled scenarios that do not come from a seed (a public data set), so not in the table.
    static let notFromASeed: Set<String> = ["vietnam-internet-users"]

    /// The ids in backquotes in the table's `scenario` column, and the number of rows.
    func seedFigureTable() throws -> (ids: Set<String>, rows: Int) {
        let text = try String(contentsOf: repository.appendingPathComponent("Scenarios/README.md"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try XCTUnwrap(lines.firstIndex(of: Self.heading), "Scenarios/README.md has no '\(Self.heading)'")
        let section = lines[(start + 1)...].prefix { !$0.hasPrefix("## ") }
        let table = section.filter { $0.hasPrefix("|") }
        func cells(_ line: String) -> [String] {
            line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let header = try XCTUnwrap(table.first.map(cells), "the section has no table")
        let column = try XCTUnwrap(header.firstIndex(of: "scenario"), "no 'scenario' column in \(header)")
        let body = table.dropFirst().filter { !$0.hasPrefix("|---") }
        var ids = Set<String>()
        let id = try NSRegularExpression(pattern: "`([a-z0-9-]+)`")
        for line in body {
            let row = cells(line)
            XCTAssertEqual(row.count, header.count, "a row with \(row.count) cells, the header \(header.count): \(line)")
            guard column < row.count else { continue }
            let cell = row[column]
            let found = id.matches(in: cell, range: NSRange(cell.startIndex..., in: cell))
                .compactMap { Range($0.range(at: 1), in: cell).map { String(cell[$0]) } }
            XCTAssertTrue(!found.isEmpty || cell == "—", "the scenario cell is an id in backquotes or '—': '\(cell)'")
            ids.formUnion(found)
        }
        return (ids, body.count)
    }

    func testEverySeedFigureScenarioGetsAVerdictFromCheck() throws {
        let (tableIDs, rows) = try seedFigureTable()
        XCTAssertGreaterThan(rows, 20, "every figure of the five seeds has a row")
        for id in Self.issue12 {
            XCTAssertTrue(tableIDs.contains(id), "issue 12's figure for '\(id)' is not in the table")
        }

        let result = try ExecutableRunner.run("uptake", ["check", "Scenarios/", "--format", "csv", "--paths", "2000"],
                                              timeout: 600, currentDirectory: repository)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let csv = try CSV.parse(result.stdout)
        XCTAssertEqual(csv.first?.joined(separator: ","), RunCommandTests.feasibilityHeader)
        let header = try XCTUnwrap(csv.first)
        let scenario = try XCTUnwrap(header.firstIndex(of: "scenario"))
        let verdict = try XCTUnwrap(header.firstIndex(of: "verdict"))
        let pMeet = try XCTUnwrap(header.firstIndex(of: "p_meet"))
        let rowsByID = Dictionary(grouping: csv.dropFirst(), by: { $0[scenario] })

        for id in tableIDs.sorted() {
            let targets = rowsByID[id] ?? []
            XCTAssertFalse(targets.isEmpty, "'\(id)' is in the seed-figure table but `uptake check Scenarios/` prints no row for it")
            for row in targets {
                XCTAssertTrue(RunCommandTests.verdicts.contains(row[verdict]), "\(id): verdict '\(row[verdict])'")
                let p = try XCTUnwrap(Double(row[pMeet]), "\(id): p_meet '\(row[pMeet])'")
                XCTAssertTrue((0...1).contains(p), "\(id): p_meet \(p)")
            }
        }
        // 687 of 687 is met in the data: P = 1, whatever the paths.
        for row in rowsByID["hoa-thuan-tay-procedures-online"] ?? [] {
            XCTAssertEqual(row[verdict], "met")
            XCTAssertEqual(Double(row[pMeet]), 1)
        }
        // Every bundled scenario from a seed is placed in the table.
        for id in Set(rowsByID.keys).subtracting(Self.notFromASeed).sorted() {
            XCTAssertTrue(tableIDs.contains(id), "bundled scenario '\(id)' is not in Scenarios/README.md's seed-figure table")
        }
    }
}
