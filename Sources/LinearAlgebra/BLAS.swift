import CLinearAlgebra

// The only place (with LAPACK.swift) where Swift meets CBLAS: Int32 conversions and raw
// pointers stay in this file.

/// Whether an operand enters an operation as is or transposed.
public enum Transpose: Sendable { case none, transpose
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Which triangle of a matrix holds the data.
public enum Triangle: Sendable { case upper, lower
    var cblas: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
    var lapack: Int8 { Int8(UInt8(ascii: self == .upper ? "U" : "L")) }
}

/// The side on which a triangular matrix multiplies.
public enum Side: Sendable { case left, right
    var cblas: CBLAS_SIDE { self == .left ? CblasLeft : CblasRight }
}

public enum BLAS {
    /// Pins OpenBLAS to `count` threads. Uptake keeps it at 1 and parallelises in Swift:
    /// two thread pools on the same cores fight (DESIGN.md, "BLAS/LAPACK").
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// C ← α·op(A)·op(B) + β·C (dgemm).
    public static func gemm(_ a: Matrix, _ b: Matrix,
                            transposeA transA: Transpose = .none, transposeB transB: Transpose = .none,
                            alpha: Double = 1, beta: Double = 0, into c: inout Matrix) throws {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        guard k == kb, c.rows == m, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch("gemm \(m)×\(k) · \(kb)×\(n) into \(c.rows)×\(c.columns)")
        }
        if m == 0 || n == 0 { return }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasColMajor, transA.cblas, transB.cblas,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(max(1, a.rows)),
                                pb.baseAddress, Int32(max(1, b.rows)),
                                beta, pc.baseAddress, Int32(max(1, c.rows)))
                }
            }
        }
    }

    /// op(A)·op(B) as a new matrix.
    public static func product(_ a: Matrix, _ b: Matrix,
                               transposeA transA: Transpose = .none,
                               transposeB transB: Transpose = .none) throws -> Matrix {
        let m = transA == .none ? a.rows : a.columns
        let n = transB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        try gemm(a, b, transposeA: transA, transposeB: transB, into: &c)
        return c
    }

    /// y ← α·op(A)·x + β·y (dgemv).
    public static func gemv(_ a: Matrix, _ x: [Double], transpose trans: Transpose = .none,
                            alpha: Double = 1, beta: Double = 0, into y: inout [Double]) throws {
        let (outCount, inCount) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard x.count == inCount, y.count == outCount else {
            throw LinearAlgebraError.dimensionMismatch("gemv \(a.rows)×\(a.columns) with x[\(x.count)] into y[\(y.count)]")
        }
        if a.rows == 0 || a.columns == 0 {
            for i in y.indices { y[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(CblasColMajor, trans.cblas, Int32(a.rows), Int32(a.columns), alpha,
                                pa.baseAddress, Int32(max(1, a.rows)), px.baseAddress, 1,
                                beta, py.baseAddress, 1)
                }
            }
        }
    }

    /// B ← α·op(A)⁻¹·B (side left) or α·B·op(A)⁻¹ (side right), A triangular (dtrsm).
    public static func trsm(_ a: Matrix, _ triangle: Triangle, transpose trans: Transpose = .none,
                            side: Side = .left, unitDiagonal: Bool = false,
                            alpha: Double = 1, _ b: inout Matrix) throws {
        try triangular(a, triangle, trans, side, unitDiagonal, alpha, &b, solve: true)
    }

    /// B ← α·op(A)·B (side left) or α·B·op(A) (side right), A triangular (dtrmm).
    public static func trmm(_ a: Matrix, _ triangle: Triangle, transpose trans: Transpose = .none,
                            side: Side = .left, unitDiagonal: Bool = false,
                            alpha: Double = 1, _ b: inout Matrix) throws {
        try triangular(a, triangle, trans, side, unitDiagonal, alpha, &b, solve: false)
    }

    private static func triangular(_ a: Matrix, _ triangle: Triangle, _ trans: Transpose, _ side: Side,
                                   _ unitDiagonal: Bool, _ alpha: Double, _ b: inout Matrix, solve: Bool) throws {
        let order = side == .left ? b.rows : b.columns
        guard a.rows == a.columns, a.rows == order else {
            throw LinearAlgebraError.dimensionMismatch("triangular \(a.rows)×\(a.columns) against \(b.rows)×\(b.columns)")
        }
        if b.rows == 0 || b.columns == 0 { return }
        let (rows, cols) = (b.rows, b.columns)
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeMutableBufferPointer { pb in
                let diag = unitDiagonal ? CblasUnit : CblasNonUnit
                if solve {
                    cblas_dtrsm(CblasColMajor, side.cblas, triangle.cblas, trans.cblas, diag,
                                Int32(rows), Int32(cols), alpha, pa.baseAddress, Int32(a.rows),
                                pb.baseAddress, Int32(rows))
                } else {
                    cblas_dtrmm(CblasColMajor, side.cblas, triangle.cblas, trans.cblas, diag,
                                Int32(rows), Int32(cols), alpha, pa.baseAddress, Int32(a.rows),
                                pb.baseAddress, Int32(rows))
                }
            }
        }
    }

    /// C ← α·AᵀA + β·C (trans) or α·AAᵀ + β·C (none), writing only `triangle` of C (dsyrk).
    public static func syrk(_ a: Matrix, transpose trans: Transpose, triangle: Triangle = .lower,
                            alpha: Double = 1, beta: Double = 0, into c: inout Matrix) throws {
        let (n, k) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard c.rows == n, c.columns == n else {
            throw LinearAlgebraError.dimensionMismatch("syrk result \(c.rows)×\(c.columns), expected \(n)×\(n)")
        }
        if n == 0 { return }
        a.elements.withUnsafeBufferPointer { pa in
            c.elements.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(CblasColMajor, triangle.cblas, trans.cblas, Int32(n), Int32(k), alpha,
                            pa.baseAddress, Int32(max(1, a.rows)), beta, pc.baseAddress, Int32(n))
            }
        }
    }

    /// Euclidean norm ‖x‖₂ without destructive underflow or overflow (dnrm2).
    public static func norm(_ x: [Double]) -> Double {
        if x.isEmpty { return 0 }
        return x.withUnsafeBufferPointer { cblas_dnrm2(Int32($0.count), $0.baseAddress, 1) }
    }
}
