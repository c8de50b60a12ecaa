import TextIO

/// Why a formula could not be parsed, or could not be turned into a model for a data table.
///
/// Every case renders (through `description`) as one line that starts with `formula:` and,
/// for syntax errors, names the 1-based column of the offending character, e.g.
/// `formula: unexpected ')' at column 14`. What it repeats of the formula or the data is cut
/// to a readable length, control characters escaped (``PrintableText``).
public enum FormulaError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: Syntax

    /// The formula is empty or only blanks.
    case emptyFormula
    /// A character that is not part of the formula language.
    case unexpectedCharacter(String, column: Int)
    /// Something that starts like a number but is not one (`1e`, `1e+`).
    case malformedNumber(String, column: Int)
    /// A token where another was expected. `found` is the token text, or `nil` at the end.
    case unexpectedToken(found: String?, column: Int, expected: String)
    /// The left side is not followed by `=`. `found` is `nil` at the end of the formula.
    case expectedEquals(found: String?, column: Int)
    /// A second `=`.
    case extraEquals(column: Int)
    /// An opening `(` or `[` whose closing partner never comes.
    case missingClose(String, openedAt: Int)
    /// A closing bracket of the wrong kind, e.g. `(x]`.
    case mismatchedClose(found: String, column: Int, open: String, openedAt: Int)
    /// `name(` where `name` is not a known function.
    case unknownFunction(String, column: Int)
    /// A function name used without an argument, e.g. `y = exp * x`.
    case functionWithoutArgument(String, column: Int)
    /// The formula continues after a complete `lhs = rhs`, e.g. `y = b1 x` or a stray `)`.
    case trailingInput(String, column: Int)
    /// Brackets, function calls, signs or exponents nested deeper than `limit`
    /// (``Formula/maximumNesting``); `column` is where the level past it opens.
    case nestedTooDeeply(limit: Int, column: Int)
    /// More than `limit` operations (``Formula/maximumOperations``); `column` is the first
    /// one past it.
    case tooManyOperations(limit: Int, column: Int)

    // MARK: Model (formula + data)

    /// An identifier on the left of `=` that is not a data column.
    case notAColumn(String, data: String, columns: [String])
    /// An identifier on the left of `=` that is used as a parameter on the right.
    case parameterOnLeft(String, data: String, columns: [String])
    /// Every identifier on the right is a data column, so there is nothing to fit.
    case noParameters(formula: String, data: String)
    /// The data table has no rows.
    case noData(data: String)
    /// A data-only part of the formula is NaN or infinite on some row (e.g. `log(y)` with
    /// `y ≤ 0`). `location` is e.g. `line 4 of data.csv (y = -1)`; `side` is `left`/`right`.
    case notFinite(expression: String, side: String, location: String)

    /// The 1-based column a syntax error refers to, if any.
    public var column: Int? {
        switch self {
        case .unexpectedCharacter(_, let c), .malformedNumber(_, let c),
             .unexpectedToken(_, let c, _), .expectedEquals(_, let c), .extraEquals(let c),
             .missingClose(_, let c), .mismatchedClose(_, let c, _, _),
             .unknownFunction(_, let c), .functionWithoutArgument(_, let c),
             .trailingInput(_, let c), .nestedTooDeeply(_, let c), .tooManyOperations(_, let c):
            return c
        default:
            return nil
        }
    }

    public var description: String {
        "formula: " + PrintableText.escaped(message)
    }

    /// A token, name or expression as a message repeats it: quoted, cut, escaped.
    private static func quoted(_ text: String) -> String { PrintableText.quoted(text) }


    /// A data file's columns as a message lists them: each cut, at most 20 of them.
    private static func listed(_ columns: [String]) -> String {
        let shown = columns.prefix(20).map { PrintableText.cut($0) }.joined(separator: ", ")
        return columns.count > 20 ? shown + ", … (\(columns.count) in all)" : shown
    }

    private var message: String {
        switch self {
        case .emptyFormula:
            return "the formula is empty (expected something like 'y = b1/(1+exp(b2-b3*x))')"
        case .unexpectedCharacter(let text, let column):
            return "unexpected character \(Self.quoted(text)) at column \(column)"
        case .malformedNumber(let text, let column):
            return "malformed number \(Self.quoted(text)) at column \(column)"
        case .unexpectedToken(let found, let column, let expected):
            if let found {
                return "unexpected \(Self.quoted(found)) at column \(column) (expected \(expected))"
            }
            return "unexpected end of formula at column \(column) (expected \(expected))"
        case .expectedEquals(let found, let column):
            if let found {
                return "expected '=' at column \(column), found \(Self.quoted(found)) (a formula looks like 'y = b1*x + b2')"
            }
            return "expected '=' at column \(column), found the end of the formula (a formula looks like 'y = b1*x + b2')"
        case .extraEquals(let column):
            return "a second '=' at column \(column) (a formula has exactly one '=')"
        case .missingClose(let open, let openedAt):
            return "missing '\(Self.partner(of: open))' to close the '\(open)' opened at column \(openedAt)"
        case .mismatchedClose(let found, let column, let open, let openedAt):
            return "'\(found)' at column \(column) does not match the '\(open)' opened at column \(openedAt) (expected '\(Self.partner(of: open))')"
        case .unknownFunction(let name, let column):
            let known = FormulaFunction.allCases.map(\.rawValue).joined(separator: ", ")
            return "unknown function \(Self.quoted(name)) at column \(column); known: \(known)"
        case .functionWithoutArgument(let name, let column):
            return "\(Self.quoted(name)) at column \(column) is a function; write \(PrintableText.cut(name))(...)"
        case .trailingInput(let text, let column):
            if text == ")" || text == "]" {
                return "unexpected '\(text)' at column \(column) (no matching opening bracket)"
            }
            return "unexpected \(Self.quoted(text)) at column \(column) (missing operator? multiplication is written '*')"
        case .nestedTooDeeply(let limit, let column):
            return "brackets, function calls, signs or exponents nest more than \(limit) levels deep at column \(column) "
                + "(the limit of Uptake's formulas); simplify the formula"
        case .tooManyOperations(let limit, let column):
            return "more than \(OutputNumber.grouped(limit)) operations (operators, signs and function calls) at column \(column) "
                + "(the limit of Uptake's formulas); simplify the formula"
        case .notAColumn(let name, let data, let columns):
            let suggestion = NearestName.suggestMisspelling(name, among: columns).map { "; did you mean '\($0)'?" } ?? ""
            return "\(Self.quoted(name)) on the left of '=' is not a column of \(data)\(suggestion) (columns: \(Self.listed(columns)))"
        case .parameterOnLeft(let name, let data, let columns):
            return "parameter \(Self.quoted(name)) appears on the left of '='; the left side may only use columns of \(data) (columns: \(Self.listed(columns)))"
        case .noParameters(let formula, let data):
            return "\(Self.quoted(formula)) has no parameters to fit: every name on the right of '=' is a column of \(data)"
        case .noData(let data):
            return "\(data) has no data rows"
        case .notFinite(let expression, let side, let location):
            return "\(PrintableText.cut(expression)) on the \(side) of '=' is not a finite number on \(location)"
        }
    }

    private static func partner(of open: String) -> String {
        open == "[" ? "]" : ")"
    }
}
