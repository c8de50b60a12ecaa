/// A parsed model formula `lhs = rhs`, e.g. `y = b1/(1+exp(b2-b3*x))` or
/// `log(y) = b1 - b2*x1*exp(-b3*x2)`.
///
/// Grammar (loosest first; `[ ]` may be used wherever `( )` is):
///
///     formula := expr '=' expr
///     expr    := term (('+' | '-') term)*
///     term    := unary (('*' | '/') unary)*
///     unary   := ('-' | '+') unary | power
///     power   := primary (('^' | '**') unary)?        -- right-associative
///     primary := number | 'pi' | name | function '(' expr ')' | '(' expr ')'
///
/// Limits (``maximumNesting``, ``maximumOperations``): brackets, function calls, signs and
/// exponents nest at most 200 deep, and a formula has at most 1,000 operations (operators,
/// signs and function calls). Parsing, the tape compiler and every walk of the tree recurse
/// once per level, so these keep them far from the end of the stack (a formula of 7,900
/// nested brackets or 12,600 terms crashed `uptake fit`); real models use a few dozen.
///
/// So `^` binds tighter than unary minus (`-2^2` = −4, `-(x-b4)^2` = −((x−b4)²)), is
/// right-associative (`2^3^2` = 512) and takes a signed exponent (`x^-2` = x^(−2)).
/// Which identifiers are data and which are parameters is decided later, against a table.
public struct Formula: Sendable, CustomStringConvertible {
    /// The text the formula was parsed from.
    public let source: String
    /// The observed side, left of `=`.
    public let lhs: FormulaExpression
    /// The model side, right of `=`.
    public let rhs: FormulaExpression
    /// How deeply brackets, function calls, signs and exponents may nest.
    public static let maximumNesting = 200
    /// How many operations (binary operators, signs, function calls) a formula may have:
    /// this bounds the height of its tree, and so the recursion of every walk over it.
    public static let maximumOperations = 1_000

    /// All identifiers that are not functions or `pi`, in order of first appearance
    /// (left side, then right side).
    public let identifiers: [String]

    /// Parses `source`; throws `FormulaError` with the column of the problem.
    public init(parsing source: String) throws(FormulaError) {
        let (lhs, rhs) = try FormulaParser.parse(source)
        self.source = source
        self.lhs = lhs
        self.rhs = rhs
        var seen = Set<String>()
        var ordered: [String] = []
        lhs.collectIdentifiers(into: &ordered, seen: &seen)
        rhs.collectIdentifiers(into: &ordered, seen: &seen)
        self.identifiers = ordered
    }

    /// The parameters, given the data column names: identifiers of the right side that are
    /// not columns, in order of first appearance.
    public func parameterNames(dataColumns: Set<String>) -> [String] {
        rhs.identifiers.filter { !dataColumns.contains($0) }
    }

    /// `lhs = rhs` printed with minimal parentheses.
    public var description: String { "\(lhs) = \(rhs)" }
}

/// Recursive-descent parser over `FormulaLexer` tokens.
struct FormulaParser {
    private let tokens: [FormulaToken]
    private var index = 0
    /// Brackets, calls, signs and exponents open around the current token.
    private var depth = 0
    /// Operations (binary operators, signs, calls) read so far, both sides together.
    private var operations = 0

    private init(tokens: [FormulaToken]) {
        self.tokens = tokens
    }

    static func parse(_ source: String) throws(FormulaError) -> (lhs: FormulaExpression, rhs: FormulaExpression) {
        let tokens = try FormulaLexer.tokenize(source)
        if tokens.count == 1 { throw .emptyFormula }
        var parser = FormulaParser(tokens: tokens)
        let lhs = try parser.parseExpression()
        let afterLeft = parser.current
        switch afterLeft.kind {
        case .equals:
            parser.index += 1
        case .end:
            throw .expectedEquals(found: nil, column: afterLeft.column)
        case .rightParen, .rightBracket:
            throw .trailingInput(afterLeft.text, column: afterLeft.column)
        default:
            throw .expectedEquals(found: afterLeft.text, column: afterLeft.column)
        }
        let rhs = try parser.parseExpression()
        let afterRight = parser.current
        switch afterRight.kind {
        case .end:
            return (lhs, rhs)
        case .equals:
            throw .extraEquals(column: afterRight.column)
        default:
            throw .trailingInput(afterRight.text, column: afterRight.column)
        }
    }

