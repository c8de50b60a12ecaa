/// Text from an input file made fit for a one-line message: control characters escaped and
/// long values cut.
///
/// ```swift
/// PrintableText.quoted("12,5\r")                          // "'12,5\\r'"
/// PrintableText.quoted(String(repeating: "x", count: 500)) // "'xx…x…'": the first 60 x, then "…"
/// ```
public enum PrintableText {
    /// How many characters of a value a message repeats.
    public static let echoLimit = 60

    /// `value` in single quotes, escaped, and cut after ``echoLimit`` characters with "…":
    /// how a message repeats what it found in a cell.
    public static func quoted(_ value: String) -> String {
        "'" + escaped(cut(value)) + "'"
    }

    /// The first ``echoLimit`` characters of `value`, and "…" when there were more. Reads at
    /// most that many characters, however long the value is.
    public static func cut(_ value: String) -> String {
        var end = value.startIndex
        for _ in 0..<echoLimit {
            guard end < value.endIndex else { return value }
            end = value.index(after: end)
        }
        return end == value.endIndex ? value : value[..<end] + "…"
    }

    /// `text` with every control character written out: `\n`, `\r`, `\t` for those, `\u{…}`
    /// for the others (C0, DEL, C1, and the Unicode line and paragraph separators), so that
    /// the text cannot break a line or move the cursor.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out.append(contentsOf: #"\n"#.unicodeScalars)
            case "\r": out.append(contentsOf: #"\r"#.unicodeScalars)
            case "\t": out.append(contentsOf: #"\t"#.unicodeScalars)
            case _ where isControl(scalar):
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }
}
