import Foundation
import XCTest

/// `uptake fit`'s confidence intervals and its formats for scripts (issue 11), through the
/// built executable:
///
/// - 95 % intervals estimate ± t(0.975, n − p)·se agree with scipy's `curve_fit` on the
///   bundled Vietnam series and on NIST's Misra1a (`Tests/Data/fit-intervals/`, made by the
///   script there), value by value;
/// - `--format csv`: name,value,standard_error,lower_95,upper_95, one row per parameter, an
///   empty field where there is no number;
/// - csv and json numbers have at most 10 significant digits (json numbers as numbers);
///   `--digits 17` prints every bit, and rounding it to 10 digits gives the default output.
final class FitIntervalTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try scratchDirectory("uptake-fit-interval-tests")
    }

    private var repository: URL { RunCommandTests.packageRoot }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120, currentDirectory: repository)
    }

    private static let vietnam = ["fit", "--formula", "pct = K/(1+exp(-r*(period-t0)))",
                                  "--data", "Scenarios/data/vietnam_internet_users_pct_1996_2023.csv",
                                  "--start", "K=80,r=0.3,t0=2010"]

    // MARK: scipy

    struct Reference: Decodable {
        struct Problem: Decodable {
            struct Parameter: Decodable {
                let name: String
                let value: Double
                let standard_error: Double
                let lower_95: Double
                let upper_95: Double
            }
            let name: String
            let formula: String
            let data: String
            let start: String
            let dof: Int
            let t_975: Double
            let parameters: [Parameter]
        }
        let problems: [Problem]
    }

    /// Relative agreement asked of each problem. Both solvers stop where the sum of squares
    /// is flat to double precision (the RSS agree to 4·10⁻¹⁶); on the logistic the parameters
    /// are then determined to about 10⁻⁸ only (measured: ≤ 2.2·10⁻⁸, the std. error of K),
    /// on Misra1a to about 10⁻¹⁰ (measured ≤ 3.3·10⁻¹⁰). The CSV's 10 digits add ≤ 5·10⁻¹⁰.
    private static let tolerance = ["vietnam-internet-logistic": 1e-7, "nist-misra1a": 1e-8]

    func testIntervalsAgreeWithScipyCurveFit() throws {
        let url = repository.appendingPathComponent("Tests/Data/fit-intervals/scipy_fit_intervals.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        XCTAssertEqual(reference.problems.map(\.name).sorted(), Self.tolerance.keys.sorted())
        for problem in reference.problems {
            var data = problem.data, start = problem.start
            if data.hasSuffix(".dat") {
                // A NIST file: its data as CSV, its start 1 exactly as written in the file.
                let nist = try NISTProblem(name: problem.name, text: String(contentsOf: repository.appendingPathComponent(data),
                                                                             encoding: .utf8))
                let csv = directory.appendingPathComponent("\(problem.name).csv")
                try nist.csvText.write(to: csv, atomically: true, encoding: .utf8)
                data = csv.path
                start = nist.startArgument(0)
            }
            let result = try uptake(["fit", "--formula", problem.formula, "--data", data, "--start", start, "--format", "csv"])
            XCTAssertEqual(result.exitCode, 0, "\(problem.name): \(result.stderr)")
            let rows = try CSV.parse(result.stdout)
            XCTAssertEqual(rows.first, ["name", "value", "standard_error", "lower_95", "upper_95"])
            guard rows.first?.count == 5 else { continue }
            XCTAssertEqual(rows.dropFirst().map { $0[0] }, problem.parameters.map(\.name), problem.name)
            let tolerance = try XCTUnwrap(Self.tolerance[problem.name])
            for (row, expected) in zip(rows.dropFirst(), problem.parameters) {
                let numbers = row.dropFirst().map { Double($0) ?? .nan }
                let scipy = [expected.value, expected.standard_error, expected.lower_95, expected.upper_95]
                for (column, (mine, theirs)) in zip(["value", "standard_error", "lower_95", "upper_95"], zip(numbers, scipy)) {
                    XCTAssertEqual(mine, theirs, accuracy: tolerance * abs(theirs),
                                   "\(problem.name) \(expected.name) \(column): uptake \(mine), scipy \(theirs)")
                }
                // The half-width is t·se with scipy's t, to the CSV's rounding (10 digits of value
                // and bound, fewer of their difference).
                let halfWidth = numbers[3] - numbers[0]
                let rounding = 1e-9 * (1 + (abs(numbers[3]) + abs(numbers[0])) / halfWidth)
                XCTAssertEqual(halfWidth / numbers[1], problem.t_975, accuracy: rounding * problem.t_975,
                               "\(problem.name) \(expected.name): t")
            }
        }
    }

    // MARK: Formats

    /// Significant digits of a decimal number as printed (`0.0176275344` has 9).
    static func significantDigits(_ text: String) -> Int {
        var mantissa = text.lowercased()
        if let e = mantissa.firstIndex(of: "e") { mantissa = String(mantissa[..<e]) }
        var digits = mantissa.filter(\.isNumber)
        while digits.hasPrefix("0") { digits.removeFirst() }
        if mantissa.contains(".") { while digits.hasSuffix("0") { digits.removeLast() } }
        return digits.count
    }

    func testCSVHasOneRowPerParameterAndAtMostTenDigits() throws {
        let result = try uptake(Self.vietnam + ["--format", "csv"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let rows = try CSV.parse(result.stdout)
        XCTAssertEqual(rows.first, ["name", "value", "standard_error", "lower_95", "upper_95"])
        guard rows.count == 4, rows[0].count == 5 else { return XCTFail("a header and 3 rows: \(result.stdout)") }
        XCTAssertEqual(rows.dropFirst().map { $0[0] }, ["K", "r", "t0"])
        for row in rows.dropFirst() {
            for cell in row.dropFirst() {
                XCTAssertNotNil(Double(cell), "\(row[0]): '\(cell)'")
                XCTAssertLessThanOrEqual(Self.significantDigits(cell), 10, "\(row[0]): '\(cell)'")
            }
            guard let value = Double(row[1]), let lower = Double(row[3]), let upper = Double(row[4]) else { continue }
            XCTAssertTrue(lower < value && value < upper, "\(row)")
        }

        // A parameter the data do not identify: empty fields, not "nan".
        let line = directory.appendingPathComponent("line.csv")
        try "x,y\n1,2.1\n2,3.9\n3,6.2\n4,7.9\n".write(to: line, atomically: true, encoding: .utf8)
        let deficient = try uptake(["fit", "--formula", "y = a*b*x", "--data", line.path, "--start", "a=1,b=3", "--format", "csv"])
        XCTAssertEqual(deficient.exitCode, 0, deficient.stderr)
        let deficientRows = try CSV.parse(deficient.stdout)
        XCTAssertEqual(deficientRows.count, 3, deficient.stdout)
        for row in deficientRows.dropFirst() where row.count == 5 {
            XCTAssertNotNil(Double(row[1]), "\(row)")
            XCTAssertEqual(Array(row[2...]), ["", "", ""], "\(row)")
        }
    }

    func testJSONNumbersAreNumbersWithAtMostTenDigits() throws {
        let result = try uptake(Self.vietnam + ["--format", "json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let parameters = try XCTUnwrap(json["parameters"] as? [String: [String: Any]])
        for (name, entry) in parameters {
            XCTAssertEqual(Set(entry.keys), ["estimate", "std_error", "lower_95", "upper_95"], name)
            for (key, value) in entry { XCTAssertTrue(value is NSNumber, "\(name).\(key) is \(type(of: value))") }
        }
        // Every number as printed, keys aside.
        let numbers = try NSRegularExpression(pattern: #":\s*(-?[0-9][0-9.eE+-]*)"#)
        let text = result.stdout
        let matches = numbers.matches(in: text, range: NSRange(text.startIndex..., in: text))
        XCTAssertGreaterThan(matches.count, 12)
        for match in matches {
            let number = String(text[Range(match.range(at: 1), in: text)!])
            XCTAssertLessThanOrEqual(Self.significantDigits(number), 10, number)
        }
    }

    func testDigits17KeepsEveryBitAndRoundsToTheDefault() throws {
        let full = try uptake(Self.vietnam + ["--format", "csv", "--digits", "17"])
        let ten = try uptake(Self.vietnam + ["--format", "csv"])
        XCTAssertEqual(full.exitCode, 0, full.stderr)
        let fullRows = try CSV.parse(full.stdout), tenRows = try CSV.parse(ten.stdout)
        XCTAssertEqual(fullRows.count, 4, full.stdout)
        XCTAssertEqual(fullRows.count, tenRows.count)
        var longer = 0
        for (a, b) in zip(fullRows.dropFirst(), tenRows.dropFirst()) {
            for (x, y) in zip(a.dropFirst(), b.dropFirst()) {
                let value = try XCTUnwrap(Double(x))
                XCTAssertEqual(Double(String(format: "%.9e", value)), Double(y), "\(x) rounds to \(y)")
                if Self.significantDigits(x) > 10 { longer += 1 }
            }
        }
        XCTAssertGreaterThan(longer, 0, "17 digits print more than 10")
        for bad in ["0", "18"] {
            let result = try uptake(Self.vietnam + ["--digits", bad])
            XCTAssertEqual(result.exitCode, 2)
            XCTAssertTrue(result.stderr.contains("--digits must be a whole number from 1 to 17, got \(bad)"), result.stderr)
        }
    }

    func testTableShowsTheIntervalsAndHowTheyAreMade() throws {
        let result = try uptake(Self.vietnam)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("lower 95 %") && result.stdout.contains("upper 95 %"), result.stdout)
        XCTAssertTrue(result.stdout.contains("95 % intervals: estimate ± 2.0595 × std. error (Student's t, 25 degrees of freedom"),
                      result.stdout)
        XCTAssertTrue(result.stdout.contains("28 observations, 3 parameters, 25 degrees of freedom"), result.stdout)
    }
}
