import Foundation
import XCTest

/// Bad CSV input through the built `uptake`, one reader behind every command: the same mistake
/// reads the same way — `error: FILE:LINE:COLUMN: message` on one line of stderr, exit 2 —
/// whether `fit --data` met it, `validate` in a scenario's `data:` file, or `compare` in a
/// forecast or actuals file.
final class CSVInputErrorTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-csv-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    private func uptake(_ arguments: [String]) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", arguments, timeout: 120, currentDirectory: directory)
    }

    /// `uptake fit` and `uptake validate` of a scenario reading `data` (both relative to the
    /// test's directory).
    private func fitAndValidate(_ data: String) throws -> [ExecutableRunner.Result] {
        try write("s-\(data).yaml", "id: s\nmetric: {name: n, kind: count}\ndata: \(data)\nforecast: {horizon: 2030-12-31}\n")
        return [try uptake(["fit", "--formula", "value = a*period", "--data", data, "--start", "a=1"]),
                try uptake(["validate", "s-\(data).yaml"])]
    }

    /// One line on stderr, `error: ` first, exit 2, nothing on stdout; the line without the prefix.
    private func errorLine(_ result: ExecutableRunner.Result, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertEqual(result.exitCode, 2, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("error: ") && result.stderr.hasSuffix("\n"), result.stderr, file: file, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr.debugDescription)", file: file, line: line)
        XCTAssertFalse(result.stderr.unicodeScalars.contains { $0 == "\r" || $0 == "\t" }, result.stderr.debugDescription,
                       file: file, line: line)
        return String(result.stderr.dropFirst("error: ".count).dropLast())
    }

    private static let forecastHeader =
        "scenario,variant,location,target,reference_date,horizon,target_end_date,output_type,output_type_id,value\n"
    private static let forecastRow = "s,baseline,\"Phu My, Ba Ria\",users,2024-12-31,1,2025-01-31,quantile,"

    /// A non-number in a value cell on line 3: the same `file:3:column: value must be a
    /// number, got 'abc'` from every reader.
    func testTheSameMistakeReadsTheSameInEveryReader() throws {
        try write("bad.csv", "period,value\n2020,1\n2021,abc\n2022,3\n")
        let expected = "bad.csv:3:6: value must be a number, got 'abc'"
        for result in try fitAndValidate("bad.csv") {
            XCTAssertEqual(errorLine(result), expected)
        }

        let badRow = Self.forecastRow + "0.9,abc\n"
        try write("forecast.csv", Self.forecastHeader + Self.forecastRow + "0.5,10\n" + badRow)
        let column = badRow.count - "abc\n".count + 1
        XCTAssertEqual(errorLine(try uptake(["compare", "forecast.csv", "forecast.csv"])),
                       "forecast.csv:3:\(column): value must be a number, got 'abc'")

        try write("good.csv", Self.forecastHeader + Self.forecastRow + "0.5,10\n")
        try write("actuals.csv", "scenario,date,value\ns,2024-12-31,9\ns,2025-01-31,abc\n")
        XCTAssertEqual(errorLine(try uptake(["compare", "good.csv", "good.csv", "--actuals", "actuals.csv"])),
                       "actuals.csv:3:14: value must be a number, got 'abc'")
    }

    /// A spreadsheet saved with European settings: every reader says the file looks
    /// semicolon-separated with decimal commas, and what Uptake reads instead.
    func testSemicolonFileGetsTheHint() throws {
        try write("semi.csv", "period;value\n2020;12,5\n2021;14,25\n")
        let hint = "semi.csv:1:1: the file looks semicolon-separated and uses decimal commas (line 2: '12,5'): "
            + "the header 'period;value' has no ','. Uptake reads comma-separated values with a decimal point"
        for result in try fitAndValidate("semi.csv") {
            let line = errorLine(result)
            XCTAssertTrue(line.hasPrefix(hint), line)
        }
        XCTAssertTrue(errorLine(try uptake(["compare", "semi.csv", "semi.csv"])).hasPrefix(hint))
    }

    /// Old Mac line ends (CR only) are line ends; a CR inside a quoted cell is echoed as `\r`,
    /// never written raw to the terminal.
    func testCROnlyFileErrorHasNoRawCarriageReturn() throws {
        try write("cr.csv", "period,value\r2020,1\r2021,\"4\r2\"\r")
        for result in try fitAndValidate("cr.csv") {
            XCTAssertEqual(errorLine(result), #"cr.csv:3:6: value must be a number, got '4\r2'"#)
        }
    }
}
