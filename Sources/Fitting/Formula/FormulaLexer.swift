/// One token of a formula, with the 1-based column where it starts.
struct FormulaToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case number(Double)
        case identifier(String)
        case plus, minus, star, slash, caret   // `caret` is both `^` and `**`
        case leftParen, rightParen, leftBracket, rightBracket
        case equals
        case end
    }

    let kind: Kind
    /// The source text of the token (`"**"`, `"1.5e3"`, …); empty at the end.
    let text: String
    /// 1-based column of the token's first character (one past the last at the end).
    let column: Int
}

/// Splits a formula into tokens. Columns count Unicode scalars from 1.
enum FormulaLexer {
    static func tokenize(_ source: String) throws(FormulaError) -> [FormulaToken] {
        let scalars = Array(source.unicodeScalars)
        var tokens: [FormulaToken] = []
        var i = 0

        func isDigit(_ s: Unicode.Scalar) -> Bool { s >= "0" && s <= "9" }
        func isIdentifierStart(_ s: Unicode.Scalar) -> Bool {
            (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || s == "_"
        }
        func text(_ range: Range<Int>) -> String {
            var t = String.UnicodeScalarView()
            t.append(contentsOf: scalars[range])
            return String(t)
        }

        while i < scalars.count {
            let s = scalars[i]
            let column = i + 1
            if s.properties.isWhitespace {
                i += 1
                continue
            }
            if isDigit(s) || (s == "." && i + 1 < scalars.count && isDigit(scalars[i + 1])) {
                let start = i
                while i < scalars.count, isDigit(scalars[i]) { i += 1 }
                if i < scalars.count, scalars[i] == "." {
                    i += 1
                    while i < scalars.count, isDigit(scalars[i]) { i += 1 }
                }
                if i < scalars.count, scalars[i] == "e" || scalars[i] == "E" {
                    // An exponent must have digits; `2e` or `1e+` is a malformed number.
                    var j = i + 1
                    if j < scalars.count, scalars[j] == "+" || scalars[j] == "-" { j += 1 }
                    let digitsStart = j
                    while j < scalars.count, isDigit(scalars[j]) { j += 1 }
                    if j == digitsStart {
                        var end = j
                        while end < scalars.count, isIdentifierStart(scalars[end]) || isDigit(scalars[end]) {
                            end += 1
                        }
                        throw .malformedNumber(text(start..<end), column: start + 1)
                    }
                    i = j
                }
                let literal = text(start..<i)
                // Spell the literal the way Swift's parser surely accepts: digits on both
                // sides of the dot ("1." → "1.0", ".5" → "0.5", "1.e3" → "1.0e3").
                var normalised = ""
                var previous: Character = " "
                for c in literal {
                    if previous == ".", !c.isNumber { normalised.append("0") }
                    if c == ".", !previous.isNumber { normalised.append("0") }
                    normalised.append(c)
                    previous = c
                }
                if previous == "." { normalised.append("0") }
                guard let value = Double(normalised) else {
                    throw .malformedNumber(literal, column: column)
                }
                tokens.append(FormulaToken(kind: .number(value), text: literal, column: column))
                continue
            }
            if isIdentifierStart(s) {
                let start = i
                while i < scalars.count, isIdentifierStart(scalars[i]) || isDigit(scalars[i]) { i += 1 }
                let name = text(start..<i)
                tokens.append(FormulaToken(kind: .identifier(name), text: name, column: column))
                continue
            }
            let kind: FormulaToken.Kind
            var length = 1
            switch s {
            case "+": kind = .plus
            case "-": kind = .minus
            case "*":
                if i + 1 < scalars.count, scalars[i + 1] == "*" {
                    kind = .caret
                    length = 2
                } else {
                    kind = .star
                }
            case "/": kind = .slash
            case "^": kind = .caret
            case "(": kind = .leftParen
            case ")": kind = .rightParen
            case "[": kind = .leftBracket
            case "]": kind = .rightBracket
            case "=": kind = .equals
            default:
                throw .unexpectedCharacter(String(Character(s)), column: column)
            }
            tokens.append(FormulaToken(kind: kind, text: text(i..<(i + length)), column: column))
            i += length
        }
        tokens.append(FormulaToken(kind: .end, text: "", column: scalars.count + 1))
        return tokens
    }
}
