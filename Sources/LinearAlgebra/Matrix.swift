/// A dense matrix of `Double` stored column-major, the layout BLAS and LAPACK use.
///
/// ```swift
/// var a = Matrix(rows: 2, columns: 2)
/// a[0, 1] = 3          // row 0, column 1
/// let b = a.transposed()
/// ```
///
/// Element (i, j) lives at `elements[i + j * rows]`. The type is a plain value: copies are
/// copy-on-write through the underlying array.
public struct Matrix: Equatable, Sendable, CustomStringConvertible {
    public let rows: Int
    public let columns: Int
    /// Column-major storage, `rows * columns` elements.
    public var elements: [Double]

    /// A `rows × columns` matrix filled with `value`.
    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over existing column-major storage.
    public init(rows: Int, columns: Int, columnMajor elements: [Double]) {
        precondition(elements.count == rows * columns, "storage does not match dimensions")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A matrix from row arrays, as written on paper: `Matrix([[1, 2], [3, 4]])`.
    public init(_ rowArrays: [[Double]]) {
        let r = rowArrays.count
        let c = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == c }, "rows of unequal length")
        var storage = [Double](repeating: 0, count: r * c)
        for i in 0..<r { for j in 0..<c { storage[i + j * r] = rowArrays[i][j] } }
        self.init(rows: r, columns: c, columnMajor: storage)
    }

    /// The `n × n` identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row + column * rows] }
        set { elements[row + column * rows] = newValue }
    }

    /// Column `j` as an array.
    public func column(_ j: Int) -> [Double] {
        Array(elements[(j * rows)..<((j + 1) * rows)])
    }

    public func transposed() -> Matrix {
        var t = Matrix(rows: columns, columns: rows)
        for j in 0..<columns { for i in 0..<rows { t[j, i] = self[i, j] } }
        return t
    }

    public var description: String {
        (0..<rows).map { i in
            (0..<columns).map { j in String(self[i, j]) }.joined(separator: " ")
        }.joined(separator: "\n")
    }
}
