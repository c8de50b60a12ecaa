import Foundation
import XCTest
import LinearAlgebra

/// `SmallPivotedQR` (Swift) against `PivotedQR` (LAPACK dgeqp3/dormqr) on the shapes of curve
/// fits: the same pivot order, the same R (same signs), the same Qᵀ·b and the same
/// least-squares solution, to rounding.
final class SmallPivotedQRTests: XCTestCase {
    private func randomMatrix(_ m: Int, _ n: Int, _ rng: inout SplitMix64) -> Matrix {
        var a = Matrix(rows: m, columns: n)
        // Columns of very different scales, as in Jacobians of (K, r, t0).
        for j in 0..<n {
            let scale = exp(2.302585092994046 * rng.uniform(-3, 3))
            for i in 0..<m { a[i, j] = scale * rng.normal() }
        }
        return a
    }

    private func factorBoth(_ a: Matrix) throws -> (small: SmallPivotedQR, lapack: PivotedQR) {
        var small = SmallPivotedQR()
        small.factor(a)
        var lapack = PivotedQR()
        try lapack.factor(a)
        return (small, lapack)
    }

    /// x = P·R⁻¹·(Qᵀb)[0..<n], the least-squares solution of a full-rank A·x ≈ b.
    private func solve(_ n: Int, r: (Int, Int) -> Double, permutation: (Int) -> Int, qtb: [Double]) -> [Double] {
        var z = Array(qtb[0..<n])
        for j in stride(from: n - 1, through: 0, by: -1) {
            z[j] /= r(j, j)
            for i in 0..<j { z[i] -= r(i, j) * z[j] }
        }
        var x = [Double](repeating: 0, count: n)
        for j in 0..<n { x[permutation(j)] = z[j] }
        return x
    }

    func testAgreesWithLAPACKOnRandomTinyMatrices() throws {
        var rng = SplitMix64(seed: 20240601)
        for (m, n) in [(24, 3), (5, 5), (12, 4), (40, 8), (7, 1), (60, 6)] {
            for _ in 0..<20 {
                let a = randomMatrix(m, n, &rng)
                var (small, lapack) = try factorBoth(a)
                let scale = abs(lapack.r(0, 0))
                for j in 0..<n {
                    XCTAssertEqual(small.permutation(j), lapack.permutation(j), "pivot \(j) of \(m)×\(n)")
                    for i in 0...j {
                        XCTAssertEqual(small.r(i, j), lapack.r(i, j), accuracy: 1e-12 * scale, "R[\(i), \(j)] of \(m)×\(n)")
                    }
                }
                let b = (0..<m).map { _ in rng.normal() }
                var qtbSmall = b, qtbLapack = b
                small.applyQTranspose(to: &qtbSmall)
                try lapack.applyQTranspose(to: &qtbLapack)
                for i in 0..<m { XCTAssertEqual(qtbSmall[i], qtbLapack[i], accuracy: 1e-12 * BLAS.norm(b)) }

                let x = solve(n, r: small.r, permutation: small.permutation, qtb: qtbSmall)
                let reference = solve(n, r: lapack.r, permutation: lapack.permutation, qtb: qtbLapack)
                for j in 0..<n {
                    XCTAssertEqual(x[j], reference[j], accuracy: 1e-10 * abs(reference[j]), "x[\(j)] of \(m)×\(n)")
                }
            }
        }
    }

    func testRankDeficientMatricesPivotTheDependentColumnLast() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20 {
            // Column 1 = 2·column 0 − column 2 (exactly representable combination of 3 columns).
            var a = randomMatrix(24, 4, &rng)
            for i in 0..<24 { a[i, 1] = 2 * a[i, 0] - a[i, 2] }
            let (small, lapack) = try factorBoth(a)
            let scale = abs(lapack.r(0, 0))
            // The same pivots, the same |R[k, k]|, and a numerically zero last diagonal.
            for j in 0..<4 {
                XCTAssertEqual(small.permutation(j), lapack.permutation(j))
                XCTAssertEqual(abs(small.r(j, j)), abs(lapack.r(j, j)), accuracy: 1e-12 * scale)
            }
            XCTAssertLessThan(abs(small.r(3, 3)), 1e-13 * scale)
        }
    }

    func testZeroColumnsAndWithoutPivoting() throws {
        var a = Matrix(rows: 6, columns: 3)
        for i in 0..<6 { a[i, 0] = Double(i + 1); a[i, 2] = Double(i * i) - 3 }
        let (small, lapack) = try factorBoth(a)
        for j in 0..<3 {
            XCTAssertEqual(small.permutation(j), lapack.permutation(j))
            for i in 0...j { XCTAssertEqual(small.r(i, j), lapack.r(i, j), accuracy: 1e-12 * abs(lapack.r(0, 0))) }
        }
        var unpivoted = SmallPivotedQR()
        unpivoted.factor(a, pivoting: false)
        XCTAssertEqual((0..<3).map(unpivoted.permutation), [0, 1, 2])
        XCTAssertEqual(abs(unpivoted.r(0, 0)), BLAS.norm(a.column(0)), accuracy: 1e-12)
    }

    func testStorageIsReusedAcrossShapes() {
        var qr = SmallPivotedQR()
        qr.factor(Matrix([[3], [4]]))
        XCTAssertEqual(qr.r(0, 0), -5, accuracy: 1e-15)   // β = −sign(a₀₀)·‖a‖, as LAPACK
        qr.factor(Matrix([[1, 0], [0, 2], [0, 0]]))
        XCTAssertEqual(qr.permutation(0), 1)
        XCTAssertEqual(abs(qr.r(0, 0)), 2, accuracy: 1e-15)
    }
}
