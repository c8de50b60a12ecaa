import XCTest
import TextIO

/// `file:line:column: message`, one printable line, whatever the file held.
final class LocatedErrorTests: XCTestCase {
    func testDescriptionIsFileLineColumnMessage() {
        XCTAssertEqual(LocatedError(file: "d/bad.csv", line: 3, column: 12, message: "value must be a number, got 'x'").description,
                       "d/bad.csv:3:12: value must be a number, got 'x'")
        XCTAssertEqual(LocatedError(file: "bad.csv", line: 3, message: "m").description, "bad.csv:3: m")
        XCTAssertEqual(LocatedError(file: "bad.csv", message: "no such file").description, "bad.csv: no such file")
        XCTAssertEqual(LocatedError(file: "bad.csv", column: 4, message: "m").description, "bad.csv: m",
                       "a column without a line says nothing")
        let location = SourceLocation(file: "f.csv", line: 1, column: 2)
        XCTAssertEqual(location.description, "f.csv:1:2")
        XCTAssertEqual(location.error("m"), LocatedError(file: "f.csv", line: 1, column: 2, message: "m"))
        XCTAssertEqual(location.error("m").file, "f.csv")
        XCTAssertEqual(location.error("m").line, 1)
        XCTAssertEqual(location.error("m").column, 2)
    }

    func testMessagesHaveNoControlCharacters() {
        let error = LocatedError(file: "a\nb.csv", line: 1, column: 1, message: "got 'x\r\ny\tz\u{0}\u{7F}\u{85}\u{2028}'")
        XCTAssertEqual(error.message, #"got 'x\r\ny\tz\u{0}\u{7F}\u{85}\u{2028}'"#)
        XCTAssertEqual(error.description, #"a\nb.csv:1:1: got 'x\r\ny\tz\u{0}\u{7F}\u{85}\u{2028}'"#)
        XCTAssertFalse(error.description.unicodeScalars.contains { $0.properties.generalCategory == .control })
        // Printable text, accents and symbols included, is left as it is.
        XCTAssertEqual(PrintableText.escaped("Bà Rịa–Vũng Tàu ≥ 80 % \\n"), "Bà Rịa–Vũng Tàu ≥ 80 % \\n")
    }

    func testEchoedValuesAreQuotedEscapedAndCut() {
        XCTAssertEqual(PrintableText.quoted("abc"), "'abc'")
        XCTAssertEqual(PrintableText.quoted("12,5\r"), #"'12,5\r'"#)
        let sixty = String(repeating: "x", count: 60)
        XCTAssertEqual(PrintableText.quoted(sixty), "'\(sixty)'")
        XCTAssertEqual(PrintableText.quoted(sixty + "y"), "'\(sixty)…'")
        XCTAssertEqual(PrintableText.cut(String(repeating: "é", count: 100)), String(repeating: "é", count: 60) + "…")
        // A huge cell stays a readable message.
        let huge = String(repeating: "ab\n", count: 300_000)
        XCTAssertLessThan(PrintableText.quoted(huge).count, 200)
    }
}
