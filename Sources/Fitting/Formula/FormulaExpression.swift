import Foundation

/// The functions a formula may call, in the order error messages list them.
public enum FormulaFunction: String, CaseIterable, Sendable {
    case exp, log, sqrt, sin, cos, tan, atan, abs

    /// The function's value at `x` (natural logarithm for `log`).
    @inlinable
    public func apply(_ x: Double) -> Double {
        switch self {
        case .exp: return Foundation.exp(x)
        case .log: return Foundation.log(x)
        case .sqrt: return x.squareRoot()
        case .sin: return Foundation.sin(x)
        case .cos: return Foundation.cos(x)
        case .tan: return Foundation.tan(x)
        case .atan: return Foundation.atan(x)
        case .abs: return Swift.abs(x)
        }
    }
}

/// A binary operator of the formula language.
public enum FormulaBinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
}

/// The syntax tree of one side of a formula.
///
/// Unary plus is dropped by the parser; `**` is parsed as `.power`; square brackets are
/// ordinary parentheses, so they leave no trace in the tree.
public indirect enum FormulaExpression: Equatable, Sendable, CustomStringConvertible {
    case number(Double)
    /// The constant π, written `pi`.
    case pi
    /// A data column or a parameter (decided only when the formula meets a data table).
    case identifier(String)
    case negate(FormulaExpression)
    case binary(FormulaBinaryOperator, FormulaExpression, FormulaExpression)
    case call(FormulaFunction, FormulaExpression)

    /// Identifiers in order of first appearance (left to right), without repeats.
    public var identifiers: [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        collectIdentifiers(into: &ordered, seen: &seen)
        return ordered
    }

    func collectIdentifiers(into ordered: inout [String], seen: inout Set<String>) {
        switch self {
        case .number, .pi:
            break
        case .identifier(let name):
            if seen.insert(name).inserted { ordered.append(name) }
        case .negate(let a), .call(_, let a):
            a.collectIdentifiers(into: &ordered, seen: &seen)
        case .binary(_, let a, let b):
            a.collectIdentifiers(into: &ordered, seen: &seen)
            b.collectIdentifiers(into: &ordered, seen: &seen)
        }
    }

    /// Evaluates the expression with the given identifier values, in plain scalar
    /// arithmetic (a reference for the compiled tape). `nil` if an identifier is unbound.
    public func evaluate(_ bindings: [String: Double]) -> Double? {
        switch self {
        case .number(let x): return x
        case .pi: return Double.pi
        case .identifier(let name): return bindings[name]
        case .negate(let a): return a.evaluate(bindings).map { -$0 }
        case .call(let f, let a): return a.evaluate(bindings).map(f.apply)
        case .binary(let op, let a, let b):
            guard let x = a.evaluate(bindings), let y = b.evaluate(bindings) else { return nil }
            switch op {
            case .add: return x + y
            case .subtract: return x - y
            case .multiply: return x * y
            case .divide: return x / y
            case .power: return Foundation.pow(x, y)
            }
        }
    }

    // MARK: Printing

    /// Binding strength: sums 1, products 2, unary minus 3, powers 4, atoms 5.
    private var precedence: Int {
        switch self {
        case .number(let x): return x < 0 || x.sign == .minus ? 3 : 5
        case .pi, .identifier, .call: return 5
        case .negate: return 3
        case .binary(let op, _, _):
            switch op {
            case .add, .subtract: return 1
            case .multiply, .divide: return 2
            case .power: return 4
            }
        }
    }

    /// Readable infix form with only the parentheses the grammar needs, e.g.
    /// `b1 / (1 + exp(b2 - b3 * x))`, `-(x - b4)^2`. Parsing it gives back the same tree.
    public var description: String {
        switch self {
        case .number(let x): return Self.format(x)
        case .pi: return "pi"
        case .identifier(let name): return name
        case .negate(let a):
            return "-" + a.wrapped(if: a.precedence <= 3)
        case .call(let f, let a):
            return "\(f.rawValue)(\(a.description))"
        case .binary(let op, let a, let b):
            switch op {
            case .power:
                // Right-associative; the right operand may carry a unary minus.
                return a.wrapped(if: a.precedence <= 4) + "^" + b.wrapped(if: b.precedence < 3)
            case .add, .subtract, .multiply, .divide:
                let p = precedence
                return a.wrapped(if: a.precedence < p) + " \(op.rawValue) " + b.wrapped(if: b.precedence <= p)
            }
        }
    }

    /// Fully parenthesised prefix form, e.g. `(neg (^ (- x b4) 2))`; used by tests to pin
    /// down precedence and associativity.
    var prefixDescription: String {
        switch self {
        case .number(let x): return Self.format(x)
        case .pi: return "pi"
        case .identifier(let name): return name
        case .negate(let a): return "(neg \(a.prefixDescription))"
        case .call(let f, let a): return "(\(f.rawValue) \(a.prefixDescription))"
        case .binary(let op, let a, let b):
            return "(\(op.rawValue) \(a.prefixDescription) \(b.prefixDescription))"
        }
    }

    private func wrapped(if condition: Bool) -> String {
        condition ? "(\(description))" : description
    }

    static func format(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), Swift.abs(x) < 1e15 {
            return String(Int64(x))
        }
        return "\(x)"
    }
}
