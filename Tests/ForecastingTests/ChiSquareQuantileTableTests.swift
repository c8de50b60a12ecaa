import LinearAlgebra
import XCTest
@testable import Forecasting

final class ChiSquareQuantileTableTests: XCTestCase {
    /// The table against the exact (Newton) quantile: relative error ≤ 1e-9 over [u₀, 1),
    /// both pieces and the split between them, for the sampler's ν and a wider range.
    func testTableMatchesTheExactQuantile() {
        var rng = SplitMix64(seed: 11)
        for nu in [1.0, 2.0, 3.0, 4.0, 7.5, 30.0] {
            let table = ChiSquareQuantileTable(degreesOfFreedom: nu, from: 0.02)
            var worst = 0.0
            var probes = (0..<4000).map { _ in 0.02 + 0.98 * rng.uniform() }
            probes += [0.02, 0.0200001, 0.9, 0.9000001, 0.8999999, 1 - 1e-6, 1 - 1e-12, 1 - 0x1p-53]
            for u in probes {
                // The reference: Newton on the tail the probe is in (1 − u is exact for u ≥ ½).
                let exact = u < 0.5 ? ChiSquare.quantile(u, degreesOfFreedom: nu)
                                    : ChiSquare.upperQuantile(1 - u, degreesOfFreedom: nu)
                worst = max(worst, abs(table.quantile(u) / exact - 1))
            }
            XCTAssertLessThan(worst, 1e-9, "ν = \(nu)")
            // A uniform that rounded up to 1 reads the last knot, not +∞ or a trap.
            XCTAssertEqual(table.quantile(1), ChiSquare.upperQuantile(0x1p-53, degreesOfFreedom: nu), accuracy: 1e-6)
        }
    }

    /// The upper-tail quantile against the lower one where both are accurate, and against
    /// closed forms: χ²₂ is exponential (x = −2 log q), χ²₄ has Q(2, y) = e^(−y)(1 + y).
    func testUpperQuantileKeepsItsPrecisionInTheTail() {
        for q in [0.3, 0.05, 1e-3] {
            XCTAssertEqual(ChiSquare.upperQuantile(q, degreesOfFreedom: 4), ChiSquare.quantile(1 - q, degreesOfFreedom: 4),
                           accuracy: 1e-9)
        }
        for q in [1e-5, 1e-10, 1e-15, 0x1p-53] {
            XCTAssertEqual(ChiSquare.upperQuantile(q, degreesOfFreedom: 2), -2 * log(q), accuracy: 1e-12 * -2 * log(q))
            let y = ChiSquare.upperQuantile(q, degreesOfFreedom: 4) / 2
            XCTAssertEqual(exp(-y) * (1 + y), q, accuracy: 1e-12 * q)
        }
    }

    func testSharedTablesCoverTheSamplersDegreesOfFreedom() {
        for nu in 1...4 {
            let table = ChiSquareQuantileTable.shared(degreesOfFreedom: Double(nu), from: ParameterSampler.mixingTruncation)
            XCTAssertEqual(table?.degreesOfFreedom, Double(nu))
        }
        XCTAssertNil(ChiSquareQuantileTable.shared(degreesOfFreedom: 2.5, from: ParameterSampler.mixingTruncation))
        XCTAssertNil(ChiSquareQuantileTable.shared(degreesOfFreedom: 4, from: 0.05))
    }
}
