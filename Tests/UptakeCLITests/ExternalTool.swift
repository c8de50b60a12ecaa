import Foundation
import XCTest

/// The programs outside Swift that some end-to-end tests drive: headless Chromium (Debian's
/// `chromium`) for report.html, and the notebook kernel's Python in the repository's `.venv/`
/// (`make venv`). `make test` installs both first and sets `UPTAKE_REQUIRE_TOOLS=1`, so there
/// a missing tool fails the test; a bare `swift test` without them skips it, saying how to
/// get it.
enum ExternalTool {
    /// Headless Chromium: `UPTAKE_CHROMIUM`, else the first of chromium, chromium-browser on
    /// the PATH.
    static func chromium() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["UPTAKE_CHROMIUM"], !path.isEmpty { return URL(fileURLWithPath: path) }
        let folders = (environment["PATH"] ?? "/usr/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser"] {
            for folder in folders {
                let path = (folder as NSString).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
            }
        }
        throw missing("headless Chromium is not installed: `make test` installs Debian's chromium package (or set UPTAKE_CHROMIUM)")
    }

    /// The Python of `.venv/` with nbclient, ipykernel, pandas and matplotlib
    /// (scripts/notebook-requirements.txt).
    static func notebookPython() throws -> URL {
        let python = RunCommandTests.packageRoot.appendingPathComponent(".venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            throw missing("no notebook kernel at \(python.path): `make venv` (part of `make test` and `make run`) creates it")
        }
        return python
    }

    private static func missing(_ message: String) -> Error {
        if ProcessInfo.processInfo.environment["UPTAKE_REQUIRE_TOOLS"] == "1" {
            return Failure(description: message + " (UPTAKE_REQUIRE_TOOLS=1: required)")
        }
        return XCTSkip(message)
    }

    struct Failure: Error, CustomStringConvertible { let description: String }
}
