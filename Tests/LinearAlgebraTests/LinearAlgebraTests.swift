import XCTest
@testable import LinearAlgebra

/// Checks each wrapper against an independent computation (naive loops or the defining
/// identity), to 12 significant digits.
final class LinearAlgebraTests: XCTestCase {
    private func assertClose(_ a: Matrix, _ b: Matrix, relative: Double = 1e-12, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.rows, b.rows, file: file, line: line)
        XCTAssertEqual(a.columns, b.columns, file: file, line: line)
        let scale = max(1, b.elements.map(abs).max() ?? 1)
        for (x, y) in zip(a.elements, b.elements) {
            XCTAssertEqual(x, y, accuracy: relative * scale, file: file, line: line)
        }
    }

    private func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows { for j in 0..<b.columns { for k in 0..<a.columns { c[i, j] += a[i, k] * b[k, j] } } }
        return c
    }

    let a = Matrix([[4, 1, 2], [1, 5, 3], [2, 3, 6], [0.5, -1, 2]])
    let b = Matrix([[1, 2], [3, 4], [5, -6]])

    func testMatrixLayoutIsColumnMajor() {
        XCTAssertEqual(a.elements[1], 1)        // (1, 0)
        XCTAssertEqual(a.elements[4], 1)        // (0, 1)
        XCTAssertEqual(a[3, 2], 2)
        XCTAssertEqual(a.transposed()[2, 3], 2)
    }

    func testGemmMatchesNaiveProductWithTransposes() throws {
        assertClose(try BLAS.product(a, b), naiveProduct(a, b))
        assertClose(try BLAS.product(a, a, transposeA: .transpose), naiveProduct(a.transposed(), a))
        assertClose(try BLAS.product(b, a, transposeA: .transpose, transposeB: .transpose), naiveProduct(b.transposed(), a.transposed()))
        var c = Matrix(rows: 2, columns: 2)
        XCTAssertThrowsError(try BLAS.gemm(a, b, into: &c))
    }

    func testSyrkFillsTheLowerTriangleOfAtA() throws {
        var c = Matrix(rows: 3, columns: 3)
        try BLAS.syrk(a, transpose: .transpose, into: &c)
        let full = naiveProduct(a.transposed(), a)
        for j in 0..<3 { for i in j..<3 { XCTAssertEqual(c[i, j], full[i, j], accuracy: 1e-12) } }
    }

    func testCholeskyReconstructsAndTriangularSolvesInvert() throws {
        var spd = Matrix(rows: 3, columns: 3)
        try BLAS.syrk(a, transpose: .transpose, into: &spd)
        for j in 0..<3 { for i in 0..<j { spd[i, j] = spd[j, i] } }
        let l = try LAPACK.cholesky(spd)
        XCTAssertEqual(l[0, 2], 0)
        assertClose(try BLAS.product(l, l, transposeB: .transpose), spd)

        var x = Matrix.identity(3)
        try BLAS.trsm(l, .lower, &x)                   // L⁻¹
        var back = x
        try BLAS.trmm(l, .lower, &back)                // L·L⁻¹
        assertClose(back, .identity(3))
    }

    func testCholeskyOfIndefiniteMatrixThrows() {
        let indefinite = Matrix([[1, 2], [2, 1]])
        XCTAssertThrowsError(try LAPACK.cholesky(indefinite)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(order: 2))
        }
    }

    func testSVDReconstructsAndOrdersSingularValues() throws {
        let svd = try SingularValueDecomposition(a)
        XCTAssertEqual(svd.singularValues.count, 3)
        XCTAssertTrue(zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
        var us = svd.u
        for j in 0..<3 { for i in 0..<4 { us[i, j] *= svd.singularValues[j] } }
        assertClose(try BLAS.product(us, svd.vt), a)
    }

    func testPivotedQRPreservesNormsAndSolvesLeastSquares() throws {
        var qr = PivotedQR()
        try qr.factor(a)
        // |R[0,0]| is the largest column norm when pivoting.
        let norms = (0..<3).map { BLAS.norm(a.column($0)) }
        XCTAssertEqual(abs(qr.r(0, 0)), norms.max()!, accuracy: 1e-12)
        XCTAssertEqual(Set((0..<3).map(qr.permutation)), [0, 1, 2])
        var v: [Double] = [1, 2, 3, 4]
        try qr.applyQTranspose(to: &v)
        XCTAssertEqual(BLAS.norm(v), BLAS.norm([1, 2, 3, 4]), accuracy: 1e-12)

        // gels agrees with the normal equations solved naively on this well-conditioned case.
        let x = try LAPACK.leastSquares(a, Matrix(rows: 4, columns: 1, columnMajor: [1, 2, 3, 4]))
        let atA = naiveProduct(a.transposed(), a)
        let atb = naiveProduct(a.transposed(), Matrix(rows: 4, columns: 1, columnMajor: [1, 2, 3, 4]))
        assertClose(naiveProduct(atA, x), atb, relative: 1e-10)
    }

    func testNormAvoidsOverflow() {
        XCTAssertEqual(BLAS.norm([3e200, 4e200]), 5e200, accuracy: 1e188)
    }
}
