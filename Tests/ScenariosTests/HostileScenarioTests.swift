import Fitting
import Forecasting
@testable import Scenarios
import XCTest

/// What a scenario file may not do to a run (issue 14): YAML aliases as keys, aliases that
/// expand past `YAMLShapeCheck.maximumAliasExpansion`, nesting past `maximumDepth`; demands
/// over `ForecastBudget`; values echoed whole or with control characters.
final class HostileScenarioTests: XCTestCase {
    private static func scenario(metric: String = "metric: {name: users, kind: count}",
                                 forecast: String = "forecast: {horizon: 2026-12-31}", extra: String = "") -> String {
        """
        id: s
        \(metric)
        observations:
          - {date: 2023-01-31, value: 100}
          - {date: 2023-06-30, value: 200}
        \(extra)\(forecast)

        """
    }

    // MARK: YAML shape

    func testAliasKeyIsRejected() {
        let yaml = "a: &k title\n*k : x\n"
        assertError(yaml, "an alias (*k) cannot be a key: write the key out", at: "*k :")
    }

    func testCollectionKeyIsRejected() {
        assertError("? [a, b]\n: 1\n", "keys must be plain names, got a list", at: "[a, b]")
        assertError("{? {a: 1} : 2}\n", "keys must be plain names, got a mapping (key: value)", at: "{a: 1}")
    }

