import Foundation
import XCTest

/// `uptake fit` and the columns of its data (issue 11), through the built executable:
///
/// - a date column (YYYY-MM-DD, or YYYY-MM for the month's last day) is read as decimal
///   years the way scenarios read dates: a fit on dates gives exactly the fit on the same
///   decimal years written as numbers;
/// - a bad date in a date column names its line;
/// - a misspelt column, on either side of '=' or in --start, gets "did you mean …?", and a
///   one-letter parameter is never taken for a misspelt one-letter column.
final class FitDataColumnTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try scratchDirectory("uptake-fit-column-tests")
    }

    private func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    private func fit(_ formula: String, _ data: String, _ start: String, _ extra: [String] = []) throws -> ExecutableRunner.Result {
        try ExecutableRunner.run("uptake", ["fit", "--formula", formula, "--data", data, "--start", start] + extra, timeout: 120)
    }

    /// The end of a day in decimal years: year + day of year / days in year (CalendarDate).
    private static func decimalYear(_ year: Int, _ month: Int, _ day: Int) -> Double {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let dayOfYear = lengths.prefix(month - 1).reduce(0, +) + day
        return Double(year) + Double(dayOfYear) / (leap ? 366 : 365)
    }

    // MARK: Dates

    func testADateColumnIsReadAsDecimalYears() throws {
        // Quarter ends 2019–2023, a logistic in time with a little deterministic noise.
        var dated = "date,share\n", monthly = "month,share\n", numeric = "t,share\n"
        let ends = [(3, 31), (6, 30), (9, 30), (12, 31)]
        var i = 0
        for year in 2019...2023 {
            for (month, day) in ends {
                let t = Self.decimalYear(year, month, day)
                let share = 80 / (1 + exp(-0.9 * (t - 2021.3))) + 0.4 * sin(Double(i))
                i += 1
                let date = String(format: "%04d-%02d-%02d", year, month, day)
                dated += "\(date),\(share)\n"
                monthly += "\(date.prefix(7)),\(share)\n"
                numeric += "\(String(format: "%.17g", t)),\(share)\n"
            }
        }
        let start = "K=70,r=1,t0=2021"
        let options = ["--format", "csv", "--digits", "17"]
        let byDate = try fit("share = K/(1+exp(-r*(date-t0)))", try write("dated.csv", dated), start, options)
        let byMonth = try fit("share = K/(1+exp(-r*(month-t0)))", try write("monthly.csv", monthly), start, options)
        let byNumber = try fit("share = K/(1+exp(-r*(t-t0)))", try write("numeric.csv", numeric), start, options)
        for result in [byDate, byMonth, byNumber] { XCTAssertEqual(result.exitCode, 0, result.stderr) }
        XCTAssertEqual(byDate.stdout, byNumber.stdout, "dates are the decimal years of the ends of their days")
        XCTAssertEqual(byMonth.stdout, byNumber.stdout, "YYYY-MM is the month's last day")
        let rows = try CSV.parse(byDate.stdout)
        let t0 = try XCTUnwrap(rows.count == 4 && rows[3].count == 5 ? Double(rows[3][1]) : nil, byDate.stdout)
        XCTAssertEqual(t0, 2021.3, accuracy: 0.05)

        let table = try fit("share = K/(1+exp(-r*(date-t0)))", try write("dated.csv", dated), start)
        XCTAssertEqual(table.exitCode, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("'date' read from dates as decimal years"), table.stdout)
    }

    func testABadDateInADateColumnNamesItsLine() throws {
        let data = try write("dates.csv", "date,y\n2020-03-31,1\n2020-06-31,2\n2020-09-30,3\n")
        let result = try fit("y = a + b*(date-2020)", data, "a=0,b=1")
        XCTAssertEqual(result.exitCode, 2, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertEqual(result.stderr, "error: \(data):3:1: '2020-06-31' is not a date (YYYY-MM-DD or YYYY-MM), "
            + "but column 'date' starts with the date '2020-03-31'\n")

        let mixed = try write("mixed.csv", "x,y\n1,1\n2020-06-30,2\n3,3\n")
        let number = try fit("y = a + b*x", mixed, "a=0,b=1")
        XCTAssertEqual(number.exitCode, 2, number.stderr)
        XCTAssertTrue(number.stderr.contains(":3:1: x must be a number, got '2020-06-30' (a column is read as dates only when its first value is a date)"),
                      number.stderr)
    }

    // MARK: Misspelt columns

    func testAMisspeltColumnGetsDidYouMean() throws {
        let data = try write("series.csv", "period,pct\n2018,10\n2019,20\n2020,35\n2021,50\n2022,62\n")
        let left = try fit("Pct = K/(1+exp(-r*(period-t0)))", data, "K=80,r=0.5,t0=2020")
        XCTAssertEqual(left.exitCode, 2)
        XCTAssertTrue(left.stderr.contains("'Pct' on the left of '=' is not a column of \(data); did you mean 'pct'?"), left.stderr)

        let right = try fit("pct = K/(1+exp(-r*(perod-t0)))", data, "K=80,r=0.5,t0=2020")
        XCTAssertEqual(right.exitCode, 2)
        XCTAssertTrue(right.stderr.contains("missing starting value for 'perod'"), right.stderr)
        XCTAssertTrue(right.stderr.contains("'perod' is not a column of \(data) (columns: period, pct): did you mean 'period'?"),
                      right.stderr)

        let start = try fit("pct = K/(1+exp(-r*(period-t0)))", data, "K=80,rr=0.5,t0=2020")
        XCTAssertEqual(start.exitCode, 2)
        XCTAssertTrue(start.stderr.contains("'rr' is not a parameter of the formula (parameters: K, r, t0); did you mean 'r'?"),
                      start.stderr)

        let column = try fit("pct = K/(1+exp(-r*(period-t0)))", data, "K=80,r=0.5,t0=2020,period=1")
        XCTAssertEqual(column.exitCode, 2)
        XCTAssertTrue(column.stderr.contains("'period' is a column of \(data), whose values are data, not fitted"), column.stderr)

        // A forgotten one-letter parameter is not a misspelt one-letter column.
        let xy = try write("xy.csv", "x,y\n1,2\n2,4\n3,6.5\n")
        let forgotten = try fit("y = a*x + b", xy, "a=1")
        XCTAssertEqual(forgotten.exitCode, 2)
        XCTAssertTrue(forgotten.stderr.contains("missing starting value for 'b'"), forgotten.stderr)
        XCTAssertFalse(forgotten.stderr.contains("did you mean"), forgotten.stderr)
        for result in [left, right, start, column, forgotten] {
            XCTAssertEqual(result.stdout, "")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
    }
}
