import Foundation
import TextIO
import XCTest

/// End-to-end tests of `uptake run`, `check`, `validate` and `init` on bundled scenarios, run
/// against the built executable (see `ExecutableRunner`) and judged by what a user sees:
///
/// - `run` writes Results/<id>/{forecast.csv, feasibility.csv, fit.csv, run.json, fan.svg} and
///   Results/summary.csv, with the exact headers and the forecast.csv contract of DESIGN.md
///   ("Outputs"): ISO dates, the 23 hub quantile levels per date with values non-decreasing in
///   the level, cdf values in [0, 1], horizons 1…H on the documented time grid;
/// - results depend on (scenario, seed, paths) only: `--jobs 1` and `--jobs 2`, and two runs of
///   the same input, give the same bytes (run.json's `timings` aside);
/// - `check --format csv` prints exactly feasibility.csv's rows, `--strict` exits 1 on an
///   off-track target, `--format json` parses;
/// - `init` writes a template that `validate` accepts and never overwrites a file.
///
/// Every run uses `--paths 2000` to stay fast in a debug build.
final class RunCommandTests: XCTestCase {
    /// Bundled scenarios covering counts and shares, inline and `data:` observations, monthly and
    /// yearly steps, a variant, sourced and assumed targets, and a location with a comma.
    private static let bundled = [
        "vung-tau-market-qr.yaml",
        "phu-my-noncash-acceptance-points.yaml",
        "vietnam-internet-users.yaml",
    ]
    private static let paths = "2000"

