import Foundation
import XCTest
import TextIO

/// The one CSV reader: RFC 4180 quoting, every kind of line end, the places of fields, both
/// readings, the malformed cases, and time linear in the text.
final class CSVReaderTests: XCTestCase {
    private func records(_ text: String, mode: CSVReader.Mode = .lenient,
                         file: StaticString = #filePath, line: UInt = #line) -> [CSVRecord] {
        do {
            return try CSVReader.records(in: text, file: "t.csv", mode: mode)
        } catch {
            XCTFail("did not parse: \(error)", file: file, line: line)
            return []
        }
    }

    private func texts(_ text: String, mode: CSVReader.Mode = .lenient) -> [[String]] {
        records(text, mode: mode).map(\.texts)
    }

    /// (line, column) of every field, record by record.
    private func places(_ text: String, mode: CSVReader.Mode = .lenient) -> [[[Int]]] {
        records(text, mode: mode).map { $0.fields.map { [$0.line, $0.column] } }
    }

    private func error(_ text: String, mode: CSVReader.Mode = .lenient) -> LocatedError? {
        do {
            _ = try CSVReader.records(in: text, file: "t.csv", mode: mode)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Quoting

    func testQuotedFieldsAndDoubledQuotes() {
        let rows = records("place,note,empty\n\"Vung Tau, Ba Ria\",\"say \"\"hi\"\"\",\"\"\n")
        XCTAssertEqual(rows.map(\.texts), [["place", "note", "empty"], ["Vung Tau, Ba Ria", "say \"hi\"", ""]])
        XCTAssertEqual(rows[1].fields.map(\.isQuoted), [true, true, true])
        XCTAssertEqual(rows[0].fields.map(\.isQuoted), [false, false, false])
        XCTAssertEqual(texts("\"\"\"\"\n"), [["\""]])
    }

    func testLineBreaksInsideQuotesAreKeptAndCounted() {
        let text = "a,b\n\"two\nlines\",x\n\"cr\rand crlf\r\n\",y\nlast,z\n"
        XCTAssertEqual(texts(text), [["a", "b"], ["two\nlines", "x"], ["cr\rand crlf\r\n", "y"], ["last", "z"]])
        // A record starts where its first field does; fields after a line break in quotes are
        // on the later line.
        XCTAssertEqual(places(text), [[[1, 1], [1, 3]], [[2, 1], [3, 8]], [[4, 1], [6, 3]], [[7, 1], [7, 6]]])
    }

    // MARK: Line ends, byte-order mark, blank lines

    func testCRLFLFAndCROnlyLineEnds() {
        let expected = [["x", "y"], ["1", "2"], ["3", "4"]]
        for end in ["\n", "\r\n", "\r"] {
            XCTAssertEqual(texts(["x,y", "1,2", "3,4"].joined(separator: end) + end), expected, end.debugDescription)
            XCTAssertEqual(texts(["x,y", "1,2", "3,4"].joined(separator: end)), expected, "no final line end")
            XCTAssertEqual(records(["x,y", "1,2", "3,4"].joined(separator: end)).map(\.line), [1, 2, 3])
        }
        // Mixed, as files edited on several systems are.
        XCTAssertEqual(places("x,y\r\n1,2\r3,4\n5,6"), [[[1, 1], [1, 3]], [[2, 1], [2, 3]], [[3, 1], [3, 3]], [[4, 1], [4, 3]]])
    }

    func testByteOrderMarkIsSkippedAndNotAColumn() {
        XCTAssertEqual(places("\u{FEFF}a,b\n1,2\n"), [[[1, 1], [1, 3]], [[2, 1], [2, 3]]])
        XCTAssertEqual(texts("\u{FEFF}a,b\n"), [["a", "b"]])
        XCTAssertEqual(texts("\u{FEFF}"), [])
        XCTAssertEqual(texts(""), [])
    }

    func testEmptyTrailingLineAndBlankLines() {
        XCTAssertEqual(texts("a\n1\n"), [["a"], ["1"]])
        XCTAssertEqual(texts("a\n1\n\n\n"), [["a"], ["1"]])
        // Lenient: blank and white lines are skipped, and still counted.
        XCTAssertEqual(records("\n a\n \t\n1\r\n\r\n").map(\.line), [2, 4])
        // Strict: a blank line is a record with one empty field; the final line end is not.
        XCTAssertEqual(texts("a\n\n1\n", mode: .strict), [["a"], [""], ["1"]])
        XCTAssertEqual(texts("a\n1\n", mode: .strict), [["a"], ["1"]])
    }

    // MARK: Fields and their places

    func testRaggedRowsAreReturnedAsWritten() {
        XCTAssertEqual(texts("a,b\n1\n1,2,3\n,\n"), [["a", "b"], ["1"], ["1", "2", "3"], ["", ""]])
        XCTAssertEqual(texts("a,b,\n"), [["a", "b", ""]], "a trailing comma ends one more, empty field")
        XCTAssertEqual(places("a,b,\n"), [[[1, 1], [1, 3], [1, 5]]])
    }

    func testLenientReadingTrimsSpacesAroundFieldsAndQuotes() {
        let text = "  a ,\tb\t,  \"  c  \"  , d e \n"
        XCTAssertEqual(texts(text), [["a", "b", "  c  ", "d e"]])
        XCTAssertEqual(places(text), [[[1, 3], [1, 7], [1, 12], [1, 23]]])
        XCTAssertEqual(texts(text.replacingOccurrences(of: "  \"  c  \"  ", with: "c"), mode: .strict), [["  a ", "\tb\t", "c", " d e "]])
    }

    func testColumnsCountCharactersNotBytes() {
        // é is two bytes, the Vietnamese letters two or three, an emoji four: one column each.
        XCTAssertEqual(places("é,x\nBà Rịa,Vũng Tàu,🙂,z\n"), [[[1, 1], [1, 3]], [[2, 1], [2, 8], [2, 17], [2, 19]]])
    }

    func testLineAndColumnOfEveryFieldOfARealisticFile() {
        let text = "\u{FEFF}date,value,note\r\n2022-07-25,168,\"four markets, QR\"\r\n\r\n 2023-01-31 , 200 ,\r\n"
        let rows = records(text)
        XCTAssertEqual(rows.map(\.texts), [["date", "value", "note"], ["2022-07-25", "168", "four markets, QR"],
                                           ["2023-01-31", "200", ""]])
        XCTAssertEqual(rows.map { $0.fields.map { [$0.line, $0.column] } },
                       [[[1, 1], [1, 6], [1, 12]], [[2, 1], [2, 12], [2, 16]], [[4, 2], [4, 15], [4, 20]]])
    }

    // MARK: Malformed

    func testUnclosedQuoteIsReportedWhereItOpens() {
        XCTAssertEqual(error("x,y\n1,\"2\n3,4\n"), LocatedError(file: "t.csv", line: 2, column: 3,
                                                              message: "a quoted value is not closed (missing '\"')"))
        XCTAssertEqual(error("\"")?.description, "t.csv:1:1: a quoted value is not closed (missing '\"')")
    }

    func testQuoteInsideAnUnquotedField() {
        let e = error("x,y\n1,ab\"c\n")
        XCTAssertEqual(e?.location, SourceLocation(file: "t.csv", line: 2, column: 5))
        XCTAssertTrue(e?.message.hasPrefix("a quote (\") inside a value that does not start with one") ?? false, "\(String(describing: e))")
        XCTAssertNotNil(error("a\"", mode: .strict))
    }

    func testTextAfterAClosingQuote() {
        let e = error("x,y\n1,\"a\"b\n")
        XCTAssertEqual(e?.location, SourceLocation(file: "t.csv", line: 2, column: 6))
        XCTAssertTrue(e?.message.hasPrefix("text after the closing quote of a value") ?? false, "\(String(describing: e))")
        // Spaces after the closing quote: allowed when lenient, part of the text when strict.
        XCTAssertEqual(texts("\"a\"  ,b"), [["a", "b"]])
        XCTAssertEqual(error("\"a\"  ,b", mode: .strict)?.location, SourceLocation(file: "t.csv", line: 1, column: 4))
    }

    // MARK: Time

    /// Long quoted cells with spaces around them (once quadratic to trim), a line of many
    /// fields (columns counted incrementally) and many short rows: each in linear time. In a
    /// debug build 800 KB take well under a second, and 8 times the text takes about 8 times
    /// as long, not 64.
    func testTimeIsLinearInTheText() throws {
        func longCell(_ size: Int) -> String {
            "x,y\n1,   \"" + String(repeating: "  ab\"\"c,d\n", count: size / 10 + 1) + "\"   \n"
        }
        func manyFields(_ size: Int) -> String { "x\n" + String(repeating: " 1 ,", count: size / 4 + 1) + "\n" }
        func manyRows(_ size: Int) -> String { "x,y\n" + String(repeating: "1.5, \"2\"\n", count: size / 9 + 1) }
        for (name, make) in [("long quoted cell", longCell), ("many fields", manyFields), ("many rows", manyRows)] {
            let small = make(100_000), large = make(800_000)
            XCTAssertGreaterThanOrEqual(large.utf8.count, 800_000)
            let smallSeconds = try seconds { _ = try CSVReader.records(in: small, file: "t.csv") }
            let largeSeconds = try seconds { _ = try CSVReader.records(in: large, file: "t.csv") }
            print("\(name): 100 KB \(smallSeconds) s, 800 KB \(largeSeconds) s")
            XCTAssertLessThan(largeSeconds, 1, "\(name): 800 KB in \(largeSeconds) s")
            XCTAssertLessThan(largeSeconds / max(smallSeconds, 1e-4), 24, "\(name): 100 KB \(smallSeconds) s, 800 KB \(largeSeconds) s")
        }
        let cell = try CSVReader.records(in: longCell(800_000), file: "t.csv")[1][1]
        XCTAssertEqual(cell.text.utf8.count, 9 * (800_000 / 10 + 1))
        XCTAssertTrue(cell.text.hasPrefix("  ab\"c,d\n"))
    }

    /// The best of three runs, in seconds.
    private func seconds(_ body: () throws -> Void) throws -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
}
