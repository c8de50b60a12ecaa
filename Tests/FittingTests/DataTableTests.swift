import Foundation
import XCTest
@testable import Fitting

final class DataTableTests: XCTestCase {

    private func table(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> DataTable? {
        do {
            return try DataTable(csvContents: text, fileName: "data.csv")
        } catch {
            XCTFail("did not parse: \(error)", file: file, line: line)
            return nil
        }
    }

    private func message(_ text: String) -> String? {
        do {
            _ = try DataTable(csvContents: text, fileName: "data.csv")
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: Reading

    func testReadsHeaderAndColumns() throws {
        let t = try XCTUnwrap(table("x,y\n1,2\n3.5,-4e-2\n"))
        XCTAssertEqual(t.columnNames, ["x", "y"])
        XCTAssertEqual(t.rowCount, 2)
        XCTAssertEqual(t.column("x"), [1, 3.5])
        XCTAssertEqual(t.column("y"), [2, -0.04])
        XCTAssertNil(t.column("z"))
        XCTAssertEqual(t.name, "data.csv")
        XCTAssertEqual(t.rowLineNumbers, [2, 3])
    }

    func testCRLFBlankLinesAndSpaces() throws {
        let t = try XCTUnwrap(table("\r\n x , y \r\n 1 , 2 \r\n\r\n\t3,\t4\r\n\r\n  \r\n"))
        XCTAssertEqual(t.columnNames, ["x", "y"])
        XCTAssertEqual(t.column("x"), [1, 3])
        XCTAssertEqual(t.column("y"), [2, 4])
        XCTAssertEqual(t.rowLineNumbers, [3, 5], "line numbers count the skipped blank lines")
        let noFinalNewline = try XCTUnwrap(table("x\n7"))
        XCTAssertEqual(noFinalNewline.column("x"), [7])
        let oldMac = try XCTUnwrap(table("x\r1\r2\r"))
        XCTAssertEqual(oldMac.column("x"), [1, 2])
    }

    func testByteOrderMarkIsIgnored() throws {
        let t = try XCTUnwrap(table("\u{FEFF}month,sales\n1,10\n"))
        XCTAssertEqual(t.columnNames, ["month", "sales"])
        XCTAssertEqual(t.column("sales"), [10])
    }

    func testQuotedFields() throws {
        let t = try XCTUnwrap(table("\"x\", \"a \"\"quoted\"\", name\"\n\"1.5\", 2\n \" 3 \" ,\"4\"\n"))
        XCTAssertEqual(t.columnNames, ["x", "a \"quoted\", name"])
        XCTAssertEqual(t.column("x"), [1.5, 3])
        XCTAssertEqual(t.column("a \"quoted\", name"), [2, 4])
    }

    func testTrailingEmptyFieldsFromSpreadsheets() throws {
        let t = try XCTUnwrap(table("x,y,,\n1,2,,\n3,4\n"))
        XCTAssertEqual(t.columnNames, ["x", "y"])
        XCTAssertEqual(t.column("y"), [2, 4])
    }

    func testInMemoryColumns() {
        let t = DataTable(columns: ["t": [1, 2, 3], "level": [5, 6, 7]], order: ["t", "level"])
        XCTAssertEqual(t.columnNames, ["t", "level"])
        XCTAssertEqual(t.rowCount, 3)
        XCTAssertEqual(t.column("level"), [5, 6, 7])
        XCTAssertEqual(t.name, "the data")
        XCTAssertNil(t.rowLineNumbers)
    }

    // MARK: Errors

    func testEmptyFile() {
        XCTAssertEqual(message(""), "data.csv is empty (expected a header row naming the columns, e.g. 'x,y')")
        XCTAssertEqual(message(" \n\r\n\t\n"), "data.csv is empty (expected a header row naming the columns, e.g. 'x,y')")
        XCTAssertEqual(message("\u{FEFF}"), "data.csv is empty (expected a header row naming the columns, e.g. 'x,y')")
    }

    func testMissingHeader() {
        XCTAssertEqual(
            message("1,2\n3,4\n"),
            "data.csv, line 1: the first row must name the columns, but it holds numbers ('1', …); add a header row such as 'x,y'")
    }

    func testHeaderWithoutRows() {
        XCTAssertEqual(message("x,y\n\n"), "data.csv has a header but no data rows")
    }

    func testRaggedRows() {
        XCTAssertEqual(message("x,y\n1,2\n3\n"), "data.csv, line 3: 1 value but the header names 2 columns")
        XCTAssertEqual(message("x,y\n1,2\n3,4,5\n"), "data.csv, line 3: 3 values but the header names 2 columns")
    }

    func testNonNumericCell() {
        XCTAssertEqual(message("x,y\n1,2\n3,4\nabc,5\n"), "data.csv, line 4, column 'x': 'abc' is not a number")
        XCTAssertEqual(message("x,y\n1,2\n\n3,1.2.3\n"), "data.csv, line 4, column 'y': '1.2.3' is not a number")
        XCTAssertEqual(
            message("x;y\n1;2\n"),
            "data.csv, line 2, column 'x;y': '1;2' is not a number (values must be separated by commas)")
    }

    func testNonFiniteCells() {
        XCTAssertEqual(message("x,y\n1,2\n3,4\n5,6\n7,nan\n"), "data.csv, line 5, column 'y': 'nan' is not a finite number")
        XCTAssertEqual(message("x,y\n-inf,2\n"), "data.csv, line 2, column 'x': '-inf' is not a finite number")
        XCTAssertEqual(message("x,y\n1e999,2\n"), "data.csv, line 2, column 'x': '1e999' is not a finite number")
    }

    func testMissingValue() {
        XCTAssertEqual(
            message("x,y\n1,\n"),
            "data.csv, line 2, column 'y': the value is missing (empty cells are not supported)")
    }

    func testDuplicateAndUnnamedColumns() {
        XCTAssertEqual(message("x,y,x\n1,2,3\n"), "data.csv, line 1: column name 'x' is used twice (columns 1 and 3)")
        XCTAssertEqual(message("x,,y\n1,2,3\n"), "data.csv, line 1: column 2 of the header has no name")
    }

    func testUnterminatedQuote() {
        XCTAssertEqual(message("x,y\n\"1,2\n"), "data.csv, line 2: a quoted value is not closed (missing '\"')")
    }

    func testMessagesAreOneLine() {
        let bad = ["", "1,2", "x,y\n", "x,y\n1\n", "x,y\na,b\n", "x,y\nnan,1\n", "x,x\n1,1\n", "x,y\n\"1,2\n"]
        for text in bad {
            let m = message(text)
            XCTAssertNotNil(m, text)
            XCTAssertFalse(m?.contains("\n") ?? true, text)
            XCTAssertTrue(m?.hasPrefix("data.csv") ?? false, text)
        }
    }

    // MARK: Files

    private func temporaryFile(_ contents: Data, suffix: String = ".csv") throws -> String {
        let path = NSTemporaryDirectory() + "datatable-test-\(UUID().uuidString)\(suffix)"
        try contents.write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testReadsFile() throws {
        let path = try temporaryFile(Data("t,y\r\n2020,1\r\n2021,3\r\n".utf8))
        let t = try DataTable(contentsOfFile: path)
        XCTAssertEqual(t.columnNames, ["t", "y"])
        XCTAssertEqual(t.column("y"), [1, 3])
        XCTAssertEqual(t.name, path)
    }

    func testFileErrorsNameTheFile() throws {
        let bad = try temporaryFile(Data("x,y\n1,2\n3,oops\n".utf8))
        XCTAssertThrowsError(try DataTable(contentsOfFile: bad)) { error in
            XCTAssertEqual("\(error)", "\(bad), line 3, column 'y': 'oops' is not a number")
        }
        XCTAssertThrowsError(try DataTable(contentsOfFile: "/nonexistent/sales.csv")) { error in
            XCTAssertEqual(error as? DataTableError, .fileNotFound(path: "/nonexistent/sales.csv"))
            XCTAssertEqual("\(error)", "/nonexistent/sales.csv: no such file")
        }
        let directory = NSTemporaryDirectory()
        XCTAssertThrowsError(try DataTable(contentsOfFile: directory)) { error in
            XCTAssertEqual("\(error)", "\(directory): cannot read the file (it is a directory)")
        }
        let workbook = try temporaryFile(Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]), suffix: ".xlsx")
        XCTAssertThrowsError(try DataTable(contentsOfFile: workbook)) { error in
            XCTAssertEqual("\(error)", "\(workbook): cannot read the file (it looks like a spreadsheet workbook; save it as CSV)")
        }
    }

    func testLatin1FileFallsBack() throws {
        // "año,y\n1,2\n" in ISO-8859-1: ñ is the single byte 0xF1, invalid as UTF-8.
        let bytes = Array("a".utf8) + [0xF1] + Array("o,y\n1,2\n".utf8)
        let path = try temporaryFile(Data(bytes))
        let t = try DataTable(contentsOfFile: path)
        XCTAssertEqual(t.columnNames, ["año", "y"])
        XCTAssertEqual(t.column("año"), [1])
    }
}
