import CLinearAlgebra

/// LAPACKE's `lapack_int` is a C macro (int32 on Debian) that Swift does not import.
typealias LapackInt = Int32

// LAPACKE calls, column-major, with every `info` code turned into a thrown
// LinearAlgebraError. Nothing above this file sees a pointer or an Int32.

private func check(_ info: LapackInt, _ routine: String) throws {
    if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, index: Int(-info)) }
}

private func ascii(_ c: Character) -> Int8 { Int8(UInt8(ascii: c.unicodeScalars.first!)) }

public enum LAPACK {
    /// The Cholesky factor of a symmetric positive definite matrix (dpotrf): L with A = L·Lᵀ
    /// when `triangle == .lower`, U with A = Uᵀ·U when `.upper`. Only that triangle of `a` is
    /// read; the other triangle of the result is zeroed.
    public static func cholesky(_ a: Matrix, _ triangle: Triangle = .lower) throws -> Matrix {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.dimensionMismatch("cholesky of \(a.rows)×\(a.columns)")
        }
        var f = a
        let n = a.rows
        if n == 0 { return f }
        let info = f.elements.withUnsafeMutableBufferPointer { p in
            LAPACKE_dpotrf(LAPACK_COL_MAJOR, triangle.lapack, LapackInt(n), p.baseAddress, LapackInt(n))
        }
        try check(info, "dpotrf")
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(order: Int(info)) }
        for j in 0..<n {
            for i in 0..<n where (triangle == .lower ? i < j : i > j) { f[i, j] = 0 }
        }
        return f
    }

    /// Solves min‖A·X − B‖ for full-rank A with m ≥ n by QR (dgels). Returns the n × k solution.
    public static func leastSquares(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a.rows == b.rows, a.rows >= a.columns else {
            throw LinearAlgebraError.dimensionMismatch("gels \(a.rows)×\(a.columns) with rhs \(b.rows)×\(b.columns)")
        }
        var fa = a
        var fb = b
        let (m, n, k) = (a.rows, a.columns, b.columns)
        if n == 0 || k == 0 { return Matrix(rows: n, columns: k) }
        let info = fa.elements.withUnsafeMutableBufferPointer { pa in
            fb.elements.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dgels(LAPACK_COL_MAJOR, ascii("N"), LapackInt(m), LapackInt(n), LapackInt(k),
                              pa.baseAddress, LapackInt(m), pb.baseAddress, LapackInt(m))
            }
        }
        try check(info, "dgels")
        if info > 0 { throw LinearAlgebraError.singular(index: Int(info)) }
        var x = Matrix(rows: n, columns: k)
        for j in 0..<k { for i in 0..<n { x[i, j] = fb[i, j] } }
        return x
    }
}

/// The thin singular value decomposition A = U·diag(s)·Vᵀ of an m × n matrix (dgesdd),
/// singular values in decreasing order.
public struct SingularValueDecomposition: Sendable {
    /// m × min(m, n).
    public let u: Matrix
    /// min(m, n) values, largest first.
    public let singularValues: [Double]
    /// min(m, n) × n.
    public let vt: Matrix

    public init(_ a: Matrix) throws {
        let (m, n) = (a.rows, a.columns)
        let k = min(m, n)
        var work = a
        var s = [Double](repeating: 0, count: k)
        var u = Matrix(rows: m, columns: k)
        var vt = Matrix(rows: k, columns: n)
        if k > 0 {
            let info = work.elements.withUnsafeMutableBufferPointer { pa in
                s.withUnsafeMutableBufferPointer { ps in
                    u.elements.withUnsafeMutableBufferPointer { pu in
                        vt.elements.withUnsafeMutableBufferPointer { pv in
                            LAPACKE_dgesdd(LAPACK_COL_MAJOR, ascii("S"), LapackInt(m), LapackInt(n),
                                           pa.baseAddress, LapackInt(m), ps.baseAddress,
                                           pu.baseAddress, LapackInt(m), pv.baseAddress, LapackInt(k))
                        }
                    }
                }
            }
            try check(info, "dgesdd")
            if info > 0 { throw LinearAlgebraError.svdDidNotConverge(count: Int(info)) }
        }
        self.u = u
        self.singularValues = s
        self.vt = vt
    }
}

/// QR factorisation with column pivoting, A·P = Q·R (dgeqp3), kept in LAPACK's compact form
/// so that Qᵀ can be applied to vectors (dormqr) without forming Q.
///
/// The storage is reused across `factor` calls of the same shape, so an iterative solver can
/// refactor every iteration without allocating.
public struct PivotedQR: Sendable {
    public private(set) var rows = 0
    public private(set) var columns = 0
    private var compact: [Double] = []
    private var tau: [Double] = []
    private var jpvt: [LapackInt] = []
    private var work: [Double] = []

    public init() {}

    /// Factors `a`. When `pivoting` is false the columns keep their order (P = I).
    public mutating func factor(_ a: Matrix, pivoting: Bool = true) throws {
        let (m, n) = (a.rows, a.columns)
        if m != rows || n != columns {
            rows = m
            columns = n
            tau = [Double](repeating: 0, count: min(m, n))
            jpvt = [LapackInt](repeating: 0, count: n)
            work = [Double](repeating: 0, count: max(1, 64 * (n + 1)))
        }
        compact = a.elements
        for j in 0..<n { jpvt[j] = pivoting ? 0 : LapackInt(j + 1) }
        if m == 0 || n == 0 { return }
        // With pivoting off, mark all columns as "initial" so dgeqp3 keeps their order.
        if !pivoting { for j in 0..<n { jpvt[j] = 1 } }
        let lwork = work.count
        let info = compact.withUnsafeMutableBufferPointer { pa in
            jpvt.withUnsafeMutableBufferPointer { pj in
                tau.withUnsafeMutableBufferPointer { pt in
                    work.withUnsafeMutableBufferPointer { pw in
                        LAPACKE_dgeqp3_work(LAPACK_COL_MAJOR, LapackInt(m), LapackInt(n), pa.baseAddress,
                                            LapackInt(m), pj.baseAddress, pt.baseAddress,
                                            pw.baseAddress, LapackInt(lwork))
                    }
                }
            }
        }
        try check(info, "dgeqp3")
    }

    /// The column permutation: column j of A·P is column `permutation[j]` of A (0-based).
    public func permutation(_ j: Int) -> Int { Int(jpvt[j]) - 1 }

    /// R[i, j] for i ≤ j < n, i < min(m, n).
    public func r(_ i: Int, _ j: Int) -> Double { compact[i + j * rows] }

    /// v ← Qᵀ·v for a vector of length m (dormqr).
    public mutating func applyQTranspose(to v: inout [Double]) throws {
        precondition(v.count == rows, "vector length must equal the row count")
        let (m, n) = (rows, columns)
        let k = min(m, n)
        if k == 0 { return }
        let lwork = work.count
        let info = compact.withUnsafeBufferPointer { pa in
            tau.withUnsafeBufferPointer { pt in
                v.withUnsafeMutableBufferPointer { pv in
                    work.withUnsafeMutableBufferPointer { pw in
                        LAPACKE_dormqr_work(LAPACK_COL_MAJOR, ascii("L"), ascii("T"), LapackInt(m), 1,
                                            LapackInt(k), pa.baseAddress, LapackInt(m), pt.baseAddress,
                                            pv.baseAddress, LapackInt(m), pw.baseAddress, LapackInt(lwork))
                    }
                }
            }
        }
        try check(info, "dormqr")
    }
}
