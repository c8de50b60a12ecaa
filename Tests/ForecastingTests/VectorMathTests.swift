import Foundation
import LinearAlgebra
import XCTest
@testable import Forecasting

/// The Monte Carlo's vector functions against the platform's libm, over the ranges the step
/// loop uses (and the whole double range where the function is defined).
final class VectorMathTests: XCTestCase {
    /// |a − b| in units in the last place of b.
    private func ulps(_ a: Double, _ b: Double) -> Double {
        if a == b { return 0 }
        if !a.isFinite || !b.isFinite { return .infinity }
        return abs(a - b) / max(b.ulp, Double.leastNonzeroMagnitude)
    }

    func testExpIsWithinTwoUlpOfLibmOverItsRange() {
        var rng = SplitMix64(seed: 7)
        var worst = 0.0
        var worstAt = 0.0
        // The vector path (all four lanes inside (−708, 708)): the whole range, its ends, and
        // dense near 0 (the step loop's deviations); then the libm hand-off over [−745, 710]
        // (subnormal and overflowing ends).
        for range in [(-707.99, 707.99), (-0.35, 0.35), (-1.0, 1.0), (-40.0, 40.0), (-707.99, -700.0), (700.0, 707.99),
                      (-745.2, 710.0)] {
            for _ in 0..<50_000 {
                let x = SIMD4<Double>((0..<4).map { _ in rng.uniform(range.0, range.1) })
                let y = VectorMath.exp(x)
                for lane in 0..<4 {
                    let d = ulps(y[lane], Foundation.exp(x[lane]))
                    if d > worst { worst = d; worstAt = x[lane] }
                }
            }
        }
        XCTAssertLessThanOrEqual(worst, 2, "worst at x = \(worstAt)")
    }

    func testExpSpecialValues() {
        let x = SIMD4<Double>(.nan, .infinity, -.infinity, 0)
        let y = VectorMath.exp(x)
        XCTAssertTrue(y[0].isNaN)
        XCTAssertEqual(y[1], .infinity)
        XCTAssertEqual(y[2], 0)
        XCTAssertEqual(y[3], 1)
        let edges = SIMD4<Double>(709.78, 709.79, -745.13, -745.14)
        let e = VectorMath.exp(edges)
        XCTAssertEqual(e[0], Foundation.exp(709.78))
        XCTAssertEqual(e[1], .infinity)
        XCTAssertEqual(e[2], Foundation.exp(-745.13))
        XCTAssertEqual(e[3], 0)
        // One lane at an end does not change the others.
        let mixed = VectorMath.exp(SIMD4<Double>(0.5, 709.79, -0.25, 1e-3))
        XCTAssertEqual(mixed[0], Foundation.exp(0.5))
        XCTAssertEqual(mixed[2], Foundation.exp(-0.25))
    }
}
