import Foundation
import XCTest

extension XCTestCase {
    /// A new empty directory under the temporary directory (`prefix-UUID`), removed when the
    /// test ends.
    func scratchDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
