import Foundation
import XCTest
import TextIO
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

    /// A long quoted cell with spaces inside its quotes is trimmed from both ends at once
    /// (trimming it a character at a time took quadratic time): 800 KB in well under a second.
    func testLongQuotedCellWithSpacesReadsInLinearTime() throws {
        let spaces = String(repeating: " ", count: 400_000)
        let text = "x,y\n1,\"" + spaces + "2.5" + spaces + "\"\n"
        let start = DispatchTime.now().uptimeNanoseconds
        let t = try XCTUnwrap(table(text))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        XCTAssertEqual(t.column("y"), [2.5])
        XCTAssertLessThan(seconds, 1, "800 KB in \(seconds) s")
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
        XCTAssertEqual(message(""), "data.csv: the file is empty; expected a header row such as 'x,y'")
        XCTAssertEqual(message(" \n\r\n\t\n"), "data.csv: the file is empty; expected a header row such as 'x,y'")
        XCTAssertEqual(message("\u{FEFF}"), "data.csv: the file is empty; expected a header row such as 'x,y'")
    }

    func testMissingHeader() {
        XCTAssertEqual(
            message("1,2\n3,4\n"),
            "data.csv:1:1: the first row must name the columns, but it holds numbers ('1', …); add a header row such as 'x,y'")
    }

    func testHeaderWithoutRows() {
        XCTAssertEqual(message("x,y\n\n"), "data.csv:1:1: the file has a header row but no data rows")
    }

    func testRaggedRows() {
        XCTAssertEqual(message("x,y\n1,2\n3\n"), "data.csv:3:1: 1 value but the header names 2 columns")
        // Too many: at the first value too many; two numbers side by side may be a decimal comma.
        XCTAssertEqual(message("x,y\n1,2\n3,4,5\n"),
                       "data.csv:3:5: 3 values but the header names 2 columns; if '4,5' is one number, write it with a decimal point (4.5)")
        XCTAssertEqual(message("x,y\n1,2\n3,4,a\n"), "data.csv:3:5: 3 values but the header names 2 columns")
    }

    func testNonNumericCell() {
        XCTAssertEqual(message("x,y\n1,2\n3,4\nabc,5\n"), "data.csv:4:1: x must be a number, got 'abc'")
        XCTAssertEqual(message("x,y\n1,2\n\n3,1.2.3\n"), "data.csv:4:3: y must be a number, got '1.2.3'")
        XCTAssertEqual(
            message("x;y\n1;2\n"),
            "data.csv:1:1: the file looks semicolon-separated: the header 'x;y' has no ','. Uptake reads comma-separated "
                + "values with a decimal point, e.g. 2021,12.5; save the file as CSV with ',' between values and '.' in numbers")
    }

    func testNonFiniteCells() {
        XCTAssertEqual(message("x,y\n1,2\n3,4\n5,6\n7,nan\n"), "data.csv:5:3: y must be a finite number, got 'nan'")
        XCTAssertEqual(message("x,y\n-inf,2\n"), "data.csv:2:1: x must be a finite number, got '-inf'")
        XCTAssertEqual(message("x,y\n1e999,2\n"), "data.csv:2:1: x must be a finite number, got '1e999'")
    }

    func testMissingValue() {
        XCTAssertEqual(
            message("x,y\n1,\n"),
            "data.csv:2:3: y is empty; expected a number")
    }

    func testDuplicateAndUnnamedColumns() {
        XCTAssertEqual(message("x,y,x\n1,2,3\n"), "data.csv:1:5: column name 'x' is used twice (columns 1 and 3)")
        XCTAssertEqual(message("x,,y\n1,2,3\n"), "data.csv:1:3: column 2 of the header has no name")
    }

    func testUnterminatedQuote() {
        XCTAssertEqual(message("x,y\n\"1,2\n"), "data.csv:2:1: a quoted value is not closed (missing '\"')")
    }

    func testMessagesAreOneLine() {
        let bad = ["", "1,2", "x,y\n", "x,y\n1\n", "x,y\na,b\n", "x,y\nnan,1\n", "x,x\n1,1\n", "x,y\n\"1,2\n",
                   "x,y\r1,\"2\r\n3\"\r", "x\ty\n1\t2\n", "x,y\n1,\"a\u{85}b\"\n"]
        for text in bad {
            let m = message(text)
            XCTAssertNotNil(m, text)
            XCTAssertFalse(m?.contains(where: { $0.isNewline || $0 == "\t" }) ?? true, text)
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
            XCTAssertEqual("\(error)", "\(bad):3:3: y must be a number, got 'oops'")
        }
        XCTAssertThrowsError(try DataTable(contentsOfFile: "/nonexistent/sales.csv")) { error in
            XCTAssertEqual(error as? DataTableError, LocatedError(file: "/nonexistent/sales.csv", message: "no such file"))
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