    private var current: FormulaToken { tokens[index] }

    private mutating func advance() -> FormulaToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private mutating func parseExpression() throws(FormulaError) -> FormulaExpression {
        var result = try parseTerm()
        while true {
            let op: FormulaBinaryOperator
            switch current.kind {
            case .plus: op = .add
            case .minus: op = .subtract
            default: return result
            }
            try count(advance())
            result = .binary(op, result, try parseTerm())
        }
    }

    private mutating func parseTerm() throws(FormulaError) -> FormulaExpression {
        var result = try parseUnary()
        while true {
            let op: FormulaBinaryOperator
            switch current.kind {
            case .star: op = .multiply
            case .slash: op = .divide
            default: return result
            }
            try count(advance())
            result = .binary(op, result, try parseUnary())
        }
    }

    private mutating func parseUnary() throws(FormulaError) -> FormulaExpression {
        switch current.kind {
        case .minus:
            let sign = advance()
            try count(sign)
            try enter(sign)
            defer { depth -= 1 }
            return .negate(try parseUnary())
        case .plus:
            try enter(advance())
            defer { depth -= 1 }
            return try parseUnary()
        default:
            return try parsePower()
        }
    }

    private mutating func parsePower() throws(FormulaError) -> FormulaExpression {
        let base = try parsePrimary()
        guard current.kind == .caret else { return base }
        let caret = advance()
        try count(caret)
        try enter(caret)
        defer { depth -= 1 }
        // The exponent may itself be signed and is right-associative: parseUnary → parsePower.
        return .binary(.power, base, try parseUnary())
    }

    private mutating func parsePrimary() throws(FormulaError) -> FormulaExpression {
        let token = current
        switch token.kind {
        case .number(let value):
            _ = advance()
            return .number(value)
        case .identifier(let name):
            _ = advance()
            if current.kind == .leftParen || current.kind == .leftBracket {
                guard let function = FormulaFunction(rawValue: name) else {
                    throw .unknownFunction(name, column: token.column)
                }
                let open = advance()
                try count(token)
                try enter(open)
                defer { depth -= 1 }
                let argument = try parseExpression()
                try expectClose(open)
                return .call(function, argument)
            }
            if FormulaFunction(rawValue: name) != nil {
                throw .functionWithoutArgument(name, column: token.column)
            }
            return name == "pi" ? .pi : .identifier(name)
        case .leftParen, .leftBracket:
            let open = advance()
            try enter(open)
            defer { depth -= 1 }
            let inner = try parseExpression()
            try expectClose(open)
            return inner
        case .end:
            throw .unexpectedToken(found: nil, column: token.column, expected: "a number, a name or '('")
        default:
            throw .unexpectedToken(found: token.text, column: token.column, expected: "a number, a name or '('")
        }
    }

    /// One level deeper, opened by `token`; the caller leaves it (`defer { depth -= 1 }`).
    private mutating func enter(_ token: FormulaToken) throws(FormulaError) {
        depth += 1
        if depth > Formula.maximumNesting {
            throw .nestedTooDeeply(limit: Formula.maximumNesting, column: token.column)
        }
    }

    /// One more operation, written at `token`.
    private mutating func count(_ token: FormulaToken) throws(FormulaError) {
        operations += 1
        if operations > Formula.maximumOperations {
            throw .tooManyOperations(limit: Formula.maximumOperations, column: token.column)
        }
    }

    private mutating func expectClose(_ open: FormulaToken) throws(FormulaError) {
        let wanted: FormulaToken.Kind = open.kind == .leftParen ? .rightParen : .rightBracket
        let token = current
        switch token.kind {
        case wanted:
            _ = advance()
        case .end:
            throw .missingClose(open.text, openedAt: open.column)
        case .rightParen, .rightBracket:
            throw .mismatchedClose(found: token.text, column: token.column, open: open.text, openedAt: open.column)
        default:
            let close = open.kind == .leftParen ? ")" : "]"
            throw .unexpectedToken(
                found: token.text, column: token.column,
                expected: "an operator or '\(close)' to close the '\(open.text)' opened at column \(open.column)")
        }
    }
}