    static let forecastHeader = "scenario,variant,location,target,reference_date,horizon,target_end_date,output_type,output_type_id,value"
    static let feasibilityHeader = "scenario,variant,target_label,target_value,deadline,assumed,p_meet,p_meet_se,value_at_deadline_q05,value_at_deadline_q50,value_at_deadline_q95,date_reached_q10,date_reached_q50,date_reached_q90,verdict"
    static let fitHeader = "family,parameter,estimate,std_error,ci_low,ci_high,aicc,weight,diagnostics"
    static let resultFiles = ["fan.svg", "feasibility.csv", "fit.csv", "forecast.csv", "run.json"]
    static let verdicts: Set<String> = ["on_track", "at_risk", "off_track", "met", "missed"]
    /// The 23 hub levels: 0.01, 0.025, 0.05, 0.10, 0.15, …, 0.90, 0.95, 0.975, 0.99.
    static let hubLevels: [Double] = [0.01, 0.025] + (1...19).map { Double($0) * 0.05 } + [0.975, 0.99]

    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("uptake-run-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: Helpers

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Copies the bundled scenarios (and their data files) into this test's directory; returns
    /// their paths relative to it, in batch order.
    private func copyBundled(_ names: [String] = RunCommandTests.bundled) throws -> [String] {
        let scenarios = Self.packageRoot.appendingPathComponent("Scenarios")
        let files = FileManager.default
        for name in try files.contentsOfDirectory(atPath: scenarios.appendingPathComponent("data").path) {
            let target = directory.appendingPathComponent("data").appendingPathComponent(name)
            if !files.fileExists(atPath: target.path) {
                try files.copyItem(at: scenarios.appendingPathComponent("data").appendingPathComponent(name), to: target)
            }
        }
        for name in names {
            try files.copyItem(at: scenarios.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return names
    }

    private func write(_ name: String, _ text: String) throws -> String {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return name
    }

    /// Runs `uptake arguments...` in this test's directory.
    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120, currentDirectory: directory)
    }

    private func text(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: directory.appendingPathComponent(relative)), as: UTF8.self)
    }

    private func scenarioID(_ file: String) throws -> String {
        let line = try text(file).split(separator: "\n").first { $0.hasPrefix("id: ") }
        return String(try XCTUnwrap(line).dropFirst(4)).trimmingCharacters(in: .whitespaces)
    }

    /// The files `run` writes in a scenario's folder: the five, plus families.csv when two or
    /// more families fit and seek.csv when the scenario has a `seek:` section (issue 12).
    private func expectedFiles(in folder: String, scenarioFile: String) throws -> [String] {
        var files = Self.resultFiles
        let fitted = try text("\(folder)/fit.csv").split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .filter { $0.count > 1 && !$0[1].isEmpty }.map { String($0[0]) }
        if Set(fitted).count >= 2 { files.append("families.csv") }
        if try text(scenarioFile).contains("\nseek:") { files.append("seek.csv") }
        return files.sorted()
    }

    /// Every regular file under `folder`, as relative paths, sorted.
    private func listing(_ folder: String) throws -> [String] {
        let root = directory.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [String] = []
        while let item = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root.appendingPathComponent(item).path, isDirectory: &isFolder),
               !isFolder.boolValue {
                files.append(item)
            }
        }
        return files.sorted()
    }

    // MARK: run: files and contracts

    func testRunWritesEveryFileWithTheDocumentedContract() throws {
        let inputs = try copyBundled()
        let result = try uptake(["run"] + inputs + ["--paths", Self.paths, "--out", "Results"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("error:"), result.stderr)

        let ids = try inputs.map(scenarioID)
        var expectedListing = ["summary.csv", "report.html"]
        for (input, id) in zip(inputs, ids) {
            expectedListing += try expectedFiles(in: "Results/\(id)", scenarioFile: input).map { "\(id)/\($0)" }
        }
        XCTAssertEqual(try listing("Results"), expectedListing.sorted(),
                       "five files per scenario (with families.csv, seek.csv when they apply) plus summary.csv and report.html, and nothing else")

        var summaryRows: [String] = []
        for (input, id) in zip(inputs, ids) {
            let folder = "Results/\(id)"
            let manifest = try checkRunJSON(try text("\(folder)/run.json"), id: id)
            let step = try XCTUnwrap(manifest["step"] as? String)
            try checkForecast(try text("\(folder)/forecast.csv"), id: id, step: step, scenario: try text(input))
            summaryRows += try checkFeasibility(try text("\(folder)/feasibility.csv"), id: id)
            try checkFit(try text("\(folder)/fit.csv"))
            let svg = try text("\(folder)/fan.svg")
            XCTAssertTrue(svg.contains("<svg"), "\(folder)/fan.svg is not an SVG")
            XCTAssertTrue(svg.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("</svg>"), "\(folder)/fan.svg is truncated")
        }

        // summary.csv: feasibility.csv's rows of every scenario folder, in id order (rebuilt
        // from the folders, so independent of the batch order).
        let summary = try text("Results/summary.csv")
        let byID = summaryRows.enumerated().sorted { a, b in
            let (x, y) = (a.element.prefix { $0 != "," }, b.element.prefix { $0 != "," })
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
        XCTAssertNotEqual(byID, summaryRows, "the bundled batch order is not already the id order")
        XCTAssertEqual(summary, ([Self.feasibilityHeader] + byID).joined(separator: "\n") + "\n")

        // Which targets are assumptions is the scenario files' say: Vung Tau's two and the
        // internet series' two are illustrative (assumed: true), Phu My's 800 is the article's.
        let rows = try CSV.parse(summary).dropFirst()
        let assumedByScenario = Dictionary(grouping: rows, by: { $0[0] }).mapValues { Set($0.map { $0[5] }) }
        XCTAssertEqual(assumedByScenario["vung-tau-market-qr"], ["true"])
        XCTAssertEqual(assumedByScenario["vietnam-internet-users"], ["true"])
        XCTAssertEqual(assumedByScenario["phu-my-noncash-acceptance-points"], ["false"])
        XCTAssertEqual(Set(rows.filter { $0[0] == "phu-my-noncash-acceptance-points" }.map { $0[1] }), ["baseline", "campaign"],
                       "one feasibility row per target × variant")
    }

    /// run.json: tool, version, seed, paths, SHA-256 of the input, timings.
    @discardableResult
    private func checkRunJSON(_ json: String, id: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let manifest = try XCTUnwrap(object as? [String: Any], "run.json is not a JSON object")
        XCTAssertEqual(manifest["tool"] as? String, "uptake")
        XCTAssertEqual(manifest["scenario"] as? String, id)
        XCTAssertNotNil(manifest["version"] as? String)
        XCTAssertNotNil(manifest["seed"])
        XCTAssertEqual((manifest["paths"] as? NSNumber)?.intValue, 2000, "--paths overrides forecast.paths")
        let sha = try XCTUnwrap(manifest["input_sha256"] as? String)
        XCTAssertTrue(sha.count == 64 && sha.allSatisfy(\.isHexDigit), "input_sha256 '\(sha)'")
        XCTAssertNotNil(manifest["timings"] as? [String: Any], "run.json has a timings object")
        // Each assumption is stated once: a family whose noise σ is assumed is noted once.
        let assumptions = try XCTUnwrap(manifest["assumptions"] as? [String])
        XCTAssertEqual(assumptions.count, Set(assumptions).count, "\(id): repeated assumptions")
        let families = try XCTUnwrap(manifest["families"] as? [[String: Any]])
        for family in families where family["noise"] as? String == "assumed" {
            let name = try XCTUnwrap(family["family"] as? String)
            XCTAssertEqual(assumptions.filter { $0.hasPrefix("\(name):") && $0.contains("noise") }.count, 1,
                           "\(id): the assumed noise of \(name) is noted once in \(assumptions)")
        }
        return manifest
    }

    private func checkForecast(_ csv: String, id: String, step: String, scenario: String) throws {
        XCTAssertEqual(csv.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init), Self.forecastHeader)
        let rows = Array(try CSV.parse(csv).dropFirst())
        XCTAssertFalse(rows.isEmpty, "\(id): forecast.csv has no rows")
        let locationLine = scenario.split(separator: "\n").first { $0.hasPrefix("location: ") }
        let location = locationLine.map { String($0.dropFirst("location: ".count)) }

        // Paths respect physics: counts are never negative, shares stay within their unit,
        // levels stay under a fixed ceiling.
        let metricLines = scenario.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var bounds: ClosedRange<Double> = 0...Double.greatestFiniteMagnitude
        if metricLines.contains("kind: share") {
            bounds = metricLines.contains("unit: percent") ? 0...100 : 0...1
        } else if let ceiling = metricLines.first(where: { $0.hasPrefix("ceiling: ") })?
                    .dropFirst("ceiling: ".count).split(separator: " ").first.flatMap({ Double($0) }) {
            bounds = 0...ceiling
        }

        var byVariant: [String: [[String]]] = [:]
        for row in rows {
            guard row.count == 10 else { return XCTFail("\(id): forecast.csv row with \(row.count) fields: \(row)") }
            XCTAssertEqual(row[0], id)
            if let location { XCTAssertEqual(row[2], location, "\(id): the location survives CSV quoting") }
            XCTAssertTrue(ISODate.isValid(row[4]), "\(id): reference_date '\(row[4])'")
            XCTAssertTrue(ISODate.isValid(row[6]), "\(id): target_end_date '\(row[6])'")
            XCTAssertTrue(["quantile", "mean", "median", "cdf", "sample"].contains(row[7]), "\(id): output_type '\(row[7])'")
            XCTAssertNotNil(Double(row[8]) ?? (row[8] == "NA" ? 0 : nil), "\(id): output_type_id '\(row[8])'")
            XCTAssertTrue(Double(row[9])?.isFinite ?? false, "\(id): value '\(row[9])'")
            if row[7] != "cdf", let value = Double(row[9]) {
                XCTAssertTrue(bounds.contains(value), "\(id): \(row[7]) \(value) outside \(bounds) at \(row[6])")
            }
            byVariant[row[1], default: []].append(row)
        }
        XCTAssertTrue(byVariant.keys.contains("baseline"), "\(id): a baseline variant")

        for (variant, rows) in byVariant {
            let label = "\(id)/\(variant)"
            XCTAssertEqual(Set(rows.map { $0[4] }).count, 1, "\(label): one reference_date")
            let reference = rows[0][4]
            var horizons: [Int] = []
            var byHorizon: [Int: [[String]]] = [:]
            for row in rows {
                guard let h = Int(row[5]) else { return XCTFail("\(label): horizon '\(row[5])'") }
                if byHorizon[h] == nil { horizons.append(h) }
                byHorizon[h, default: []].append(row)
            }
            XCTAssertEqual(horizons, Array(1...horizons.count), "\(label): horizons run 1…H in order")
            for h in horizons {
                let group = byHorizon[h]!
                let where_ = "\(label) h=\(h)"
                XCTAssertEqual(Set(group.map { $0[6] }).count, 1, "\(where_): one target_end_date")
                XCTAssertEqual(group[0][6], ISODate.gridDate(reference: reference, step: step, h: h),
                               "\(where_): the end of the h-th calendar \(step) after \(reference)")
                let quantiles = group.filter { $0[7] == "quantile" }
                let levels = quantiles.compactMap { Double($0[8]) }
                XCTAssertEqual(levels.count, 23, "\(where_): 23 quantile levels")
                if levels.count == 23 {
                    for (level, hub) in zip(levels, Self.hubLevels) { XCTAssertEqual(level, hub, accuracy: 1e-12, where_) }
                }
                let values = quantiles.compactMap { Double($0[9]) }
                XCTAssertEqual(values, values.sorted(), "\(where_): quantile values never decrease with the level")
                XCTAssertEqual(group.filter { $0[7] == "mean" }.map { $0[8] }, ["NA"], where_)
                XCTAssertEqual(group.filter { $0[7] == "median" }.map { $0[8] }, ["NA"], where_)
                let cdf = group.filter { $0[7] == "cdf" }.compactMap { row in Double(row[8]).flatMap { x in Double(row[9]).map { (x, $0) } } }
                XCTAssertFalse(cdf.isEmpty, "\(where_): cdf rows at the target values")
                for (threshold, p) in cdf {
                    XCTAssertTrue((0...1).contains(p), "\(where_): P(y ≤ \(threshold)) = \(p) is not a probability")
                }
                let ordered = cdf.sorted { $0.0 < $1.0 }.map(\.1)
                XCTAssertEqual(ordered, ordered.sorted(), "\(where_): P(y ≤ t) never decreases with t")
            }
        }
    }

    /// Checks feasibility.csv; returns its data rows as written (for summary.csv).
    private func checkFeasibility(_ csv: String, id: String) throws -> [String] {
        let lines = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, Self.feasibilityHeader)
        let rows = Array(try CSV.parse(csv).dropFirst())
        XCTAssertFalse(rows.isEmpty, "\(id): feasibility.csv has no rows")
        for row in rows {
            guard row.count == 15 else { XCTFail("\(id): feasibility.csv row with \(row.count) fields"); continue }
            XCTAssertEqual(row[0], id)
            XCTAssertNotNil(Double(row[3]), "target_value '\(row[3])'")
            XCTAssertTrue(ISODate.isValid(row[4]), "deadline '\(row[4])'")
            XCTAssertTrue(["true", "false"].contains(row[5]), "assumed '\(row[5])'")
            let p = try XCTUnwrap(Double(row[6]), "p_meet '\(row[6])'")
            XCTAssertTrue((0...1).contains(p), "p_meet \(p)")
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(Double(row[7])), 0, "p_meet_se")
            for field in row[11...13] where !field.isEmpty {
                XCTAssertTrue(ISODate.isValid(field), "date_reached '\(field)'")
            }
            XCTAssertTrue(Self.verdicts.contains(row[14]), "verdict '\(row[14])'")
            // Default thresholds (none of these scenarios overrides them): on track P ≥ 0.8,
            // at risk 0.2 ≤ P < 0.8, off track P < 0.2.
            switch row[14] {
            case "on_track": XCTAssertGreaterThanOrEqual(p, 0.8)
            case "at_risk": XCTAssertTrue(p >= 0.2 && p < 0.8, "at_risk with P = \(p)")
            case "off_track": XCTAssertLessThan(p, 0.2)
            case "missed": XCTAssertEqual(p, 0)
            default: XCTAssertEqual(p, 1)
            }
        }
        return Array(lines.dropFirst())
    }

    private func checkFit(_ csv: String) throws {
        XCTAssertEqual(csv.split(separator: "\n").first.map(String.init), Self.fitHeader)
        let rows = Array(try CSV.parse(csv).dropFirst())
        XCTAssertFalse(rows.isEmpty, "fit.csv has no rows")
        for row in rows {
            XCTAssertEqual(row.count, 9, "fit.csv row: \(row)")
            XCTAssertFalse(row[0].isEmpty, "fit.csv: a family")
        }
    }

    // MARK: reproducibility

    func testResultsDependOnlyOnSeedAndPathsNotOnJobsOrRepetition() throws {
        let inputs = try copyBundled()
        for (out, jobs) in [("one-job", "1"), ("two-jobs", "2"), ("two-jobs-again", "2")] {
            let result = try uptake(["run"] + inputs + ["--paths", Self.paths, "--seed", "7", "--jobs", jobs, "--out", out])
            XCTAssertEqual(result.exitCode, 0, result.stderr)
        }
        let files = try listing("one-job")
        var expected = 2
        for input in inputs { expected += try expectedFiles(in: "one-job/\(try scenarioID(input))", scenarioFile: input).count }
        XCTAssertEqual(files.count, expected, "the five files per scenario, families.csv and seek.csv where they apply, summary.csv, report.html")
        for other in ["two-jobs", "two-jobs-again"] {
            XCTAssertEqual(try listing(other), files)
            for file in files {
                let a = try text("one-job/\(file)"), b = try text("\(other)/\(file)")
                if file.hasSuffix("run.json") {
                    let (textA, restA) = try withoutTimings(a), (textB, restB) = try withoutTimings(b)
                    XCTAssertTrue(textA == textB, "\(file): one-job and \(other) differ before timings")
                    XCTAssertEqual(restA, restB, "\(file): one-job vs \(other)")
                } else {
                    XCTAssertTrue(a == b, "\(file): one-job and \(other) differ")
                }
            }
        }
        // A different seed changes the draws (so the comparison above is not vacuous).
        let reseeded = try uptake(["run", inputs[0], "--paths", Self.paths, "--seed", "8", "--out", "reseeded"])
        XCTAssertEqual(reseeded.exitCode, 0, reseeded.stderr)
        let id = try scenarioID(inputs[0])
        XCTAssertNotEqual(try text("reseeded/\(id)/forecast.csv"), try text("one-job/\(id)/forecast.csv"))
    }

    /// The four-lane step's two builds (portable, and x86-64-v3 where the processor has it)
    /// write the same bytes: a plain logistic scenario (the bench scenarios' shape, whose
    /// paths take that step) run as installed and with `UPTAKE_PORTABLE_KERNEL=1`.
    func testPortableAndX86_64_v3KernelsWriteTheSameBytes() throws {
        let scenario = directory.appendingPathComponent("plain-logistic.yaml")
        let observations = (0..<24).map { m in
            let month = String(format: "2020-%02d-28", m % 12 + 1).replacingOccurrences(of: "2020", with: "\(2020 + m / 12)")
            return "  - {date: \(month), value: \(Int(100 * exp(0.08 * Double(m)) / (1 + 0.02 * exp(0.08 * Double(m)))))}"
        }
        try ("""
            id: plain-logistic
            metric: {name: adopters, kind: count}
            observations:
            \(observations.joined(separator: "\n"))
            targets:
              - {value: 4700, by: 2026-12-31, label: 4700 by 2026}
            models: [logistic]
            forecast: {horizon: 2026-12-31, step: month, paths: 4000, seed: 3}
            """ + "\n").write(to: scenario, atomically: true, encoding: .utf8)
        let installed = try uptake(["run", scenario.path, "--out", "installed"])
        XCTAssertEqual(installed.exitCode, 0, installed.stderr)
        let portable = try ExecutableRunner.run("uptake", ["run", scenario.path, "--out", "portable"], timeout: 120,
                                                currentDirectory: directory, environment: ["UPTAKE_PORTABLE_KERNEL": "1"])
        XCTAssertEqual(portable.exitCode, 0, portable.stderr)
        for file in ["forecast.csv", "feasibility.csv", "fit.csv", "fan.svg"] {
            let a = try text("installed/plain-logistic/\(file)"), b = try text("portable/plain-logistic/\(file)")
            XCTAssertTrue(a == b, "\(file) differs between the kernels")
            XCTAssertGreaterThan(a.count, 200, file)
        }
        // Not vacuous: the target is uncertain, so the paths decide it.
        let p = try XCTUnwrap(Double(try text("installed/plain-logistic/feasibility.csv")
            .split(separator: "\n")[1].split(separator: ",")[6]))
        XCTAssertGreaterThan(p, 0.02)
        XCTAssertLessThan(p, 0.98)
    }

    /// A scenario whose folder cannot be written (here `out/<id>` is an existing file) is
    /// reported with exit code 2; the other scenarios of the batch are written in full, at
    /// one job and at two (files are written on the forecasting threads).
    func testAnUnwritableScenarioFolderDoesNotStopTheBatch() throws {
        let inputs = try copyBundled()
        let blocked = try scenarioID(inputs[1])
        for jobs in ["1", "2"] {
            let out = "blocked-\(jobs)"
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(out), withIntermediateDirectories: true)
            _ = try write("\(out)/\(blocked)", "not a folder\n")
            let result = try uptake(["run"] + inputs + ["--paths", "200", "--jobs", jobs, "--out", out])
            XCTAssertEqual(result.exitCode, 2, result.stderr)
            XCTAssertTrue(result.stderr.contains("cannot write") && result.stderr.contains(blocked), result.stderr)
            for input in inputs where try scenarioID(input) != blocked {
                let id = try scenarioID(input)
                XCTAssertEqual(try listing("\(out)/\(id)"), try expectedFiles(in: "\(out)/\(id)", scenarioFile: input),
                               "\(id) at --jobs \(jobs)")
            }
            let summary = try text("\(out)/summary.csv")
            XCTAssertFalse(summary.contains(blocked + ","), "the failed scenario has no summary rows")
            XCTAssertEqual(summary.split(separator: "\n").count > 1, true)
        }
    }

    /// run.json without its `timings` object: the text before it, which must match byte for
    /// byte, and the parsed rest (so a key after `timings` would be compared too).
    private func withoutTimings(_ json: String) throws -> (text: String, rest: NSDictionary) {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertNotNil(object["timings"] as? [String: Any], "run.json has a timings object")
        let range = try XCTUnwrap(json.range(of: "\"timings\""), "no timings in run.json")
        return (String(json[..<range.lowerBound]), object.filter { $0.key != "timings" } as NSDictionary)
    }

    // MARK: check

    func testCheckCSVPrintsExactlyTheFeasibilityRows() throws {
        let inputs = try copyBundled()
        let run = try uptake(["run"] + inputs + ["--paths", Self.paths, "--out", "Results"])
        XCTAssertEqual(run.exitCode, 0, run.stderr)
        let before = try listing(".")
        let check = try uptake(["check"] + inputs + ["--paths", Self.paths, "--format", "csv"])
        XCTAssertEqual(check.exitCode, 0, check.stderr)
        // The same rows as summary.csv; check keeps the batch order, the summary the id order.
        XCTAssertEqual(check.stdout.split(separator: "\n").sorted(), try text("Results/summary.csv").split(separator: "\n").sorted(),
                       "check --format csv = summary.csv")
        let first = try scenarioID(inputs[0])
        let single = try uptake(["check", inputs[0], "--paths", Self.paths, "--format", "csv"])
        XCTAssertEqual(single.exitCode, 0, single.stderr)
        XCTAssertEqual(single.stdout, try text("Results/\(first)/feasibility.csv"), "check --format csv = feasibility.csv")
        XCTAssertEqual(try listing("."), before, "check writes nothing to disk")
    }

    /// A ceiling of 100 and a level of 5: 99 next month cannot happen; 3 is already met.
    private static let unreachable = """
        id: unreachable
        location: Somewhere, "Quoted" Province
        metric:
          name: points
          kind: count
          ceiling: 100
        observations:
          - {date: 2024-01-31, value: 5}
        targets:
          - {value: 99, by: 2024-02-29, label: 99 points next month}
          - {value: 3, by: 2024-12-31, label: already there, assumed: true}
        forecast:
          horizon: 2024-12-31

        """

    func testCheckStrictExitsOneWhenATargetIsOffTrack() throws {
        let file = try write("unreachable.yaml", Self.unreachable)
        let relaxed = try uptake(["check", file, "--paths", Self.paths])
        XCTAssertEqual(relaxed.exitCode, 0, relaxed.stderr)
        let strict = try uptake(["check", file, "--paths", Self.paths, "--strict"])
        XCTAssertEqual(strict.exitCode, 1, strict.stderr)
        XCTAssertEqual(strict.stdout, relaxed.stdout, "--strict changes the exit code, not the report")
        let lines = strict.stdout.split(separator: "\n").map(String.init)
        // Header, one line per target, then what the scenario assumes (its assumed target).
        XCTAssertEqual(lines.count, 4, strict.stdout)
        XCTAssertTrue(lines[3].hasPrefix("unreachable assumes: target"), strict.stdout)
        XCTAssertTrue(lines.contains { $0.contains("99 points next month") && $0.hasSuffix("off_track") }, strict.stdout)
        XCTAssertTrue(lines.contains { $0.contains("already there (assumed)") && $0.hasSuffix("met") }, strict.stdout)

        let csv = try uptake(["check", file, "--paths", Self.paths, "--format", "csv", "--strict"])
        XCTAssertEqual(csv.exitCode, 1)
        let rows = try CSV.parse(csv.stdout)
        XCTAssertEqual(rows.first?.joined(separator: ","), Self.feasibilityHeader)
        XCTAssertEqual(rows.dropFirst().map { [$0[2], $0[5], $0[6], $0[14]] },
                       [["99 points next month", "false", "0.0", "off_track"], ["already there", "true", "1.0", "met"]])
        XCTAssertEqual(rows.last?[11], "2024-01-31", "a met target reports the date it was met")
    }

    func testCheckJSONParses() throws {
        let inputs = try copyBundled(["vung-tau-market-qr.yaml"])
        let file = try write("unreachable.yaml", Self.unreachable)
        let result = try uptake(["check", file] + inputs + ["--paths", Self.paths, "--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let items = try XCTUnwrap(parsed as? [[String: Any]], "an array of objects")
        XCTAssertEqual(items.count, 4, "two targets each")
        let keys = Self.feasibilityHeader.split(separator: ",").map(String.init)
        for item in items { XCTAssertEqual(Set(item.keys), Set(keys)) }
        XCTAssertEqual(items.map { $0["scenario"] as? String }, ["unreachable", "unreachable", "vung-tau-market-qr", "vung-tau-market-qr"])
        XCTAssertEqual(items.compactMap { $0["verdict"] as? String }.filter { !Self.verdicts.contains($0) }, [])
    }

    // MARK: validate, init

    func testValidatePrintsOneOKLinePerBundledScenario() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.packageRoot.appendingPathComponent("Scenarios").path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertFalse(names.isEmpty)
        _ = try copyBundled(names)
        let result = try uptake(["validate", "."])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, names.count, result.stdout)
        for (line, name) in zip(lines, names) {
            XCTAssertTrue(line.hasPrefix("ok") && line.contains(name), "'\(line)' for \(name)")
        }
    }

    func testInitWritesATemplateThatValidatesRunsAndIsNeverOverwritten() throws {
        let created = try uptake(["init", "my-id"])
        XCTAssertEqual(created.exitCode, 0, created.stderr)
        let template = try text("my-id.yaml")
        XCTAssertTrue(template.contains("id: my-id"), "the template carries the id")

        let validated = try uptake(["validate", "my-id.yaml"])
        XCTAssertEqual(validated.exitCode, 0, validated.stderr)
        XCTAssertTrue(validated.stdout.hasPrefix("ok") && validated.stdout.contains("my-id.yaml"), validated.stdout)

        let ran = try uptake(["run", "my-id.yaml", "--paths", Self.paths, "--out", "Results"])
        XCTAssertEqual(ran.exitCode, 0, ran.stderr)
        XCTAssertEqual(try listing("Results"),
                       (["summary.csv", "report.html"] + (try expectedFiles(in: "Results/my-id", scenarioFile: "my-id.yaml")).map { "my-id/\($0)" }).sorted())

        try "edited\n".write(to: directory.appendingPathComponent("my-id.yaml"), atomically: true, encoding: .utf8)
        let again = try uptake(["init", "my-id"])
        XCTAssertEqual(again.exitCode, 2)
        XCTAssertEqual(again.stdout, "")
        let errors = again.stderr.split(separator: "\n")
        XCTAssertEqual(errors.count, 1, again.stderr)
        XCTAssertTrue(errors.first?.hasPrefix("error: ") ?? false, again.stderr)
        XCTAssertTrue(again.stderr.contains("my-id.yaml"), again.stderr)
        XCTAssertEqual(try text("my-id.yaml"), "edited\n", "init never overwrites a file")
    }
}

