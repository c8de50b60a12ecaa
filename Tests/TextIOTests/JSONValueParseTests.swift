import Foundation
import TextIO
import XCTest

/// Reading back the JSON that Uptake writes: what `rendered()` prints parses to the same
/// values (keys in order, integers as integers, doubles bit for bit), and a document that is
/// not JSON says where.
final class JSONValueParseTests: XCTestCase {
    func testRenderedDocumentsReadBackToTheSameValues() throws {
        let doubles = [0.1, 1.0 / 3.0, 1e-300, 6.02214076e23, -2.5, 0.0, 123456789.123456789, .leastNonzeroMagnitude]
        let value = JSONValue.object([
            ("tool", .string("uptake")), ("paths", .integer(500)), ("seed", .null), ("ok", .bool(true)),
            ("quoted", .string("a \"b\"\\c\n\té — ✓ \u{1}")), ("numbers", .array(doubles.map(JSONValue.number))),
            ("empty", .object([])), ("none", .array([])),
        ])
        let parsed = try JSONValue.parse(Data(value.rendered().utf8))
        XCTAssertEqual(parsed.rendered(), value.rendered())
        XCTAssertEqual(parsed["paths"]?.integer, 500)
        XCTAssertEqual(parsed["tool"]?.string, "uptake")
        XCTAssertEqual(parsed["quoted"]?.string, "a \"b\"\\c\n\té — ✓ \u{1}")
        let numbers = try XCTUnwrap(parsed["numbers"]?.array).map { $0.double }
        XCTAssertEqual(numbers.map { $0?.bitPattern }, doubles.map(\.bitPattern))
        if case .object(let members) = parsed { XCTAssertEqual(members.map(\.0), ["tool", "paths", "seed", "ok", "quoted", "numbers", "empty", "none"]) }
        XCTAssertEqual(try JSONValue.parse(Data(#"["\ud83d\ude00", "\u00e9"]"#.utf8)).array?.compactMap(\.string), ["😀", "é"])
    }

    func testNotJSONSaysWhere() {
        for (text, message) in [
            ("{\"a\": 1,}", "not JSON at byte 9: expected a quoted key"),
            ("[1 2]", "not JSON at byte 4: expected ',' or ']'"),
            ("{\"a\": tru}", "not JSON at byte 7: expected true"),
            ("\"open", "not JSON at byte 6: expected a closing quote"),
            ("1 2", "not JSON at byte 3: expected the end"),
            ("", "not JSON at byte 1: expected a value"),
        ] {
            XCTAssertThrowsError(try JSONValue.parse(Data(text.utf8)), text) { XCTAssertEqual("\($0)", message, text) }
        }
    }
}
