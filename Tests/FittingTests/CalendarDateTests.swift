import Fitting
import TextIO
import XCTest

/// Dates are read strictly (issue 14): `YYYY-MM-DD` or a year `YYYY`, ASCII digits only, no
/// sign or spaces, years 0001–9999, months 1–12, days that exist; and month arithmetic never
/// traps, whatever date it starts from.
final class CalendarDateTests: XCTestCase {
    func testISODatesAreStrict() {
        XCTAssertEqual(CalendarDate(iso: "2024-02-29"), CalendarDate(year: 2024, month: 2, day: 29))
        XCTAssertEqual(CalendarDate(iso: "0001-01-01")?.year, 1)
        XCTAssertEqual(CalendarDate(iso: "9999-12-31")?.year, 9999)
        for text in ["+202-03-31", "-202-03-31", "2024-+1-01", "2024-01-+1", " 024-01-01", "2024-01- 1", "2024-1-01",
                     "20240-01-01", "2024-01-011", "2024/01/01", "0000-12-31", "2023-02-29", "2024-13-01", "2024-00-10",
                     "2024-04-31", "2024-01-00", "٢٠٢٤-01-01", "2024-01-01\n", ""] {
            XCTAssertNil(CalendarDate(iso: text), text)
        }
    }

    func testYearsAreFourDigits() {
        XCTAssertEqual(CalendarDate(yearEnd: "2023"), CalendarDate(year: 2023, month: 12, day: 31))
        for text in ["-999", "+999", "0000", "999", "20231", " 202", "２０２３"] {
            XCTAssertNil(CalendarDate(yearEnd: text), text)
        }
    }

    func testComponentsAreRangeChecked() {
        XCTAssertNil(CalendarDate(year: 0, month: 1, day: 1))
        XCTAssertNil(CalendarDate(year: -999, month: 12, day: 31))
        XCTAssertNil(CalendarDate(year: 10_000, month: 1, day: 1))
        XCTAssertNil(CalendarDate(year: 2023, month: 2, day: 29))
        XCTAssertNotNil(CalendarDate(year: 2000, month: 2, day: 29))
    }

    /// Why a well-shaped date is invalid, for the end of a message.
    func testRangeProblemSaysWhichPart() {
        XCTAssertEqual(CalendarDate.rangeProblem(iso: "2024-13-01"), "the month is 13; months are 01–12")
        XCTAssertEqual(CalendarDate.rangeProblem(iso: "2023-02-29"), "the day is 29; 2023-02 has 28 days")
        XCTAssertEqual(CalendarDate.rangeProblem(iso: "0000-01-01"), "the year is 0000; years are 0001–9999")
        XCTAssertNil(CalendarDate.rangeProblem(iso: "2024-02-29"))
        XCTAssertNil(CalendarDate.rangeProblem(iso: "+202-01-01"))
    }

    /// The crash of issue 14: month −10 built from the year −999, force-unwrapped.
    func testEndOfMonthNeverTraps() {
        let start = CalendarDate(year: 1, month: 1, day: 1)!
        XCTAssertEqual(start.endOfMonth(after: -1).description, "0000-12-31")
        XCTAssertEqual(start.endOfMonth(after: -13).month, 12)
        XCTAssertEqual(start.endOfMonth(after: -14).month, 11)
        let last = CalendarDate(year: 9999, month: 12, day: 31)!
        XCTAssertEqual(last.endOfMonth(after: 1).description, "10000-01-31")
        XCTAssertEqual(CalendarDate(year: 2024, month: 1, day: 15)!.endOfMonth(after: 1).description, "2024-02-29")
    }

    func testNextDay() {
        XCTAssertEqual(CalendarDate(iso: "2024-02-28")!.nextDay.description, "2024-02-29")
        XCTAssertEqual(CalendarDate(iso: "2023-02-28")!.nextDay.description, "2023-03-01")
        XCTAssertEqual(CalendarDate(iso: "2023-12-31")!.nextDay.description, "2024-01-01")
        XCTAssertEqual(CalendarDate(iso: "9999-12-31")!.nextDay.description, "10000-01-01")
    }

    /// The CSV readers' messages say what the shape must be, and why a well-shaped date is out.
    func testCSVDateMessages() throws {
        let csv = try CSVDocument(text: "date,period\n2023-02-29,-999\n", file: "d.csv", exampleHeader: "date,value")
        XCTAssertThrowsError(try csv.date(csv.rows[0][0], column: "date")) { error in
            XCTAssertEqual("\(error)", "d.csv:2:1: date must be YYYY-MM-DD, e.g. 2025-12-31, got '2023-02-29': the day is 29; 2023-02 has 28 days")
        }
        XCTAssertThrowsError(try csv.yearEnd(csv.rows[0][1], column: "period")) { error in
            XCTAssertEqual("\(error)", "d.csv:2:12: period must be a year YYYY from 0001 to 9999 (read as YYYY-12-31), got '-999'")
        }
    }

    /// A month (`uptake fit`'s date columns) is as strict as a day: ASCII digits, no sign.
    func testIsoMonthIsStrict() {
        XCTAssertEqual(CalendarDate(isoMonth: "2024-05"), CalendarDate(iso: "2024-05-31"))
        for text in ["+202-05", "2024-+5", " 2024-05", "2024-5", "0000-05", "2024-13", "2024-05 "] {
            XCTAssertNil(CalendarDate(isoMonth: text), text)
        }
    }
}