// MARK: - Reading the outputs

/// RFC 4180 reading of what `uptake` wrote, by TextIO's reader in its strict mode (every
/// character belongs to a field, a blank line is a record), and rows as wide as the header.
enum CSV {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> [[String]] {
        let rows = try CSVReader.records(in: text, file: "output", mode: .strict).map(\.texts)
        if let width = rows.first?.count, let bad = rows.firstIndex(where: { $0.count != width }) {
            throw Malformed(description: "row \(bad + 1) has \(rows[bad].count) fields, the header \(width)")
        }
        return rows
    }
}

/// ISO 8601 calendar dates (YYYY-MM-DD) and the forecast time grid of DESIGN.md.
enum ISODate {
    static func parse(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...daysIn(year: y, month: m)).contains(d) else { return nil }
        return (y, m, d)
    }

    static func isValid(_ text: String) -> Bool { parse(text) != nil }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Step h ends at the end of the h-th calendar month / quarter / year after the reference.
    static func gridDate(reference: String, step: String, h: Int) -> String? {
        guard let r = parse(reference) else { return nil }
        let months: Int
        var index = r.year * 12 + (r.month - 1)   // months since year 0
        switch step {
        case "month": months = 1
        case "quarter": months = 3; index = r.year * 12 + ((r.month - 1) / 3) * 3 + 2
        case "year": months = 12; index = r.year * 12 + 11
        default: return nil
        }
        let end = index + h * months
        let year = end / 12, month = end % 12 + 1
        return String(format: "%04d-%02d-%02d", year, month, daysIn(year: year, month: month))
    }
}