    /// The billion-laughs shape in values: stopped at the alias that passes the budget, before
    /// Yams composes anything.
    func testAliasExpansionIsBounded() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...6 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        let yaml = lines.joined(separator: "\n") + "\n"
        guard let error = loadError(yaml) else { return }
        // Aliases so far: 10 × 11 (a1) + 10 × 111 (a2) + 10 × 1,111 (a3) = 12,330; a4's eighth *a3 passes 100,000.
        XCTAssertEqual(error.line, 5)
        XCTAssertEqual(error.column, 10 + 7 * 5)   // "a4: &a4 [" is 9 characters, "*a3, " 5
        XCTAssertTrue(error.message.hasPrefix("aliases in this file stand for more than 100,000 values in all (here *a3 repeats 11,111)"),
                      error.message)
    }

    /// Aliases within the budget are YAML as usual: a prior written once, used twice.
    func testModestAliasesLoad() throws {
        let yaml = Self.scenario(extra: """
            priors:
              growth_rate: &g {lognormal: {median: 1.0, sd_log: 0.7}}
            variants:
              - {id: campaign, from: 2024-01-01, growth_multiplier: {uniform: [1.1, 1.4]}}

            """)
        XCTAssertNoThrow(try ScenarioLoader.load(contents: yaml, path: "s.yaml"))
    }

    func testNestingIsBounded() {
        let yaml = "id: " + String(repeating: "[", count: 65) + String(repeating: "]", count: 65) + "\n"
        assertError(yaml, "mappings and lists nest more than 64 levels deep here; a scenario needs at most 5",
                    at: String(repeating: "[", count: 1), checkColumn: false)
        // The top-level mapping is the first level: the 64th bracket opens the 65th.
        XCTAssertEqual(loadError(yaml)?.column, 4 + 64)
    }

    func testMergeKeyIsNamed() {
        let yaml = Self.scenario(metric: "base: &m {name: users, kind: count}\nmetric:\n  <<: *m")
        XCTAssertTrue(loadError(yaml)?.message.hasPrefix("unknown key 'base'") ?? false)
        let merged = Self.scenario(metric: "metric:\n  <<: {name: users}\n  kind: count")
        XCTAssertEqual(loadError(merged)?.message, "'<<' (a YAML merge key) is not supported in metric: write the keys out")
    }

    // MARK: Echoes

    func testLongValuesAreCutAndControlCharactersEscaped() {
        let long = String(repeating: "z", count: 100_000)
        let error = loadError(Self.scenario(metric: "metric: {name: users, kind: \(long)}"))
        XCTAssertEqual(error?.message, "metric.kind must be count or share, got '\(String(repeating: "z", count: 60))…'")
        let tab = loadError(Self.scenario(metric: "metric: {name: users, kind: \"co\\tunt\"}"))
        XCTAssertEqual(tab.map { "\($0)" }, #"test.yaml:2:29: metric.kind must be count or share, got 'co\tunt'; did you mean 'count'?"#)
    }

    func testDatesAreStrict() {
        assertError(Self.scenario(forecast: "forecast: {horizon: +202-12-31}"),
                    "forecast.horizon must be a date YYYY-MM-DD, e.g. 2025-12-31, got '+202-12-31'", at: "+202")
        assertError(Self.scenario(forecast: "forecast: {horizon: 2026-02-29}"),
                    "forecast.horizon must be a date YYYY-MM-DD, e.g. 2025-12-31, got '2026-02-29': the day is 29; 2026-02 has 28 days",
                    at: "2026-02-29")
    }

    // MARK: The forecast budget

    func testHorizonIsAtMostAHundredYearsOut() throws {
        XCTAssertNoThrow(try ScenarioLoader.load(contents: Self.scenario(forecast: "forecast: {horizon: 2123-06-30}"), path: "s.yaml"))
        assertError(Self.scenario(forecast: "forecast: {horizon: 2123-07-31}"),
                    "forecast.horizon 2123-07-31 is 1,201 months after the last observation (2023-06-30); "
                        + "a forecast reaches at most 1,200 months (100 years) past it", at: "2123-07-31")
    }

    func testPathMonthsAreBudgeted() {
        // 10^7 paths × 42 months × 6 runs = 2.52e9 > 2.4e9.
        let variants = (1...5).map { "  - {id: v\($0), from: 2024-01-01, level_shift: {uniform: [0, 1]}}" }.joined(separator: "\n")
        let yaml = Self.scenario(forecast: "forecast: {horizon: 2026-12-31, paths: 10000000}", extra: "variants:\n\(variants)\n")
        assertError(yaml, "forecast.paths 10,000,000 × 42 months × 6 runs (baseline and variants) is 2,520,000,000 path-months; "
                        + "at most 2,400,000,000: use at most 9,523,809 paths, a nearer horizon or fewer variants", at: "10000000")
    }

    func testForecastRowsAreBudgeted() {
        let variants = (1...40).map { "  - {id: v\($0), from: 2024-01-01, level_shift: {uniform: [0, 1]}}" }.joined(separator: "\n")
        let yaml = Self.scenario(forecast: "forecast: {horizon: 2123-06-30, paths: 10}", extra: "variants:\n\(variants)\n")
        assertError(yaml, "forecast.csv would have 1,230,000 rows (1200 dates × 41 runs × 25 values); at most 1,000,000: "
                        + "use a nearer horizon, step: quarter or year, fewer variants or fewer targets", at: "2123-06-30")
    }

    /// `--paths` replaces the file's paths after the file was checked: the batch checks again.
    func testBatchPathsAreBudgeted() throws {
        let folder = try ScratchFolder()
        let file = try folder.write("far.yaml", Self.scenario(forecast: "forecast: {horizon: 2123-06-30}"))
        var failures: [ScenarioBatch.Failure] = []
        var loaded = 0
        let status = try ScenarioBatch(paths: 10_000_000, jobs: 1).forEachScenario([file], onFailure: { failures.append($0) }) { _, _, _, _ in
            loaded += 1
            return .success
        }
        XCTAssertEqual(status, .badInput)
        XCTAssertEqual(loaded, 0)
        XCTAssertEqual(failures.map(\.message), ["\(file): --paths 10,000,000 × 1200 months × 1 run (baseline and variants) is "
            + "12,000,000,000 path-months; at most 2,400,000,000: use at most 2,000,000 paths, a nearer horizon or fewer variants"])
    }

    func testBudgetBoundaries() {
        let reference = CalendarDate(iso: "2023-06-30")!
        var budget = ForecastBudget(reference: reference, referenceName: "the last observation", horizon: CalendarDate(iso: "2123-06-30")!,
                                    step: .month, paths: 2_000_000, variants: 0, targetValues: [1], flow: false)
        XCTAssertNil(budget.excess)   // exactly 2.4e9 path-months
        budget.paths += 1
        XCTAssertNotNil(budget.excess)
        budget.paths = 1_000
        budget.targetValues = Array(repeating: 1, count: 100_001)
        if case .paths(let message)? = budget.excess {
            XCTAssertTrue(message.hasPrefix("forecast.paths 1,000 × 100001 targets is 100,001,000; at most 100,000,000"), message)
        } else {
            XCTFail("paths × targets over the budget")
        }
    }
}
