import LinearAlgebra
import XCTest

/// Four-lane reads and writes land on exactly elements i…i+3, at any offset (aligned or not).
final class LaneAccessTests: XCTestCase {
    func testLanesReadAndWriteTheFourElementsAtAnyOffset() {
        for offset in 0...5 {
            let original = (0..<9).map { Double($0) + 0.5 }
            var values = original
            do {
                var span = values.mutableSpan
                XCTAssertEqual(span.lanes(at: offset), SIMD4(original[offset], original[offset + 1],
                                                             original[offset + 2], original[offset + 3]))
                span.setLanes(SIMD4(-1, -2, -3, -4), at: offset)
            }
            var expected = original
            expected.replaceSubrange(offset..<(offset + 4), with: [-1, -2, -3, -4])
            XCTAssertEqual(values, expected)
            var keys: [UInt64] = [1, 2, 3, 4, 5, 6, 7]
            do {
                var keySpan = keys.mutableSpan
                keySpan.setLanes(SIMD4(9, 8, 7, 6), at: min(offset, 3))
            }
            XCTAssertEqual(keys.span.lanes(at: min(offset, 3)), SIMD4(9, 8, 7, 6))
        }
    }
}
