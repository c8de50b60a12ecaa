/// The operations of the evaluation tape.
enum TapeOp: UInt8, Sendable {
    case negate, exp, log, sqrt, sin, cos, tan, atan, abs
    /// a², a³ and 1/a: `a^2`, `a^3`, `a^-1` with a constant exponent.
    case square, cube, reciprocal
    case add, subtract, multiply, divide
    /// a^b with b depending on parameters.
    case power
    /// a^b with b constant or data (no parameter dependence): d = b·a^(b−1)·da.
    case powerStatic

    init(_ function: FormulaFunction) {
        switch function {
        case .exp: self = .exp
        case .log: self = .log
        case .sqrt: self = .sqrt
        case .sin: self = .sin
        case .cos: self = .cos
        case .tan: self = .tan
        case .atan: self = .atan
        case .abs: self = .abs
        }
    }
}
