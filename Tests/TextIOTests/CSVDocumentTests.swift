import Foundation
import XCTest
import TextIO

/// A CSV input file with a header: what every reader of Uptake starts from. Its checks and
/// hints, each at `file:line:column`.
final class CSVDocumentTests: XCTestCase {
    private func document(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> CSVDocument? {
        do {
            return try CSVDocument(text: text, file: "d.csv", exampleHeader: "date,value")
        } catch {
            XCTFail("did not read: \(error)", file: file, line: line)
            return nil
        }
    }

    private func message(_ text: String) -> String? {
        do {
            _ = try CSVDocument(text: text, file: "d.csv", exampleHeader: "date,value")
            return nil
        } catch {
            return error.description
        }
    }

    private func numberMessage(_ cell: String) -> String? {
        guard let csv = document("period,value\n2021,\(cell)\n") else { return nil }
        do {
            _ = try csv.number(csv.rows[0][1], column: "value")
            return nil
        } catch {
            return error.description
        }
    }

    func testHeaderRowsAndSpreadsheetPadding() throws {
        let csv = try XCTUnwrap(document("date,value,,\n2021-12-31,5,,\n2022-12-31,6\n"))
        XCTAssertEqual(csv.columnNames, ["date", "value"])
        XCTAssertEqual(csv.rows.map(\.texts), [["2021-12-31", "5"], ["2022-12-31", "6"]])
        XCTAssertEqual(csv.index(ofColumn: "value"), 1)
        XCTAssertNil(csv.index(ofColumn: "Value"))
        XCTAssertEqual(csv.location(of: csv.rows[1][1]), SourceLocation(file: "d.csv", line: 3, column: 12))
        // A quoted empty field is a value, not padding.
        XCTAssertEqual(message("a,b\nx,2,\"\"\n"), "d.csv:2:5: 3 values but the header names 2 columns")
    }

    func testEmptyFileAndHeaderWithoutRows() throws {
        XCTAssertEqual(message(""), "d.csv: the file is empty; expected a header row such as 'date,value'")
        XCTAssertEqual(message("\u{FEFF}\r\n \r\n"), "d.csv: the file is empty; expected a header row such as 'date,value'")
        let headerOnly = try XCTUnwrap(document("\ndate,value\n\n"))
        XCTAssertThrowsError(try headerOnly.requireRows()) { error in
            XCTAssertEqual("\(error)", "d.csv:2:1: the file has a header row but no data rows")
        }
    }

    func testRaggedRowsPointAtTheValueTooManyOrTheLastOne() {
        XCTAssertEqual(message("a,b,c\n1,2,3\n4,5\n"), "d.csv:3:3: 2 values but the header names 3 columns")
        XCTAssertEqual(message("a\n1\n2,x\n"), "d.csv:3:3: 2 values but the header names 1 column")
        XCTAssertEqual(message("a,b\n1,2\n3,4,5,6\n"),
                       "d.csv:3:5: 4 values but the header names 2 columns; if '5,6' is one number, write it with a decimal point (5.6)")
    }

    func testNumbers() throws {
        let csv = try XCTUnwrap(document("a,b,c\n 1.5 ,\"  -2e3 \",\"\t7\"\n"))
        XCTAssertEqual(try csv.rows[0].fields.map { try csv.number($0, column: "a") }, [1.5, -2000, 7])
        XCTAssertEqual(numberMessage("abc"), "d.csv:2:6: value must be a number, got 'abc'")
        XCTAssertEqual(numberMessage("  "), "d.csv:2:6: value is empty; expected a number")
        XCTAssertEqual(numberMessage("\"\""), "d.csv:2:6: value is empty; expected a number")
        XCTAssertEqual(numberMessage("nan"), "d.csv:2:6: value must be a finite number, got 'nan'")
        XCTAssertEqual(numberMessage("-Infinity"), "d.csv:2:6: value must be a finite number, got '-Infinity'")
        // Long values are cut, control characters escaped.
        let long = String(repeating: "x", count: 100_000)
        XCTAssertEqual(numberMessage(long), "d.csv:2:6: value must be a number, got '\(long.prefix(60))…'")
        XCTAssertEqual(numberMessage("\"a\rb\""), #"d.csv:2:6: value must be a number, got 'a\rb'"#)
    }

    /// A spreadsheet saved with European settings, or as tab-separated text: the error says so
    /// and says what Uptake reads.
    func testSemicolonTabAndDecimalCommaHints() {
        let expected = "Uptake reads comma-separated values with a decimal point, e.g. 2021,12.5; "
            + "save the file as CSV with ',' between values and '.' in numbers"
        XCTAssertEqual(message("date;value\n2021-12-31;12,5\n2022-12-31;14\n"),
                       "d.csv:1:1: the file looks semicolon-separated and uses decimal commas (line 2: '12,5'): "
                           + "the header 'date;value' has no ','. " + expected)
        XCTAssertEqual(message("date;value\n2021-12-31;12\n"),
                       "d.csv:1:1: the file looks semicolon-separated: the header 'date;value' has no ','. " + expected)
        XCTAssertEqual(message("\u{FEFF}date\tvalue\r\n2021-12-31\t12,5\r\n"),
                       #"d.csv:1:1: the file looks tab-separated and uses decimal commas (line 2: '12,5'): the header 'date\tvalue' has no ','. "#
                           + expected)
        // One column whose name has a quoted ';' is a name like any other.
        XCTAssertEqual(document("\"a;b\"\n1\n")?.columnNames, ["a;b"])
        // In a number cell: a quoted decimal comma, a semicolon or a tab.
        XCTAssertEqual(numberMessage("\"12,5\""),
                       "d.csv:2:6: value must be a number, got '12,5'; it looks like a decimal comma; Uptake reads numbers with a decimal point (12.5)")
        XCTAssertEqual(numberMessage("\"1.234,5\""),
                       "d.csv:2:6: value must be a number, got '1.234,5'; it looks like a decimal comma; Uptake reads numbers with a decimal point")
        XCTAssertEqual(numberMessage("12;5"),
                       "d.csv:2:6: value must be a number, got '12;5'; the file looks semicolon-separated; "
                           + "Uptake reads comma-separated values with a decimal point, e.g. 2021,12.5")
        XCTAssertEqual(numberMessage("12\t5"),
                       #"d.csv:2:6: value must be a number, got '12\t5'; the file looks tab-separated; "#
                           + "Uptake reads comma-separated values with a decimal point, e.g. 2021,12.5")
    }

    // MARK: Files

    private func temporaryFile(_ bytes: [UInt8], suffix: String = ".csv") throws -> String {
        let path = NSTemporaryDirectory() + "csvdocument-test-\(UUID().uuidString)\(suffix)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testFilesAndTheirErrors() throws {
        let path = try temporaryFile(Array("\u{FEFF}date,value\r\n2021-12-31,5\r\n".utf8))
        let csv = try CSVDocument(contentsOfFile: path, exampleHeader: "date,value")
        XCTAssertEqual(csv.file, path)
        XCTAssertEqual(csv.rows.map(\.texts), [["2021-12-31", "5"]])
        XCTAssertThrowsError(try CSVDocument(contentsOfFile: "/nonexistent/d.csv", exampleHeader: "x")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/d.csv: no such file")
        }
        let workbook = try temporaryFile([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], suffix: ".xlsx")
        XCTAssertThrowsError(try CSVDocument(contentsOfFile: workbook, exampleHeader: "x")) { error in
            XCTAssertEqual("\(error)", "\(workbook): cannot read the file (it looks like a spreadsheet workbook; save it as CSV)")
        }
        let binary = try temporaryFile([0x61, 0x00, 0x62])
        XCTAssertThrowsError(try CSVDocument(contentsOfFile: binary, exampleHeader: "x")) { error in
            XCTAssertEqual("\(error)", "\(binary): cannot read the file (it is not a text file)")
        }
    }

    /// Bytes that are not UTF-8 are read as Latin-1, as legacy spreadsheet exports are written,
    /// and the columns still count characters.
    func testLatin1BytesAreDecoded() throws {
        let bytes = Array("a".utf8) + [0xF1] + Array("o,y\n1,x\n".utf8)
        let csv = try CSVDocument(bytes: bytes, file: "l.csv", exampleHeader: "x")
        XCTAssertEqual(csv.columnNames, ["año", "y"])
        XCTAssertThrowsError(try csv.number(csv.rows[0][1], column: "y")) { error in
            XCTAssertEqual("\(error)", "l.csv:2:3: y must be a number, got 'x'")
        }
        XCTAssertEqual(try TextFile.utf8(Array("ñ".utf8), file: "u.csv"), Array("ñ".utf8), "UTF-8 is kept as it is")
    }
}
