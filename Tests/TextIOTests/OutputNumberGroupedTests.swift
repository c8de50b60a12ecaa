import TextIO
import XCTest

/// The one thousands grouping of messages and the report page.
final class OutputNumberGroupedTests: XCTestCase {
    func testGroupsByThousands() {
        XCTAssertEqual(OutputNumber.grouped(0), "0")
        XCTAssertEqual(OutputNumber.grouped(999), "999")
        XCTAssertEqual(OutputNumber.grouped(1_000), "1,000")
        XCTAssertEqual(OutputNumber.grouped(2_400_000_000), "2,400,000,000")
        XCTAssertEqual(OutputNumber.grouped(-1_234_567), "-1,234,567")
        XCTAssertEqual(OutputNumber.grouped(Int.min), "-9,223,372,036,854,775,808")
    }
}
