import Foundation
import Scenarios
import XCTest

/// A scratch folder per test, removed afterwards.
final class ScratchFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "uptake-scenarios-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// The 1-based line of the first line containing `needle`, and the column where it starts.
func position(of needle: String, in text: String, occurrence: Int = 1, file: StaticString = #filePath,
              line: UInt = #line) -> (line: Int, column: Int) {
    var seen = 0
    for (index, row) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if let range = row.range(of: needle) {
            seen += 1
            if seen == occurrence {
                return (index + 1, row[..<range.lowerBound].unicodeScalars.count + 1)
            }
        }
    }
    XCTFail("'\(needle)' not in the text", file: file, line: line)
    return (0, 0)
}

/// The error loading `yaml` gives, or a failure when it loads.
func loadError(_ yaml: String, path: String = "test.yaml", file: StaticString = #filePath,
               line: UInt = #line) -> ScenarioError? {
    do {
        let scenario = try ScenarioLoader.load(contents: yaml, path: path)
        XCTFail("expected an error, but '\(scenario.id)' loaded", file: file, line: line)
    } catch let error as ScenarioError {
        return error
    } catch {
        XCTFail("expected a ScenarioError, got \(error)", file: file, line: line)
    }
    return nil
}

/// Asserts the error's message and that it points at the line (and column) of `needle`.
func assertError(_ yaml: String, _ message: String, at needle: String, occurrence: Int = 1, checkColumn: Bool = true,
                 file: StaticString = #filePath, line: UInt = #line) {
    guard let error = loadError(yaml, file: file, line: line) else { return }
    XCTAssertEqual(error.message, message, file: file, line: line)
    let expected = position(of: needle, in: yaml, occurrence: occurrence, file: file, line: line)
    XCTAssertEqual(error.line, expected.line, "line", file: file, line: line)
    if checkColumn { XCTAssertEqual(error.column, expected.column, "column", file: file, line: line) }
    XCTAssertEqual(error.file, "test.yaml", file: file, line: line)
}

/// A small valid scenario that tests change one thing in.
let minimalScenario = """
id: test
metric:
  name: traders
  kind: count
observations:
  - {date: 2022-07-25, value: 168}
  - {date: 2023-07-25, value: 250}
forecast:
  horizon: 2026-12-31

"""
